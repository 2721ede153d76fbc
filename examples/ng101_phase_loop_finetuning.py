# nograd-verify: expect NG101
"""Fine-tuning with one loop over the phases, without `torch.set_grad_enabled`.

`train_model` runs `for phase in ["train", "val"]:` and backpropagates only under
`if phase == "train":`, but the forward pass runs outside that branch: in the `val` phase
autograd still records every batch and keeps its activations for a backward pass that never
comes. PyTorch's fine-tuning tutorial wraps the pass in `torch.set_grad_enabled(phase == "train")`.
"""
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def make_loader(num_images=256, batch_size=64, seed=0):
    generator = torch.Generator().manual_seed(seed)
    images = torch.randn(num_images, 3, 32, 32, generator=generator)
    labels = torch.randint(0, 10, (num_images,), generator=generator)
    return DataLoader(TensorDataset(images, labels), batch_size=batch_size)


def make_model():
    return nn.Sequential(
        nn.Conv2d(3, 32, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(32, 64, kernel_size=3, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10),
    )


def train_model(model, loaders, criterion, optimizer, epochs=2):
    history = []
    for epoch in range(epochs):
        for phase in ["train", "val"]:
            if phase == "train":
                model.train()
            else:
                model.eval()
            running_loss, correct = 0.0, 0
            for images, labels in loaders[phase]:
                optimizer.zero_grad()
                outputs = model(images)
                loss = criterion(outputs, labels)
                if phase == "train":
                    loss.backward()
                    optimizer.step()
                running_loss += loss.item() * images.size(0)
                correct += (outputs.argmax(1) == labels).sum().item()
            size = len(loaders[phase].dataset)
            history.append((phase, running_loss / size, correct / size))
    return history


def main():
    torch.manual_seed(0)
    model = make_model()
    loaders = {"train": make_loader(seed=0), "val": make_loader(seed=1)}
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    history = train_model(model, loaders, nn.CrossEntropyLoss(), optimizer)
    return {"history": history}


if __name__ == "__main__":
    for phase, loss, accuracy in main()["history"]:
        print("%s loss %.4f, accuracy %.3f" % (phase, loss, accuracy))
