import torch
import torch.nn as nn

from losses import *


def run_epoch(batches, model, loss_compute):
    total = 0.0
    for src, tgt in batches:
        total += loss_compute(model(src), tgt, tgt.numel())
    return total / max(len(batches), 1)


if __name__ == "__main__":
    model = torch.load("model.pt", weights_only=False)
    generator = torch.load("generator.pt", weights_only=False)
    train_batches = torch.load("train.pt")
    valid_batches = torch.load("valid.pt")
    criterion = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(list(model.parameters()) + list(generator.parameters()))
    for epoch in range(10):
        model.train()
        train_loss = run_epoch(train_batches, model, LossCompute(generator, criterion, opt))
        model.eval()
        with torch.no_grad():
            valid_loss = run_epoch(valid_batches, model, LossCompute(generator, criterion))  # expect: NG201@26
            check_loss = run_epoch(valid_batches, model, EvalLossCompute(generator, criterion))
        print(epoch, train_loss, valid_loss, check_loss)
