import argparse

import torch

from gen import common


def train(model, batches, epochs):
    log = {}
    for _ in range(epochs):
        model.eval()
        with torch.no_grad():
            model.evaluate(log, batches[0])
        model.train()
        for x in batches:
            log["loss"] = model.train_step(x)
    return log


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="vae")
    args = parser.parse_args()
    net = common.build(args.model, 16)
    train(net, [torch.rand(4, 16) for _ in range(3)], 2)
