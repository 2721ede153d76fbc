"""A module's forward pass gathers what each of its layers computes in local lists: the outputs
of an ensemble's trees (and their masks, kept for nothing), the hidden states of every layer that
a memory update reads under `no_grad`. The lists go away with the call, and their graphs are the
step's own: no finding."""
import torch
from torch import nn


class TreeEnsemble(nn.Module):
    def __init__(self, trees):
        super().__init__()
        self.trees = nn.ModuleList(trees)
        self.num_trees = len(trees)

    def forward(self, x):
        outputs, masks = [], []
        for i in range(self.num_trees):
            output, mask = self.trees[i](x)
            outputs.append(output.unsqueeze(-1))
            masks.append(mask)
        return torch.cat(outputs, dim=-1)


class RecurrentMemory(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = nn.ModuleList(layers)

    def _forward(self, x, memory):
        hidden = []
        for i in range(len(self.layers)):
            x = self.layers[i](x)
            hidden.append(x)
        return x, self._update_memory(hidden, memory)

    def _update_memory(self, hidden, memory):
        with torch.no_grad():
            return [torch.cat([m, h], 0).detach() for m, h in zip(memory, hidden)]
