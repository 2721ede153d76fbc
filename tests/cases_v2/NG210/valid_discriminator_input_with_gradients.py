"""Twins of discriminator_reads_its_input_under_no_grad.py: the spectrogram is computed with
gradients on (only the window, a constant, is made under `no_grad`), or the module that reads its
input under `no_grad` only ever sees real data (a feature statistic of the targets), or its input
is read again outside the block (a skip connection): the generator's gradient flows. Silent."""
import torch
import torch.nn.functional as F
from torch import nn


class SpectralDiscriminator(nn.Module):
    def __init__(self, n_fft: int = 256):
        super().__init__()
        self.n_fft = n_fft
        self.convs = nn.Sequential(nn.Conv1d(n_fft // 2 + 1, 64, 5), nn.LeakyReLU(0.1), nn.Conv1d(64, 1, 3))

    def forward(self, waveform):
        with torch.no_grad():
            window = torch.hann_window(self.n_fft, device=waveform.device)
        return self.convs(torch.stft(waveform, self.n_fft, window=window, return_complex=True).abs())


class TargetStatistics(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(256, 16)

    def forward(self, target):
        with torch.no_grad():
            target = target.abs().log1p()
        return self.proj(target)


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(256, 256)

    def forward(self, signal):
        with torch.no_grad():
            scale = signal.abs().amax(-1, keepdim=True)
        return self.proj(signal / scale) + signal


def fit(vocoder: nn.Module, mels, audio, epochs=10):
    critic, stats, residual = SpectralDiscriminator(), TargetStatistics(), Residual()
    opt_gen = torch.optim.AdamW([*vocoder.parameters(), *residual.parameters()], lr=2e-4)
    for _ in range(epochs):
        fake = vocoder(mels)
        target_features = stats(audio)
        gen_loss = -critic(fake).mean() + F.l1_loss(residual(fake), audio) + target_features.mean()
        opt_gen.zero_grad()
        gen_loss.backward()
        opt_gen.step()
