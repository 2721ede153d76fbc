import torch
from torch import nn


class StepLoss:
    """Computes the loss and, when it holds an optimizer, takes the step."""

    def __init__(self, head, criterion, opt=None):
        self.head = head
        self.criterion = criterion
        self.opt = opt

    def __call__(self, x, y):
        loss = self.criterion(self.head(x), y)
        if self.opt is not None:
            loss.backward()
            self.opt.step()
            self.opt.zero_grad()
        return loss.item()


def one_pass(rows, f, step_loss):
    total = 0.0
    for x, y in rows:
        total += step_loss(f(x), y)
    return total


def fit(f, head, train_rows, val_rows):
    criterion = nn.CrossEntropyLoss()
    opt = torch.optim.Adam([*f.parameters(), *head.parameters()])
    for _ in range(10):
        one_pass(train_rows, f, StepLoss(head, criterion, opt))
        print(one_pass(val_rows, f, StepLoss(head, criterion, None)))  # expect: NG101@15
