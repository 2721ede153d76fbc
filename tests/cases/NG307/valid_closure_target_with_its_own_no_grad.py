import queue
import threading

import torch
from torch import nn


class Streamer(nn.Module):
    def __init__(self, decoder: nn.Module):
        super().__init__()
        self.decoder = decoder

    @torch.no_grad()
    def _decode_all(self, latents, out):
        state = None
        for latent in latents:
            state = self.decoder(latent if state is None else latent + state)
            out.put(state)

    @torch.no_grad()
    def stream(self, latents):
        out = queue.Queue()

        def work():
            self._decode_all(latents, out)

        def log():
            print("started", self.decoder)

        threading.Thread(target=work, daemon=True).start()
        threading.Thread(target=log, daemon=True).start()
        return out
