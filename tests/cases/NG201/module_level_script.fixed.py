import torch
from torch import nn

model = nn.Linear(4, 2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
x, y = torch.randn(8, 4), torch.randint(0, 2, (8,))

loss = nn.functional.cross_entropy(model(x), y)  # expect: NG201@40
print("loss", loss.item())
loss.backward()
optimizer.step()
