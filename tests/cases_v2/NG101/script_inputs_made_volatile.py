"""A step-by-step script runs a detector stage on boxes it wraps with `Variable(...,
volatile=True)` and only reads the outputs through `.data.numpy()`: nobody called `eval()`,
but the author's own (dead) switch says no graph is wanted, NG101 (high: the graphs are thrown
away). Twin: the first stage runs on a plain tensor, without the switch, silent (a script's
forward pass with no sign of evaluation)."""
import torch
import torch.nn as nn
from torch.autograd import Variable


class Stage(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(24, 6)

    def forward(self, x):
        out = self.body(x)
        return out[:, :4], out[:, 4:].softmax(1)


first = Stage()
second = Stage()

boxes = torch.randn(8, 24)
candidates = first(boxes)
print(candidates[0].shape)

img_boxes = Variable(torch.randn(8, 24), volatile=True)
output = second(img_boxes)  # expect: NG101@10
offsets = output[0].data.numpy()
probs = output[1].data.numpy()
