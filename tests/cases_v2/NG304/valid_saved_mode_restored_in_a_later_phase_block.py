import torch


def run(model, loaders, loss_fn, optimizer, epochs):
    for epoch in range(epochs):
        for phase in ["train", "val"]:
            if phase == "train":
                model.train()
            else:
                previous = torch.is_grad_enabled()
                torch.set_grad_enabled(False)
                model.eval()
            total = 0.0
            for x, y in loaders[phase]:
                loss = loss_fn(model(x), y)
                if phase == "train":
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                total += loss.item()
            if phase == "val":
                print(epoch, total)
                torch.set_grad_enabled(previous)
