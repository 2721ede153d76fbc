# settings: min_confidence=low
import torch

model = torch.nn.Linear(3, 3)


def evaluate(batches, count):
    """Returns a number: each batch's loss is read with .item() (its forward pass is NG101's)."""
    model.eval()
    total = 0
    for data in batches:
        out = model(data)  # expect: NG101@15
        loss = out.mean()
        total += data.size(1) * loss.item()
    return total / count


history = []
for epoch in range(3):
    value = evaluate([torch.rand(2, 3)], 3)
    history.append(value)
