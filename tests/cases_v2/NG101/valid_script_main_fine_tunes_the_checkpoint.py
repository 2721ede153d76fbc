"""Twins of a script's `main()` that loads a checkpoint into the model it builds: one fine-tunes
it (the file trains, so a forward pass here may be a training pass), and a helper that runs a
model its caller gives it (the caller's, not a checkpoint this function loads)."""
import argparse

import numpy as np
import torch
import torch.nn as nn


class SpeakerNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Linear(16000, 256)

    def forward(self, x):
        return self.encoder(x)


def embed(model, segments):
    return model(torch.from_numpy(segments))


def main(args):
    model = SpeakerNet()
    model.load_state_dict(torch.load(args.checkpoint, map_location="cpu")["model"])
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    segments = np.load(args.input)
    embeddings = embed(model, segments)
    loss = embeddings.pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkpoint")
    parser.add_argument("--input")
    main(parser.parse_args())
