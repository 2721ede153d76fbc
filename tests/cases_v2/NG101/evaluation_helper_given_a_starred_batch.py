import torch
import torch.nn as nn


def run_model(model, *inputs):
    return model(*inputs)  # expect: NG101@12


def evaluate(model, batches):
    model.eval()
    correct = 0
    for batch, labels in batches:
        # the batch passed on as `*batch`: the helper runs the model on its parts
        logits = run_model(model, *batch)
        correct += (logits.argmax(1) == labels).sum().item()
    return correct


if __name__ == "__main__":
    net = nn.Bilinear(4, 4, 3)
    print(evaluate(net, [((torch.randn(2, 4), torch.randn(2, 4)), torch.tensor([0, 1]))]))
