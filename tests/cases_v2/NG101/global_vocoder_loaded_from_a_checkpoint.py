"""A text-to-speech server: `__main__` loads a checkpoint into the vocoder a config library
builds (`instantiate(config.model)`, a call whose result was read as a tensor made from a module),
and the request handler decodes codes with it and returns NumPy samples. `load_state_dict` makes
it a module with weights, so reading only values from its outputs is a probe: NG101 (medium) in
`synthesize`. Before, the checkpoint was not seen and nothing was reported."""
import argparse

import torch
from hydra.utils import instantiate
from omegaconf import OmegaConf


def load_model(config, checkpoint):
    model = instantiate(config.model)
    model.load_state_dict(torch.load(checkpoint, map_location="cpu"))
    model.eval()
    return model


def synthesize(codes):
    audio = vocoder.decode(codes)  # expect: NG101@13
    return audio.float().cpu().numpy()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--config")
    parser.add_argument("--checkpoint")
    args = parser.parse_args()
    vocoder = load_model(OmegaConf.load(args.config), args.checkpoint)
    print(synthesize(torch.zeros(1, 8, 100, dtype=torch.long)).shape)
