"""A helper named like evaluation calls a method of its `encoder` parameter once per token, but
the only caller passes an sklearn label encoder: no module runs, so nothing records a graph."""
import numpy as np
import torch
from sklearn import preprocessing


def decode_predictions(preds, encoder):
    preds = torch.argmax(torch.softmax(preds.permute(1, 0, 2), 2), 2)
    preds = preds.detach().cpu().numpy()
    decoded = []
    for row in preds:
        decoded.append("".join(encoder.inverse_transform([k - 1])[0] for k in row if k > 0))
    return decoded


def run_training(model, optimizer, loader, valid_loader, labels):
    encoder = preprocessing.LabelEncoder()
    encoder.fit(labels)
    for epoch in range(10):
        model.train()
        for images, targets in loader:
            optimizer.zero_grad()
            _, loss = model(images, targets)
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            predictions = [model(images, targets)[0] for images, targets in valid_loader]
        words = [decode_predictions(p, encoder) for p in predictions]
        print(np.mean([len(w) for w in words]))
