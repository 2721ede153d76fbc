import numpy as np
import torch
import torch.nn as nn

from base_model import BaseModel


class Model(BaseModel):
    def __init__(self, num_users, num_items):
        super().__init__()
        self.ratings = torch.rand(num_users, num_items)
        self.encoder = nn.Linear(num_items, 16)
        self.decoder = nn.Linear(16, num_items)

    def forward(self, x):
        return self.decoder(torch.relu(self.encoder(x)))

    def predict(self, users, batch_size):
        # all of the body under its own no_grad
        with torch.no_grad():
            scores = np.zeros(tuple(self.ratings.shape))
            for start in range(0, len(users), batch_size):
                batch = users[start:start + batch_size]
                scores[batch] = self.forward(self.ratings[batch]).numpy()
        return scores
