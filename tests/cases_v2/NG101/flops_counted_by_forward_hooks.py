"""A FLOP counter registers forward hooks on the model's layers (through a helper it nests), runs
the model once on a dummy input (`requires_grad=True`, as old counters wrote it) and returns what
the hooks counted: nothing reads the output and nothing can differentiate it, NG101 at medium.
Twin: `style_loss` captures features with hooks the same way and returns a loss built from them
for its caller to backpropagate, silent."""
import torch
import torch.nn as nn


def get_flops(model, input_shape=(3, 32, 32)):
    counts = []

    def conv_hook(module, inputs, output):
        batch, channels, height, width = output.size()
        counts.append(batch * channels * height * width * module.weight[0].numel())

    def attach(net):
        for child in net.children():
            if isinstance(child, nn.Conv2d):
                child.register_forward_hook(conv_hook)
            attach(child)

    attach(model)
    dummy = torch.autograd.Variable(torch.rand(*input_shape).unsqueeze(0), requires_grad=True)
    out = model(dummy)  # expect: NG101@11
    return sum(counts)


def style_loss(features_net, image, target_grams):
    captured = []

    def keep(module, inputs, output):
        captured.append(output)

    for layer in features_net.children():
        layer.register_forward_hook(keep)
    features_net(image)
    loss = 0.0
    for feature, gram in zip(captured, target_grams):
        flat = feature.flatten(2)
        loss = loss + ((flat @ flat.transpose(1, 2)) - gram).pow(2).mean()
    return loss
