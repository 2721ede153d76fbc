import torch
from torchvision.utils import save_image

from nets.generator import build_generator

model = build_generator()
model.load_state_dict(torch.load("generator.pth"))
model.eval()
for i, image in enumerate(torch.load("test_images.pt")):
    enhanced = model(image.unsqueeze(0))  # expect: NG101@16
    save_image(enhanced.data, f"out/{i}.png")
