import torch
import torch.nn.functional as F


def train_model(model, loaders, optimizer, epochs):
    for epoch in range(epochs):
        for phase in ["train", "val"]:
            if phase == "train":
                model.train()
            else:
                model.eval()
            running = 0.0
            with torch.set_grad_enabled(phase == "train"):
                for images, labels in loaders[phase]:
                    optimizer.zero_grad()
                    outputs = model(images)  # expect: NG101@27
                    loss = F.cross_entropy(outputs, labels)
                    if phase == "train":
                        loss.backward()
                        optimizer.step()
                    running += loss.item() * images.size(0)
                print(epoch, phase, running / len(loaders[phase].dataset))
