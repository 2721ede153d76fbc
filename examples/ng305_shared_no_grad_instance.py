# nograd-verify: expect NG305
"""One module-level torch.no_grad() object shared by a caller and its helper.

The object stores the mode to restore on itself. `classify` enters it, then `features` enters it
again before `classify` exits: the inner entry overwrites the saved mode, and after both blocks
exit gradients stay disabled. The fix writes a fresh `torch.no_grad()` at each `with`.
"""
import torch
from torch import nn

NO_GRAD = torch.no_grad()


def features(backbone, x):
    with NO_GRAD:
        return backbone(x)


def classify(backbone, classifier, x):
    with NO_GRAD:
        return classifier(features(backbone, x)).argmax(dim=1)


def main():
    torch.manual_seed(0)
    backbone = nn.Sequential(nn.Linear(10, 20), nn.ReLU())
    classifier = nn.Linear(20, 3)
    x = torch.randn(16, 10, generator=torch.Generator().manual_seed(1))
    return {"classes": classify(backbone, classifier, x)}


if __name__ == "__main__":
    main()
    print("gradients enabled after main():", torch.is_grad_enabled())
