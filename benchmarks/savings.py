"""Savings at scale: what the NG101 fix saves on bigger models.

Evaluates a ResNet-style CNN and a 6-layer transformer encoder (both built from torch.nn, in
eval mode, random weights and data with fixed seeds) at several batch sizes, once per grad mode:

- `grad`: the mistake, a forward pass with gradients enabled (what NG101 reports);
- `no_grad`: the fix, `with torch.no_grad():`;
- `inference_mode`: `with torch.inference_mode():` (NG4xx suggests it; an unsafe rewrite).

Each (model, batch, mode) runs through the nograd-verify children, as `nograd-verify` runs a
script and its fixed version: bytes saved for backward in an instrumented call
(saved_tensors_hooks); peak RSS above the baseline taken after import (the model and its input
are built at import, so the peak is the forward pass itself), without hooks, in `--memory-runs`
fresh processes per mode; and the wall time in interleaved rounds across the three modes.
Ratios are against `grad`; ± is half the range over the runs.

    python benchmarks/savings.py                  # full run (a few minutes on 2 cores)
    python benchmarks/savings.py --quick          # tiny run
    python benchmarks/savings.py --markdown docs/verification.md   # update that section
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Dict, List, Optional, Sequence

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

from nograd_lint.verify.report import write_section  # noqa: E402
from nograd_lint.verify.units import fmt_ratios, fmt_size, fmt_sizes, fmt_times, wrap  # noqa: E402
from nograd_lint.verify.versions import Versions  # noqa: E402

MODES = {
    "grad": "contextlib.nullcontext()",
    "no_grad": "torch.no_grad()",
    "inference_mode": "torch.inference_mode()",
}
FULL = {"resnet": (8, 32, 64), "transformer": (4, 16, 32)}
QUICK = {"resnet": (4,), "transformer": (2,)}
SECTION = "savings"

SCRIPT = '''\
import contextlib

import torch

from savings import build_workload

model, batch = build_workload({model!r}, {batch_size!r})


def main():
    with {context}:
        return model(batch).argmax(dim=-1)
'''


def build_workload(name: str, batch_size: int):
    """(model in eval mode, one input batch) for `name`: "resnet" or "transformer"."""
    import torch
    from torch import nn

    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(1)
    if name == "resnet":
        class BasicBlock(nn.Module):
            def __init__(self, cin: int, cout: int, stride: int) -> None:
                super().__init__()
                self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
                self.bn1 = nn.BatchNorm2d(cout)
                self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
                self.bn2 = nn.BatchNorm2d(cout)
                self.shortcut = nn.Sequential()
                if stride != 1 or cin != cout:
                    self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                                  nn.BatchNorm2d(cout))

            def forward(self, x):
                out = torch.relu(self.bn1(self.conv1(x)))
                return torch.relu(self.bn2(self.conv2(out)) + self.shortcut(x))

        widths, layers, cin = (32, 64, 128, 256), [], 32
        for i, width in enumerate(widths):
            layers += [BasicBlock(cin, width, 1 if i == 0 else 2), BasicBlock(width, width, 1)]
            cin = width
        model = nn.Sequential(nn.Conv2d(3, 32, 3, 1, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
                              *layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(256, 10))
        batch = torch.randn(batch_size, 3, 32, 32, generator=generator)
    elif name == "transformer":
        class Encoder(nn.Module):
            def __init__(self, vocab: int = 1000, d_model: int = 256, length: int = 64) -> None:
                super().__init__()
                self.embed = nn.Embedding(vocab, d_model)
                self.position = nn.Parameter(torch.randn(1, length, d_model) * 0.02)
                layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=1024,
                                                   dropout=0.1, batch_first=True)
                self.encoder = nn.TransformerEncoder(layer, num_layers=6,
                                                     enable_nested_tensor=False)
                self.head = nn.Linear(d_model, 2)

            def forward(self, tokens):
                hidden = self.encoder(self.embed(tokens) + self.position)
                return self.head(hidden.mean(dim=1))

        model = Encoder()
        batch = torch.randint(0, 1000, (batch_size, 64), generator=generator)
    else:
        raise ValueError("unknown model %r" % name)
    return model.eval(), batch


def run_config(model: str, batch_size: int, workdir: Path, args) -> List[Dict]:
    """Measure the three modes of one (model, batch size), each in its own fresh processes."""
    files = []
    for mode, context in MODES.items():
        script = workdir / ("%s_b%d_%s.py" % (model, batch_size, mode))
        script.write_text(SCRIPT.format(model=model, batch_size=batch_size, context=context))
        files.append(script)
    options = SimpleNamespace(threads=args.threads, timeout=600.0, seed=0, rtol=0, atol=0)
    with Versions(files, "main", HERE, workdir, options, args.memory_runs, list(MODES)) as runs:
        records = runs.first_runs()
        for mode, record in zip(MODES, records):
            if not record.ran or record.error:
                problem = record.load_error or record.error
                raise SystemExit("%s %s b%d failed: %s" % (mode, model, batch_size, problem))
        runs.memory_runs(records)
        replies = runs.time(records, args.repeat, 1)
    rows = []
    for mode, record, runs_of_mode in zip(MODES, records, replies):
        rows.append({
            "model": model, "batch": batch_size, "mode": mode,
            "saved_bytes": record.saved_bytes, "peak_rss": record.peak_rss,
            "peak_ratios": [p / g for p in record.peak_rss for g in records[0].peak_rss if g],
            "times": record.times,
            "time_ratios": [t / g for t, g in zip(record.times, records[0].times) if g > 0],
            "faults": statistics.median(r["minor_faults"] for r in runs_of_mode),
            "torch": record.torch_version, "threads": record.threads, "device": record.device,
        })
    return rows


def _columns(rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> List[str]:
    """Rows of cells as aligned plain-text lines (columns in `right` aligned right)."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.rjust(w) if i in right else c.ljust(w)
                      for i, (c, w) in enumerate(zip(r, widths))).rstrip() for r in rows]


