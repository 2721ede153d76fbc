import torch


@torch.no_grad()  # expect: NG308@2
async def handle(model, queue):
    x = await queue.get()
    return model(x)
