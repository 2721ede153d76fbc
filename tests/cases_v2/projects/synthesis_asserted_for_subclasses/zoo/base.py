import numpy as np


class BaseGenerator:
    """Each subclass says how to run its network; the base only `assert False`s."""

    def __init__(self):
        self.model = self.build()

    def build(self):
        assert False, "subclasses build the network"

    def synthesize(self, codes):
        assert False, "subclasses run the network"

    def get_value(self, tensor):
        return tensor.detach().cpu().numpy()

    def easy_synthesize(self, codes):
        outputs = self.synthesize(codes)
        outputs["image"] = np.clip((outputs["image"] + 1) * 127.5, 0, 255).astype(np.uint8)
        return outputs
