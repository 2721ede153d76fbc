import torch
from torch import nn


class InnerLoop(nn.Module):
    """One task's adaptation: its `forward` hands back plain metrics and the meta-gradients that
    `torch.autograd.grad` computed (no graph: `create_graph` is not set)."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, task):
        x, y = task
        loss = nn.functional.cross_entropy(self.net(x), y)
        grads = torch.autograd.grad(loss, self.net.parameters())
        accuracy = (self.net(x).argmax(1) == y).float().mean().item()
        metrics = (loss.item(), accuracy)
        meta_grads = {name: g for (name, _), g in zip(self.net.named_parameters(), grads)}
        return metrics, meta_grads


class MetaLearner:
    def __init__(self, net, tasks):
        self.net = net
        self.fast_net = InnerLoop(net)
        self.tasks = tasks
        self.optimizer = torch.optim.Adam(net.parameters())

    def meta_update(self, grads):
        for name, p in self.net.named_parameters():
            p.grad = sum(g[name] for g in grads)
        self.optimizer.step()

    def train(self, iterations):
        # the totals add the plain numbers the inner loop returns, and its gradients carry no
        # graph: nothing is kept alive across tasks
        for _ in range(iterations):
            grads, total_loss, total_accuracy = [], 0.0, 0.0
            for task in self.tasks:
                metrics, g = self.fast_net.forward(task)
                loss, accuracy = metrics
                grads.append(g)
                total_loss += loss
                total_accuracy += accuracy
            self.meta_update(grads)
            print(total_loss / len(self.tasks), total_accuracy / len(self.tasks))
