import pytorch_lightning as pl
import torch


class SolverModule(pl.LightningModule):
    """The project's base of every solver: an optimizer and logging."""

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-3)
