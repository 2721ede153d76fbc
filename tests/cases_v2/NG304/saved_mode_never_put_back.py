import torch


def run(model, loaders, loss_fn, epochs):
    for epoch in range(epochs):
        for phase in ["train", "val"]:
            if phase != "train":
                previous = torch.is_grad_enabled()
                torch.set_grad_enabled(False)  # expect: NG304@17
                model.eval()
            for x, y in loaders[phase]:
                print(epoch, loss_fn(model(x), y).item())
            if phase == "val":
                print("restoring", previous)
