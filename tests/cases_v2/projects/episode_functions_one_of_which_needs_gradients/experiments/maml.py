import torch

from fewshot.callbacks import EvaluateEpisodes
from fewshot.maml import meta_step

model = torch.nn.Linear(8, 5)
optimiser = torch.optim.Adam(model.parameters())
loss_fn = torch.nn.CrossEntropyLoss()
train_loader = [(torch.randn(10, 8), torch.arange(5).repeat(2))]
callback = EvaluateEpisodes(eval_fn=meta_step, loader=train_loader)
for epoch in range(3):
    for x, y in train_loader:
        meta_step(model, optimiser, loss_fn, x, y, train=True)
    callback.on_epoch_end(model, optimiser, loss_fn, {})
