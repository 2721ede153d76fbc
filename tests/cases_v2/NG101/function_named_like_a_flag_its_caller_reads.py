"""`evaluate_recon` is also the name of a command-line flag (`args.evaluate_recon`) that the
caller tests before calling it under `no_grad`: an attribute of `args` is no reference to the
function, whose only caller disables gradients, silent (it was taken for a function passed around,
with callers unseen). `evaluate_gen`, called the same way without `no_grad`, is NG101."""
import argparse

import torch


def evaluate_recon(model, loader):
    model.eval()
    errors = []
    for x in loader:
        errors.append((model(x) - x).abs().mean().item())
    return sum(errors) / len(errors)


def evaluate_gen(model, loader):
    model.eval()
    errors = []
    for x in loader:
        errors.append(model(x).std().item())  # expect: NG101@23
    return sum(errors) / len(errors)


def main(args, model, loader):
    with torch.no_grad():
        if args.evaluate_recon:
            print(evaluate_recon(model, loader))
    if args.evaluate_gen:
        print(evaluate_gen(model, loader))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--evaluate_recon", action="store_true")
    parser.add_argument("--evaluate_gen", action="store_true")
    main(parser.parse_args(), torch.nn.Linear(4, 4), [torch.randn(2, 4)])
