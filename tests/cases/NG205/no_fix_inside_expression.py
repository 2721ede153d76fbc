import torch
from torch.optim import Optimizer


class Tracked(Optimizer):
    @torch.no_grad()
    def step(self, closure=None):
        self.history.append(closure())  # expect: NG205@29
        scaled = closure() * self.defaults["scale"]  # expect: NG205@18
        if closure is not None: closure()  # expect: NG205@33
        loss = closure() if closure is not None else None  # expect: NG205@16
        return scaled
