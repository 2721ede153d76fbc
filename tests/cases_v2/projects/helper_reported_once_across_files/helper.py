"""The helper runs the forward pass for two evaluating callers in another file: one finding, here,
where one `no_grad` fixes both (its callers are named as related locations)."""
import torch


def detect(model, image):
    return model(image).argmax(1).tolist()  # expect: NG101@12
