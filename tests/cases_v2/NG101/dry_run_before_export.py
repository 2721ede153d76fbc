import torch
import torchvision

model = torchvision.models.resnet18(num_classes=5)
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
batches = torch.load("train_batches.pt")
for epoch in range(3):
    for images, labels in batches:
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(images), labels).backward()
        opt.step()

model.eval()
example = torch.randn(1, 3, 224, 224)
print("output shape:", model(example).shape)  # expect: NG101@24
torch.onnx.export(model, (example,), "resnet18.onnx", input_names=["image"])
