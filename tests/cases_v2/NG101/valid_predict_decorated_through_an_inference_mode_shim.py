import torch

inference_mode = getattr(torch, "inference_mode", torch.no_grad)


@inference_mode()
def predict(net, batches):
    net.eval()
    return [net(x).argmax(1) for x in batches]
