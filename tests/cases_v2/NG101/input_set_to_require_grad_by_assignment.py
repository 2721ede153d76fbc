"""A test loop that, for the distillation losses taking gradients with respect to the input,
sets `img.requires_grad = True` before the forward passes, and otherwise runs them under no_grad.
The loss (an object read from a dict, of no known class) differentiates through those passes:
the assignment wants gradients as `img.requires_grad_()` does, so nothing is reported.
`plain_test`, whose forward passes feed only metrics, is reported, and so is the periodic sampling in `train_with_samples`:
setting the flag of a module's parameters freezes or thaws it, it wants no input's gradient."""
import torch
from torch import nn


def test(snet, tnet, criterions, test_loader, mode):
    criterion = criterions["kd"]
    snet.eval()
    for img, target in test_loader:
        if mode in ("sobolev", "jacobian"):
            img.requires_grad = True
            out_s = snet(img)
            out_t = tnet(img)
        else:
            with torch.no_grad():
                out_s = snet(img)
                out_t = tnet(img)
        print(criterion(out_s, out_t, img, target).item())


def plain_test(snet, test_loader):
    snet.eval()
    correct = 0
    for img, target in test_loader:
        img.requires_grad = False
        out = snet(img)  # expect: NG101@15
        correct += (out.argmax(1) == target).sum().item()
    return correct


def set_requires_grad(net, flag=True):
    for p in net.parameters():
        p.requires_grad = flag


def train_with_samples(model, ema, decoder, loader, optimizer, sample_every=100):
    set_requires_grad(ema, False)
    decoder.eval()
    for step, (img, target) in enumerate(loader):
        loss = nn.functional.cross_entropy(model(img), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % sample_every == 0:
            samples = decoder(ema(img))  # expect: NG101@23
            print(samples.mean().item())


class TemperatureScaled:
    """Thawing its own temperature (`self.temperature.requires_grad = True`) is part of the
    calibration step, which trains it: the evaluation before it is still reported."""

    def __init__(self, model):
        self.model = model
        self.temperature = torch.ones(1)

    def calibrate(self, logits, labels):
        self.temperature.requires_grad = True
        optimizer = torch.optim.SGD([self.temperature], lr=0.01)
        for _ in range(50):
            optimizer.zero_grad()
            nn.functional.cross_entropy(logits / self.temperature, labels).backward()
            optimizer.step()
        self.temperature.requires_grad = False

    def fit(self, loader, calib_x, calib_y, optimizer):
        for x, y in loader:
            optimizer.zero_grad()
            nn.functional.cross_entropy(self.model(x), y).backward()
            optimizer.step()
        self.model.eval()
        logits = self.model(calib_x)  # expect: NG101@18
        self.calibrate(logits.detach(), calib_y)
