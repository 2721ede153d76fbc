import torch as T


def run_epoch(model, loader, optimizer, train):
    T.set_grad_enabled(train)  # expect: NG304@5
    model.train(train)
    for x, y in loader:
        loss = T.nn.functional.mse_loss(model(x), y)
        if train:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


class Stage:
    def run(self, batch):
        T.autograd.set_grad_enabled(mode=self.training)  # expect: NG304@9
        return self.model(batch)
