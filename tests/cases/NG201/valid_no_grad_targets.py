import torch
import torch.nn.functional as F


def dqn_update(q_net, target_net, optimizer, obs, actions, rewards, next_obs, gamma=0.99):
    with torch.no_grad():
        target = rewards + gamma * target_net(next_obs).max(1).values
    q = q_net(obs).gather(1, actions[:, None]).squeeze(1)
    loss = F.smooth_l1_loss(q, target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def distill(student, teacher, x, optimizer):
    with torch.no_grad():
        soft = teacher(x).softmax(-1)
    loss = F.kl_div(student(x).log_softmax(-1), soft, reduction="batchmean")
    loss.backward()
    optimizer.step()


def reinforce(policy, critic, obs, log_probs, returns):
    with torch.no_grad():
        advantages = returns - critic(obs)
    loss = -(log_probs * advantages).mean()
    loss.backward()


def dqn_update_target_first(q_network, target_network, optimizer, data, gamma=0.99):
    """The arguments swapped: the no_grad TD target is the loss's input and the Q-values its
    target. torch differentiates a loss's target too, so the backward pass reaches `q_network`."""
    with torch.no_grad():
        target_max, _ = target_network(data.next_observations).max(dim=1)
        td_target = data.rewards.flatten() + gamma * target_max * (1 - data.dones.flatten())
    old_val = q_network(data.observations).gather(1, data.actions).squeeze()
    loss = F.mse_loss(td_target, old_val)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
