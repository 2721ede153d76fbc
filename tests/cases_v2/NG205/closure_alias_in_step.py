import torch


class PerturbedSharpness(torch.optim.Optimizer):
    def __init__(self, params, base_optimizer, rho=0.05):
        super().__init__(params, dict(rho=rho))
        self.base_optimizer = base_optimizer
        self.compute_gradients = None

    @torch.no_grad()
    def prepare(self, model, loss_fn, inputs, targets):
        def compute_gradients():
            self.base_optimizer.zero_grad()
            with torch.enable_grad():
                loss = loss_fn(model(inputs), targets)
            loss.backward()
            return loss.detach()

        self.compute_gradients = compute_gradients

    @torch.no_grad()
    def step(self, closure=None):
        if closure is not None:
            evaluate = closure
        else:
            evaluate = self.compute_gradients
        loss = evaluate()  # expect: NG205@16
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.add_(p.grad, alpha=group["rho"])
        evaluate()  # expect: NG205@9
        self.base_optimizer.step()
        return loss
