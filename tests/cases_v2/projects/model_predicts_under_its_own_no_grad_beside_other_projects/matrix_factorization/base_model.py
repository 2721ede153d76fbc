import torch.nn as nn


class BaseModel(nn.Module):
    def forward(self, *inputs):
        pass

    def predict(self, users, batch_size):
        pass
