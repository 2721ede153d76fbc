import torch
from torch import nn


class GateUnit(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.gate = nn.Linear(dim * 2, dim)

    def forward(self, y, x):
        new = torch.sigmoid(self.gate(torch.cat([y, x], -1))) * y
        return new, new.abs()


class Encoder(nn.Module):
    """An ODE-RNN encoder: every step checks the solver's output (values read for sanity), then
    feeds it to the recurrent update it holds as `self.GRU_update`, a submodule whatever its
    capitalised name says; the states it returns carry the graph to its callers (a training loss)."""

    def __init__(self, dim, solver=None, GRU_update=None, device=torch.device("cpu")):
        super().__init__()
        if GRU_update is None:
            self.GRU_update = GateUnit(dim).to(device)
        else:
            self.GRU_update = GRU_update
        self.solver = solver

    def run(self, data, steps):
        prev_y = torch.zeros(1, data.size(0), data.size(-1))
        states = []
        for i in range(steps):
            sol = self.solver(prev_y, i)
            assert not torch.isnan(sol).any()
            if torch.mean(sol[:, :, 0] - prev_y) >= 1e-3:
                print("the solver diverged")
                exit()
            yi, yi_std = self.GRU_update(sol[:, :, -1], data[:, i])
            prev_y = yi
            states.append(yi)
        return prev_y, torch.stack(states, 1)

    def forward(self, data, steps):
        last, _ = self.run(data, steps)
        return last
