import torch
from torch import nn


def train(loader, eval_loader, iterations=100, do_eval=True, eval_every=10, warm_start=False,
          resume_from=None):
    """A trainer with literal flags: called with its defaults it still trains, so the evaluation
    loop inside it is judged on its own (once skipped as "trains for other arguments")."""
    model = nn.Linear(8, 2)
    optimizer = torch.optim.Adam(model.parameters())
    if resume_from is not None:
        optimizer.load_state_dict(torch.load(resume_from)["optimizer"])
    for step in range(iterations):
        model.train()
        if step == 0 and warm_start:
            model(next(iter(loader))[0])
        for x, y in loader:
            loss = nn.functional.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if do_eval and step % eval_every == 0:
            model.eval()
            losses = []
            for x, y in eval_loader:
                out = model(x)  # expect: NG101@23
                losses.append(nn.functional.cross_entropy(out, y).item())
            print(sum(losses) / len(losses))


if __name__ == "__main__":
    train([], [])
