"""The twin of factory_module_loaded_checkpoint.py: the network made by a class looked up at run
time is trained, and its outputs feed the loss."""
import importlib

import torch


def fit(net, dataset, opt):
    for low, high in dataset:
        out = net(low.unsqueeze(0)).squeeze(0)
        loss = (out - high).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()


def main(cfg):
    module = importlib.import_module("models." + cfg.arch)
    net = module.Net(multi_scale=True)
    net.load_state_dict(torch.load(cfg.checkpoint))
    fit(net, cfg.dataset, torch.optim.SGD(net.parameters(), lr=0.1))
