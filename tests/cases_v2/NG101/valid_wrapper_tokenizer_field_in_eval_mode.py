# settings: min_confidence=low
"""A text encoder wrapper put in eval mode when built holds a tokenizer made by a library; calling
the tokenizer is no forward pass of the module, even though the module is in eval mode."""
import torch
import torch.nn as nn
import textlib


class TextEncoder(nn.Module):
    def __init__(self, name):
        super().__init__()
        self.encoder = nn.EmbeddingBag(1000, 64)
        self.tokenizer = textlib.get_tokenizer(name)
        self.eval()

    def tokenize(self, texts):
        return self.tokenizer(texts).to("cpu")

    @torch.no_grad()
    def encode(self, tokens):
        return self.encoder(tokens)
