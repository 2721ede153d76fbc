"""Class-incremental training distils the previous task's model into the new one: the function
puts `old_model` in eval mode under one condition (`if not first_task:`) and runs it under
another, its output detached only inside the distillation loss. A model this scope puts in eval
mode and never back in training mode is a frozen reference whose graph the detach throws away:
NG101 at medium. Twin: `train_with_target` runs a second network it never puts in eval mode and
detaches its output into the loss, a TD target's shape, low only (not reported at medium)."""
import torch.nn as nn
import torch.nn.functional as F


def train_incremental(epochs, model, old_model, optimizer, loader, T, first_task):
    if not first_task:
        old_model.eval()
        old_classes = old_model.fc.out_features
    for epoch in range(epochs):
        model.train()
        for inputs, targets in loader:
            optimizer.zero_grad()
            outputs = model(inputs)
            if first_task:
                loss = F.cross_entropy(outputs, targets)
            else:
                old_outputs = old_model(inputs)  # expect: NG101@31
                distill = nn.KLDivLoss()(F.log_softmax(outputs[:, :old_classes] / T, dim=1),
                                         F.softmax(old_outputs.detach() / T, dim=1)) * T * T
                loss = distill + F.cross_entropy(outputs, targets)
            loss.backward()
            optimizer.step()
    return model


def train_with_target(model, target_model, optimizer, loader, gamma):
    for obs, rewards, next_obs in loader:
        optimizer.zero_grad()
        values = model(obs)
        next_values = target_model(next_obs)
        loss = F.mse_loss(values, rewards + gamma * next_values.detach())
        loss.backward()
        optimizer.step()
