"""The agent is built by a factory the workspace is handed (a config's `instantiate`), so its class
is not known here. `self.agent.act(obs)` is guessed to be `SACAgent.act`: the receiver's name is
a word of the class's name and the project defines `act` nowhere else. The evaluation episodes run
the actor at every step with gradients on (medium: a guess by names). `self.env.step(action)` is
no project method (no class named like `env` defines `step`), `self.buffer.sample(64)` runs no
model, and `self.agent.update(batch)` trains. `self.expert.act(obs)` is not guessed: no class
defining `act` is named like `expert`."""
import torch


class Workspace:
    def __init__(self, cfg, make_agent, env, buffer):
        self.cfg = cfg
        self.env = env
        self.buffer = buffer
        self.agent = make_agent(cfg.agent)
        self.expert = make_agent(cfg.expert)

    def evaluate(self):
        total = 0.0
        for episode in range(self.cfg.num_eval_episodes):
            obs = self.env.reset()
            done = False
            while not done:
                action = self.agent.act(obs)  # expect: NG101@26
                obs, reward, done, _ = self.env.step(action)
                total += reward
        return total / self.cfg.num_eval_episodes

    def evaluate_expert(self):
        total = 0.0
        for episode in range(self.cfg.num_eval_episodes):
            obs = self.env.reset()
            done = False
            while not done:
                obs, reward, done, _ = self.env.step(self.expert.act(obs))
                total += reward
        return total

    def validate_buffer(self):
        for _ in range(10):
            batch = self.buffer.sample(64)
            print(batch.mean())

    def run(self, steps):
        for step in range(steps):
            batch = torch.as_tensor(self.buffer.sample(64))
            self.agent.update(batch)
            if step % 1000 == 0:
                self.evaluate()
