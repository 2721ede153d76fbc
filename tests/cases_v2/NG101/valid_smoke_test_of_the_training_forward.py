"""A script that smoke-tests a model's training forward: it builds the model and an optimizer over
its parameters, runs the forward pass on random inputs, and has its backward pass commented out.
No weights are loaded and nothing is evaluated: no finding (the optimizer was read as a
checkpoint loaded into the model, and the script as one that serves it)."""
import torch
from torch import nn

model = nn.Sequential(nn.Linear(80, 32), nn.ReLU(), nn.Linear(32, 10))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)

for step in range(10):
    inputs = torch.rand(3, 80)
    targets = torch.randint(0, 10, (3,))
    outputs = model(inputs)
    print("PASS", outputs.shape)
    # loss = criterion(outputs, targets)
    # loss.backward()
    # optimizer.step()
