"""A distillation wrapper's `forward` computes the training loss (its callers backpropagate it).
The teacher runs with gradients on and its logits are used only through `.detach()`, statements
later: the teacher's graph is built for nothing at every step. Mutual learning, where both
networks' logits are differentiated, needs the graphs; a teacher run under `no_grad` records none."""
import torch
import torch.nn.functional as F
from torch import nn


class DistillWrapper(nn.Module):
    def __init__(self, teacher, student, temperature=2.0, alpha=0.5):
        super().__init__()
        self.teacher = teacher
        self.student = student
        self.temperature = temperature
        self.alpha = alpha

    def forward(self, images, labels):
        teacher_logits = self.teacher(images)  # expect: NG101@26
        student_logits = self.student(images)
        loss = F.cross_entropy(student_logits, labels)
        soft_targets = F.softmax(teacher_logits / self.temperature, dim=-1).detach()
        distill = F.kl_div(F.log_softmax(student_logits / self.temperature, dim=-1), soft_targets,
                           reduction="batchmean")
        return loss * self.alpha + distill * (1 - self.alpha)


class MutualLearning(nn.Module):
    def __init__(self, left, right):
        super().__init__()
        self.left = left
        self.right = right

    def forward(self, images, labels):
        left_logits = self.left(images)
        right_logits = self.right(images)
        loss = F.cross_entropy(left_logits, labels) + F.cross_entropy(right_logits, labels)
        agreement = F.kl_div(F.log_softmax(left_logits, dim=-1), F.softmax(right_logits, dim=-1),
                             reduction="batchmean")
        return loss + agreement


class GuardedDistillWrapper(DistillWrapper):
    def forward(self, images, labels):
        with torch.no_grad():
            teacher_logits = self.teacher(images)
        student_logits = self.student(images)
        soft_targets = F.softmax(teacher_logits / self.temperature, dim=-1)
        return F.cross_entropy(student_logits, labels) + F.kl_div(
            F.log_softmax(student_logits / self.temperature, dim=-1), soft_targets, reduction="batchmean")
