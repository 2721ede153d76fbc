"""A network made by a class looked up at run time (`module.Net(...)`) gets a checkpoint loaded
into it and is passed to a function that runs it over a dataset and saves detached outputs: the
first call builds a module, the second runs forward passes."""
import importlib

import torch


def save(image, path):
    torch.save(image.cpu(), path)


def sample(net, dataset):
    for low, path in dataset:
        out = net(low.unsqueeze(0)).detach().squeeze(0)  # expect: NG101@15
        save(out, path)


def main(cfg):
    module = importlib.import_module("models." + cfg.arch)
    net = module.Net(multi_scale=True)
    net.load_state_dict(torch.load(cfg.checkpoint))
    sample(net, cfg.dataset)
