import torch
import torch.nn as nn


class VSE(object):
    def __init__(self, opt):
        self.img_enc = nn.Linear(opt.img_dim, opt.embed_size)
        self.txt_enc = nn.Embedding(opt.vocab_size, opt.embed_size)
        params = list(self.txt_enc.parameters()) + list(self.img_enc.parameters())
        self.optimizer = torch.optim.Adam(params, lr=opt.learning_rate)

    def train_start(self):
        self.img_enc.train()
        self.txt_enc.train()

    def val_start(self):
        self.img_enc.eval()
        self.txt_enc.eval()

    def forward_emb(self, images, captions):
        img_emb = self.img_enc(images)
        cap_emb = self.txt_enc(captions).mean(1)
        return img_emb, cap_emb

    def forward_loss(self, img_emb, cap_emb):
        loss = -(img_emb * cap_emb).sum()
        self.logger.update("loss", loss.data[0])
        return loss

    def train_emb(self, images, captions):
        img_emb, cap_emb = self.forward_emb(images, captions)
        self.optimizer.zero_grad()
        loss = self.forward_loss(img_emb, cap_emb)
        loss.backward()
        self.optimizer.step()
