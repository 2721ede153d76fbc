"""The twin of valid_frozen_model_through_helpers.py: the helper also runs a module of its own
(`HEAD`, not frozen), so a frozen argument does not make the call graph-free."""
import torch

HEAD = torch.nn.Linear(3, 3)


def select_model(path):
    model = torch.nn.Linear(3, 3)
    model.load_state_dict(torch.load(path))
    model.eval()
    for weight in model.parameters():
        weight.requires_grad = False
    return model


def forward(img, model):
    return HEAD(model(img))


def run(model, images):
    results = []
    for img in images:
        out = forward(img, model)  # expect: NG101@15
        results.append(out.cpu().numpy())
    return results


def main(path):
    print(run(select_model(path), []))
