# nograd-verify: expect NG101
"""Evaluating a CNN classifier without torch.no_grad().

`evaluate` switches the model to eval mode, but eval mode only changes how BatchNorm and
Dropout behave: autograd still records every forward pass and saves each batch's activations
for a backward pass that never comes, so the evaluation needs more memory and time than it
should.
"""
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 32, kernel_size=3, padding=1),
            nn.BatchNorm2d(32),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, kernel_size=3, padding=1),
            nn.BatchNorm2d(64),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
        )
        self.classifier = nn.Linear(64, num_classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


def make_loader(num_images=512, batch_size=128, seed=0):
    generator = torch.Generator().manual_seed(seed)
    images = torch.randn(num_images, 3, 32, 32, generator=generator)
    labels = torch.randint(0, 10, (num_images,), generator=generator)
    return DataLoader(TensorDataset(images, labels), batch_size=batch_size)


def evaluate(model, loader, criterion):
    model.eval()
    total_loss, correct, predictions = 0.0, 0, []
    for images, labels in loader:
        logits = model(images)
        total_loss += criterion(logits, labels).item() * len(labels)
        predictions.append(logits.argmax(dim=1))
        correct += (predictions[-1] == labels).sum().item()
    num_images = len(loader.dataset)
    return total_loss / num_images, correct / num_images, torch.cat(predictions)


def main():
    torch.manual_seed(0)
    model = SmallCNN()
    loss, accuracy, predictions = evaluate(model, make_loader(), nn.CrossEntropyLoss())
    return {"loss": loss, "accuracy": accuracy, "predictions": predictions}


if __name__ == "__main__":
    result = main()
    print("loss %.4f, accuracy %.3f" % (result["loss"], result["accuracy"]))
