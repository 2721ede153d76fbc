"""torchtnt runs an `EvalUnit`'s `eval_step` under `@torch.no_grad()` (`_evaluate_impl`): a
derivative of a forward pass made there raises. NG201, medium, at the forward pass (the
message names the framework's context, not Lightning's)."""
import torch
from torchtnt.framework.unit import EvalUnit


class SaliencyProbe(EvalUnit):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def eval_step(self, state, data):
        inputs = data.clone().requires_grad_(True)
        scores = self.net(inputs)  # expect: NG201@18
        return torch.autograd.grad(scores.sum(), inputs)[0].abs()
