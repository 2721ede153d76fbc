"""Auxiliary networks in training loops that record nothing, or whose graph is used."""
import torch
import torch.nn.functional as F


def distill_from_frozen(student, teacher, loader, optimizer):
    teacher.eval().requires_grad_(False)
    for x, y in loader:
        # frozen parameters and a plain input: no graph is recorded, detach() changes nothing
        soft_targets = F.softmax(teacher(x), dim=-1).detach()
        loss = F.kl_div(F.log_softmax(student(x), dim=-1), soft_targets, reduction="batchmean")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def distill_guarded(student, teacher, loader, optimizer):
    teacher.eval()
    for x, y in loader:
        with torch.no_grad():
            soft_targets = F.softmax(teacher(x), dim=-1)
        loss = F.kl_div(F.log_softmax(student(x), dim=-1), soft_targets, reduction="batchmean")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def train_step_perceptual(gen, vgg, batch, opt_g):
    # the frozen network's graph is needed: gradients flow through it into the generator
    vgg.eval().requires_grad_(False)
    fake = gen(batch["lowres"])
    loss = F.l1_loss(fake, batch["hires"]) + F.mse_loss(vgg(fake), vgg(batch["hires"]))
    opt_g.zero_grad()
    loss.backward()
    opt_g.step()
    return loss.item()


def train_step_logged(model, x, y, opt, history):
    out = model(x)
    loss = F.cross_entropy(out, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    history.append(out.detach().argmax(1).eq(y).float().mean().item())
