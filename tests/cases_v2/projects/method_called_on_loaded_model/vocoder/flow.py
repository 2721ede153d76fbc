"""A vocoder whose `infer` throws each step's graph away itself (it returns `.data`). Every call
of an `infer` method in the project runs under no_grad, on a model loaded from a checkpoint (of
a type the analysis cannot tell): nothing here ever runs it with gradients on."""
import torch
import torch.nn as nn


class Vocoder(nn.Module):
    def __init__(self, flows=4, channels=8):
        super().__init__()
        self.layers = nn.ModuleList(nn.Conv1d(channels, channels, 3, padding=1) for _ in range(flows))

    def forward(self, audio):
        for layer in self.layers:
            audio = layer(audio)
        return audio

    def eval(self, infer=False):
        """An override whose parameter is named like the method below: no reference to it."""
        super().eval()
        if infer:
            self.layers = self.layers[:2]
        return self

    def infer(self, mel):
        audio = torch.randn_like(mel)
        for layer in reversed(self.layers):
            audio = layer(audio) + mel
        return audio.data
