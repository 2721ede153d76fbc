"""A mel front end with no parameter (its window is a buffer), and a generator with weights."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Audio2Mel(nn.Module):
    def __init__(self, n_fft=1024, hop=256):
        super().__init__()
        self.register_buffer("window", torch.hann_window(n_fft).float())
        self.n_fft = n_fft
        self.hop = hop
        self.pool = nn.AvgPool1d(2)

    def forward(self, audio):
        audio = F.pad(audio, (self.n_fft // 2, self.n_fft // 2), "reflect")
        spec = torch.stft(audio, self.n_fft, self.hop, window=self.window, return_complex=True)
        return self.pool(torch.log(spec.abs().clamp(min=1e-5)))


class Generator(nn.Module):
    def __init__(self, mels=80):
        super().__init__()
        self.net = nn.Conv1d(mels, 1, 7, padding=3)

    def forward(self, mel):
        return self.net(mel)
