"""Formatting of bytes, seconds and ratios for reasons and reports."""
from __future__ import annotations

from typing import Optional


def fmt_bytes(n: Optional[float]) -> str:
    """1.5 MB, 4.0 KB, 12 B; `-` when unknown."""
    if n is None:
        return "-"
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if abs(n) >= size:
            return "%.1f %s" % (n / size, unit)
    return "%d B" % n


def fmt_seconds(s: Optional[float]) -> str:
    """12.3 ms, 1.25 s; `-` when unknown."""
    if s is None:
        return "-"
    return "%.2f s" % s if s >= 1 else "%.1f ms" % (s * 1000)


def fmt_ratio(r: Optional[float]) -> str:
    """0.21x; `-` when unknown."""
    return "-" if r is None else "%.2fx" % r
