"""Evaluation names on functions that build models or score arrays: no forward pass."""
import numpy as np
import torch
from sklearn.metrics import f1_score

from models import build_model


def evaluate(preds: np.ndarray, labels: np.ndarray) -> dict:
    return {"acc": float((preds == labels).mean()), "f1": f1_score(labels, preds, average="macro")}


def test(cfg):
    model = build_model(cfg)
    model.load_state_dict(torch.load(cfg.checkpoint, map_location="cpu"))
    model.eval()
    return model


def predict_from_cache(cache_path):
    logits = torch.load(cache_path)
    return logits.argmax(-1).numpy()


def validate_config(cfg):
    assert cfg.batch_size > 0 and cfg.lr > 0
    return build_model(cfg)
