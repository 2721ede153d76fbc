"""nograd-lint: find and fix gradient-mode mistakes in PyTorch code."""

__version__ = "0.1.0"
