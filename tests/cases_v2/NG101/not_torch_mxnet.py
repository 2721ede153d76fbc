# settings: min_confidence=low
import mxnet as mx
from mxnet import autograd, gluon

net = gluon.nn.HybridSequential()
net.add(gluon.nn.Dense(256, activation="relu"), gluon.nn.Dropout(0.5), gluon.nn.Dense(10))
net.initialize(mx.init.Xavier())
net.hybridize()


def evaluate(net, data_iter):
    # MXNet records only inside autograd.record(): this runs without a graph
    metric = mx.metric.Accuracy()
    for x, y in data_iter:
        metric.update([y], [net(x)])
    return metric.get()[1]


def train_epoch(net, data_iter, trainer, loss_fn):
    for x, y in data_iter:
        with autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(x.shape[0])


def predict(net, x):
    with autograd.predict_mode():
        return net(x).argmax(axis=1)
