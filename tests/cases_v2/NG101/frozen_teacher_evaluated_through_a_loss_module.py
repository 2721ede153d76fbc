"""A distillation script's `test` computes its loss through a project loss module that runs the
networks it is given (`criterion(image, target, student, teacher)`). Before training, it tests the
teacher, every parameter of which was frozen, as both networks: the loss module holds no
parameter and the networks record nothing, silent. After training, testing the student (whose
weights train) with gradients on records a graph per batch: NG101 at that call."""
import torch
from torch import nn
from torch.nn import functional as F

import zoo


class DistillLoss(nn.Module):
    def forward(self, image, target, student, teacher):
        pred = student(image)
        return F.cross_entropy(pred, target), pred


def test(student, teacher, criterion, loader):
    student = student.eval()
    correct = 0
    for image, target in loader:
        loss, pred = criterion(image, target, student, teacher)
        correct += (pred.argmax(1) == target).sum().item()
    student.train()
    return correct


def train(student, teacher, criterion, loader, optimizer, epochs=3):
    for _ in range(epochs):
        for image, target in loader:
            loss, _ = criterion(image, target, student, teacher)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            print(test(student, teacher, criterion, loader))


if __name__ == "__main__":
    teacher = zoo.teacher(pretrained=True).to("cpu")
    student = zoo.student(pretrained=True).to("cpu")
    for param in teacher.parameters():
        param.requires_grad = False
    teacher = teacher.eval()
    loader = zoo.loader()
    print(test(teacher, teacher, DistillLoss(), loader))
    train(student, teacher, DistillLoss(), loader, torch.optim.Adam(student.parameters()))
    print(test(student, teacher, DistillLoss(), loader))  # expect: NG101@11
