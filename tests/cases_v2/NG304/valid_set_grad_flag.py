import torch


def run_phase(model, loader, optimizer, training):
    model.train(training)
    total = 0.0
    with torch.set_grad_enabled(training):
        for x, y in loader:
            loss = torch.nn.functional.cross_entropy(model(x), y)
            if training:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            total += loss.item()
    return total / len(loader)


def features(encoder, x, trainable):
    previous = torch.is_grad_enabled()
    torch.set_grad_enabled(trainable)
    try:
        return encoder(x)
    finally:
        torch.set_grad_enabled(previous)
