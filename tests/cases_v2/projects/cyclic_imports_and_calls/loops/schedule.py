"""Names re-exported in a circle (each module says the other defines them), and two functions
with literal flags that call each other: the analysis must end, and say nothing it cannot know."""
from loops import run_epoch, warmup  # noqa: F401 - a circular re-export: defined nowhere


def ping(model, batches, optimizer, train=True):
    for x in batches:
        loss = model(x).sum()
        if train:
            loss.backward()
            optimizer.step()
    return pong(model, batches, optimizer, train=not train)


def pong(model, batches, optimizer, train=False):
    if train:
        return ping(model, batches, optimizer, train=True)
    return ping(model, batches, optimizer, train=False)
