import torch

from loops import run_epoch
from loops.schedule import ping


def main(model, batches, optimizer):
    run_epoch(model, batches, optimizer)
    with torch.no_grad():
        ping(model, batches, optimizer, train=False)
