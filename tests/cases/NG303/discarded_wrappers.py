import torch


class SharpnessAware(torch.optim.Optimizer):
    @torch.no_grad()
    def step(self, closure=None):
        self.first_step()
        torch.enable_grad()(closure)  # expect: NG303@9
        self.second_step()


def evaluate(run):
    torch.no_grad(run)  # expect: NG303@5
    return run()


def wrap_later(model):
    torch.inference_mode()(model.forward)  # expect: NG303@5
    return model
