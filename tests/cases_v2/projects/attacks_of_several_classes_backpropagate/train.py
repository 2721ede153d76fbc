import torch
from torch import nn

from attacks import NoAttack, SignAttack
from evaluate import lpips_distances, robust_accuracy

model = nn.Linear(4, 2)
loader = [(torch.randn(8, 4), torch.randint(0, 2, (8,)))]
attacks = [NoAttack(), SignAttack(model)]
if torch.cuda.is_available():
    attacks = [nn.DataParallel(attack) for attack in attacks]
robust_accuracy(model, attacks, loader)
lpips_distances(nn.Linear(4, 1), attacks, loader)
