import numpy as np


def encode_data(model, data_loader):
    model.val_start()
    img_embs = None
    cap_embs = None
    for i, (images, captions, ids) in enumerate(data_loader):
        img_emb, cap_emb = model.forward_emb(images, captions)  # expect: NG101@28
        if img_embs is None:
            img_embs = np.zeros((len(data_loader.dataset), img_emb.size(1)))
            cap_embs = np.zeros((len(data_loader.dataset), cap_emb.size(1)))
        img_embs[ids] = img_emb.data.cpu().numpy().copy()
        cap_embs[ids] = cap_emb.data.cpu().numpy().copy()
        model.forward_loss(img_emb, cap_emb)
    return img_embs, cap_embs
