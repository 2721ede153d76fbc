"""A script: its top level does the work."""
import torch

torch.set_grad_enabled(False)

model = torch.jit.load("model.pt")
for index in range(10):
    torch.save(model(torch.load(f"batch{index}.pt")), f"out{index}.pt")
