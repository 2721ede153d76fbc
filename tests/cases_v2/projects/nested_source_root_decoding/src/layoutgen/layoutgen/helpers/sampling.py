"""Token sampling: indices, which carry no graph whatever the logits carry."""
import torch
import torch.nn.functional as F


def sample(logits, cfg):
    if cfg.name == "greedy":
        return torch.argmax(logits, dim=-1, keepdim=True)
    probs = F.softmax(logits / cfg.temperature, dim=-1)
    return torch.multinomial(probs, num_samples=1)
