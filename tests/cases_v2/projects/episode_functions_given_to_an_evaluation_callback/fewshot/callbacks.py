"""An evaluation callback holds the episode function each experiment gives it (a prototypical or a
matching episode) and runs it with `train=False` at the end of every epoch."""


class EvaluateEpisodes:
    def __init__(self, eval_fn, loader, prefix="val_"):
        self.eval_fn = eval_fn
        self.loader = loader
        self.prefix = prefix

    def on_epoch_end(self, model, optimiser, loss_fn, logs):
        total = 0.0
        for x, y in self.loader:
            loss, y_pred = self.eval_fn(model, optimiser, loss_fn, x, y, train=False)  # expect: NG101@28
            total += loss.item()
        logs[self.prefix + "loss"] = total / len(self.loader)
