"""An inference script's `main()` builds the speaker network, loads its checkpoint and runs it on
the segments of an utterance read from disk, printing the embeddings' shape; nothing in the file
trains. The forward pass records a graph nobody uses: NG101 (medium) in `main`."""
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


def main(args):
    model = SpeakerNet()
    model.load_state_dict(torch.load(args.checkpoint, map_location="cpu")["model"])
    segments = np.load(args.input)
    embeddings = model(torch.from_numpy(segments))  # expect: NG101@18
    print(embeddings.size())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkpoint")
    parser.add_argument("--input")
    main(parser.parse_args())
