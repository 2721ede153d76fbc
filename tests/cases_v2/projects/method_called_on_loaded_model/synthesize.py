import torch

vocoder = torch.load("vocoder.pt")["model"]
vocoder.eval(infer=True)
with torch.no_grad():
    audio = vocoder.infer(torch.rand(1, 8, 100))
