import sys

import torch
import torch.nn as nn
from numpy import finfo


def load_model(hparams):
    model = Tacotron(hparams)
    if hparams.fp16:
        # a nested attribute set to a library value: the model stays a Tacotron
        model.decoder.attention.mask_value = finfo("float16").min
    return model


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.mask_value = -float("inf")
        self.query = nn.Linear(8, 8)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention = Attention()
        self.rnn = nn.GRU(8, 8, batch_first=True)


class Tacotron(nn.Module):
    def __init__(self, hparams):
        super().__init__()
        self.embedding = nn.Embedding(64, 8)
        self.decoder = Decoder()

    def forward(self, text):
        return self.decoder.rnn(self.embedding(text))[0]

    @torch.no_grad()
    def inference(self, text):
        return self.forward(text)


class Vocoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.upsample = nn.Linear(8, 256)

    def inference(self, mel):  # its callers disable gradients
        return self.upsample(mel).flatten(1)


def vocode(vocoder, mel):
    with torch.no_grad():
        return vocoder.inference(mel)


# a script run top to bottom, as a notebook's cells are
hparams = type("HParams", (), {"fp16": len(sys.argv) > 2})()
synthesizer = load_model(hparams).eval()
synthesizer.load_state_dict(torch.load(sys.argv[1]))
mel = synthesizer.inference(torch.randint(0, 64, (1, 12)))
torch.save(mel, "mel.pt")
