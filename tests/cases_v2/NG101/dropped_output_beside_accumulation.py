import torch


def save_samples(samples, path):
    torch.save(samples.detach().cpu(), path)


def train(gen, dis, shadow_net, loader, optimizer, fixed, path):
    """A running loss total (`total = total + loss`) beside a sample of another network that goes
    only to `save_samples`: the sample's graph is never used (judging it once stopped the whole
    file with an internal error)."""
    total = 0
    for i, batch in enumerate(loader):
        loss = dis(gen(batch)).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total = total + loss
        if i % 100 == 0:
            save_samples(shadow_net(fixed), path)  # expect: NG101@26
    return total