def _workload(r: Dict) -> str:
    return "%s b%d" % (r["model"], r["batch"])


def memory_table(rows: Sequence[Dict]) -> List[str]:
    cells = [("workload", "mode", "saved for backward", "peak memory", "vs grad")]
    cells += [(_workload(r), r["mode"], fmt_size(r["saved_bytes"]), fmt_sizes(r["peak_rss"]),
               fmt_ratios(r["peak_ratios"])) for r in rows]
    return _columns(cells)


def time_table(rows: Sequence[Dict]) -> List[str]:
    cells = [("workload", "mode", "time", "vs grad", "page faults")]
    cells += [(_workload(r), r["mode"], fmt_times(r["times"]), fmt_ratios(r["time_ratios"]),
               "%d" % r["faults"]) for r in rows]
    return _columns(cells, right=(4,))


def markdown(rows: Sequence[Dict], command: str, args) -> str:
    """The section body: tables, a summary of the ranges measured, how to regenerate."""
    lines = [wrap(
        "Blog posts promise \"40-50%% less memory, 20-40%% faster\" from `torch.no_grad()` in "
        "evaluation. This is what was measured here: one evaluation forward pass of a "
        "ResNet-style CNN (3x32x32 images) and of a 6-layer transformer encoder (d_model 256, "
        "64 tokens) per batch size (`b8`: 8 inputs), each mode in its own fresh processes; peak "
        "memory is resident memory above the baseline with the model and input already built, "
        "median±half-range over %d fresh processes without hooks; times are medians±half-range "
        "of %d interleaved rounds, page faults per run their median; ratios are against `grad` "
        "(the NG101 mistake), median±half-range over every pair of runs. K, M: KiB, MiB."
        % (args.memory_runs, args.repeat)),
        "", "```text"] + memory_table(rows) + ["```", "", "```text"] + time_table(rows) + [
        "```", "", wrap("Change against `grad` over the batch sizes measured, lowest to "
                        "highest over every run (negative: less):"), ""]
    for mode in ("no_grad", "inference_mode"):
        for model in dict.fromkeys(r["model"] for r in rows):
            chosen = [r for r in rows if r["mode"] == mode and r["model"] == model]
            peaks = [v - 1 for r in chosen for v in r["peak_ratios"]]
            times = [v - 1 for r in chosen for v in r["time_ratios"]]
            if peaks and times:
                lines.append(wrap("- `%s`, %s: peak memory %s, time %s."
                                  % (mode, model, _span(peaks), _span(times)), indent="  "))
    first = rows[0] if rows else {}
    lines += ["", wrap("Measured with torch %s on %s, %s thread(s); load average %s on %d CPUs "
                       "(the machine was shared). Regenerate with `%s --markdown "
                       "docs/verification.md`."
                       % (first.get("torch"), first.get("device"), first.get("threads"),
                          first.get("load", "-"), os.cpu_count() or 0, command))]
    return "\n".join(lines)


def _span(changes: Sequence[float]) -> str:
    """-55% or -76% to -55%, from fractional changes."""
    low, high = (round(100 * v) for v in (min(changes), max(changes)))
    text = ["%+d%%" % v if v else "0%" for v in (low, high)]
    return text[0] if low == high else "%s to %s" % tuple(text)


def _load() -> float:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return float("nan")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny batches, few repeats")
    parser.add_argument("--repeat", type=int, help="timed rounds per config (default 5, quick 2)")
    parser.add_argument("--memory-runs", type=int, default=3,
                        help="fresh processes per mode measuring peak memory (default 3)")
    parser.add_argument("--threads", type=int, help="torch threads in the children")
    parser.add_argument("--markdown", metavar="PATH",
                        help="write the tables into the 'Savings at scale' section of PATH")
    args = parser.parse_args(argv)
    configs = QUICK if args.quick else FULL
    args.repeat = args.repeat or (2 if args.quick else 5)
    rows: List[Dict] = []
    load = _load()
    with tempfile.TemporaryDirectory(prefix="nograd-savings-") as tmp:
        for model, batches in configs.items():
            for batch_size in batches:
                print("%s batch %d ..." % (model, batch_size), file=sys.stderr, flush=True)
                rows += run_config(model, batch_size, Path(tmp), args)
    if rows:
        rows[0]["load"] = "%.1f to %.1f" % tuple(sorted((load, _load())))
    command = "python benchmarks/savings.py" + (" --quick" if args.quick else "") + (
        " --threads %d" % args.threads if args.threads else "")
    body = markdown(rows, command, args)
    print(body)
    if args.markdown:
        write_section(args.markdown, SECTION, "## Savings at scale\n\n" + body,
                      "# Runtime verification\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
