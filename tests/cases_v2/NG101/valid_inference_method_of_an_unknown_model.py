import torch


def predict_patches(model, patches):
    # `inference` of a class this file does not know: it may disable gradients itself
    predictions = []
    for patch in patches:
        predictions.append(model.inference(patch.unsqueeze(0)))
    return torch.stack(predictions).squeeze(1).detach()


def detect_all(detector, images):
    return [detector.detect(image).cpu().numpy() for image in images]
