"""Reference spectrograms made once from the test audio with the parameter-free front end:
nothing requires grad there, so no graph is recorded and nothing is reported. The generator's
samples computed the same way are reported (its weights record a graph)."""
import torch
from torch.utils.data import DataLoader

from vocoder.modules import Audio2Mel, Generator

fft = Audio2Mel()
generator = Generator()
test_loader = DataLoader(torch.rand(8, 4096), batch_size=1)
references = []
samples = []
for step, audio in enumerate(test_loader):
    mel = fft(audio).detach()
    references.append(mel)
    samples.append(generator(mel).detach())  # expect: NG101@20
