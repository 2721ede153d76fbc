"""A contextual-attention layer holds only sizes and flags (`if self.use_cuda:`, `if self.fuse:`)
and no parameter; its `forward` turns the offsets into a picture through `.data.numpy()`. A test
function runs it on two images from files and saves the result: the layer records nothing its
inputs do not bring, and they bring no graph, silent. Twin: `test_refiner` runs a layer with a
convolution the same way, NG101."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
from torchvision import transforms
from torchvision.utils import save_image


class ContextualAttention(nn.Module):
    def __init__(self, ksize=3, rate=1, fuse=False, use_cuda=False):
        super().__init__()
        self.ksize = ksize
        self.rate = rate
        self.fuse = fuse
        self.use_cuda = use_cuda

    def forward(self, f, b):
        if self.use_cuda:
            b = b.cuda()
        patches = F.unfold(b, self.ksize, padding=self.ksize // 2)
        scores = torch.einsum("bcl,bcm->blm", F.unfold(f, self.ksize, padding=self.ksize // 2), patches)
        if self.fuse:
            scores = scores + scores.transpose(1, 2)
        attention = scores.softmax(-1)
        y = torch.einsum("blm,bcm->bcl", attention, patches)[:, : f.shape[1]].reshape(f.shape)
        offsets = attention.argmax(-1).float()
        flow = torch.from_numpy(offsets.cpu().data.numpy()) / offsets.numel()
        return y, flow


class Refiner(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x):
        return self.conv(x)


def load(path):
    return transforms.ToTensor()(Image.open(path)).unsqueeze(0)


def test_contextual_attention(path_a, path_b, out):
    f, b = load(path_a), load(path_b)
    attention = ContextualAttention(ksize=3, rate=2, fuse=True)
    y, flow = attention(f, b)
    save_image(y, out)
    save_image(flow, "flow_" + out)


def test_refiner(path_a, out):
    refiner = Refiner()
    y = refiner(load(path_a))  # expect: NG101@9
    save_image(y, out)
