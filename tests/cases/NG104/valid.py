import copy

import torch
import torch.nn as nn
import torch.nn.functional as F


def dqn_no_grad(model, optimizer, state, action, reward, next_state, gamma=0.99):
    q = model(state).gather(1, action)
    with torch.no_grad():
        target = reward + gamma * model(next_state).max(1)[0].unsqueeze(1)
    loss = F.smooth_l1_loss(q, target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def dqn_detached(model, optimizer, state, action, reward, next_state, gamma=0.99):
    q = model(state).gather(1, action)
    target = reward + gamma * model(next_state).detach().max(1)[0].unsqueeze(1)
    loss = F.mse_loss(q, target.detach())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def dqn_target_network(policy_net, target_net, optimizer, state, action, reward, next_state, gamma=0.99):
    # a separate target network: its parameters are not in the optimizer
    q = policy_net(state).gather(1, action)
    target = reward + gamma * target_net(next_state).max(1)[0].unsqueeze(1)
    loss = F.smooth_l1_loss(q, target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


class DQN:
    def __init__(self, net):
        self.net = net
        self.target = copy.deepcopy(net)
        self.target.requires_grad_(False)
        self.optimizer = torch.optim.Adam(net.parameters())

    def learn(self, state, action, reward, next_state):
        q = self.net(state).gather(1, action)
        target = reward + 0.99 * self.target(next_state).max(1)[0]
        loss = F.mse_loss(q, target)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()


def supervised(model, optimizer, x, y):
    # the target is a label tensor
    loss = F.cross_entropy(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def pair_losses(model, optimizer, x1, x2, x3, y):
    # both inputs are meant to be trained
    loss = F.cosine_embedding_loss(model(x1), model(x2) + model(x3), y)
    loss = loss + F.margin_ranking_loss(model(x1).sum(1), model(x2).sum(1) - 1, y)
    loss = loss + nn.TripletMarginLoss()(model(x1), model(x2), model(x3) + 1)
    loss.backward()
    optimizer.step()


def pi_model(model, optimizer, x, augment, temperature=0.5):
    # consistency regularisation: both branches are differentiated on purpose
    loss = F.mse_loss(torch.softmax(model(augment(x)), 1), torch.softmax(model(augment(x)) / temperature, 1))
    loss.backward()
    optimizer.step()


def r_drop(model, optimizer, x, y):
    logits1 = model(x)
    logits2 = model(x)
    ce = F.cross_entropy(logits1, y) + F.cross_entropy(logits2 - 0, y)
    kl = F.kl_div(F.log_softmax(logits1, -1), F.softmax(logits2 - 0, -1), reduction="batchmean")
    (ce + kl).backward()
    optimizer.step()


def autoencoder_latent(encoder, decoder, optimizer, x):
    # the target and the prediction share one forward pass of the encoder
    z = encoder(x)
    loss = F.mse_loss(decoder(z) + z, z + 1)
    loss.backward()
    optimizer.step()


def distillation(student, teacher, optimizer, x, temperature=2.0):
    # a teacher is another module
    loss = F.kl_div(F.log_softmax(student(x) / temperature, 1), F.softmax(teacher(x) / temperature + 0, 1))
    loss.backward()
    optimizer.step()


def td_error(model, state, action, reward, next_state):
    # nothing is trained here, and nothing is differentiated
    q = model(state).gather(1, action)
    target = reward + 0.99 * model(next_state).max(1)[0]
    return F.mse_loss(q, target).item()


def targets_shaped_like_outputs(model, optimizer, state, action, reward, next_state, labels, mask):
    # tensors made like an output (`new_zeros`, `type_as`) carry no graph of it
    q = model(state).gather(1, action)
    q_next = model(next_state)
    target = q_next.new_zeros(q.shape)
    target[mask] += reward[mask]
    loss = F.mse_loss(q, target) + F.binary_cross_entropy_with_logits(q, labels.type_as(q_next) + 1)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
