import torch


@torch.inference_mode()
def apply_update(optimizer):
    optimizer.step()  # expect: NG203@5
