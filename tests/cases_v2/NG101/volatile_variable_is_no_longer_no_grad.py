"""`Variable(x, volatile=True)` was the way to run without gradients before PyTorch 0.4; since
then it has no effect (tests/test_torch_facts.py), so the code its author meant to run without
gradients records graphs. The outputs are returned: their author made them without graphs, so
no caller can need one."""
import torch
from torch.autograd import Variable


class Tagger(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = torch.nn.LSTM(8, 16)

    def forward(self, batch):
        return self.rnn(batch)[0]

    def encode(self, sentences):
        codes = []
        for sentence in sentences:
            batch = Variable(sentence, volatile=True)
            codes.append(self.forward(batch))  # expect: NG101@26
        return torch.cat(codes)


def train(model, batches, opt):
    for x, y in batches:
        x, y = Variable(x), Variable(y)
        loss = torch.nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
