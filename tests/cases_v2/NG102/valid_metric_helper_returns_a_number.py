# settings: min_confidence=low
import torch
from sklearn.metrics import f1_score


def binary_f1(scores, targets):
    """A metric of the arguments through argmax and NumPy: no graph comes back from it."""
    return f1_score(targets.cpu().numpy(), scores.argmax(dim=1).cpu().numpy())


def train_epoch(model, loader, optimizer):
    epoch_f1 = 0
    for inputs, labels in loader:
        scores = model(inputs)
        loss = torch.nn.functional.cross_entropy(scores, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        epoch_f1 += binary_f1(scores, labels)
    return epoch_f1 / len(loader)
