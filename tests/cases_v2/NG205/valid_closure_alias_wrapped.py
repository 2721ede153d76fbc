import torch


class PerturbedSharpness(torch.optim.Optimizer):
    def __init__(self, params, base_optimizer, rho=0.05):
        super().__init__(params, dict(rho=rho))
        self.base_optimizer = base_optimizer

    @torch.no_grad()
    def step(self, closure=None):
        evaluate = closure
        evaluate = torch.enable_grad()(evaluate)
        loss = evaluate()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.add_(p.grad, alpha=group["rho"])
        self.base_optimizer.step()
        return loss

    @torch.no_grad()
    def second_step(self, closure=None):
        recompute = closure
        with torch.enable_grad():
            recompute()
        self.base_optimizer.step()
