"""Validation runs the training step with `train=False` on the model its callers pass, in eval
mode, one of two classes: every batch's forward pass records a graph that nothing uses (NG101 at
the call). What the step returns are plain numbers, so the lists collect no graph (no NG102)."""


def evaluate(model, data, split="valid"):
    losses, perplexities = [], []
    for batch in data:
        loss, ppl = model.train_one_batch(batch, train=False)  # expect: NG101@21
        losses.append(loss)
        perplexities.append(ppl)
    if split == "test":
        print("test perplexity", sum(perplexities) / len(perplexities))
    return sum(losses) / len(losses)
