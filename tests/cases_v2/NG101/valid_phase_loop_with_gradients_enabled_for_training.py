"""Twin of tests/cases/NG101/validation_phase_of_a_phase_loop.py, as the PyTorch transfer
learning tutorial writes it: the forward pass runs under `torch.set_grad_enabled(phase ==
"train")`, so the `val` phase records nothing. Silent."""
import torch
import torch.nn.functional as F


def train_model(model, loaders, optimizer, epochs):
    for epoch in range(epochs):
        for phase in ["train", "val"]:
            model.train() if phase == "train" else model.eval()
            for images, labels in loaders[phase]:
                optimizer.zero_grad()
                with torch.set_grad_enabled(phase == "train"):
                    loss = F.cross_entropy(model(images), labels)
                    if phase == "train":
                        loss.backward()
                        optimizer.step()
