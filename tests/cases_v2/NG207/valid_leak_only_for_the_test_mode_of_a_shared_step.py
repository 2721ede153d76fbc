"""A session's `inf_batch(name, batch)` serves training, validation and test: it turns gradients
off with a bare `set_grad_enabled(False)` only `if name == 'test'` (NG304 reports that statement).
The training loop calls it with its log name, held in a field, then backpropagates: whether the
leak happens depends on a value the call does not show, so NG207 stays silent at that call (unsure:
no report)."""
import torch
import torch.nn as nn


class Session:
    def __init__(self, net, optimizer):
        self.net = net
        self.opt = optimizer
        self.log_name = "train_derain"
        self.l1 = nn.L1Loss()

    def inf_batch(self, name, batch):
        if name == "test":
            torch.set_grad_enabled(False)
        out = self.net(batch["O"])
        if name == "test":
            return out.cpu().data
        return self.l1(out, batch["B"])


def run_train(sess, loader, steps):
    for step in range(steps):
        sess.net.train()
        sess.net.zero_grad()
        loss = sess.inf_batch(sess.log_name, next(loader))
        loss.backward()
        sess.opt.step()
