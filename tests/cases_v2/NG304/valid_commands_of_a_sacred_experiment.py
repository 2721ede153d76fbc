"""Commands of a sacred experiment turn gradients off for the whole invocation: the experiment
runs one command and exits, so the mode is the run's, as at a script's top level. No finding."""
import torch
from sacred import Experiment

ex = Experiment("flows")


@ex.config
def config():
    checkpoint = "flow.pt"
    num_samples = 64


@ex.command
def sample(checkpoint, num_samples):
    torch.set_grad_enabled(False)
    flow = torch.load(checkpoint)
    flow.eval()
    torch.save(flow.sample(num_samples), "samples.pt")


@ex.automain
def evaluate(checkpoint):
    torch.set_grad_enabled(False)
    flow = torch.load(checkpoint)
    flow.eval()
    print(flow.log_prob(torch.zeros(16, 2)).mean().item())
