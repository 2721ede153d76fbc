import torch


def autograd_grad(model, x, y, criterion, params):
    with torch.no_grad():
        loss = criterion(model(x), y)  # expect: NG201@26
    return torch.autograd.grad(loss, params)


def autograd_backward(model, x):
    with torch.no_grad():
        out = model(x).sum()  # expect: NG201@15
    torch.autograd.backward([out])


def amp_scaler(model, x, y, criterion, scaler, optimizer):
    with torch.no_grad():
        loss = criterion(model(x), y)  # expect: NG201@26
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()


def accelerate(model, batch, accelerator):
    with torch.no_grad():
        outputs = model(**batch)  # expect: NG201@19
    accelerator.backward(outputs.loss)


def inline(model, x):
    with torch.no_grad():
        model(x).sum().backward()  # expect: NG201@9

