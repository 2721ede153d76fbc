import torch


def main():
    return {"scores": torch.linspace(1.0, 2.0, 8).double()}
