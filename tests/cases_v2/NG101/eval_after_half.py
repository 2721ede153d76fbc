import torch

from net import build_net


def half_precision_outputs(ckpt, batch):
    model = build_net()
    model.load_state_dict(torch.load(ckpt, map_location="cuda"))
    model = model.half().eval()
    out = model(batch.half())  # expect: NG101@11
    return out.float().cpu().tolist()
