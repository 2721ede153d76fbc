"""A chunk runner shared by training, validation and posterior extraction: its loop runs the
network on every batch, backpropagates only under `if to_do == "train":`, and compares `to_do`
with `"forward"` and `"valid"` too. In those modes the forward passes record graphs nobody uses:
NG101 at the loop's statements, fixed with `torch.set_grad_enabled(to_do == "train")`."""
import numpy as np
import torch.nn.functional as F


def run_chunk(model, optimizer, batches, to_do, out_file):
    loss_sum = 0.0
    for inp, lab in batches:
        out = model(inp)  # expect: NG101@15
        loss = F.cross_entropy(out, lab)
        if to_do == "train":
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if to_do == "forward":
            np.save(out_file, out.detach().cpu().numpy())
        elif to_do == "valid":
            loss_sum += loss.item()
    return loss_sum
