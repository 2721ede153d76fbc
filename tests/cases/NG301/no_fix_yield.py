import torch


@torch.no_grad()
def batches(model, loader):
    for x in loader:
        with torch.no_grad():  # expect: NG301@14
            yield model(x)
