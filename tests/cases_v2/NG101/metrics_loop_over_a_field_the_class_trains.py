# settings: min_confidence=low
"""A federated client's base class (of a module not read) builds a personalised network,
`self.pmodel`: its class is not known here and its name does not read as a model. The class
treats it as a module (its parameters go to an optimizer of the project, `train()` is called on
it), so its training-set metrics loop, which runs it on every batch and keeps only numbers, is
reported (at low confidence: nothing puts it in eval mode), though the function's name says
"train". The training loop backpropagates: silent."""
import torch.nn as nn
from flcore.clients.clientbase import Client
from flcore.optimizers.fedoptimizer import PerturbedGradientDescent


class PersonalizedClient(Client):
    def __init__(self, args, **kwargs):
        super().__init__(args, **kwargs)
        self.loss = nn.CrossEntropyLoss()
        self.poptimizer = PerturbedGradientDescent(self.pmodel.parameters(), lr=self.learning_rate, mu=args.mu)

    def ptrain(self):
        trainloader = self.load_train_data()
        self.pmodel.train()
        for x, y in trainloader:
            self.poptimizer.zero_grad()
            loss = self.loss(self.pmodel(x.to(self.device)), y.to(self.device))
            loss.backward()
            self.poptimizer.step(self.model.parameters(), self.device)

    def train_metrics_personalized(self):
        trainloader = self.load_train_data()
        train_num = 0
        loss = 0
        for x, y in trainloader:
            output = self.pmodel(x.to(self.device))  # expect: NG101@22
            train_num += y.shape[0]
            loss += self.loss(output, y.to(self.device)).item() * y.shape[0]
        return loss, train_num
