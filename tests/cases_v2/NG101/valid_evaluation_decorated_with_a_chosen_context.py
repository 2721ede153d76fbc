import torch
import torch.nn as nn

compiled = hasattr(torch, "compile")
# either choice disables gradients: the mode under it is off, whichever is taken
evaluation_mode = torch.no_grad if compiled else torch.inference_mode
model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 3))


@evaluation_mode()
def evaluate(batches):
    model.eval()
    return [model(x).argmax(1).tolist() for x in batches]


def predict(batches):
    model.eval()
    with evaluation_mode():
        return torch.cat([model(x) for x in batches])


print(evaluate([torch.randn(4, 16)]), predict([torch.randn(4, 16)]).shape)
