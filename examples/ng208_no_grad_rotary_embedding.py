# nograd-verify: expect NG208
"""A rotary position embedding whose `forward` is decorated with `@torch.no_grad()`.

`Rotary` has no parameters, so disabling gradients in it looks harmless: its author only meant
the sine and cosine tables. But it rotates the queries and keys that `Attention.forward` gives
it, and attention is computed from what it returns: the rotated queries and keys carry no graph,
so the loss's gradient never reaches `q_proj` and `k_proj`. Training runs without an error, the
value projection and the output layer learn, and the query and key projections keep
`.grad is None`. `main()` returns the gradients of every parameter.
"""
import torch
from torch import nn


class Rotary(nn.Module):
    def __init__(self, dim, max_len=32):
        super().__init__()
        angles = torch.outer(torch.arange(max_len).float(), 1.0 / 10000 ** (torch.arange(0, dim, 2).float() / dim))
        self.register_buffer("cos", angles.cos())
        self.register_buffer("sin", angles.sin())

    @torch.no_grad()
    def forward(self, queries, keys):
        length = queries.shape[1]
        cos, sin = self.cos[:length], self.sin[:length]
        return self._rotate(queries, cos, sin), self._rotate(keys, cos, sin)

    @staticmethod
    def _rotate(x, cos, sin):
        even, odd = x[..., 0::2], x[..., 1::2]
        return torch.cat([even * cos - odd * sin, even * sin + odd * cos], dim=-1)


class Attention(nn.Module):
    def __init__(self, dim=16, num_classes=4):
        super().__init__()
        self.q_proj = nn.Linear(dim, dim)
        self.k_proj = nn.Linear(dim, dim)
        self.v_proj = nn.Linear(dim, dim)
        self.rotary = Rotary(dim)
        self.out = nn.Linear(dim, num_classes)

    def forward(self, x):
        queries, keys = self.rotary(self.q_proj(x), self.k_proj(x))
        weights = torch.softmax(queries @ keys.transpose(1, 2) / x.shape[-1] ** 0.5, dim=-1)
        return self.out((weights @ self.v_proj(x)).mean(1))


def make_data(num_samples=32, length=8, dim=16, seed=0):
    generator = torch.Generator().manual_seed(seed)
    tokens = torch.randn(num_samples, length, dim, generator=generator)
    labels = torch.randint(0, 4, (num_samples,), generator=generator)
    return tokens, labels


def main():
    torch.manual_seed(0)
    tokens, labels = make_data()
    model = Attention()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(5):
        loss = nn.functional.cross_entropy(model(tokens), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return {name: p.grad for name, p in model.named_parameters()}


if __name__ == "__main__":
    print({name: grad is None for name, grad in main().items()})
