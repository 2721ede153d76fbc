"""Code written for both sides of PyTorch 0.4: `volatile=True` where the version is old (it
disabled gradients there), `torch.no_grad()` otherwise. Neither branch records a graph on the
torch that runs it."""
import numpy as np
import torch
from torch.autograd import Variable


class Wrapper:
    def __init__(self, model):
        self._model = model

    def batch_predictions(self, images):
        images = torch.from_numpy(np.asarray(images))
        major, minor = torch.__version__.split(".")[:2]
        if int(major) == 0 and int(minor) < 4:
            images = Variable(images, volatile=True)
            predictions = self._model(images)
            predictions = predictions.data
        else:
            with torch.no_grad():
                predictions = self._model(images)
        return predictions.numpy()
