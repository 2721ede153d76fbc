import torch
import torchvision

model = torchvision.models.resnet18()
model.load_state_dict(torch.load("weights.pt"))
model.eval()

images = torch.randn(8, 3, 224, 224)
# the whole batch at once
logits = model(images)  # expect: NG101@10
print(logits.argmax(1).tolist())
