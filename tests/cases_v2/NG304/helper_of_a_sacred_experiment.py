import torch
from sacred import Experiment

ex = Experiment("flows")


def load_for_sampling(checkpoint):
    # a helper, not a command: the mode it leaves off outlives it
    torch.set_grad_enabled(False)  # expect: NG304@5
    flow = torch.load(checkpoint)
    return flow.eval()


@ex.command
def sample(checkpoint, num_samples):
    flow = load_for_sampling(checkpoint)
    torch.save(flow.sample(num_samples), "samples.pt")
