"""Time nograd-lint against baselines on the same files, in one run, and print the ratios.

    python benchmarks/speed.py TREE                  # a ~100k-line sample of TREE (seed 0)
    python benchmarks/speed.py TREE --full           # every .py file under TREE
    python benchmarks/speed.py TREE --lines 50000 --seed 3 --rounds 5

Every command runs as a whole process (start-up included), one process each unless its name says
otherwise, on the same explicit list of files. Rounds are interleaved and the order rotates each
round, so a machine that drifts affects every command alike; ratios are taken round by round and
their median is printed. See benchmarks/README.md for what each row means.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

DEFAULT_LINES = 100_000
PLUGIN_GOAL = 1.3  # what installing the flake8 plugin may cost a flake8 run, at most
FLAKE8_SHARE_GOAL = 0.7  # nograd-lint's time as a share of flake8's defaults, at most
TORCHFIX_GOAL = 20.0  # TorchFix's time over nograd-lint's, at least
SKIPPED_DIRS = {"__pycache__", ".git", ".hg", ".tox", ".venv", "node_modules"}

# flake8 runs every installed plugin whatever --select says, so each flake8 row runs flake8 with
# its plugin list cut down to the packages named in the first argument.
FLAKE8_WITH_PLUGINS = """
import sys
from flake8.plugins import finder
keep = set(sys.argv.pop(1).split(","))
_find = finder.find_plugins
def find_plugins(*args, **kwargs):
    return [p for p in _find(*args, **kwargs) if p.package.lower() in keep]
finder.find_plugins = find_plugins
from flake8.main.cli import main
sys.argv[0] = "flake8"
sys.exit(main())
"""
STOCK_PLUGINS = "flake8,pyflakes,pycodestyle,mccabe"
NO_CACHE = {"NOGRAD_LINT_NO_CACHE": "1"}  # every timed run analyses (benchmarks/cache.py times the cache)

PARSE_ALL = """
import sys
{imports}
failed = 0
with open(sys.argv[1], encoding="utf-8") as listing:
    paths = listing.read().splitlines()
for path in paths:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        {parse}
    except Exception:
        failed += 1
