"""The policy is built from a class the algorithm is given (`self.policy_class`), so its class is
not known here; `unscale_action` is defined by one class of the project modules imported here,
`BasePolicy`, where it is NumPy arithmetic, not a forward pass. The model runs only in
`predict`, under `no_grad`. Silent."""
import numpy as np

from .policies import BasePolicy


class OffPolicyAlgorithm:
    def __init__(self, policy_class, env, low, high):
        self.policy_class = policy_class
        self.env = env
        self.policy = self.policy_class(low, high)

    def _sample_action(self, observation):
        unscaled = self.policy.predict(observation)
        scaled = self.policy.scale_action(unscaled)
        scaled = np.clip(scaled + 0.1 * np.random.randn(*scaled.shape), -1.0, 1.0)
        return self.policy.unscale_action(scaled), scaled

    def collect_rollouts(self, steps):
        observation = self.env.reset()
        stored = []
        for _ in range(steps):
            action, buffer_action = self._sample_action(observation)
            observation, reward, done, info = self.env.step(action)
            stored.append((buffer_action, reward))
        return stored


def default_policy() -> type:
    return BasePolicy
