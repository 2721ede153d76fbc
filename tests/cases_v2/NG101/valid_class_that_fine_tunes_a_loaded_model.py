"""Twin: the same kind of class loads a checkpoint, but the file fine-tunes it (a backward pass
and an optimizer step): what `predict` returns may be differentiated, and nothing is reported."""
import torch


class Tuner:
    def __init__(self, network: torch.nn.Module, checkpoint: str):
        self.network = network
        self.network.load_state_dict(torch.load(checkpoint))
        self.optimizer = torch.optim.SGD(self.network.parameters(), lr=0.01)

    def predict(self, x: torch.Tensor) -> torch.Tensor:
        return self.network(x)

    def step(self, x: torch.Tensor, y: torch.Tensor) -> float:
        loss = torch.nn.functional.mse_loss(self.predict(x), y)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()
