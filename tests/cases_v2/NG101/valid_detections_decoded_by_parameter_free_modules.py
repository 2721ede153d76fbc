import sys

import torch
import torch.nn as nn


class BoxDecoder(nn.Module):
    """Turns regression offsets into boxes: arithmetic on buffers, no parameters."""

    def __init__(self):
        super().__init__()
        self.register_buffer("scale", torch.tensor([0.1, 0.1, 0.2, 0.2]))

    def forward(self, anchors, offsets):
        return anchors + offsets * self.scale


class Detector(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Conv2d(3, 8, 3, padding=1)
        self.head = nn.Linear(8, 4)

    def forward(self, images):
        features = self.backbone(images).mean((2, 3))
        return self.head(features), torch.zeros(images.shape[0], 4)


def decode(offsets, anchors, box_decoder, threshold):
    boxes = box_decoder(anchors, offsets)
    return boxes[boxes[:, 0] > threshold]


def evaluate(images, model, threshold=0.05):
    box_decoder = BoxDecoder()
    results = []
    for image in images:
        offsets, anchors = model(image.unsqueeze(0))
        # the decoder has no parameters and the frozen detector's outputs carry no graph
        results.append(decode(offsets, anchors, box_decoder, threshold).tolist())
    return results


if __name__ == "__main__":
    detector = Detector()
    detector.load_state_dict(torch.load(sys.argv[1]))
    detector.requires_grad_(False)
    detector.eval()
    print(evaluate([torch.randn(3, 32, 32) for _ in range(4)], detector))
