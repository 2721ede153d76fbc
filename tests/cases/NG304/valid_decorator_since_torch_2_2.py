# settings: torch_version=2.2
import torch


@torch.set_grad_enabled(False)
def test_cached_activations_match(model, tokens):
    return model(tokens)
