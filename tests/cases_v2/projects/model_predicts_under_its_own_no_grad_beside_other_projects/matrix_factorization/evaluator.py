import numpy as np


class Evaluator:
    def __init__(self, top_k):
        self.top_k = top_k

    def evaluate(self, model, users, batch_size):
        model.eval()
        scores = model.predict(users, batch_size)  # expect: NG101@18
        return np.argsort(-scores, axis=1)[:, : self.top_k]
