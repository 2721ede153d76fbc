import torch
from torch import enable_grad


class SAM(torch.optim.Optimizer):
    def __init__(self, params, base_optimizer, rho=0.05):
        super().__init__(params, dict(rho=rho))
        self.base_optimizer = base_optimizer

    def _ascend(self, closure):
        with enable_grad():
            loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.add_(p.grad, alpha=group["rho"])
        return loss

    @torch.no_grad()
    def step(self, closure=None):
        loss = self._ascend(closure)  # expect: NG205@16
        with enable_grad():
            closure()
        self.base_optimizer.step()
        return loss
