"""The losses travel in a dict (a torch loss and a project distillation loss). In `evaluate`, the
student runs under `no_grad` and the classification loss read from the dict is computed on its
output after the block: a loss, not a forward pass of a module with parameters, so nothing
records. `evaluate_unguarded` runs the student itself with gradients on."""
import torch
import torch.nn.functional as F
from torch import nn


class SoftTarget(nn.Module):
    def __init__(self, temperature):
        super().__init__()
        self.temperature = temperature

    def forward(self, student, teacher):
        return F.kl_div(F.log_softmax(student / self.temperature, 1), F.softmax(teacher / self.temperature, 1))


def evaluate(loader, net, criterions):
    criterion = criterions["cls"]
    net.eval()
    total = 0.0
    for images, labels in loader:
        with torch.no_grad():
            logits = net(images)
        total += criterion(logits, labels).item()
    return total / len(loader)


def evaluate_unguarded(loader, net, criterions):
    criterion = criterions["cls"]
    net.eval()
    total = 0.0
    for images, labels in loader:
        logits = net(images)  # expect: NG101@18
        total += criterion(logits, labels).item()
    return total / len(loader)


def main(loader, student):
    criterions = {"cls": nn.CrossEntropyLoss(), "kd": SoftTarget(4.0)}
    print(evaluate(loader, student, criterions), evaluate_unguarded(loader, student, criterions))
