import torch


class Processor:
    def __init__(self, tiles):
        self.tiles = tiles

    def apply(self, bundle, batch_size):
        device, net, transforms = bundle
        loader = torch.utils.data.DataLoader(self.tiles, batch_size=batch_size)
        for batch in loader:
            scores = net(batch.to(device))  # expect: NG101@22
            probs = torch.nn.functional.softmax(scores, dim=1).cpu().numpy()
            self.tiles.tag(probs)
        return self
