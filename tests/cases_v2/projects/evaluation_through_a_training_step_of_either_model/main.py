import sys

import torch

from evaluation import evaluate
from models import MixtureOfExperts, Seq2Seq

data = [{"x": torch.randn(4, 8), "y": torch.randn(4, 8)} for _ in range(3)]
model = Seq2Seq() if sys.argv[1:] == ["seq2seq"] else MixtureOfExperts()
for step, batch in enumerate(data * 10):
    model.train_one_batch(batch)
    if step % 10 == 9:
        model = model.eval()
        print(evaluate(model, data))
        model = model.train()
model = model.eval()
print(evaluate(model, data, split="test"))
