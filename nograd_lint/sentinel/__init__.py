"""The runtime sentinel: forwards that built a graph no backward used, found while a program runs.

`Sentinel` (a context manager) watches; `nograd-verify --watch script.py` runs a script under it;
`pytest --nograd-sentinel` runs a test suite under it. torch is imported only when a watch
starts (it belongs to the `[verify]` extra). See docs/sentinel.md.
"""
from .records import SiteRecord
from .watch import Sentinel

__all__ = ["Sentinel", "SiteRecord"]
