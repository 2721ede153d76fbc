"""A trainer base class whose `process_batch` backpropagates the loss its subclass's
`forward_pass` hook returns when given an optimizer. `evaluation` runs it without one, with
gradients on: the waste is reported there, where the evaluation is, not in the hook."""
import torch


class Trainer:
    def __init__(self, model, loss_func, optim, device, checkpoint=None):
        self.model = model.to(device)
        self.loss_func = loss_func
        self.optim = optim
        if checkpoint is not None:
            state = torch.load(checkpoint, map_location=device)
            self.model.load_state_dict(state["model"])

    def forward_pass(self, batch):
        inputs, targets = batch
        predictions = self.model(inputs)
        return self.loss_func(predictions, targets), predictions, targets

    def process_batch(self, batch, optim):
        loss, predictions, targets = self.forward_pass(batch)
        if optim is not None:
            loss.backward()
            self.optim.step()
            self.optim.zero_grad()
        return loss, predictions, targets

    def train(self, loader, epochs):
        for _ in range(epochs):
            for batch in loader:
                self.process_batch(batch, self.optim)

    def evaluation(self, loader):
        self.model.eval()
        losses = []
        for batch in loader:
            loss, _, _ = self.process_batch(batch, None)  # expect: NG101@26
            losses.append(loss.item())
        return sum(losses) / len(losses)

    def evaluate_best(self, loader, path):
        self.model.load_state_dict(torch.load(path)["model"])
        return self.evaluation(loader)
