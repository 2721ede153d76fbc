"""A vocoder service: `__main__` loads a checkpoint into the model a config library builds, and a
route handler the web framework calls returns the decoded audio. Nothing in the file trains and
the handler has no caller the analysis sees: it serves the loaded model, so NG101 (medium) in
`synthesize` (the global was ignored before)."""
import argparse

import torch
from flask import Flask, request
from hydra.utils import instantiate
from omegaconf import OmegaConf

app = Flask(__name__)


def load_model(config, checkpoint):
    model = instantiate(config.model)
    model.load_state_dict(torch.load(checkpoint, map_location="cpu"))
    model.eval()
    return model


@app.post("/synthesize")
def synthesize():
    codes = torch.tensor(request.json["codes"])
    return vocoder.decode(codes)  # expect: NG101@12


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--config")
    parser.add_argument("--checkpoint")
    args = parser.parse_args()
    vocoder = load_model(OmegaConf.load(args.config), args.checkpoint)
    app.run()
