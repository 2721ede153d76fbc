import sys

import torch

from latticekit import LatticeDecoder  # a decoding library: its objects are no torch modules


class Recognizer:
    def __init__(self, acoustic_model):
        self.acoustic_model = acoustic_model

    def decode(self, utterances):
        decoder = LatticeDecoder(beam=13.0)
        texts = []
        for features in utterances:
            with torch.no_grad():
                log_probs = self.acoustic_model(features).log_softmax(-1)
            words = decoder(log_probs)  # a search over a lattice, read as a pass by its name only
            texts.append(" ".join(words))
        return texts


def predict(argv):
    recognizer = Recognizer(torch.jit.load(argv[0]))
    for text in recognizer.decode([torch.load(path) for path in argv[1:]]):
        print(text)


if __name__ == "__main__":
    predict(sys.argv[1:])
