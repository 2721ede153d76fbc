import torch
import torch.nn.functional as F
from torch import nn


def distill_step(student: nn.Module, teacher: nn.Module, optimizer, images, labels, alpha):
    """The teacher's outputs are made under inference_mode (for speed) and given to the loss as
    its target: mse_loss saves its target for the backward pass, so the step raises at once."""
    with torch.inference_mode():
        soft_labels = teacher(images)
    logits = student(images)
    loss = F.cross_entropy(logits, labels) + alpha * F.mse_loss(logits, soft_labels)  # expect: NG204@73
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


class Distiller:
    def __init__(self, student: nn.Module, teacher: nn.Module, optimizer):
        self.student = student
        self.teacher = teacher
        self.optimizer = optimizer
        self.criterion = nn.SmoothL1Loss()

    def step(self, images):
        """A loss module, built in `__init__`, given the teacher's outputs: the same failure."""
        with torch.inference_mode():
            targets = self.teacher(images)
        loss = self.criterion(self.student(images), targets)  # expect: NG204@53
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()


def pseudo_label_step(model: nn.Module, frozen_copy: nn.Module, optimizer, images):
    """Pseudo labels taken under inference_mode (`argmax` there makes an inference tensor too) are
    the class-index target of cross_entropy, which saves it: the same failure."""
    with torch.inference_mode():
        pseudo_labels = frozen_copy(images).argmax(dim=1)
    loss = F.cross_entropy(model(images), pseudo_labels)  # expect: NG204@43
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def weighted_by_teacher(student: nn.Module, teacher: nn.Module, optimizer, images, targets):
    """Per-sample weights from the teacher, made under inference_mode, multiply the student's
    per-sample losses: `*` saves both operands for the backward pass."""
    with torch.inference_mode():
        confidence = teacher(images).softmax(dim=1).amax(dim=1)
    per_sample = F.cross_entropy(student(images), targets, reduction="none")
    loss = (per_sample * confidence).mean()  # expect: NG204@26
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def distill_probabilities(student: nn.Module, teacher: nn.Module, optimizer, images):
    """kl_div saves a probability target (`log_target=False`, written out or not)."""
    with torch.inference_mode():
        teacher_probs = F.softmax(teacher(images), dim=-1)
    student_log_probs = F.log_softmax(student(images), dim=-1)
    loss = F.kl_div(student_log_probs, teacher_probs, log_target=False, reduction="batchmean")  # expect: NG204@40
    loss.backward()
    optimizer.step()
