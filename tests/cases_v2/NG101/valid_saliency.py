"""Attribution in eval mode: the backward pass to the input is the point."""
import torch


def saliency_map(clf, image, target):
    clf.eval()
    x = image.unsqueeze(0).clone().requires_grad_(True)
    score = clf(x)[0, target]
    score.backward()
    return x.grad.abs().amax(dim=1)[0]


def grad_cam(m, layer, image, target):
    m.eval()
    acts = {}
    handle = layer.register_forward_hook(lambda mod, inp, out: acts.setdefault("a", out))
    logits = m(image.unsqueeze(0))
    handle.remove()
    grads, = torch.autograd.grad(logits[0, target], acts["a"])
    weights = grads.mean(dim=(2, 3), keepdim=True)
    return torch.relu((weights * acts["a"]).sum(1)).detach()
