"""A bar chart PNG of memory and time before/after each fix (matplotlib, optional)."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .records import Result
from .targets import UsageError


def require_matplotlib():
    try:
        import matplotlib
    except ImportError as exc:
        raise UsageError("--plot needs matplotlib, which is not installed "
                         "(install the 'plot' extra: pip install 'nograd-lint[plot]')") from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _bars(runs, attr: str, scale: float):
    """Values of `attr` (a list of runs' values for the peaks, whose median is drawn with the
    range as error bars; else a number) in `runs`, and the error bars (None for numbers)."""
    from .records import median

    if attr in ("peak_rss", "cuda_peak"):
        lists = [getattr(run, attr) for run in runs]
        values = [(median(v) or 0) * scale for v in lists]
        low = [value - min(v) * scale if v else 0 for value, v in zip(values, lists)]
        high = [max(v) * scale - value if v else 0 for value, v in zip(values, lists)]
        return values, [low, high]
    return [(getattr(run, attr) or 0) * scale for run in runs], None


def write_plot(path: str, results: Sequence[Result]) -> None:
    """Grouped bars (original, fixed) of peak memory (and the CUDA peak when measured), bytes
    saved for backward and median time, one group per fix that ran; peaks have error bars
    spanning their runs."""
    plt = require_matplotlib()
    rows = [(r, v) for r in results for v in r.verdicts if v.after is not None and r.before]
    names = ["%s %s" % (Path(r.example).stem, v.label) for r, v in rows]
    panels = [("Peak memory (MiB)", "peak_rss", 1 / 2**20)]
    if any(r.before.cuda_peak for r, _ in rows):
        panels.append(("CUDA peak (MiB)", "cuda_peak", 1 / 2**20))
    panels += [("Saved for backward (MiB)", "saved_bytes", 1 / 2**20),
               ("Median time (ms)", "median_seconds", 1000.0)]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.5 * len(panels), 0.6 * len(names) + 2.5))
    positions = range(len(rows))
    for ax, (title, attr, scale) in zip(axes, panels):
        for offset, side, color in ((-0.2, "original", "#d62728"), (0.2, "fixed", "#2ca02c")):
            runs = [r.before if side == "original" else v.after for r, v in rows]
            values, errors = _bars(runs, attr, scale)
            ax.barh([p + offset for p in positions], values, height=0.4, color=color,
                    label=side, xerr=errors)
        ax.set_yticks(list(positions))
        ax.set_yticklabels(names if ax is axes[0] else [""] * len(names))
        ax.invert_yaxis()
        ax.set_title(title)
    axes[0].legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
