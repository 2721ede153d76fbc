"""Inside a training loop, every N steps the generator's inference method makes a sample for the
logs: its output goes to a helper that only writes it, so the graph of that sampling pass is built
and thrown away. The generator is wrapped for several devices in one branch; the wrapper has no
`infer` of its own, so the call is the generator's."""
import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP

from vocoder.models import Generator


def summarize(writer, step, audios):
    for name, audio in audios.items():
        writer.add_audio(name, audio, step)


def train(batches, writer, distributed=False):
    net_g = Generator()
    if distributed:
        net_g = DDP(net_g)
    optim_g = torch.optim.AdamW(net_g.parameters(), lr=1e-4)
    for step, (x, y) in enumerate(batches):
        loss = nn.functional.l1_loss(net_g(x), y)
        optim_g.zero_grad()
        loss.backward()
        optim_g.step()
        if step % 100 == 0:
            audio_dict = {}
            o = net_g.infer(x)
            audio_dict[f"gen/audio_{step}"] = o[0]
            summarize(writer, step, audio_dict)
