import torch


class Averaged(torch.optim.Optimizer):
    @torch.inference_mode()
    def step(self, closure=None):
        with torch.inference_mode(False):
            loss = closure()  # expect: NG205@16
        for group in self.param_groups:
            for p in group["params"]:
                p.sub_(p.grad, alpha=group["lr"])
        return loss


class Copied(torch.optim.Optimizer):
    @torch.inference_mode()
    def step(self, closure=None):
        with torch.inference_mode(False):  # torch.optim's idiom, but inference mode stays on
            loss = closure()  # expect: NG205@20
        for group in self.param_groups:
            for p in group["params"]:
                p.sub_(p.grad, alpha=group["lr"])
        return loss