print(f"parsed {{len(paths) - failed}} files, {{failed}} failed")
"""
AST_PARSE = PARSE_ALL.format(imports="import ast", parse="ast.parse(data, path)")
LIBCST_PARSE = PARSE_ALL.format(imports="import libcst", parse="libcst.parse_module(data)")


@dataclasses.dataclass
class Tool:
    key: str
    label: str
    argv: list[str]
    summarize: Callable[[str, str, int], str]
    processes: int = 1
    env: dict = dataclasses.field(default_factory=dict)  # added to the child's environment
    primed: bool = False  # its untimed first run covers every file (fills the plugin's cache)


@dataclasses.dataclass
class Run:
    wall: float
    cpu: float
    returncode: int
    summary: str


# -- the files ------------------------------------------------------------------------------------
def python_files(roots: list[Path]) -> list[Path]:
    found: set[Path] = set()
    for root in roots:
        if root.is_file():
            found.add(root.resolve())
            continue
        for directory, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
            found.update(Path(directory, name).resolve() for name in files if name.endswith(".py"))
    return sorted(found)


def count_lines(path: Path) -> int:
    data = path.read_bytes()
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def choose(files: list[Path], lines: dict[Path, int], target: Optional[int], seed: int,
           projects_under: Optional[list[Path]] = None) -> list[Path]:
    """All files, or a seeded random sample that just reaches `target` lines (sorted): of files,
    or, with `projects_under` (the trees), of whole projects (each top-level folder of a tree)."""
    if target is None:
        return files
    groups: dict[Path, list[Path]] = {}
    for path in files:
        groups.setdefault(_project_of(path, projects_under) if projects_under else path, []).append(path)
    order = sorted(groups)
    random.Random(seed).shuffle(order)
    chosen, total = [], 0
    for key in order:
        if total >= target:
            break
        chosen += groups[key]
        total += sum(lines[path] for path in groups[key])
    return sorted(chosen)


def _project_of(path: Path, trees: list[Path]) -> Path:
    """The top-level folder of the tree `path` lies in (the file itself at a tree's top)."""
    for tree in trees:
        tree = tree.resolve()
        if tree in path.parents:
            return tree / path.relative_to(tree).parts[0]
    return path


# -- the commands ---------------------------------------------------------------------------------
def _count_lines_of(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def _nograd_summary(out: str, err: str, code: int) -> str:
    errors = len(re.findall(r"^nograd-lint: error:", err, re.M))
    text = f"{_count_lines_of(out)} findings"
    return text + (f", {errors} files not checked" if errors else "")


def _flake8_summary(out: str, err: str, code: int) -> str:
    syntax = len(re.findall(r": E999 ", out))
    text = f"{_count_lines_of(out)} reports"
    return text + (f" ({syntax} E999)" if syntax else "")


def _torchfix_summary(out: str, err: str, code: int) -> str:
    checked = re.search(r"Finished checking (\d+) files", err)
    fixable = re.search(r"(\d+) potentially fixable", err)
    text = f"checked {checked.group(1)} files" if checked else "no summary"
    return text + (f", {fixable.group(1)} fixable" if fixable else "")


def _parse_summary(out: str, err: str, code: int) -> str:
    return out.strip().splitlines()[-1] if out.strip() else "no summary"


def _sibling(name: str) -> Optional[str]:
    """An executable installed next to this interpreter (the same virtual environment)."""
    candidate = Path(sys.executable).with_name(name)
    return str(candidate) if candidate.exists() else shutil.which(name)


def tools(args: argparse.Namespace, listing: Path) -> tuple[list[Tool], list[str]]:
    """The commands to time (each followed by the files, or the listing file) and notes on skips."""
    notes: list[str] = []
    nograd = shlex.split(args.nograd_lint) if args.nograd_lint else [_sibling("nograd-lint")]
    python = args.flake8_python or sys.executable

    def flake8(plugins: str) -> list[str]:
        return [python, "-c", FLAKE8_WITH_PLUGINS, plugins, "--isolated", "-j", "1"]

    torchfix = args.torchfix or os.environ.get("NOGRAD_BENCH_TORCHFIX") or shutil.which("torchfix")
    lint = [*nograd, "--isolated", "--select", "NG"]
    every = {
        "nograd": Tool("nograd", "nograd-lint --select NG", [*lint, "-j", "1"], _nograd_summary, env=NO_CACHE),
        "nograd-j2": Tool("nograd-j2", "nograd-lint --select NG -j 2", [*lint, "-j", "2"], _nograd_summary, 2,
                          env=NO_CACHE),
        "flake8": Tool("flake8", "flake8 defaults (E,F,W,C90)", flake8(STOCK_PLUGINS), _flake8_summary),
        "pyflakes": Tool("pyflakes", "flake8, pyflakes only (F)", flake8("flake8,pyflakes"), _flake8_summary),
        "plugin": Tool("plugin", "flake8 defaults + NG plugin", [*flake8(STOCK_PLUGINS + ",nograd-lint"),
                                                                 "--extend-select", "NG"], _flake8_summary,
                       env=NO_CACHE),
        "plugin-cached": Tool("plugin-cached", "flake8 + NG plugin, warm cache", [
            *flake8(STOCK_PLUGINS + ",nograd-lint"), "--extend-select", "NG"], _flake8_summary,
            env={"NOGRAD_LINT_CACHE_DIR": "plugin-cache"}, primed=True),
        "ast": Tool("ast", "ast.parse, every file", [sys.executable, "-c", AST_PARSE, str(listing)], _parse_summary),
        "libcst": Tool("libcst", "libcst.parse_module, every file", [sys.executable, "-c", LIBCST_PARSE, str(listing)],
                       _parse_summary),
        "torchfix": Tool("torchfix", "TorchFix -j 1", [torchfix or "torchfix", "-j", "1"], _torchfix_summary),
    }
    if None in nograd:
        raise SystemExit("speed.py: nograd-lint is not installed next to this Python; pass --nograd-lint")
    chosen = []
    for key in args.tools.split(","):
        key = key.strip()
        if key not in every:
            raise SystemExit(f"speed.py: unknown tool {key!r}; choose from {', '.join(every)}")
        if key == "torchfix" and torchfix is None:
            notes.append("TorchFix skipped: no `torchfix` on PATH (pass --torchfix or set NOGRAD_BENCH_TORCHFIX).")
            continue
        chosen.append(every[key])
    return chosen, notes


def with_files(tool: Tool, files: list[str]) -> list[str]:
    return tool.argv if tool.key in ("ast", "libcst") else [*tool.argv, *files]


def child_environment(workdir: Path) -> dict[str, str]:
    """Bytecode is cached (as after a normal install) in the scratch directory, never in the repository."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    return env


def run_once(argv: list[str], workdir: Path, summarize: Callable[[str, str, int], str],
             env: Optional[dict] = None) -> Run:
    """Time one whole process; stdout/stderr go to files (no pipe reader competing for the CPU)."""
    out_path, err_path = workdir / "stdout.txt", workdir / "stderr.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=workdir,
                                   env={**child_environment(workdir), **(env or {})})
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    out_text = out_path.read_text(errors="replace")
    err_text = err_path.read_text(errors="replace")
    if process.returncode not in (0, 1, 2) or "Traceback (most recent call last)" in err_text:
        tail = "\n".join(err_text.strip().splitlines()[-5:])
        raise SystemExit(f"speed.py: `{' '.join(argv[:4])} ...` failed (exit {process.returncode}):\n{tail}")
    summary = summarize(out_text, err_text, process.returncode)
    return Run(wall, usage.ru_utime + usage.ru_stime, process.returncode, summary)


# -- the report -----------------------------------------------------------------------------------
def _seconds(value: float) -> str:
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"


def _ratio(value: float) -> str:
    return f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


def _paired(runs: list[Run], reference: list[Run], measure: str) -> float:
    """The median of the round-by-round ratios (each round runs both commands close together)."""
    return statistics.median(getattr(r, measure) / getattr(b, measure) for r, b in zip(runs, reference))


def report(results: dict[str, list[Run]], chosen: list[Tool], total_lines: int, reference: str) -> list[dict]:
    rows = []
    for tool in chosen:
        runs = results[tool.key]
        walls = [r.wall for r in runs]
        base = results.get(reference)
        plain = results.get("flake8")
        rows.append(dict(
            key=tool.key, label=tool.label, processes=tool.processes, median=statistics.median(walls),
            min=min(walls), max=max(walls), cpu=statistics.median(r.cpu for r in runs),
            lines_per_second=total_lines / statistics.median(walls),
            ratio_to_nograd=_paired(runs, base, "wall") if base else None,
            cpu_ratio_to_nograd=_paired(runs, base, "cpu") if base else None,
            ratio_to_flake8=_paired(runs, plain, "wall") if plain else None,
            cpu_ratio_to_flake8=_paired(runs, plain, "cpu") if plain else None,
            exit=runs[0].returncode, output=runs[0].summary,
        ))
    header = (f"{'command':30} {'median s':>8} {'min':>6} {'max':>6} {'cpu s':>6} {'lines/s':>8} "
              f"{'÷ NG':>6} {'cpu ÷ NG':>8}  output")
    print(header)
    print("-" * len(header))
    for row in rows:
        ratios = [_ratio(row[k]) if row[k] is not None else "-" for k in ("ratio_to_nograd", "cpu_ratio_to_nograd")]
        print(f"{row['label']:30} {_seconds(row['median']):>8} {_seconds(row['min']):>6} {_seconds(row['max']):>6} "
              f"{_seconds(row['cpu']):>6} {row['lines_per_second']:>8,.0f} {ratios[0]:>6} {ratios[1]:>8}  "
              f"{row['output']}")
    return rows


def verdicts(rows: list[dict]) -> list[str]:
    by_key = {row["key"]: row for row in rows}
    lines = []
    for key in ("plugin", "plugin-cached"):
        if by_key.get(key, {}).get("ratio_to_flake8") is None:
            continue
        plugin = by_key[key]
        wall, cpu = plugin["ratio_to_flake8"], plugin["cpu_ratio_to_flake8"]
        met = max(wall, cpu) <= PLUGIN_GOAL
        lines.append(f"{plugin['label']} / {by_key['flake8']['label']} = {_ratio(wall)} wall, {_ratio(cpu)} cpu"
                     f"  (target <= {PLUGIN_GOAL:g}x: {'met' if met else 'NOT met'})")
    if "nograd" not in by_key:
        return lines
    goals = {"flake8": 1 / FLAKE8_SHARE_GOAL, "torchfix": TORCHFIX_GOAL}
    for key in ("flake8", "torchfix", "pyflakes", "libcst", "ast"):
        goal = goals.get(key)
        if key not in by_key:
            continue
        row = by_key[key]
        text = (f"{row['label']} / nograd-lint = {_ratio(row['ratio_to_nograd'])} wall, "
                f"{_ratio(row['cpu_ratio_to_nograd'])} cpu")
        if goal is not None:
            met = min(row["ratio_to_nograd"], row["cpu_ratio_to_nograd"]) >= goal
            text += f"  (target >= {goal:.3g}x: {'met' if met else 'NOT met'})"
        lines.append(text)
    if "nograd-j2" in by_key:
        lines.append(f"nograd-lint -j 1 / -j 2 = {_ratio(1 / by_key['nograd-j2']['ratio_to_nograd'])} wall"
                     f" on {os.cpu_count()} CPUs")
    return lines


# -- main -----------------------------------------------------------------------------------------
def parse_arguments(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree", nargs="*", type=Path,
                        help="directories or files of Python code (default: $NOGRAD_BENCH_CORPUS)")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--full", action="store_true", help="every .py file under the tree, no sampling")
    size.add_argument("--lines", type=int, default=DEFAULT_LINES, help="sample size in lines (default: 100000)")
    parser.add_argument("--seed", type=int, default=0, help="which sample (default: 0)")
    parser.add_argument("--whole-projects", action="store_true",
                        help="sample whole projects (the tree's top-level folders), as `nograd-lint .` runs on "
                             "each, instead of single files")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default: 3)")
    parser.add_argument("--tools", default="nograd,nograd-j2,flake8,plugin,plugin-cached,pyflakes,ast,libcst,torchfix",
                        help="comma-separated, in this set: nograd, nograd-j2, flake8, pyflakes, plugin, "
                             "plugin-cached, ast, libcst, torchfix (default: all)")
    parser.add_argument("--nograd-lint", help="the nograd-lint command, split like a shell would "
                                              "(default: the executable next to this Python)")
    parser.add_argument("--flake8-python", help="the Python whose flake8 is timed (default: this one)")
    parser.add_argument("--torchfix", help="the torchfix executable (default: $NOGRAD_BENCH_TORCHFIX or PATH)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--list", action="store_true", help="print the chosen files and exit")
    parser.add_argument("--phases", action="store_true",
                        help="instead of timing commands, time nograd-lint's steps in this process and exit "
                             "(benchmarks/phases.py)")
    return parser.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_arguments(argv)
    roots = args.tree or ([Path(os.environ["NOGRAD_BENCH_CORPUS"])] if os.environ.get("NOGRAD_BENCH_CORPUS") else [])
    if not roots:
        raise SystemExit("speed.py: give a tree of Python code (or set NOGRAD_BENCH_CORPUS)")
    every = python_files(roots)
    lines = {path: count_lines(path) for path in every}  # also brings every file into the page cache
    files = choose(every, lines, None if args.full else args.lines, args.seed,
                   roots if args.whole_projects else None)
    total_lines = sum(lines[path] for path in files)
    if args.list:
        print("\n".join(map(str, files)))
        return 0
    if not files:
        raise SystemExit("speed.py: no .py files found")
    if args.phases:
        from phases import phases  # benchmarks/phases.py, beside this script
        print(phases(files))
        return 0
    names = [str(path) for path in files]
    with tempfile.TemporaryDirectory(prefix="nograd-speed-") as temporary:
        workdir = Path(temporary)
        listing = workdir / "files.txt"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        chosen, notes = tools(args, listing)
        sample = "every file" if args.full else (f"seed {args.seed}, target {args.lines:,} lines"
                                                 + (", whole projects" if args.whole_projects else ""))
        print(f"{len(files):,} files, {total_lines:,} lines ({sample}); {args.rounds} rounds; "
              f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
        for note in notes:
            print(note)
        sys.stdout.flush()
        primer = workdir / "primer.txt"
        primer.write_text(names[0] + "\n", encoding="utf-8")
        for tool in chosen:  # untimed: compiles bytecode caches and loads plugins once
            first = with_files(tool, names) if tool.primed else with_files(tool, names[:1])
            run_once([a if a != str(listing) else str(primer) for a in first], workdir, tool.summarize, tool.env)
        results: dict[str, list[Run]] = {tool.key: [] for tool in chosen}
        for round_number in range(args.rounds):
            shift = round_number % len(chosen)
            for tool in chosen[shift:] + chosen[:shift]:
                run = run_once(with_files(tool, names), workdir, tool.summarize, tool.env)
                results[tool.key].append(run)
                print(f"  round {round_number + 1}: {tool.label:32} {run.wall:8.2f} s", file=sys.stderr, flush=True)
    print()
    rows = report(results, chosen, total_lines, "nograd")
    print()
    for line in verdicts(rows):
        print(line)
    if args.json:
        args.json.write_text(json.dumps(dict(files=len(files), lines=total_lines, seed=args.seed, full=args.full,
                                             rounds=args.rounds, rows=rows, notes=notes), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
