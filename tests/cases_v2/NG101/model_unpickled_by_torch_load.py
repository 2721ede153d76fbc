"""A whole model unpickled by `torch.load` and then called is a module, known by that use (a
checkpoint dict is loaded the same way but never called): the submission loop over the test
loader records a graph per image and throws it away."""
import torch
from torch.utils.data import DataLoader

from dataset import TestSet

model = torch.load("trained_model.pth")
test_loader = DataLoader(TestSet("test.csv"), batch_size=1)
rows = []
for i, data in enumerate(test_loader):
    output = model(data)  # expect: NG101@14
    rows.append([i, output.argmax(1).item()])
