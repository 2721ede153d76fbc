import torch
import torch.nn.functional as F


def entropy(logits):
    return -(logits.softmax(1) * logits.log_softmax(1)).sum(1).mean()


def test_time_adapt(model, batches, steps=1):
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    correct = 0
    for x, y in batches:
        for _ in range(steps):
            loss = entropy(model(x))
            opt.zero_grad()
            loss.backward()
            opt.step()
        adapted = model(x)  # expect: NG101@19
        correct += (adapted.max(1)[1] == y).float().sum()
    return correct.item()
