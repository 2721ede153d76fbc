"""A plain wrapper class (not an `nn.Module`) holds the network and defines its own `eval()`,
which only puts the network in eval mode. A benchmark script loads it, calls `model.eval()` and
scores every pair with `model.inference(...)`, keeping NumPy copies: the project's `eval()` of a
plain object is a switch to eval mode (nn.Module's name, the class's own method), so the loop is
NG101 (round 34: four benchmark scripts of a frame interpolation model missed)."""
import numpy as np
import torch
from torch import nn


class Model:
    def __init__(self):
        self.flownet = nn.Conv2d(6, 3, 3, padding=1)

    def load_model(self, path):
        self.flownet.load_state_dict(torch.load(path))

    def eval(self):
        self.flownet.eval()

    def inference(self, img0, img1):
        return self.flownet(torch.cat((img0, img1), 1))


model = Model()
model.load_model("flownet.pkl")
model.eval()
scores = []
for img0, img1, gt in torch.load("triplets.pt"):
    pred = model.inference(img0, img1)  # expect: NG101@12
    out = pred.detach().cpu().numpy()
    scores.append(-10 * np.log10(((out - gt.numpy()) ** 2).mean()))
print(np.mean(scores))
