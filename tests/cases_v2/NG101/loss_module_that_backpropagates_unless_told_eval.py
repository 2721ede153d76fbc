"""A loss module whose `forward` backpropagates the loss itself unless `eval=True` (a
label-smoothed criterion of a translation model, its loss computed by the subclass's
`_compute_loss` from what `**kwargs` passes on). `compute_forward` runs the model and the
criterion and passes `eval` through: `train` calls it with `eval=False`, so it trains there,
and only the validation loop's call, `eval=True`, throws the graph away: NG101 there, never on
`compute_forward`, whose `no_grad` would break training. Before, the helper was reported because
the call with `eval=True` was judged alone."""
import torch.nn.functional as F
from torch import nn


class Criterion(nn.Module):
    def _compute_loss(self, generator, dec_outs, labels):
        raise NotImplementedError

    def forward(self, generator, eval=False, **kwargs):
        loss = self._compute_loss(generator, **kwargs)
        if eval is False:
            loss.backward()
            return loss.detach().clone()
        return loss.clone()


class LabelSmoothedCriterion(Criterion):
    def _compute_loss(self, generator, dec_outs, labels):
        return F.cross_entropy(generator(dec_outs), labels, label_smoothing=0.1)


def compute_forward(model, critic, x, y, eval=False):
    dec_outs = model(x)
    loss = critic(generator=model.generator, eval=eval, dec_outs=dec_outs, labels=y)
    return loss


def loss_validation(model, critic, batches):
    model.eval()
    total = 0.0
    for x, y in batches:
        loss = compute_forward(model, critic, x, y, eval=True)  # expect: NG101@16
        total += float(loss)
    return total


def train(model, batches, optim):
    critic = LabelSmoothedCriterion()
    for x, y in batches:
        model.train()
        model.zero_grad()
        compute_forward(model, critic, x, y, eval=False)
        optim.step()
        loss_validation(model, critic, batches)
