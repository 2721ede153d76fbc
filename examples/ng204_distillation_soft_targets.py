# nograd-verify: expect NG204
"""A small student network distilled from a bigger teacher, whose outputs are computed under
torch.inference_mode().

The teacher is only run for targets, so its forward pass was put in inference mode "for speed".
But its outputs are inference tensors, and `F.mse_loss` saves its target to compute the
prediction's gradient: the loss raises "Inference tensors cannot be saved for backward" at the
first step. There is no automatic fix: `torch.no_grad()` for the teacher, or a
`soft_targets.clone()`, are the author's choice.
"""
import torch
import torch.nn.functional as F
from torch import nn


def make_teacher():
    teacher = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))
    teacher.requires_grad_(False)
    return teacher.eval()


def make_batches(count=4, batch_size=32, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return [(torch.randn(batch_size, 8, generator=generator), torch.randint(0, 3, (batch_size,), generator=generator))
            for _ in range(count)]


def distill(teacher, student, batches, epochs=2, alpha=0.5):
    optimizer = torch.optim.Adam(student.parameters(), lr=1e-2)
    for _ in range(epochs):
        for inputs, labels in batches:
            with torch.inference_mode():
                soft_targets = teacher(inputs)
            logits = student(inputs)
            loss = F.cross_entropy(logits, labels) + alpha * F.mse_loss(logits, soft_targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


def main():
    torch.manual_seed(0)
    teacher = make_teacher()
    student = nn.Linear(8, 3)
    distill(teacher, student, make_batches())
    return {name: p.grad for name, p in student.named_parameters()}


if __name__ == "__main__":
    print(sorted(main()))
