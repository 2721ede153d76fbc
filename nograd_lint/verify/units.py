"""Formatting of bytes, seconds, ratios and their spreads for reasons and reports."""
from __future__ import annotations

from typing import Optional, Sequence

from .records import median, spread

_UNITS = (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10))


def fmt_bytes(n: Optional[float]) -> str:
    """1.5 MiB, 4.0 KiB, 12 B; `-` when unknown."""
    if n is None:
        return "-"
    for unit, size in _UNITS:
        if abs(n) >= size:
            return "%.1f %siB" % (n / size, unit)
    return "%d B" % n


def _unit(n: float):
    return next(((u, s) for u, s in _UNITS if abs(n) >= s), ("", 1))


def fmt_size(n: Optional[float], spread_of: Optional[float] = None) -> str:
    """Compact binary size for tables: 246M, 40.1K, 812B, 0; with a spread 91.5±0.3M (no
    decimals from 100 up, so a cell stays short)."""
    if n is None:
        return "-"
    if not n:
        return "0"
    unit, size = _unit(n)
    if not unit:
        return "%dB" % n
    digits = 0 if n / size >= 100 else 1
    if spread_of is None:
        return "%.*f%s" % (digits, n / size, unit)
    half = spread_of / size
    return "%.*f±%.*f%s" % (digits, n / size, 0 if half >= 10 else 1, half, unit)


def fmt_sizes(values: Sequence[float]) -> str:
    """The median of `values` ± half their range (no ± for a single value)."""
    return fmt_size(median(values), spread(values))


def fmt_times(values: Sequence[float]) -> str:
    """330±146 ms, 12.3±0.4 ms, 1.25±0.10 s: the median ± half the range of `values`."""
    if not values:
        return "-"
    middle, half = median(values), spread(values) or 0.0
    if middle >= 1:
        return "%.2f±%.2f s" % (middle, half)
    digits = 0 if middle >= 0.1 else 1
    return "%.*f±%.*f ms" % (digits, middle * 1000, digits, half * 1000)


def wrap(text: str, width: int = 80, indent: str = "") -> str:
    """`text` as lines of at most `width` columns; continuation lines start with `indent`."""
    import textwrap

    return textwrap.fill(text, width, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False)


def fmt_ratio(r: Optional[float]) -> str:
    """0.21x; `-` when unknown."""
    return "-" if r is None else "%.2fx" % r


def fmt_ratios(values: Sequence[float]) -> str:
    """0.93x±0.05: the median ratio ± half the range of `values` (one decimal from 10 up)."""
    if not values:
        return "-"
    middle, half = median(values), spread(values)
    text = "%.*fx" % (2 if middle < 10 else 1, middle)
    return text + ("" if half is None else "±%.*f" % (2 if half < 10 else 1, half))
