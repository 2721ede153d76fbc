import sys

import torch

import utils.general as utils


def evaluate(model_class, checkpoint, batches):
    # the class comes from the configuration: this script cannot tell which network it is
    model = utils.get_class(model_class)()
    model.load_state_dict(torch.load(checkpoint))
    model.eval()
    images = []
    for points in batches:
        out = model({"points": points})
        images.append(out["rgb"].detach().cpu())
    return torch.cat(images)


if __name__ == "__main__":
    print(evaluate(sys.argv[1], sys.argv[2], [torch.rand(1024, 3)]).shape)
