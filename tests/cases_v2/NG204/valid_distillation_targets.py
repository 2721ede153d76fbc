import torch
import torch.nn.functional as F
from torch import nn


def distill_no_grad(student: nn.Module, teacher: nn.Module, optimizer, images):
    """Made under no_grad: plain tensors, which a loss can save."""
    with torch.no_grad():
        soft_labels = teacher(images)
    loss = F.mse_loss(student(images), soft_labels)
    loss.backward()
    optimizer.step()


def distill_clone(student: nn.Module, teacher: nn.Module, optimizer, images):
    """A clone made outside inference mode is a normal tensor."""
    with torch.inference_mode():
        soft_labels = teacher(images)
    loss = F.mse_loss(student(images), soft_labels.clone())
    loss.backward()
    optimizer.step()


def distill_l1(student: nn.Module, teacher: nn.Module, optimizer, images):
    """l1_loss computes with `input - target` and saves no target (checked on torch)."""
    with torch.inference_mode():
        soft_labels = teacher(images)
    loss = F.l1_loss(student(images), soft_labels)
    loss.backward()
    optimizer.step()


def distill_log_target(student: nn.Module, teacher: nn.Module, optimizer, images):
    """kl_div with log_target=True saves no target either."""
    with torch.inference_mode():
        teacher_log_probs = F.log_softmax(teacher(images), dim=-1)
    student_log_probs = F.log_softmax(student(images), dim=-1)
    loss = F.kl_div(student_log_probs, teacher_log_probs, log_target=True, reduction="batchmean")
    loss.backward()
    optimizer.step()


def distill_probabilities_outside(student: nn.Module, teacher: nn.Module, optimizer, images):
    """Probabilities computed outside inference mode from the teacher's logits are normal tensors."""
    with torch.inference_mode():
        teacher_logits = teacher(images)
    loss = F.kl_div(F.log_softmax(student(images), dim=-1), F.softmax(teacher_logits, dim=-1), reduction="batchmean")
    loss.backward()
    optimizer.step()


def teacher_gap(student: nn.Module, teacher: nn.Module, images):
    """Nothing is backpropagated: a number to log."""
    with torch.inference_mode():
        soft_labels = teacher(images)
        return F.mse_loss(student(images), soft_labels).item()


def pseudo_labels_outside(model: nn.Module, frozen_copy: nn.Module, optimizer, images):
    """`argmax` outside inference mode makes a normal tensor (checked on torch)."""
    with torch.inference_mode():
        teacher_logits = frozen_copy(images)
    loss = F.cross_entropy(model(images), teacher_logits.argmax(dim=1))
    loss.backward()
    optimizer.step()


def residual_to_teacher(student: nn.Module, teacher: nn.Module, optimizer, images):
    """`-` saves neither operand; the difference it makes is a normal tensor, which `**` may save."""
    with torch.inference_mode():
        baseline = teacher(images)
    loss = ((student(images) - baseline) ** 2).mean()
    loss.backward()
    optimizer.step()
