"""The package names its own submodule in a `from` import of itself, as torchvision does."""
from camkit import heads
from camkit.heads import Classifier

__all__ = ["heads", "Classifier"]
