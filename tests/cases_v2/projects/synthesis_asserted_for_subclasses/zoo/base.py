import numpy as np


class BaseGenerator:
    """Loads a generator; each subclass says how to run it (the base only `assert False`s).
    `easy_synthesize` is the public API."""

    def __init__(self, batch_size=8):
        self.batch_size = batch_size
        self.model = self.build()

    def build(self):
        raise NotImplementedError("subclasses build the network")

    def synthesize(self, codes):
        assert False, "subclasses run the network"

    def get_value(self, tensor):
        return tensor.detach().cpu().numpy()

    def postprocess(self, images):
        return np.clip((images + 1) * 127.5, 0, 255).astype(np.uint8)

    def easy_synthesize(self, codes):
        outputs = self.synthesize(codes)
        outputs["image"] = self.postprocess(outputs["image"])
        return outputs

    def batches(self, codes):
        for start in range(0, len(codes), self.batch_size):
            yield codes[start:start + self.batch_size]
