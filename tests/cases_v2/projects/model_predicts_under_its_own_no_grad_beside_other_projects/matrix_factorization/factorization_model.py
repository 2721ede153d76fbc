import numpy as np
import torch
import torch.nn as nn

from base_model import BaseModel


class Model(BaseModel):
    def __init__(self, num_users, num_items):
        super().__init__()
        self.users = nn.Embedding(num_users, 16)
        self.items = nn.Embedding(num_items, 16)

    def forward(self, users):
        return self.users(users) @ self.items.weight.T

    def predict(self, users, batch_size):
        # no no_grad here: every batch records a graph that `.detach()` throws away
        scores = np.zeros((len(users), self.items.num_embeddings))
        for start in range(0, len(users), batch_size):
            batch = torch.as_tensor(users[start:start + batch_size])
            scores[start:start + batch_size] = self.forward(batch).detach().numpy()  # expect: NG101@48
        return scores
