import torch
import torch.nn.functional as F

from graphtasks.base import BaseTask
from graphtasks.metrics import accuracy, scores
from graphtasks.nets import MeanReadout


class NodeTask(BaseTask):
    def __init__(self, graphs, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.graphs = graphs
        self.readout = MeanReadout(self.out_dim)
        self.build_network()

    def train_epoch(self):
        for x, adj, y in self.graphs:
            self.optimizer.zero_grad()
            loss = F.cross_entropy(self.gnn(x, adj, self.readout), y)
            loss.backward()
            self.optimizer.step()

    def run(self, test_graphs, epochs):
        for _ in range(epochs):
            self.train_epoch()
        return accuracy(test_graphs, self.gnn, self.readout)

    def validate(self):
        with torch.no_grad():
            return scores(self.graphs, self.gnn, self.readout)
