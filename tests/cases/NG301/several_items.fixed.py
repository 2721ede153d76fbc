import contextlib

import torch
from torch.autograd import grad_mode


@torch.inference_mode()
def sample(model, x):
    with contextlib.suppress(KeyError):  # expect: NG301@41
        return model(x)


def after_statement(model, x):
    grad_was_enabled = torch.is_grad_enabled()
    torch.set_grad_enabled(False)
    # expect: NG301@10
    out = model(x)
    torch.set_grad_enabled(grad_was_enabled)  # expect: NG304@5
    return out
