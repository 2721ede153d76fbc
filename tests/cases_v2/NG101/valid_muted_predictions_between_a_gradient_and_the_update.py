"""Representation self-challenging: a training step takes the gradient of the predictions with
respect to the features (`autograd.grad`), runs the classifier on muted features to choose which
examples to mute, keeps only a mask from those predictions, then trains on the masked features. A
gradient taken inside the step is no finished training: what follows it is still the step, not an
evaluation after training."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import autograd


class Base(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.featurizer = nn.Linear(8, 8)
        self.classifier = nn.Linear(8, num_classes)
        self.optimizer = torch.optim.SGD(self.parameters(), lr=0.01)


class SelfChallenging(Base):
    def __init__(self, num_classes, drop=33.0):
        super().__init__(num_classes)
        self.num_classes = num_classes
        self.drop = drop

    def update(self, x, y):
        one_hot = F.one_hot(y, self.num_classes)
        features = self.featurizer(x)
        predictions = self.classifier(features)
        gradients = autograd.grad((predictions * one_hot).sum(), features)[0]
        thresholds = np.percentile(gradients.cpu(), 100 - self.drop, axis=1)
        thresholds = torch.Tensor(thresholds).unsqueeze(1)
        mask_features = gradients.lt(thresholds).float()
        muted_features = features * mask_features
        muted = self.classifier(muted_features)
        scores = F.softmax(predictions, dim=1)
        muted_scores = F.softmax(muted, dim=1)
        changes = (scores * one_hot).sum(1) - (muted_scores * one_hot).sum(1)
        cut = np.percentile(changes.detach().cpu(), self.drop)
        mask_examples = changes.lt(cut).float().view(-1, 1)
        mask = torch.logical_or(mask_features, mask_examples).float()
        loss = F.cross_entropy(self.classifier(features * mask), y)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()
