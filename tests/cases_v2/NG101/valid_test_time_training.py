"""Test-time adaptation: the test loop minimises entropy, so it needs gradients."""
import torch


def test(model, test_loader, optimizer):
    model.train()  # normalise with the statistics of each test batch
    correct = 0
    for x, y in test_loader:
        logits = model(x)
        entropy = -(logits.softmax(1) * logits.log_softmax(1)).sum(1).mean()
        optimizer.zero_grad()
        entropy.backward()
        optimizer.step()
        correct += (logits.argmax(1) == y).sum().item()
    return correct / len(test_loader.dataset)


def test_with_rotation_task(model, rot_head, x, optimizer, steps=1):
    model.eval()
    for _ in range(steps):
        k = torch.randint(0, 4, (x.size(0),))
        rotated = torch.stack([torch.rot90(img, int(r), (1, 2)) for img, r in zip(x, k)])
        loss = torch.nn.functional.cross_entropy(rot_head(model.features(rotated)), k)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        return model(x).argmax(1)
