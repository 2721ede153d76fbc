import sys

import torch
import torch.nn as nn


class TextEncoder(nn.Module):
    def __init__(self, vocab=1000, width=64):
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.proj = nn.Linear(width, width)

    def encode(self, tokens):
        return self.proj(self.embed(tokens).mean(1))


class MotionModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.denoiser = nn.Linear(64, 64)
        self.text_encoder = self.load_frozen_text_encoder()

    def load_frozen_text_encoder(self):
        encoder = TextEncoder()
        encoder.eval()
        for p in encoder.parameters():  # every parameter of the encoder, its submodules' too
            p.requires_grad = False
        return encoder

    def encode_text(self, tokens):
        # the frozen encoder, fed token ids: nothing here records a graph
        return self.text_encoder.encode(tokens).float()

    def forward(self, x, cond):
        return self.denoiser(x + cond)


def main(path):
    model = MotionModel()
    model.load_state_dict(torch.load(path))
    model.eval()
    tokens = torch.randint(0, 1000, (4, 12))
    torch.save(model.encode_text(tokens), "text_features.pt")


if __name__ == "__main__":
    main(sys.argv[1])
