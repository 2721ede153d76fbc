import numpy as np
import torch
from torch import nn


class BasePolicy(nn.Module):
    def __init__(self, low, high):
        super().__init__()
        self.low, self.high = low, high

    def scale_action(self, action):
        return 2.0 * ((action - self.low) / (self.high - self.low)) - 1.0

    def unscale_action(self, scaled_action):
        return self.low + 0.5 * (scaled_action + 1.0) * (self.high - self.low)

    @torch.no_grad()
    def predict(self, observation):
        action = self(torch.as_tensor(observation)).cpu().numpy()
        return np.clip(action, -1.0, 1.0)
