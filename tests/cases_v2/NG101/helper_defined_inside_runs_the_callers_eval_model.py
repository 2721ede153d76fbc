import numpy as np
import torch
import torch.nn.functional as F
from torchvision.models import resnet18


def class_probabilities(images, batch_size=32):
    classifier = resnet18(weights="DEFAULT")
    classifier.eval()

    def predict(x):
        return F.softmax(classifier(x), dim=1).data.cpu().numpy()

    loader = torch.utils.data.DataLoader(images, batch_size=batch_size)
    probabilities = []
    for batch in loader:
        probabilities.append(predict(batch))  # expect: NG101@30
    return np.concatenate(probabilities)


def class_probabilities_without_grad(images, batch_size=32):
    classifier = resnet18(weights="DEFAULT")
    classifier.eval()

    def predict(x):
        return F.softmax(classifier(x), dim=1).cpu().numpy()

    loader = torch.utils.data.DataLoader(images, batch_size=batch_size)
    with torch.no_grad():
        return np.concatenate([predict(batch) for batch in loader])
