import torch.nn.functional as F


def forward_batch(m, batch):
    x = batch["pixel_values"]
    return F.softmax(m(x), dim=-1)  # expect: NG101@22


def report(m, loader):
    m.eval()
    hits = 0
    for batch in loader:
        probs = forward_batch(m, batch)
        hits += (probs.argmax(-1) == batch["label"]).sum().item()
    return hits / len(loader.dataset)
