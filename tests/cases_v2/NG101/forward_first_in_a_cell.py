"""A script in cells (`# %%`): the forward pass after `model.eval()` is the first statement of
its cell. A cell marker ends a run of evaluation statements; the statement it marks is read
like any other."""
import torch

model = torch.nn.Linear(4, 2)
model.load_state_dict(torch.load("weights.pt"))
model.eval()
x = torch.randn(8, 4)

# %%
scores = model(x)  # expect: NG101@10
print(scores.argmax(1).tolist())
