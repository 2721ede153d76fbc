def predict(model, images):
    """A library's API: what its users do with the result is theirs to decide."""
    return model(images)


def predict_labels(model, images):
    return model(images)  # expect: NG101@12


def embed_all(model, batches):
    """Returns every batch's embeddings: its only caller, a test, puts the model in eval mode first.
    What a test passes an API says nothing of how it is used: silent."""
    return [model(batch) for batch in batches]
