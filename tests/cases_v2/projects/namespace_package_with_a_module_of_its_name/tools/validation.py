def validate(generator, loader):
    """No `no_grad` here: its only caller runs it under one."""
    generator.eval()
    total = 0.0
    for mel, audio in loader:
        total += (generator(mel) - audio).abs().mean().item()
    generator.train()
    return total / len(loader)
