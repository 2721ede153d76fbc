import torch

from camkit import Classifier, heads


def top_class(weights, batches):
    model = Classifier(8, 3)
    model.load_state_dict(torch.load(weights))
    model.eval()
    labels = []
    for x in batches:
        labels.append(model(x).argmax(1).tolist())  # expect: NG101@23
    return labels, heads
