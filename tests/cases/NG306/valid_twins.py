import contextlib

import pytest
import torch


@torch.no_grad()
def decorated(model, loader):
    for x in loader:
        yield model(x)


@contextlib.contextmanager
def frozen():
    with torch.no_grad():
        yield


@pytest.fixture
def no_grad_fixture():
    with torch.no_grad():
        yield


def outside(model, loader):
    for x in loader:
        with torch.no_grad():
            out = model(x)
        yield out
