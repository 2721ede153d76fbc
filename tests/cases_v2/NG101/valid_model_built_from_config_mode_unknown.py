"""Twin of eval_model_built_from_config.py: the loader builds the network from a config with a builder
we cannot read and returns it without putting it in eval mode. Nothing says the network is in eval
mode or is a module at all (only its name), so the loops are not reported at the default confidence;
and a network the caller trained keeps its caller's mode through a helper that only moves it."""
import torch
from modelzoo import build_base_model


def load_model(opt):
    checkpoint = torch.load(opt.model)
    model = build_base_model(checkpoint["opt"], checkpoint)
    return checkpoint["vocab"], model


def to_device(net, opt):
    net.to(opt.device)
    return net, opt.device


def translate(opt, batches):
    vocab, model = load_model(opt)
    for batch in batches:
        print([vocab[i] for i in model(batch).argmax(-1).tolist()])


def fit(net, opt, batches, targets):
    net.train()
    net, device = to_device(net, opt)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    for batch, target in zip(batches, targets):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(net(batch.to(device)), target.to(device)).backward()
        optimizer.step()
