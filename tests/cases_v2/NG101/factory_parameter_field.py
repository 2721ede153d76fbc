"""A trainer builds its network by calling the class it is given (`model(scale=...)`, however named): that call
is no forward pass, and the attribute is a module the trainer later evaluates."""
import torch


class Trainer:
    def __init__(self, model, cfg):
        self.net = model(scale=cfg.scale, group=cfg.group)
        self.opt = torch.optim.Adam(self.net.parameters(), cfg.lr)

    def fit(self, loader):
        for low, high in loader:
            self.net.train()
            loss = (self.net(low) - high).abs().mean()
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()

    def evaluate(self, loader):
        total = 0.0
        self.net.eval()
        for low, high in loader:
            out = self.net(low).data  # expect: NG101@19
            total += (out - high).abs().mean().item()
        return total
