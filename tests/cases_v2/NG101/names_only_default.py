"""Only the name says prediction and a tensor leaves: nothing at the default confidence."""


class Predictor:
    def __init__(self, net):
        self.net = net

    def predict(self, images):
        return self.net(images).softmax(-1)
