# nograd-verify: expect NG201
"""A sequence model whose loss helper backpropagates, reused for validation under no_grad.

`LossCompute.__call__` computes the loss of a batch and calls `loss.backward()`; it steps the
optimizer only when it is given one. Validation runs the same epoch loop under
`torch.no_grad()` with a helper that has no optimizer: the loss there records no graph, so
`loss.backward()` raises "element 0 of tensors does not require grad and does not have a
grad_fn" after the first training epoch. The linter reports the validation call and names the
backward pass; there is no automatic fix (give validation a loss that does not backpropagate).
"""
import torch
from torch import nn


class LossCompute:
    """The loss of a batch, backpropagated; the optimizer steps when one is given."""

    def __init__(self, generator, criterion, opt=None):
        self.generator = generator
        self.criterion = criterion
        self.opt = opt

    def __call__(self, hidden, targets, norm):
        logits = self.generator(hidden)
        loss = self.criterion(logits.reshape(-1, logits.size(-1)), targets.reshape(-1)) / norm
        loss.backward()
        if self.opt is not None:
            self.opt.step()
            self.opt.zero_grad()
        return loss.item() * norm


def make_batches(count, seed, vocab=12, length=6, batch_size=8):
    generator = torch.Generator().manual_seed(seed)
    batches = []
    for _ in range(count):
        tokens = torch.randint(0, vocab, (batch_size, length), generator=generator)
        batches.append((tokens, tokens.roll(1, dims=1)))
    return batches


def run_epoch(batches, model, loss_compute):
    total = 0.0
    for tokens, targets in batches:
        total += loss_compute(model(tokens), targets, targets.numel())
    return total / len(batches)


def main():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Embedding(12, 16), nn.Linear(16, 16), nn.Tanh())
    generator = nn.Linear(16, 12)
    criterion = nn.CrossEntropyLoss(reduction="sum")
    opt = torch.optim.SGD(list(model.parameters()) + list(generator.parameters()), lr=0.01)
    train_batches, valid_batches = make_batches(4, seed=1), make_batches(2, seed=2)
    history = []
    for _ in range(2):
        model.train()
        train_loss = run_epoch(train_batches, model, LossCompute(generator, criterion, opt))
        model.eval()
        with torch.no_grad():
            valid_loss = run_epoch(valid_batches, model, LossCompute(generator, criterion))
        history.append((train_loss, valid_loss))
    return history


if __name__ == "__main__":
    print(main())
