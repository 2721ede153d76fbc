"""The training script validates through `valid_step(model, batch)`, which calls
`model.decode(...)`; `ASR.decode` runs all of its work under its own `no_grad`: silent."""
import torch
from torch import nn

from asr.model import ASR


def valid_step(model, batch):
    if torch.cuda.device_count() > 1:
        hyps = model.module.decode(batch["xs"])
    else:
        hyps = model.decode(batch["xs"])
    refs = batch["ys"].tolist()
    return hyps, refs


def valid(model, loader):
    hyps_all, refs_all = [], []
    for batch in loader:
        hyps, refs = valid_step(model, batch)
        hyps_all.extend(hyps)
        refs_all.extend(refs)
    return sum(h == r for h, r in zip(hyps_all, refs_all)) / max(len(refs_all), 1)


def main(train_loader, dev_loader, epochs=10):
    model = ASR()
    if torch.cuda.device_count() > 1:
        model = nn.DataParallel(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(epochs):
        model.train()
        for batch in train_loader:
            loss = model(batch["xs"], batch["ys"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        print(valid(model, dev_loader))
