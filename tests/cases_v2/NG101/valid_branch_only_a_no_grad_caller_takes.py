import torch
import torch.nn as nn


def run_eval(model, batches, report=False):
    model.eval()
    out = []
    for x in batches:
        if report:
            # only the caller that disables gradients asks for the report
            out.append(model(x).argmax(1).tolist())
        else:
            out.append(x.shape[0])
    return out


def main(batches):
    model = nn.Linear(8, 3)
    with torch.no_grad():
        print(run_eval(model, batches, report=True))
    print(sum(run_eval(model, batches)))
