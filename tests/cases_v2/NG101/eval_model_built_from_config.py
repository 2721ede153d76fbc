"""A loader builds the network from a config with a builder we cannot read, puts it in eval mode and
returns it, alone or in a tuple: the caller's network is in eval mode, whatever the config the caller
passed (a module built from a config is not the config). NG101 in both loops."""
import torch
from modelzoo import build_base_model


def load_test_model(opt, overrides):
    checkpoint = torch.load(opt.model)
    model_opt = checkpoint["opt"]
    for key in overrides:
        model_opt.__dict__[key] = overrides[key]
    model = build_base_model(model_opt, checkpoint)
    model.eval()
    return checkpoint["vocab"], model, model_opt


def load_scorer(opt):
    scorer = build_base_model(opt, torch.load(opt.scorer))
    scorer.eval()
    return scorer


def translate(opt, batches):
    vocab, model, _ = load_test_model(opt, {})
    for batch in batches:
        print([vocab[i] for i in model(batch).argmax(-1).tolist()])  # expect: NG101@34


def rescore(opt, batches):
    scorer = load_scorer(opt)
    return [scorer(batch).max().item() for batch in batches]  # expect: NG101@13
