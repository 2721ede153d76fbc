# settings: min_confidence=low
"""Only the name says prediction and a tensor leaves: a low-confidence finding."""


class Predictor:
    def __init__(self, net):
        self.net = net

    def predict(self, images):
        return self.net(images).softmax(-1)  # expect: NG101@16
