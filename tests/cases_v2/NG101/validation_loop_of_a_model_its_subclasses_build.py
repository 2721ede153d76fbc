"""A base class's `fit` trains `self.model`, which only its subclasses build, then runs it over
the validation loader for early stopping with gradients on, adding the losses up with their
graphs. The model's passes in the training loop above are backpropagated, so it is a network
with parameters, not a name: the validation loop is reported at medium, and its fix also stops
the accumulation (before: the loop low, the accumulation NG102 alone). Twin: `fit_guarded`
validates under `no_grad`, silent."""
import torch
import torch.nn as nn


class BaseModel:
    def __init__(self, args):
        self.args = args
        self.model = None


class BaseModelTorch(BaseModel):
    def __init__(self, args):
        super().__init__(args)
        self.device = torch.device("cuda" if args.use_gpu else "cpu")

    def to_device(self):
        if self.args.data_parallel:
            self.model = nn.DataParallel(self.model, device_ids=self.args.gpu_ids)
        self.model.to(self.device)

    def fit(self, train_loader, val_loader):
        optimizer = torch.optim.AdamW(self.model.parameters(), lr=self.args.learning_rate)
        loss_func = nn.MSELoss() if self.args.objective == "regression" else nn.CrossEntropyLoss()
        best = float("inf")
        history = []
        for epoch in range(self.args.epochs):
            for batch_X, batch_y in train_loader:
                out = self.model(batch_X)
                if self.args.objective == "regression":
                    out = out.squeeze()
                loss = loss_func(out, batch_y)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            val_loss = 0.0
            val_dim = 0
            for batch_val_X, batch_val_y in val_loader:
                out = self.model(batch_val_X)  # expect: NG101@23
                if self.args.objective == "regression":
                    out = out.squeeze()
                val_loss += loss_func(out, batch_val_y)
                val_dim += 1
            val_loss /= val_dim
            history.append(val_loss.item())
            if val_loss < best:
                best = val_loss
                torch.save(self.model.state_dict(), "best.pt")
        return history

    def fit_guarded(self, train_loader, val_loader):
        optimizer = torch.optim.AdamW(self.model.parameters(), lr=self.args.learning_rate)
        loss_func = nn.MSELoss()
        for epoch in range(self.args.epochs):
            for batch_X, batch_y in train_loader:
                loss = loss_func(self.model(batch_X).squeeze(), batch_y)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            with torch.no_grad():
                val_loss = sum(loss_func(self.model(x).squeeze(), y).item() for x, y in val_loader)
        return val_loss
