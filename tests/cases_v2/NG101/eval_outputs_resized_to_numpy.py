"""A method nothing in sight calls turns outputs into arrays, but only after a transform object
made them images and new tensors (`ToPILImage` reads the values, `ToTensor` builds a tensor without
a graph): the `.numpy()` says nothing of its callers, and the network in eval mode records a graph
for every batch that nothing uses."""
import torch
from torchvision import transforms


class TileSegmenter:
    def __init__(self, net, size):
        self.net = net
        self.resize = transforms.Compose([transforms.ToPILImage(), transforms.Resize(size), transforms.ToTensor()])

    def masks(self, loader):
        self.net.eval()
        found = []
        for tiles in loader:
            probs = torch.sigmoid(self.net(tiles))  # expect: NG101@35
            for p in probs:
                found.append(self.resize(p.cpu()).squeeze().numpy())
        return found
