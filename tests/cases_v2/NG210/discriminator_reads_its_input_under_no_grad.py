"""A multi-resolution discriminator makes its input's magnitude spectrogram under `no_grad`
("no need to differentiate the STFT"), then runs its layers. The discriminator still learns (its
layers record a graph), but in the generator's step no gradient reaches the generator through
it: the adversarial term trains nothing (torch: tests/test_torch_facts.py). NG210 at the call in
the generator's step; the discriminator's own step on the detached fake is fine."""
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
            waveform = torch.stft(waveform, self.n_fft, window=window, return_complex=True).abs()
        return self.convs(waveform)


def fit(vocoder: nn.Module, mels, audio, epochs=10):
    critic = SpectralDiscriminator()
    opt_gen = torch.optim.AdamW(vocoder.parameters(), lr=2e-4)
    opt_critic = torch.optim.AdamW(critic.parameters(), lr=2e-4)
    for _ in range(epochs):
        fake = vocoder(mels)
        critic_loss = F.relu(1 - critic(audio)).mean() + F.relu(1 + critic(fake.detach())).mean()
        opt_critic.zero_grad()
        critic_loss.backward()
        opt_critic.step()

        adversarial = -critic(fake).mean()  # expect: NG210@24
        gen_loss = F.l1_loss(fake, audio) + 0.1 * adversarial
        opt_gen.zero_grad()
        gen_loss.backward()
        opt_gen.step()
