"""`nograd-verify [TARGET...]`: lint, fix, run and judge scripts; report as text, JSON, Markdown.

A target is `path.py` (its `main()`), `path.py::function` (a function that takes no
arguments) or a directory (every script in it). Exit codes: 0 all passed, 1 some target failed
its judgement, 2 usage errors, unusable targets, or the `verify` extra not installed.
Importing this module imports neither torch nor rich (only the child subprocesses import torch).
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from typing import List, Optional

from .. import __version__
from .examples import default_paths
from .outputs import ATOL, RTOL
from .pipeline import Options, verify_paths
from .records import Result
from .targets import Target, UsageError, discover

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXTRA = 'pip install "nograd-lint[verify]"'


def _seed(text: str) -> Optional[int]:
    if text.lower() == "none":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected an integer or 'none', not %r" % text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nograd-verify",
        description="Verify nograd-lint fixes at runtime: run a script's main() (or "
                    "path.py::function) before and after each fix, each version in fresh "
                    "processes, and compare outputs, bytes saved for backward, peak memory "
                    "and time.")
    parser.add_argument("paths", nargs="*", metavar="TARGET",
                        help="path.py (calls main()), path.py::function (a function that takes "
                             "no arguments) or a directory (default: the bundled examples)")
    parser.add_argument("--version", action="version",
                        version="nograd-verify (nograd-lint) %s" % __version__)
    # --watch is handled by the runtime sentinel before this parser runs (see main()).
    parser.add_argument("--watch", metavar="TARGET",
                        help="instead, run TARGET (script.py [ARGS...] or path.py::function) "
                             "under the runtime sentinel; see `nograd-verify --watch --help`")
    output = parser.add_argument_group("output")
    output.add_argument("--json", metavar="PATH", help="write the results as JSON")
    output.add_argument("--markdown", metavar="PATH",
                        help="write the results into a Markdown file (its section only)")
    output.add_argument("--plot", metavar="PATH", help="write a bar chart PNG (needs matplotlib)")
    output.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    runs = parser.add_argument_group("runs")
    runs.add_argument("--safe-only", action="store_true",
                      help="apply only safe fixes (by default unsafe ones are tried too: the "
                           "harness only writes temporary copies)")
    runs.add_argument("--unsafe-fixes", action="store_true", help=argparse.SUPPRESS)  # the default
    runs.add_argument("--seed", type=_seed, default=0, metavar="N",
                      help="seed Python, NumPy and torch identically before loading the script "
                           "and before every call; 'none' to not seed (default 0)")
    runs.add_argument("--rtol", type=float, default=RTOL, metavar="R",
                      help="relative tolerance comparing outputs (default %g)" % RTOL)
    runs.add_argument("--atol", type=float, default=ATOL, metavar="A",
                      help="absolute tolerance comparing outputs (default %g)" % ATOL)
    runs.add_argument("--memory-runs", type=int, default=3, metavar="N",
                      help="fresh processes per version whose plain first call measures peak "
                           "memory (default 3)")
    runs.add_argument("--repeat", type=int, default=5, metavar="N",
                      help="timed rounds per version, interleaved (default 5)")
    runs.add_argument("--warmup", type=int, default=2, metavar="N",
                      help="untimed calls per version before them (default 2)")
    runs.add_argument("--threads", type=int, metavar="N",
                      help="torch threads in the child processes (default: torch's own)")
    runs.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                      help="limit for each call of the target (default 600)")
    return parser


def exit_code(results: List[Result]) -> int:
    if any(r.status == "error" for r in results):
        return EXIT_USAGE
    return EXIT_OK if all(r.passed for r in results) else EXIT_FAILED


def missing_extra() -> List[str]:
    """The packages of the `verify` extra that are not installed."""
    return [name for name in ("torch", "rich") if importlib.util.find_spec(name) is None]


def options_from(args: argparse.Namespace) -> Options:
    if args.repeat < 0 or args.warmup < 0 or args.memory_runs < 1 or (
            args.threads is not None and args.threads < 1) or args.timeout <= 0:
        raise UsageError("--memory-runs and --threads must be at least 1, --repeat and "
                         "--warmup at least 0, --timeout positive")
    if args.rtol < 0 or args.atol < 0:
        raise UsageError("--rtol and --atol must not be negative")
    return Options(repeat=args.repeat, warmup=args.warmup, memory_runs=args.memory_runs,
                   safe_only=args.safe_only, seed=args.seed, rtol=args.rtol, atol=args.atol,
                   timeout=args.timeout, threads=args.threads)


def _run(targets: List[Target], options: Options, show_progress: bool) -> List[Result]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=console, transient=True,
                        disable=not show_progress)
    with progress:
        task = progress.add_task("verifying", total=len(targets))

        def on_start(target: Target):
            def step(what: str) -> None:
                progress.update(task, description="%s: %s" % (target.path.name, what))
            return step

        def on_done(result: Result) -> None:
            progress.advance(task)
            if result.status == "error":
                console.print("[red]error[/] %s: %s" % (result.example, result.reason),
                              highlight=False, markup=True)

        return verify_paths(targets, options, on_start, on_done)


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    from ..sentinel.cli import watch_requested  # the runtime sentinel: its own options and report

    if watch_requested(argv):
        from ..sentinel.cli import main as watch_main

        return watch_main(argv)
    args = build_parser().parse_args(argv)
    missing = missing_extra()
    if missing:
        print("nograd-verify: needs %s, not installed: %s" % (" and ".join(missing), EXTRA),
              file=sys.stderr)
        return EXIT_USAGE
    try:
        options = options_from(args)
        targets = discover(args.paths or default_paths())
        if args.plot:
            from .plot import require_matplotlib

            require_matplotlib()  # fail before the long run when matplotlib is missing
    except UsageError as exc:
        print("nograd-verify: %s" % exc, file=sys.stderr)
        return EXIT_USAGE
    results = _run(targets, options, show_progress=not args.no_progress)

    from rich.console import Console

    from . import report

    console = Console()
    report.print_report(results, console if console.is_terminal else Console(width=100),
                        options)
    if args.json:
        report.write_json(args.json, results)
    if args.markdown:
        report.write_markdown(args.markdown, results, options)
    if args.plot:
        from .plot import write_plot

        write_plot(args.plot, results)
    return exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
