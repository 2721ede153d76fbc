"""Code that needs gradients, or runs where a framework disabled them: silent."""
import pytorch_lightning as pl
import torch
import torch.nn.functional as F
from torchtnt.framework.unit import EvalUnit


def train_epoch(model, loader, optimizer):
    model.train()
    for x, y in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()


def saliency(model, image):
    model.eval()
    image.requires_grad_(True)
    score = model(image).max()
    score.backward()
    return image.grad.abs()


def evaluate_adversarial(model, x, y, eps):
    model.eval()
    x_adv = x.clone().requires_grad_(True)
    loss = F.cross_entropy(model(x_adv), y)
    grad, = torch.autograd.grad(loss, x_adv)
    return model(x_adv + eps * grad.sign()).argmax(1)


def run_phase(model, loader, phase, optimizer):
    model.train() if phase == "train" else model.eval()
    with torch.set_grad_enabled(phase == "train"):
        for x, y in loader:
            loss = F.cross_entropy(model(x), y)
            if phase == "train":
                loss.backward()
                optimizer.step()


def validate_with_grad(model, x):
    model.eval()
    with torch.enable_grad():
        return model(x)


def forward(self, x):
    return self.model(x)


class LitModel(pl.LightningModule):
    def validation_step(self, batch, batch_idx):
        x, y = batch
        return self.model(x)

    def test_step(self, batch, batch_idx):
        self.model.eval()
        return self.model(batch[0]).sum().item()

    def on_validation_epoch_end(self):
        print(self.model(self.example).mean().item())


def build_model():
    return torch.nn.Linear(2, 2)


def evaluate_builder(config):
    # calling functions defined here, or classes, is not a forward pass
    model = build_model()
    return model


class Evaluator(EvalUnit):
    def eval_step(self, state, data):
        self.module.eval()
        return self.module(data[0]).sum().item()


def evaluate_lambda_default(model, batch, fn=lambda model, x: model(x)):
    model.eval()
    return fn


def evaluate_runtime_choice(model, loader, with_grad):
    context = torch.enable_grad if with_grad else torch.no_grad
    model.eval()
    with context():
        return sum(model(x).sum().item() for x in loader)
