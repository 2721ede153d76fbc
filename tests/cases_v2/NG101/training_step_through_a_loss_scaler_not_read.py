# settings: min_confidence=low
"""A restoration model's training loop hands each loss and the optimizer to a loss scaler from a
library the run does not read (`loss_scaler(loss, optimizer, parameters=...)`, which
backpropagates and steps); a periodic validation under `no_grad` puts the model in eval mode.
The loop trains: silent. `main_logging_only` hands the loss to a logger with no optimizer: its
loop records a graph per batch that nothing uses, NG101."""
import torch
from torch import nn
from mixed_precision import NativeScaler
from tracking import log_loss


def main(model, loader, val_loader, epochs=10, eval_every=100):
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-4)
    loss_scaler = NativeScaler()
    criterion = nn.L1Loss()
    step = 0
    for _ in range(epochs):
        model.train()
        for noisy, clean in loader:
            optimizer.zero_grad()
            with torch.cuda.amp.autocast():
                restored = model(noisy)
                loss = criterion(restored, clean)
            loss_scaler(loss, optimizer, parameters=model.parameters())
            step += 1
            if step % eval_every == 0:
                with torch.no_grad():
                    model.eval()
                    errors = [((model(x) - y) ** 2).mean().item() for x, y in val_loader]
                    print(sum(errors) / len(errors))
                model.train()


def main_logging_only(model, loader):
    criterion = nn.L1Loss()
    model.eval()
    for step, (noisy, clean) in enumerate(loader):
        loss = criterion(model(noisy), clean)  # expect: NG101@26
        log_loss(loss.item(), step)
