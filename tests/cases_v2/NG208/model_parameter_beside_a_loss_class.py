"""The model is a parameter of the training step, used only through the module API
(`model.parameters()`), and the file's only module class is a loss: the parameter is not typed
as that loss class, so its `no_grad` passes stay forward passes of the trained model, and the
contrastive term of their outputs alone (no graph) is reported."""
import torch
import torch.nn.functional as F
from torch import nn


class SupConLoss(nn.Module):
    def forward(self, features):
        features = F.normalize(features, dim=-1)
        return -(features[:, 0] * features[:, 1]).sum(-1).mean()


def train(model, labeled, unlabeled, epochs=10):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion_simclr = SupConLoss()
    for epoch in range(epochs):
        for (x, y), (u1, u2, strong) in zip(labeled, unlabeled):
            with torch.no_grad():
                out_u, feat_u = model(u1)  # expect: NG208@33
                out_u2, feat_u2 = model(u2)  # expect: NG208@35
                pseudo = (out_u.softmax(1) + out_u2.softmax(1)).argmax(1)
            out_x, _ = model(x)
            features = torch.cat([feat_u.unsqueeze(1), feat_u2.unsqueeze(1)], dim=1)
            lx = F.cross_entropy(out_x, y)
            ls = criterion_simclr(features)
            out_s, _ = model(strong)
            lu = F.cross_entropy(out_s, pseudo)
            loss = 0.5 * lx + lu + 0.1 * ls
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
