"""A segmentation model's `predict` puts itself in eval mode with `if self.training: self.eval()`:
on both paths the model is in eval mode after the `if` (it was, or the branch put it there), and
the prediction it returns carries the graph of the whole network (round 47's dev rerun: an upstream
fix wrapped it in `torch.no_grad()`; it was only low confidence, the mode read as unknown)."""
from torch import nn


class Unet(nn.Module):
    def __init__(self, encoder: nn.Module, decoder: nn.Module):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.activation = nn.Sigmoid()

    def forward(self, x):
        return self.decoder(self.encoder(x))

    def predict(self, x):
        if self.training:
            self.eval()

        x = self.forward(x)  # expect: NG101@13
        return self.activation(x)

    def predict_if_asked(self, x, evaluate):
        """The twin: switched only when the caller asks, so its mode is not known."""
        if evaluate:
            self.eval()
        return self.activation(self.forward(x))
