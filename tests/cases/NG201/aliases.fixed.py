import torch as T
from torch import no_grad as ng
from torch.autograd import grad_mode


def with_alias(model, x, y, criterion):
    out = model(x)  # expect: NG201@15
    criterion(out, y).backward()


def from_import(model, x, y, criterion):
    loss = criterion(model(x), y)  # expect: NG201@26
    loss.backward()


def grad_mode_module(model, x, y, criterion):
    loss = criterion(model(x), y)  # expect: NG201@26
    loss.backward()


def inference_mode(net, x, y, criterion):
    loss = criterion(net(x), y)  # expect: NG201@26
    loss.backward()


def set_grad_enabled(net, x, y, criterion):
    loss = criterion(net(x), y)  # expect: NG201@26
    loss.backward()
