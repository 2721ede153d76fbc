import torch


def _detections(generator, model):
    found = []
    with torch.no_grad():
        for index in range(len(generator)):
            found.append(model(generator[index]["img"]).argmax(-1).tolist())
    return found


def evaluate(generator, model):
    """`generator` (the keras-retinanet name of a dataset) is read with `label_to_name`: no forward pass."""
    detections = _detections(generator, model)
    return {generator.label_to_name(label): len(detections) for label in range(generator.num_classes())}
