import numpy as np


class Trainer:
    def __init__(self, dataset, model, evaluator, conf):
        self.dataset = dataset
        self.model = model
        self.evaluator = evaluator
        self.batch_size = conf["batch_size"]

    def train(self, epochs):
        scores = []
        for epoch in range(epochs):
            self.model.train()
            scores.append(self.evaluate())
        return scores

    def evaluate(self):
        return self.evaluator.evaluate(self.model, np.arange(len(self.dataset)), self.batch_size)
