import torch
import torch.nn as nn


class Inferer:
    """Loads a classifier for inference; `__init__` turns gradients off for the whole process."""

    def __init__(self, path):
        self.model = nn.Sequential(nn.Embedding(1000, 32), nn.Flatten(), nn.Linear(32 * 8, 3))
        self.model.load_state_dict(torch.load(path))
        self.model.eval()
        torch.set_grad_enabled(False)  # expect: NG304@9

    def evaluate(self, token_ids):
        # runs after `__init__`, with gradients off: no NG101 here, the leak is the finding
        logits = self.model(torch.tensor([token_ids]))
        return logits.softmax(-1).argmax(-1).item()


if __name__ == "__main__":
    inferer = Inferer("classifier.pt")
    print(inferer.evaluate([1, 2, 3, 4, 5, 6, 7, 8]))
