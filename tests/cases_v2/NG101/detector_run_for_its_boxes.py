"""A YOLO utility runs the detector it is given in eval mode and returns the boxes a library
decodes from its output; callers outside the run's view draw them. `detect` names inference as
`predict` does: with `model.eval()`, NG101 at medium (it was low: an eval-mode pass whose outputs
leave). Twin: `boxes_of_model`, the same without an evaluation name, low."""
import torch
from yolo_toolkit.boxes import get_boxes


def do_detect(model, img, conf_thresh):
    model.eval()
    img = torch.from_numpy(img).float().div(255.0).unsqueeze(0)
    output = model(img)  # expect: NG101@14
    return get_boxes(output, conf_thresh)


def boxes_of_model(model, img, conf_thresh):
    model.eval()
    output = model(torch.from_numpy(img).float())
    return get_boxes(output, conf_thresh)
