import torch as T
from torch.optim.optimizer import Optimizer


class SignSGD(Optimizer):
    def __init__(self, params, lr=1e-3):
        super().__init__(params, dict(lr=lr))

    @T.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            # re-evaluate the model
            loss = closure()  # expect: NG205@20
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.add_(p.grad.sign(), alpha=-group["lr"])
        return loss


class Optimistic(T.optim.Optimizer):
    def step(self, closure):
        with T.no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    p.sub_(p.grad, alpha=group["lr"])
            return closure()  # expect: NG205@20


class Restarting(T.optim.SGD):
    @T.no_grad()
    def step(self, closure=None):
        closure()  # expect: NG205@9
        return super().step()
