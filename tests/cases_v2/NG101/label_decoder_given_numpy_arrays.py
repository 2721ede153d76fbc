"""An evaluation helper runs the model under `no_grad`, then turns each prediction into events
with a `decoder` it is given, on the median-filtered NumPy array: a callable known only by a
name that reads as a model, given NumPy arrays only, is no forward pass (a torch layer takes
tensors), silent (round 26: two medium false findings). Twin: `decode_batches` puts its
`decoder` in eval mode and gives it the batches of a loader, NG101."""
import pandas as pd
import scipy.ndimage
import torch


def get_predictions(model, dataloader, decoder, threshold=0.5):
    frames = []
    for batch, _ in dataloader:
        with torch.no_grad():
            strong = model(batch)
        strong = strong.cpu().numpy()
        for item in strong:
            binary = scipy.ndimage.median_filter(item > threshold, (7, 1))
            events = decoder(binary)
            frames.append(pd.DataFrame(events, columns=["label", "onset", "offset"]))
    return pd.concat(frames)


def decode_batches(decoder, dataloader):
    decoder.eval()
    for latent, _ in dataloader:
        print(decoder(latent).argmax(1).tolist())  # expect: NG101@15
