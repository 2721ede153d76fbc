import torch


def autograd_grad(model, x, y, criterion, params):
    loss = criterion(model(x), y)  # expect: NG201@26
    return torch.autograd.grad(loss, params)


def autograd_backward(model, x):
    out = model(x).sum()  # expect: NG201@15
    torch.autograd.backward([out])


def amp_scaler(model, x, y, criterion, scaler, optimizer):
    loss = criterion(model(x), y)  # expect: NG201@26
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()


def accelerate(model, batch, accelerator):
    outputs = model(**batch)  # expect: NG201@19
    accelerator.backward(outputs.loss)


def inline(model, x):
    model(x).sum().backward()  # expect: NG201@9

