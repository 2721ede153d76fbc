import torch
import torch.nn.functional as F


def forward_batch(m, batch):
    x = batch["pixel_values"]
    return F.softmax(m(x), dim=-1)


def report(m, loader):
    m.eval()
    hits = 0
    with torch.no_grad():
        for batch in loader:
            probs = forward_batch(m, batch)
            hits += (probs.argmax(-1) == batch["label"]).sum().item()
    return hits / len(loader.dataset)


def logits_of(m, batch):
    return m(batch["pixel_values"])


def train_one_epoch(m, loader, opt):
    m.train()
    for batch in loader:
        loss = F.cross_entropy(logits_of(m, batch), batch["label"])
        opt.zero_grad()
        loss.backward()
        opt.step()
