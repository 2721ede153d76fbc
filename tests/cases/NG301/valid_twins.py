import torch


def inference_inside_no_grad(model, x):
    # inference_mode inside no_grad also turns inference mode on: not redundant
    with torch.no_grad():
        with torch.inference_mode():
            return model(x)


@torch.no_grad()
def enable_inside(model, x):
    with torch.enable_grad():
        x = x.clone().requires_grad_()
        model(x).sum().backward()
    return x.grad


@torch.no_grad()  # expect: NG308@2
async def async_decorator(model, x):
    # the decorator does nothing on an async def: this block is the one that counts
    with torch.no_grad():
        return model(x)


def reenabled(model, x):
    with torch.no_grad():
        with torch.inference_mode(False), torch.no_grad():
            return model(x)


@torch.no_grad()
def nested_function(model, xs):
    def worker(x):
        with torch.no_grad():
            return model(x)

    return [worker(x) for x in xs]
