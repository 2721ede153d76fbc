import torch


class Runner:
    def __init__(self, model, mode):
        self.model = model
        self.ctx = torch.inference_mode(mode)

    def run(self, x):
        with self.ctx:  # expect: NG305@14
            return self.model(x)

    def run_twice(self, x):
        with self.ctx:  # expect: NG305@14
            return self.run(self.run(x))
