"""The vocoder of `method_called_on_loaded_model`, one of whose callers (`preview.py`) runs
`infer` with gradients on: it is reported."""
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
            audio = layer(audio) + mel  # expect: NG101@21
        return audio.data
