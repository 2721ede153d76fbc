"""The project's own context manager: it puts models in eval mode and, only when its `no_grad`
flag is true, enters `torch.no_grad()` in `__enter__` (a field holding the context, entered by
hand). A class named like a grad-mode wrapper whose `__enter__` enters a context that disables
gradients only under `if self.no_grad:` disables them where a call passes `no_grad=True`, not
where the flag keeps its default (round 36: two medium false findings)."""
import torch


class eval_mode:
    def __init__(self, *models, no_grad=False):
        self.models = models
        self.no_grad = no_grad
        self.no_grad_context = torch.no_grad()

    def __enter__(self):
        self.prev_states = []
        for model in self.models:
            self.prev_states.append(model.training)
            model.train(False)
        if self.no_grad:
            self.no_grad_context.__enter__()

    def __exit__(self, *args):
        if self.no_grad:
            self.no_grad_context.__exit__(*args)
        for model, state in zip(self.models, self.prev_states):
            model.train(state)
        return False
