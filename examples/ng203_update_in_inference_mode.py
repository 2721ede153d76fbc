# nograd-verify: expect NG203
"""A warm-up epoch whose optimizer step was wrapped in torch.inference_mode().

The author reasoned that the parameter update needs no graph, and inference mode is the
faster no_grad. The warm-up epoch runs, but SGD's momentum buffers are created by a step in
inference mode: they are inference tensors. The first ordinary `optimizer.step()` of the
training epochs that follow updates them in place and raises "Inplace update to inference
tensor outside InferenceMode is not allowed". There is no automatic fix: the step belongs
outside the block (or under no_grad, which the optimizer already uses itself).
"""
import torch
from torch import nn


def make_batches(count=8, batch_size=64, seed=0):
    generator = torch.Generator().manual_seed(seed)
    batches = []
    for _ in range(count):
        inputs = torch.randn(batch_size, 20, generator=generator)
        labels = (inputs[:, :5].sum(dim=1) > 0).long()
        batches.append((inputs, labels))
    return batches


def warmup_epoch(model, optimizer, criterion, batches):
    for inputs, labels in batches:
        optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        loss.backward()
        with torch.inference_mode():  # "the update needs no autograd"
            optimizer.step()


def train_epoch(model, optimizer, criterion, batches):
    for inputs, labels in batches:
        optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        loss.backward()
        optimizer.step()


def main():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 2))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    criterion = nn.CrossEntropyLoss()
    batches = make_batches()
    warmup_epoch(model, optimizer, criterion, batches)
    for _ in range(3):
        train_epoch(model, optimizer, criterion, batches)
    return {name: p.grad for name, p in model.named_parameters()}


if __name__ == "__main__":
    print(sorted(main()))
