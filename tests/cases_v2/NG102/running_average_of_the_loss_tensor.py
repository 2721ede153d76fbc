import torch.nn as nn


def train(model, batches, optimizer):
    smooth = 0.0
    for step, (x, y) in enumerate(batches):
        loss = nn.functional.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        # an exponential moving average of the tensor links every step's graph to the next
        smooth = smooth * 0.99 + loss * 0.01  # expect: NG102@34
        if step % 100 == 0:
            print(f"step {step}: smoothed loss {float(smooth):.4f}")
