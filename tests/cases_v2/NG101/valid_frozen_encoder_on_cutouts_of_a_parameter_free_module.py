"""CLIP-guided sampling embeds its image prompts with a CLIP model frozen by
`clip_model.eval().requires_grad_(False)`, on random cutouts made by `MakeCutouts`, an `nn.Module`
with no parameter whose sizes come from its constructor's arguments. The module's fields are only
counted and computed with (`range(self.cutn)`, `** self.cut_pow`, a later argument of a torch
function), so it records nothing its plain input does not bring, and the frozen model records no
graph: silent. (`make_cutouts` was read as a module that may hold parameters, whose outputs carry
a graph into the frozen model: a false NG101.)"""
import torch
import torch.nn.functional as F
from torch import nn


class MakeCutouts(nn.Module):
    def __init__(self, cut_size, cutn, cut_pow=1.0):
        super().__init__()
        self.cut_size = cut_size
        self.cutn = cutn
        self.cut_pow = cut_pow

    def forward(self, image):
        side = min(image.shape[2:4])
        cutouts = []
        for _ in range(self.cutn):
            size = int(torch.rand([]) ** self.cut_pow * (side - self.cut_size) + self.cut_size)
            offset = torch.randint(0, side - size + 1, ())
            cutout = image[:, :, offset:offset + size, offset:offset + size]
            cutouts.append(F.adaptive_avg_pool2d(cutout, self.cut_size))
        return torch.cat(cutouts)


def embed_prompts(clip_model, images, cutn):
    clip_model.eval().requires_grad_(False)
    make_cutouts = MakeCutouts(clip_model.visual.input_resolution, cutn)
    embeds = []
    for image in images:
        embeds.append(F.normalize(clip_model.encode_image(make_cutouts(image)).float(), dim=-1))
    return torch.cat(embeds)
