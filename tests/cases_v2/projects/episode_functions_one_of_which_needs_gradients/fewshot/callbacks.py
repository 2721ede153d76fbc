"""An evaluation callback holds the episode function each experiment gives it and runs it with
`train=False` at the end of every epoch. One experiment gives it a MAML step, whose evaluation
adapts the weights by `torch.autograd.grad`: the call may need gradients, and a `no_grad` around it
would break that experiment. Silent (the prototypical episode's graphs are wasted, but its fix is
`torch.set_grad_enabled(train)` inside it, not here)."""


class EvaluateEpisodes:
    def __init__(self, eval_fn, loader, prefix="val_"):
        self.eval_fn = eval_fn
        self.loader = loader
        self.prefix = prefix

    def on_epoch_end(self, model, optimiser, loss_fn, logs):
        total = 0.0
        for x, y in self.loader:
            loss, y_pred = self.eval_fn(model, optimiser, loss_fn, x, y, train=False)
            total += loss.item()
        logs[self.prefix + "loss"] = total / len(self.loader)
