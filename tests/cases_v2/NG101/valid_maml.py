"""MAML: the inner loop differentiates with create_graph; the query loss is backpropagated."""
import torch
import torch.nn.functional as F
from torch.func import functional_call


def adapt(model, params, x, y, lr, steps):
    for _ in range(steps):
        loss = F.cross_entropy(functional_call(model, params, (x,)), y)
        grads = torch.autograd.grad(loss, list(params.values()), create_graph=True)
        params = {name: p - lr * g for (name, p), g in zip(params.items(), grads)}
    return params


def evaluate_on_query(model, task, inner_lr=0.4, steps=1):
    fast = adapt(model, dict(model.named_parameters()), task.x_support, task.y_support, inner_lr, steps)
    return F.cross_entropy(functional_call(model, fast, (task.x_query,)), task.y_query)


def meta_train(model, meta_opt, task_batches):
    for tasks in task_batches:
        meta_opt.zero_grad()
        loss = torch.stack([evaluate_on_query(model, t) for t in tasks]).mean()
        loss.backward()
        meta_opt.step()
