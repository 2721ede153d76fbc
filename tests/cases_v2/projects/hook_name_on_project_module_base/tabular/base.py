import lightning.pytorch as pl
from torch.nn import Module


class TabularModule(Module):
    """The project's own base module: a plain `nn.Module` that keeps auxiliary losses."""

    def __init__(self):
        super().__init__()
        self._losses = {}


class LitBase(pl.LightningModule):
    """A base that Lightning runs: its subclasses' `predict_step` runs without gradients."""
