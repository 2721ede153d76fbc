"""`tools/` is a namespace package (no `__init__.py`) that also holds a module named `tools.py`:
`from .validation import validate` is `tools.validation.validate`, not a module beside it named
`tools` (`tools.tools.validation`, which does not exist). The only caller runs `validate` under
`torch.no_grad()`: silent (the name was misread, the caller lost, and `validate` reported)."""
import torch

from .tools import clip
from .validation import validate


def train(generator, loader, val_loader, epochs):
    optimizer = torch.optim.Adam(generator.parameters(), lr=clip(1e-3, 1e-5, 1e-2))
    for _ in range(epochs):
        for mel, audio in loader:
            loss = (generator(mel) - audio).abs().mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            print(validate(generator, val_loader))
