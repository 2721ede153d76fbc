import torch


def evaluate_windows(model, loader):
    """Its name reads as evaluation, and its only caller throws the graphs away: medium."""
    scores = []
    for batch in loader:
        rebuilt = model(batch)  # expect: NG101@19
        scores.append(torch.mean((batch - rebuilt) ** 2, dim=1))
    return scores


autoencoder = torch.nn.Sequential(torch.nn.Linear(8, 2), torch.nn.Linear(2, 8))
windows = [torch.rand(4, 8) for _ in range(3)]
values = torch.cat(evaluate_windows(autoencoder, windows)).detach().numpy()
