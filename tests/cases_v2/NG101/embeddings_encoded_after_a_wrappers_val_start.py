"""A joint embedding model is a plain object holding two encoders, with its own mode switches
(`train_start()`, `val_start()`: each calls `.train()` or `.eval()` on both encoders). The
evaluation helper calls `model.val_start()`, then encodes every batch and copies the
embeddings out through `.data`; it also logs the loss of each batch, which the model's
`forward_loss` hands to a logger as `loss.data[0]` (a value, no graph). A method that only puts
its object's modules in eval mode is a switch to eval mode, and a tensor read through `.data`
keeps no graph where it is stored: NG101 on the helper, and on `validate`, which only logs the
losses (before, the value handed to the logger counted as the embeddings kept, low). Twin:
`train_epoch` calls `model.train_start()` and trains, silent."""
import numpy as np
import torch
import torch.nn as nn


class JointEmbedding(object):
    def __init__(self, img_dim, vocab_size, embed_size, logger):
        self.img_enc = nn.Linear(img_dim, embed_size)
        self.txt_enc = nn.EmbeddingBag(vocab_size, embed_size)
        self.logger = logger
        params = list(self.img_enc.parameters()) + list(self.txt_enc.parameters())
        self.optimizer = torch.optim.Adam(params, lr=2e-4)

    def train_start(self):
        self.img_enc.train()
        self.txt_enc.train()

    def val_start(self):
        self.img_enc.eval()
        self.txt_enc.eval()

    def forward_emb(self, images, captions):
        return self.img_enc(images), self.txt_enc(captions)

    def forward_loss(self, img_emb, cap_emb):
        loss = (1 - nn.functional.cosine_similarity(img_emb, cap_emb)).sum()
        self.logger.update("loss", loss.data[0])
        return loss

    def train_emb(self, images, captions):
        img_emb, cap_emb = self.forward_emb(images, captions)
        self.optimizer.zero_grad()
        loss = self.forward_loss(img_emb, cap_emb)
        loss.backward()
        self.optimizer.step()


def encode_data(model, data_loader):
    model.val_start()
    img_embs = None
    cap_embs = None
    for images, captions, ids in data_loader:
        img_emb, cap_emb = model.forward_emb(images, captions)  # expect: NG101@28
        if img_embs is None:
            img_embs = np.zeros((len(data_loader.dataset), img_emb.size(1)))
            cap_embs = np.zeros((len(data_loader.dataset), cap_emb.size(1)))
        img_embs[ids] = img_emb.data.cpu().numpy().copy()
        cap_embs[ids] = cap_emb.data.cpu().numpy().copy()
        model.forward_loss(img_emb, cap_emb)
    return img_embs, cap_embs


def validate(model, data_loader):
    for images, captions, ids in data_loader:
        img_emb, cap_emb = model.forward_emb(images, captions)  # expect: NG101@28
        model.forward_loss(img_emb, cap_emb)


def train_epoch(model, train_loader):
    model.train_start()
    for images, captions, ids in train_loader:
        model.train_emb(images, captions)
