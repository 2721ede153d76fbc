import torch

from fewshot.callbacks import EvaluateEpisodes
from fewshot.proto import proto_episode

model = torch.nn.Linear(8, 8)
optimiser = torch.optim.Adam(model.parameters())
loss_fn = torch.nn.CrossEntropyLoss()
train_loader = [(torch.randn(10, 8), torch.arange(5).repeat(2))]
callback = EvaluateEpisodes(eval_fn=proto_episode, loader=train_loader)
for epoch in range(3):
    for x, y in train_loader:
        proto_episode(model, optimiser, loss_fn, x, y, train=True)
    callback.on_epoch_end(model, optimiser, loss_fn, {})
