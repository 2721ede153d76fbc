import torch

vocoder = torch.load("vocoder.pt")["model"]
clip = vocoder.infer(torch.rand(1, 8, 100)).numpy()
