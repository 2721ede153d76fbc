"""An actor-critic agent whose network comes from a registry (its class is not known). The value
loss is computed in a helper and handed to the network's own `train_step` with the optimizer:
the network backpropagates it, so the helper is training code, whatever `val` in its name
means. Only `report_value_error`, which reads the loss's value and nothing else, is
evaluation: NG101 there."""
import torch
from agents.registry import build_net


class ActorCritic:
    def __init__(self, spec):
        self.net = build_net(spec)
        self.optim = torch.optim.Adam(self.net.parameters(), lr=3e-4)
        self.val_loss_coef = 0.5

    def calc_val_loss(self, v_preds, v_targets):
        return self.val_loss_coef * self.net.loss_fn(v_preds, v_targets)

    def train(self, batch):
        v_preds = self.net(batch["states"])
        val_loss = self.calc_val_loss(v_preds, batch["returns"])
        self.net.train_step(val_loss, self.optim)
        return val_loss.item()

    def train_critic_only(self, batch):
        loss = self.calc_val_loss(self.net(batch["states"]), batch["returns"])
        self.net.fit_on(loss)
        return loss.item()

    def report_value_error(self, batch):
        self.net.eval()
        v_preds = self.net(batch["states"])  # expect: NG101@19
        return self.calc_val_loss(v_preds, batch["returns"]).item()
