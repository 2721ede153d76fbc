import torch

from charlm import CharLM, load_vocab

vocab = load_vocab("vocab.json")
lm = CharLM(len(vocab))
lm.load_state_dict(torch.load("charlm.pt"))
lm.eval()


def sample(lm, prompt, n, temperature=0.8):
    idx = torch.tensor([vocab.encode(prompt)])
    hidden = None
    for _ in range(n):
        logits, hidden = lm(idx[:, -1:], hidden)  # expect: NG101@26
        probs = torch.softmax(logits[:, -1] / temperature, dim=-1)
        idx = torch.cat([idx, torch.multinomial(probs, 1)], dim=1)
    return vocab.decode(idx[0].tolist())


print(sample(lm, "ROMEO:", 500))
