"""Imported by run.py as `scoring`: Python finds it beside the script, not at the root."""


def recall_at_k(net, users, k=10):
    hits = 0
    for history, target in users:
        ranked = net(history).argsort(descending=True)[:k]  # expect: NG101@18
        hits += int(target in ranked.tolist())
    return hits / len(users)
