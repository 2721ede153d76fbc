def predict(model, images):
    """A library's API: what its users do with the result is theirs to decide."""
    return model(images)


def predict_labels(model, images):
    return model(images)  # expect: NG101@12
