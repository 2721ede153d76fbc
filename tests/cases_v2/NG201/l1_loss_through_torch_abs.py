"""An L1 loss written with `torch.abs` (the torch function, not the builtin) keeps the graph of
what it is given, and so does the builtin `abs()` of a tensor (`Tensor.__abs__`): a prediction made
under `no_grad` reaches `backward()` without a graph; made with gradients on, it trains."""
import torch


def fit(autoencoder, loader, optimizer):
    for images in loader:
        with torch.no_grad():
            reconstruction = autoencoder(images)  # expect: NG201@30
        loss = torch.mean(torch.abs(reconstruction))
        loss.backward()
        optimizer.step()


def fit_builtin(autoencoder, loader, optimizer):
    for images in loader:
        with torch.no_grad():
            reconstruction = autoencoder(images)  # expect: NG201@30
        loss = abs(reconstruction).mean()
        loss.backward()
        optimizer.step()


def fit_trained(autoencoder, loader, optimizer, scale=0.5):
    for images in loader:
        reconstruction = autoencoder(images)
        loss = torch.mean(torch.abs(images - reconstruction)) * abs(scale)
        loss.backward()
        optimizer.step()
