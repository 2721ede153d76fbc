"""A parameter-free rotary embedding decorated with `@torch.no_grad()`: it rotates the queries
and keys the attention block computes with `q_proj`/`k_proj`, and the attention output is built
from what it returns, so those projections never get a gradient. NG208 (medium) at the
decorator, with the call as the related location."""
import torch
from torch import nn
import torch.nn.functional as F


class Rotary(nn.Module):
    def __init__(self, dim, max_len=2048):
        super().__init__()
        angles = torch.outer(torch.arange(max_len).float(), torch.ones(dim // 2))
        self.register_buffer("cos", angles.cos())
        self.register_buffer("sin", angles.sin())

    @torch.no_grad()  # expect: NG208@6
    def forward(self, q, k, start=0):
        cos, sin = self.cos[start:start + q.shape[1]], self.sin[start:start + q.shape[1]]
        return q * cos - k * sin, k * cos + q * sin


class Attention(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.q_proj = nn.Linear(dim, dim)
        self.k_proj = nn.Linear(dim, dim)
        self.v_proj = nn.Linear(dim, dim)
        self.rotary = Rotary(dim)

    def forward(self, x):
        q, k = self.rotary(self.q_proj(x), self.k_proj(x))
        return F.scaled_dot_product_attention(q, k, self.v_proj(x))
