"""Functions named like evaluation that fit parameters on the validation split."""
import torch
import torch.nn.functional as F


def validate(model, val_loader, temperature):
    """Temperature scaling: fit one scalar on held-out logits."""
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(x) for x, _ in val_loader])
        labels = torch.cat([y for _, y in val_loader])
    opt = torch.optim.LBFGS([temperature], lr=0.01, max_iter=50)

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(logits / temperature, labels)
        loss.backward()
        return loss

    opt.step(closure)
    return temperature.item()


def validate_and_adapt(net, val_loader, opt):
    net.eval()
    for x, y in val_loader:
        loss = F.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
