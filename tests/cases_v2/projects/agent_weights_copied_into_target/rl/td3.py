"""The actor's weights are copied into its target network (`load_state_dict(actor.state_dict())`),
so it has parameters: `eval_step`, which the base class's evaluation episode calls, runs it with
gradients on and converts the output to numpy."""
import torch

from .base import Agent
from .convert import *


class TD3(Agent):
    def __init__(self, make_actor):
        self.actor = make_actor()
        self.actor_target = make_actor()
        self.actor_target.load_state_dict(self.actor.state_dict())

    def eval_step(self, state):
        action = self.actor(torch.as_tensor(state))  # expect: NG101@18
        return to_np(action)
