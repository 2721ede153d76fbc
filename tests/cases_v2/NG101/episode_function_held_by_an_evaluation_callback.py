import torch
import torch.nn as nn


def proto_episode(model, optimiser, loss_fn, x, y, train):
    if train:
        model.train()
        optimiser.zero_grad()
    else:
        model.eval()
    embeddings = model(x)
    loss = loss_fn(embeddings, y)
    if train:
        loss.backward()
        optimiser.step()
    return loss, embeddings


class EvaluateFewShot:
    """Evaluates the model on held-out episodes with the episode function it is built with."""

    def __init__(self, eval_fn, episodes):
        self.eval_fn = eval_fn
        self.episodes = episodes

    def on_epoch_end(self, model, optimiser, loss_fn):
        total = 0.0
        for x, y in self.episodes:
            loss, _ = self.eval_fn(model, optimiser, loss_fn, x, y, train=False)  # expect: NG101@23
            total += loss.item()
        return total / len(self.episodes)


def fit(model, optimiser, loss_fn, batches, fit_function, callbacks):
    for epoch in range(10):
        for x, y in batches:
            fit_function(model, optimiser, loss_fn, x, y, train=True)
        for cb in callbacks:
            cb.on_epoch_end(model, optimiser, loss_fn)


if __name__ == "__main__":
    model = nn.Linear(8, 4)
    opt = torch.optim.Adam(model.parameters())
    fit(model, opt, nn.functional.cross_entropy, [], proto_episode, [EvaluateFewShot(proto_episode, [])])
