import torch


def run_phase(model, loader, optimizer, training):
    torch.set_grad_enabled(training)  # expect: NG304@5
    model.train(training)
    total = 0.0
    for x, y in loader:
        loss = torch.nn.functional.cross_entropy(model(x), y)
        if training:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        total += loss.item()
    return total / len(loader)
