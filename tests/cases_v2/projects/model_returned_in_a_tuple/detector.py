"""A factory returns (device, model in eval mode with its weights loaded, transforms)."""
import torch
import torchvision


def detector(path):
    net = torchvision.models.resnet18()
    net.load_state_dict(torch.load(path, map_location=torch.device("cpu")))
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    net.eval()
    return device, net, None
