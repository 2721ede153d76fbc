"""What the cache saves: nograd-lint (and the flake8 plugin) over a project, cold and warm, in one run.

    python benchmarks/cache.py TREE                       # TREE copied to a scratch folder
    python benchmarks/cache.py TREE --rounds 5 --jobs 2
    python benchmarks/cache.py TREE --tools nograd         # without the flake8 rows

TREE is copied to a scratch folder with a `pyproject.toml` at its top (unless it has a project
marker already), so it is analysed as one project and the cache goes to its root. Each round runs,
as whole processes with the copy as the current directory:

- `nograd-lint --no-cache`: analysis only, nothing read or written;
- cold: the cache folder emptied first, so the run analyses everything and writes its entry;
- warm: the same command again, the tree unchanged: it reads the entry;
- after an edit: a comment appended to one file, then the same command (a run over several files
  is kept as a whole, so this analyses everything again); the file is then restored;
- the same cold and warm pair for flake8 with only the nograd-lint plugin (`--select NG`), whose
  entries are kept file by file.

The ratios (warm / cold, and the others) are taken round by round, in CPU seconds (user + system
of the process and the children it waited for) and wall seconds; their medians are printed. The
issue's target: a warm run over an unchanged tree costs at most 0.25x the cold run.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Optional

from speed import FLAKE8_WITH_PLUGINS, _flake8_summary, _nograd_summary, _sibling, python_files, run_once

GOAL = 0.25
MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")


def copy_tree(tree: Path, workdir: Path) -> Path:
    """The tree's Python files (and project markers) copied under `workdir`, with a marker at the top."""
    target = workdir / "project"
    for path in python_files([tree]):
        destination = target / path.relative_to(tree.resolve())
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    for marker in MARKERS:
        if (tree / marker).is_file():
            shutil.copyfile(tree / marker, target / marker)
    if not any((target / marker).exists() for marker in MARKERS):
        (target / "pyproject.toml").write_text("[project]\nname = \"benchmark-copy\"\nversion = \"0\"\n")
    return target


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree", type=Path, help="a folder of Python code (a package or a repository)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default: 3)")
    parser.add_argument("--jobs", type=int, default=1, help="nograd-lint -j (default: 1)")
    parser.add_argument("--tools", default="nograd,flake8", help="nograd and/or flake8 (default: both)")
    args = parser.parse_args(argv)
    nograd = _sibling("nograd-lint")
    if nograd is None:
        raise SystemExit("cache.py: nograd-lint is not installed next to this Python")
    tools = {tool.strip() for tool in args.tools.split(",")}
    with tempfile.TemporaryDirectory(prefix="nograd-cache-") as temporary:
        workdir = Path(temporary)
        project = copy_tree(args.tree, workdir)
        files = sorted(project.rglob("*.py"))
        lines = sum(path.read_bytes().count(b"\n") for path in files)
        edited = max(files, key=lambda path: path.stat().st_size)  # a big module: many import it
        cache = project / ".nograd_cache"
        lint = [nograd, "--isolated", "-j", str(args.jobs), "-q", "."]
        flake8 = [sys.executable, "-c", FLAKE8_WITH_PLUGINS, "flake8,nograd-lint", "--isolated", "-j", "1",
                  "--select", "NG", "."]
        print(f"{args.tree}: {len(files):,} files, {lines:,} lines; {args.rounds} rounds; nograd-lint -j {args.jobs}; "
              f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs", flush=True)

        def timed(label: str, argv: list[str], summarize, env: Optional[dict] = None):
            ran = run_once(argv, project, summarize, env)
            print(f"  {label:34} {ran.wall:7.2f} s wall {ran.cpu:7.2f} s cpu  {ran.summary}", file=sys.stderr,
                  flush=True)
            return ran

        rows: dict[str, list] = {}
        run_once(lint + ["--no-cache"], project, _nograd_summary)  # untimed: byte code compiled
        for number in range(args.rounds):
            print(f"round {number + 1}", file=sys.stderr, flush=True)
            if "nograd" in tools:
                rows.setdefault("nograd-lint --no-cache", []).append(
                    timed("nograd-lint --no-cache", lint + ["--no-cache"], _nograd_summary))
                shutil.rmtree(cache, ignore_errors=True)
                rows.setdefault("nograd-lint cold", []).append(timed("nograd-lint cold", lint, _nograd_summary))
                rows.setdefault("nograd-lint warm", []).append(timed("nograd-lint warm", lint, _nograd_summary))
                original = edited.read_bytes()
                edited.write_bytes(original + b"\n# edited\n")
                rows.setdefault("nograd-lint after an edit", []).append(
                    timed("nograd-lint after an edit", lint, _nograd_summary))
                edited.write_bytes(original)
            if "flake8" in tools:
                shutil.rmtree(cache, ignore_errors=True)
                rows.setdefault("flake8 --select NG cold", []).append(
                    timed("flake8 --select NG cold", flake8, _flake8_summary))
                rows.setdefault("flake8 --select NG warm", []).append(
                    timed("flake8 --select NG warm", flake8, _flake8_summary))
    print()
    print(f"{'command':30} {'cpu s':>7} {'wall s':>7}  output")
    for label, runs in rows.items():
        print(f"{label:30} {statistics.median(r.cpu for r in runs):7.2f} "
              f"{statistics.median(r.wall for r in runs):7.2f}  {runs[0].summary}")
    print()
    for warm, cold in (("nograd-lint warm", "nograd-lint cold"), ("nograd-lint cold", "nograd-lint --no-cache"),
                       ("nograd-lint after an edit", "nograd-lint cold"),
                       ("flake8 --select NG warm", "flake8 --select NG cold")):
        if warm in rows and cold in rows:
            cpu = statistics.median(w.cpu / c.cpu for w, c in zip(rows[warm], rows[cold]))
            wall = statistics.median(w.wall / c.wall for w, c in zip(rows[warm], rows[cold]))
            verdict = f"  (target <= {GOAL:g}x: {'met' if max(cpu, wall) <= GOAL else 'NOT met'})" \
                if "warm" in warm else ""
            print(f"{warm} / {cold} = {cpu:.3f}x cpu, {wall:.3f}x wall{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
