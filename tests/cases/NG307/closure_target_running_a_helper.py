import queue
import threading

import torch
from torch import nn


class Streamer(nn.Module):
    def __init__(self, decoder: nn.Module):
        super().__init__()
        self.decoder = decoder

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

        thread = threading.Thread(target=work, daemon=True)  # expect: NG307@18
        thread.start()
        return out
