"""An optimizer wrapper whose step(loss) backpropagates the loss it is given: the actor's outputs are used."""
import torch


class Wrapped:
    def __init__(self, optim):
        self.optim = optim

    def step(self, loss):
        self.optim.zero_grad()
        loss.backward()
        self.optim.step()


class Algorithm:
    def __init__(self, actor, critic):
        self.actor = actor
        self.critic = critic
        self.actor_optim = Wrapped(torch.optim.Adam(actor.parameters()))

    def evaluate_actions(self, obs):
        return self.critic(obs, self.actor(obs))

    def update(self, obs):
        actor_loss = -self.evaluate_actions(obs).mean()
        self.actor_optim.step(actor_loss)
