import torch


class VAE(torch.nn.Module):
    def sample(self, n):
        z = torch.randn(n, 16)
        return self.decoder(z)  # a caller may well train through samples: low confidence only


def evaluate_maml(model, tasks, inner_lr):
    scores = []
    for task in tasks:
        loss = model.loss(task.support)
        grads = torch.autograd.grad(loss, model.parameters())
        fast = [p - inner_lr * g for p, g in zip(model.parameters(), grads)]
        scores.append(model(task.query, fast).argmax(1).eq(task.labels).float().mean().item())
    return sum(scores) / len(scores)


def explain(model, x):
    model.eval()
    x = x.clone().requires_grad_()
    model(x).max().backward()
    return x.grad


def jacobian_of(model, x):
    model.eval()
    return torch.autograd.functional.jacobian(model, x)
