"""The twin: the collected outputs are differentiated after the loop (gradients of the scores
with respect to the inputs, for an attribution map), so their graphs are wanted."""
import torch

net = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 4))
net.eval()

inputs = [torch.randn(16, 8, requires_grad=True) for _ in range(4)]
scores = []
for x in inputs:
    scores.append(net(x).max(1).values.sum())

attributions = torch.autograd.grad(sum(scores), inputs)
print([a.abs().mean().item() for a in attributions])
