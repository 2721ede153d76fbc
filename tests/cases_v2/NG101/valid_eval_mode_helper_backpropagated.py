"""Eval mode inside a helper whose result its caller backpropagates."""
import torch.nn.functional as F


def evaluate_loss(model, x, y):
    model.eval()  # fine-tune with frozen batch-norm statistics and no dropout
    return F.cross_entropy(model(x), y)


def predict_scores(m, batch):
    m.eval()
    return m(batch["x"]).log_softmax(-1)


def finetune(model, loader, opt):
    for x, y in loader:
        loss = evaluate_loss(model, x, y)
        opt.zero_grad()
        loss.backward()
        opt.step()


def self_training(m, unlabeled, opt, threshold=0.9):
    for batch in unlabeled:
        logp = predict_scores(m, batch)
        confident = logp.exp().max(-1).values > threshold
        loss = -logp.max(-1).values[confident].mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
