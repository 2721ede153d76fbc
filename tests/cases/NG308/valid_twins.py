import torch


async def predict(model, queue):
    x = await queue.get()
    with torch.no_grad():
        return model(x)


@torch.no_grad()
def sync_predict(model, x):
    return model(x)
