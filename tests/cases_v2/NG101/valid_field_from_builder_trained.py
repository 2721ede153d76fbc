import torch
import torchvision


class Finetuner:
    """The same builder, but the backbone is trained after `__init__` put it in eval mode."""

    def __init__(self):
        self.backbone, self.layer = self._build("resnet18")
        self.backbone.eval()

    def _build(self, name):
        backbone = getattr(torchvision.models, name)(weights=None)
        return backbone, backbone.avgpool

    def step(self, images, labels, optimizer):
        self.backbone.train()
        loss = torch.nn.functional.cross_entropy(self.backbone(images), labels)
        loss.backward()
        optimizer.step()

    def one_pass(self, images):
        return self.backbone(images)
