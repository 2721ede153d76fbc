"""A transcription script imports a library's `evaluate` under another name (`from mir_eval.multipitch
import evaluate as evaluate_frames`) and defines its own `evaluate`, which `evaluate_file` calls;
`__main__` runs `evaluate_file` under `no_grad`. The library name in the import statement is no
read of the module's `evaluate` (no caller unseen), so every caller runs it with gradients off:
silent (round 30: a medium false finding)."""
import argparse

import torch
from mir_eval.multipitch import evaluate as evaluate_frames


def evaluate(data, model):
    metrics = []
    for label in data:
        pred = model(label["audio"])
        frames = pred.argmax(dim=-1).cpu().numpy()
        metrics.append(evaluate_frames(label["times"], label["frames"], label["times"], frames))
    return metrics


def evaluate_file(model_file, dataset, device):
    model = torch.load(model_file, map_location=device).eval()
    return evaluate(dataset, model)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("model_file")
    parser.add_argument("dataset")
    parser.add_argument("--device", default="cpu")
    with torch.no_grad():
        evaluate_file(**vars(parser.parse_args()))
