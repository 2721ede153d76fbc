"""Twin of tests/cases/NG101/validation_phase_of_a_phase_loop.py: the loop over phases steps the
optimizer outside the `if phase == "train":` branch too (a fine-tuning phase that also trains):
not every training step is the training phase's, so the other phases are not read as evaluation.
Silent."""
import torch.nn.functional as F


def train_model(model, loaders, optimizer, epochs):
    for epoch in range(epochs):
        for phase in ["train", "val"]:
            for images, labels in loaders[phase]:
                loss = F.cross_entropy(model(images), labels)
                if phase == "train":
                    loss = loss + 0.1 * sum(p.pow(2).sum() for p in model.parameters())
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
