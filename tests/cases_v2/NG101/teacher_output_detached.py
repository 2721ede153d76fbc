import torch.nn.functional as F


def distill_epoch(student, teacher, loader, optimizer, T=4.0, alpha=0.7):
    teacher.eval()
    student.train()
    for x, y in loader:
        soft_targets = F.softmax(teacher(x) / T, dim=-1).detach()  # expect: NG101@34
        logits = student(x)
        kd = F.kl_div(F.log_softmax(logits / T, dim=-1), soft_targets, reduction="batchmean") * T * T
        loss = alpha * kd + (1 - alpha) * F.cross_entropy(logits, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
