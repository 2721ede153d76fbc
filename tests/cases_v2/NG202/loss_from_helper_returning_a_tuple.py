"""A training epoch decorated with `@torch.no_grad()` (copied from the evaluation loop) takes its
outputs, targets and loss from a helper that runs the model and the loss function and returns all
three: computed with gradients off, the loss has no graph, whatever the batch carried."""
import torch


def forward_and_loss(model, batch, loss_fn):
    inputs, targets = batch
    outputs = model(inputs)
    return outputs, targets, loss_fn(outputs, targets)


@torch.no_grad()  # expect: NG202@2
def train_one_epoch(model, loader, loss_fn, optimizer):
    model.train()
    for batch in loader:
        optimizer.zero_grad()
        outputs, targets, loss = forward_and_loss(model, batch, loss_fn)
        loss.backward()
        optimizer.step()
