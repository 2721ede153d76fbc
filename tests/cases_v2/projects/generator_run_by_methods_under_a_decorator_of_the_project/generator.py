import torch.nn as nn


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Conv2d(1, 8, 3)
        self.decoder = nn.Conv2d(8, 1, 3)

    def forward(self, style_imgs, content_imgs):
        return self.decoder(self.encoder(style_imgs) + self.encoder(content_imgs))

    def infer(self, style_imgs, content_imgs):
        feats = self.encoder(style_imgs) + self.encoder(content_imgs)
        return self.decoder(feats)
