import torch


def requires_grad_afterwards(encoder, x):
    with torch.no_grad():
        features = encoder(x)
    features.requires_grad_()
    loss = (features ** 2).sum()
    loss.backward()
    return features.grad


def branches(model, x, y, criterion, train):
    if train:
        out = model(x)
    else:
        with torch.no_grad():
            out = model(x)
    loss = criterion(out, y)
    if train:
        loss.backward()


def recomputed(model, x, y, criterion):
    with torch.no_grad():
        out = model(x)
    print(out.mean())
    out = model(x)
    loss = criterion(out, y)
    loss.backward()


def rollout_then_loss(policy, env_batch, loss_module, optimizer):
    # Collect with no_grad; the loss module runs the networks again with gradients on.
    with torch.no_grad():
        data = policy(env_batch)
    losses = loss_module(data)
    loss = losses["loss_objective"] + losses["loss_critic"]
    loss.backward()
    optimizer.step()


def enable_grad_inside(model, x, y, criterion):
    with torch.no_grad():
        with torch.enable_grad():
            loss = criterion(model(x), y)
        loss.backward()


@torch.no_grad()
async def train_async(model, x, y, criterion):
    loss = criterion(model(x), y)
    loss.backward()
