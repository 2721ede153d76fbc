"""Greedy decoding picks its implementation by the decoder's type (`fun = transformer_greedy` or
`fun = recurrent_greedy`, then `fun(...)`), and the model's `run_batch` that calls it runs only in
a validation loop under `no_grad`. A function bound to a local that its scope only calls is called
there: its callers are known, and every one disables gradients."""
import torch
import torch.nn as nn


def greedy(decoder, memory, max_len):
    if getattr(decoder, "attends", False):
        fun = transformer_greedy
    else:
        fun = recurrent_greedy
    return fun(decoder=decoder, memory=memory, max_len=max_len)


def recurrent_greedy(decoder, memory, max_len):
    out, prev = [], memory[:, :1]
    for _ in range(max_len):
        prev = decoder(prev).argmax(-1, keepdim=True).float()
        out.append(prev.squeeze(1).cpu().numpy())
    return out


def transformer_greedy(decoder, memory, max_len):
    out, ys = [], memory[:, :1]
    for _ in range(max_len):
        ys = torch.cat([ys, decoder(ys[:, -1:]).argmax(-1, keepdim=True).float()], 1)
        out.append(ys[:, -1].cpu().numpy())
    return out


class Translator(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Linear(4, 4)
        self.decoder = nn.Linear(1, 1)

    def forward(self, x):
        return self.encoder(x)

    def run_batch(self, batch, max_len=10):
        return greedy(self.decoder, self.encoder(batch), max_len)


def validate_on_data(model, data):
    model.eval()
    with torch.no_grad():
        return [model.run_batch(batch, max_len=20) for batch in data]


def train(data, epochs):
    model = Translator()
    opt = torch.optim.Adam(model.parameters())
    for _ in range(epochs):
        for batch in data:
            loss = model(batch).pow(2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(validate_on_data(model, data))
