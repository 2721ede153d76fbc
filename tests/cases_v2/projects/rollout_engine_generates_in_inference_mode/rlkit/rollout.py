from rlkit.model import Policy


class RolloutEngine:
    """Hands the generated sequences to the trainer as they are."""

    def __init__(self, policy: Policy):
        self.policy = policy

    def rollout(self, prompts, max_new_tokens=16):
        output_ids = self.policy.generate(prompts, max_new_tokens)
        return output_ids
