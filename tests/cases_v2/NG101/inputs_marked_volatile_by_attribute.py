"""Pre-0.4 code marks its inputs with `images.volatile = True`, the attribute form of
`Variable(x, volatile=True)`: torch only warns and the attribute stays False, so the encoder
and decoder run after it record graphs. Nothing calls `translate` here; the author's own switch
says its outputs need no graph, NG101. Twin: `translate_trainable` sets nothing, silent (its
callers may differentiate what it returns)."""
from torch.autograd import Variable


class Translator:
    def __init__(self, encoder, decoder):
        self.encoder = encoder
        self.decoder = decoder

    def translate(self, images):
        images = Variable(images)
        images.volatile = True
        codes = self.encoder(images)  # expect: NG101@17
        return self.decoder(codes)

    def translate_trainable(self, images):
        codes = self.encoder(Variable(images))
        return self.decoder(codes)
