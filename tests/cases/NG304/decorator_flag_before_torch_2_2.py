# settings: torch_version=1.13
import torch


def make_decorated(flag):
    # the flag may be False: the leak is reported, with no fix (which mode was meant is not written)
    @torch.set_grad_enabled(flag)  # expect: NG304@6
    def run(model, x):
        return model(x)
    return run
