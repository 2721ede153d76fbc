# settings: min_confidence=low
import torch as T


class Runner:
    def predict(self, batch):
        self.model.eval()
        return self.model(batch)  # expect: NG101@16


def run_inference(net, images):
    outputs = []
    for image in images:
        outputs.append(net(image))  # expect: NG101@24
    return outputs
