"""The twin of eval_loop_after_unfreezing_critic.py: after training, the loop over the probe
images wants gradients of the scores with respect to the inputs (a saliency map), so the forward
passes must record."""
import torch


def fit_and_explain(net, loader, probe_loader):
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    for x, y in loader:
        loss = torch.nn.functional.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    maps = []
    for x, _ in probe_loader:
        x.requires_grad_(True)
        top = net(x).max(dim=1).values.sum()
        maps.append(torch.autograd.grad(top, x)[0].abs())
    return maps
