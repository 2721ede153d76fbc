import torch.nn as nn


def train(model, batches, optimizer):
    smooth = 0.0
    for step, (x, y) in enumerate(batches):
        loss = nn.functional.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        smooth = 0.99 * smooth + 0.01 * loss.item()  # a number: no graph is kept
        if step % 100 == 0:
            print(f"step {step}: smoothed loss {smooth:.4f}")
