"""A trainer's predict turns gradients off and returns without restoring them; its long `fit`
turns them back on first thing. That compensates for `predict`, but whatever else runs after
`predict` (another library, the user's own code) still has gradients off."""
import torch


class Runner:
    def __init__(self, model, opt):
        self.model = model
        self.opt = opt

    def predict(self, rows):
        self.model.eval()
        torch.set_grad_enabled(False)  # expect: NG304@9
        outputs = []
        for x in rows:
            outputs.append(self.model(x))
        return outputs

    def fit(self, rows):
        self.model.train()
        torch.set_grad_enabled(True)
        for x, y in rows:
            loss = torch.nn.functional.cross_entropy(self.model(x), y)
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
