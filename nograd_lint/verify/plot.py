"""A bar chart PNG of memory and time before/after each fix (matplotlib, optional)."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .examples import UsageError
from .records import Result


def require_matplotlib():
    try:
        import matplotlib
    except ImportError as exc:
        raise UsageError("--plot needs matplotlib, which is not installed "
                         "(install the 'plot' extra: pip install 'nograd-lint[plot]')") from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def write_plot(path: str, results: Sequence[Result]) -> None:
    """Grouped bars (before, after) of peak RSS, bytes saved for backward and median time."""
    plt = require_matplotlib()
    shown = [r for r in results if r.before is not None]
    names = [Path(r.example).stem for r in shown]
    panels = [
        ("Peak RSS (MB)", "peak_rss_bytes", 1 / 2**20),
        ("Saved for backward (MB)", "saved_bytes", 1 / 2**20),
        ("Median time (ms)", "median_seconds", 1000.0),
    ]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.5 * len(panels), 0.6 * len(names) + 2.5))
    positions = range(len(shown))
    for ax, (title, attr, scale) in zip(axes, panels):
        for offset, side, color in ((-0.2, "before", "#d62728"), (0.2, "after", "#2ca02c")):
            values = [(getattr(getattr(r, side), attr, None) or 0) * scale
                      if getattr(r, side) is not None else 0 for r in shown]
            ax.barh([p + offset for p in positions], values, height=0.4, color=color, label=side)
        ax.set_yticks(list(positions))
        ax.set_yticklabels(names if ax is axes[0] else [""] * len(names))
        ax.invert_yaxis()
        ax.set_title(title)
    axes[0].legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
