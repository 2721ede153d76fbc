# nograd-verify: expect NG306
"""A generator of frozen-backbone features that yields inside `with torch.no_grad():`.

While the generator waits at `yield`, its no_grad block is still active, so the consumer's
training code runs with gradients disabled: the classifier's loss has no graph and
`loss.backward()` raises RuntimeError. The fix moves the context to a decorator, which
restores the consumer's mode at every yield.
"""
import torch
from torch import nn


def frozen_features(backbone, batches):
    with torch.no_grad():
        for x, y in batches:
            yield backbone(x), y


def make_batches(count=8, batch_size=32, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return [(torch.randn(batch_size, 12, generator=generator), torch.randint(0, 4, (batch_size,), generator=generator))
            for _ in range(count)]


def main():
    torch.manual_seed(0)
    backbone = nn.Sequential(nn.Linear(12, 24), nn.ReLU())
    classifier = nn.Linear(24, 4)
    optimizer = torch.optim.SGD(classifier.parameters(), lr=0.1)
    criterion = nn.CrossEntropyLoss()
    for feats, labels in frozen_features(backbone, make_batches()):
        optimizer.zero_grad()
        loss = criterion(classifier(feats), labels)
        loss.backward()
        optimizer.step()
    return {name: p.grad for name, p in classifier.named_parameters()}


if __name__ == "__main__":
    print(sorted(main()))
