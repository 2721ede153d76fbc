import torch
import torch.nn.functional as F
from torch import nn

from selftrain.labelling import guess_labels, keep_first


def self_train(model: nn.Module, opt, batches):
    for x in batches:
        with torch.inference_mode():
            targets = guess_labels(model, x)
        loss = F.cross_entropy(model(x), targets)  # expect: NG204@42
        opt.zero_grad()
        loss.backward()
        opt.step()


def self_train_cloned(model: nn.Module, opt, batches):
    for x in batches:
        with torch.inference_mode():
            targets = guess_labels(model, x)
            first = keep_first(x)
        loss = F.cross_entropy(model(x), targets.clone()) + model(first).logsumexp(-1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
