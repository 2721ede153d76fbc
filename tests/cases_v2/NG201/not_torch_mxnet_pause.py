# settings: min_confidence=low
from mxnet import autograd, nd


def train_step(net, target_net, x, loss_fn, trainer):
    # autograd.pause() is MXNet's no_grad; the loss is recorded and backward is MXNet's
    with autograd.record():
        out = net(x)
        with autograd.pause():
            target = nd.softmax(target_net(x))
        loss = loss_fn(out, target)
    loss.backward()
    trainer.step(x.shape[0])
    return loss.mean().asscalar()
