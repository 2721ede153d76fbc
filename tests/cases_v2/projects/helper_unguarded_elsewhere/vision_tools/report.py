from .inference import predict


def confusion(model, loader, n_classes):
    matrix = [[0] * n_classes for _ in range(n_classes)]
    for images, labels in loader:
        for p, t in zip(predict(model, images).argmax(1).tolist(), labels.tolist()):
            matrix[t][p] += 1
    return matrix
