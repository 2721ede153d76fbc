# settings: select=NG4
import torch


class SGD(torch.optim.Optimizer):
    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        return loss


def reenabled(model, x):
    with torch.no_grad():
        with torch.inference_mode(False), torch.no_grad():
            return model(x)


def outside(model, x):
    with torch.enable_grad():
        return model(x)
