import torch
from torch import nn


class Seq2Seq(nn.Module):
    def __init__(self, vocab, d_model=256):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        self.transformer = nn.Transformer(d_model, batch_first=True)
        self.out = nn.Linear(d_model, vocab)

    def forward(self, src, tgt):
        return self.out(self.transformer(self.embed(src), self.embed(tgt)))

    def greedy_decode(self, src, bos, eos, max_len=64):
        memory = self.transformer.encoder(self.embed(src))  # expect: NG101@18
        ys = torch.full((src.size(0), 1), bos, dtype=torch.long)
        for _ in range(max_len):
            h = self.transformer.decoder(self.embed(ys), memory)
            next_tok = self.out(h[:, -1]).argmax(-1, keepdim=True)
            ys = torch.cat([ys, next_tok], dim=1)
            if (next_tok == eos).all():
                break
        return ys


def translate(model, batches, vocab):
    model.eval()
    for src in batches:
        ids = model.greedy_decode(src, vocab.bos, vocab.eos)
        print([vocab.decode(row) for row in ids.tolist()])
