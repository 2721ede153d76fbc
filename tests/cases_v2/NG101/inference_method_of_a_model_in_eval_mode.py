import torch


def predict_patches(model, patches):
    model.eval()
    predictions = []
    for patch in patches:
        predictions.append(model.inference(patch.unsqueeze(0)))  # expect: NG101@28
    return torch.stack(predictions).squeeze(1).detach()
