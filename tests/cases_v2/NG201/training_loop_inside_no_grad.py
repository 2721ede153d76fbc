import torch


def train(model, loader, epochs):
    """The whole epoch loop was put under `no_grad` (copied from the evaluation loop): the loss is
    arithmetic on a forward pass and a batch tensor, which records nothing there."""
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with torch.no_grad():
        for _ in range(epochs):
            for x, y in loader:
                loss = ((model(x) - y) ** 2).mean()  # expect: NG201@26
                opt.zero_grad()
                loss.backward()
                opt.step()


def finetune_head(backbone, head, loader, scale):
    """Only the head's loss is backpropagated; its error term is arithmetic under `no_grad`."""
    opt = torch.optim.Adam(head.parameters())
    for x, y in loader:
        with torch.no_grad():
            error = scale * head(backbone(x)) - y  # expect: NG201@29
        opt.zero_grad()
        error.abs().mean().backward()
        opt.step()
