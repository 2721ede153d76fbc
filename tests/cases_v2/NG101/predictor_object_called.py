"""A predictor object: `__init__` calls a helper that builds the network and puts it in eval mode, and
the object's `__call__` (its API, in a class that is no module) runs it on every image; the only
caller throws the scores away. NG101 in `__call__`, not at the caller."""
import torch
from detzoo import build_detector


class Detector(object):
    def __init__(self, config):
        self.threshold = config["threshold"]
        self._init_network(config)

    def _init_network(self, config):
        self.net = build_detector(config["architecture"])
        self.net.load_state_dict(torch.load(config["weights"]))
        self.net.eval()

    def __call__(self, images):
        results = []
        for image in images:
            scores = self.net(image[None]).softmax(-1)  # expect: NG101@22
            results.append({"scores": scores, "keep": scores > self.threshold})
        return results


def main(config, images):
    detector = Detector(config)
    for result in detector(images):
        print(result["keep"].sum().item())
