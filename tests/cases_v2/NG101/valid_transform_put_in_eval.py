"""A buffer keeps a data transform that its builder puts in eval mode (`transform.eval()`: transforms
are modules, most without weights). Calling it, or its inverse, on the data the buffer samples or
stores is no sign of evaluation: the eval mode of a module known only from that call, named as a
transform, is not evidence (a network of any name, `enc` or `model`, still is: see
beam_search_function.py)."""
import torch


def make_transform(transform, factory):
    if factory is not None:
        transform = factory()
    transform.eval()
    return transform


class Buffer:
    def __init__(self, storage, transform=None, factory=None):
        self._storage = storage
        self._init_transform(transform, factory)

    def _init_transform(self, transform, factory):
        self._transform = make_transform(transform, factory)

    def extend(self, data):
        data = self._transform.inv(data)
        return self._storage.extend(data)

    def sample(self, size):
        index = torch.randint(len(self._storage), (size,))
        return self._transform(self._storage[index])


def fill(buffer, batches):
    for batch in batches:
        buffer.extend(batch)
    return buffer.sample(4)
