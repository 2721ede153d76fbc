import torch

from graphtasks.nets import GAT, GCN


class BaseTask:
    def __init__(self, kind, in_dim, out_dim, lr=0.01):
        self.kind = kind
        self.in_dim = in_dim
        self.out_dim = out_dim
        self.lr = lr

    def build_network(self):
        if self.kind == "gat":
            self.gnn = GAT(self.in_dim, self.out_dim)
        else:
            self.gnn = GCN(self.in_dim, self.out_dim)
        self.optimizer = torch.optim.Adam(self.gnn.parameters(), lr=self.lr)
