import torch


def one_pass(m, batches, opt, crit, learn):
    m.train() if learn else m.eval()
    seen = errors = 0
    for xb, yb in batches:
        out = m(xb)
        if learn:
            opt.zero_grad()
            crit(out, yb).backward()
            opt.step()
        errors += (out.argmax(1) != yb).sum().item()
        seen += len(yb)
    return errors / seen


def main(m, batches_a, batches_b, epochs=10):
    opt = torch.optim.AdamW(m.parameters(), lr=3e-4)
    crit = torch.nn.CrossEntropyLoss()
    for _ in range(epochs):
        one_pass(m, batches_a, opt, crit, True)
        print("error", one_pass(m, batches_b, opt, crit, False))  # expect: NG101@24
