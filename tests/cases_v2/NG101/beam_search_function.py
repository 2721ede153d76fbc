import torch
import torch.nn.functional as F


def beam_search(enc, dec, src, bos, k=4, steps=30):
    memory = enc(src)  # expect: NG101@14
    beams = [([bos], 0.0)]
    for _ in range(steps):
        candidates = []
        for seq, score in beams:
            logits = dec(torch.tensor([seq]), memory)[0, -1]
            top = F.log_softmax(logits, dim=-1).topk(k)
            for lp, tok in zip(top.values.tolist(), top.indices.tolist()):
                candidates.append((seq + [tok], score + lp))
        beams = sorted(candidates, key=lambda c: c[1], reverse=True)[:k]
    return beams[0][0]


def main(enc, dec, sources, bos):
    enc.eval()
    dec.eval()
    for src in sources:
        print(beam_search(enc, dec, src, bos))
