import copy

import torch


class Distillation:
    """Learning without forgetting: the model of the previous task, copied, gives soft targets."""

    def __init__(self, temperature=2.0):
        self.temperature = temperature
        self.prev_model = None

    def _soft_loss(self, out, prev_out):
        log_p = torch.log_softmax(out / self.temperature, dim=1)
        q = torch.softmax(prev_out / self.temperature, dim=1)
        return torch.nn.functional.kl_div(log_p, q, reduction="batchmean")

    def penalty(self, out, x, alpha):
        if self.prev_model is None:
            return 0
        targets = self.prev_model(x).detach()  # expect: NG101@19
        return alpha * self._soft_loss(out, targets)

    def before_backward(self, strategy):
        strategy.loss += self.penalty(strategy.mb_output, strategy.mb_x, 1.0)

    def after_task(self, strategy):
        self.prev_model = copy.deepcopy(strategy.model)
