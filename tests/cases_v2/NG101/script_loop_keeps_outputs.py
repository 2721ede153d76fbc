"""A detection script: the model is put in eval mode and every batch's outputs, filtered by a
helper, are collected in a list and drawn after the loop. Nothing in the script trains, so the
graph of every batch is kept alive with its outputs until the script ends."""
import torch
from plotting import draw_boxes
from torch.utils.data import DataLoader, TensorDataset


def keep_confident(prediction, threshold):
    prediction[:, :, 0] = prediction[:, :, 0].sigmoid()  # in place, as YOLO-style decoders do
    output = [None] * len(prediction)
    for i, rows in enumerate(prediction):
        output[i] = rows[rows[:, 0] > threshold]
    return output


net = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 5))
net.load_state_dict(torch.load("weights.pt"))
net.eval()

loader = DataLoader(TensorDataset(torch.randn(64, 10, 8)), batch_size=16)
detections = []
for (batch,) in loader:
    detections.extend(keep_confident(net(batch), 0.5))  # expect: NG101@38

for i, boxes in enumerate(detections):
    draw_boxes(boxes, f"out/{i}.png")
