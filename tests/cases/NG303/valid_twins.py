import torch

CONTEXT = torch.no_grad()


def predict(model, x):
    context = torch.inference_mode()
    with context:
        return model(x)


if __name__ == "__main__":
    torch.set_grad_enabled(False)  # a bare set_grad_enabled statement does take effect


class SharpnessAware(torch.optim.Optimizer):
    @torch.no_grad()
    def step(self, closure=None):
        self.first_step()
        closure = torch.enable_grad()(closure)
        closure()
        torch.enable_grad()(self.refresh)()
        self.second_step()


def evaluate(run):
    guarded = torch.no_grad(run)
    return guarded()
