import torch


def train_classifier(backbone, classifier, loader, optimizer, criterion):
    for images, labels in loader:
        with torch.inference_mode():
            features = backbone(images)
        logits = classifier(features)  # expect: NG204@29
        loss = criterion(logits, labels)
        loss.backward()
        optimizer.step()


def views_keep_it(backbone, classifier, x, y, criterion):
    with torch.inference_mode():
        feats = backbone(x)
    pooled = feats.flatten(1)
    criterion(classifier(pooled[:, :128]), y).backward()  # expect: NG204@26
