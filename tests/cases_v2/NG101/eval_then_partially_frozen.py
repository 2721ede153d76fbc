import torch


def linear_probe_predictions(encoder, head, loader):
    # The encoder is frozen and gets plain images, so it records nothing;
    # the head is not frozen, so its forward pass still builds a graph.
    encoder.eval().requires_grad_(False)
    head.eval()
    preds = []
    for images in loader:
        preds.extend(head(encoder(images)).argmax(1).tolist())  # expect: NG101@22
    return preds


if __name__ == "__main__":
    enc = torch.load("encoder.pt", weights_only=False)
    probe = torch.load("probe.pt", weights_only=False)
    print(linear_probe_predictions(enc, probe, torch.load("images.pt")))
