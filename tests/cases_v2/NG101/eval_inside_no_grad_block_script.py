import torch
import torchvision

m = torchvision.models.mobilenet_v3_small(num_classes=10)
m.load_state_dict(torch.load("best.pt", map_location="cpu"))
with torch.no_grad():
    m.eval()
    m(torch.zeros(1, 3, 224, 224))  # warm-up

batch = torch.load("val_batch.pt")
print(m(batch).argmax(1).tolist())  # expect: NG101@7
