"""`nograd-verify [PATH...]`: lint, fix, run and judge scripts; report as a table, JSON, Markdown.

Exit codes: 0 all passed, 1 some file failed judgement, 2 usage errors or unusable files.
Importing this module does not import torch (only the child subprocesses do).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from .examples import UsageError, default_paths, discover
from .pipeline import Options, verify_paths
from .records import Result

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nograd-verify",
        description="Verify nograd-lint fixes at runtime: run main() of each script before and "
                    "after fixing, each in a fresh process, and compare outputs, bytes saved "
                    "for backward, peak memory and time.")
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="scripts or directories (default: the bundled examples)")
    parser.add_argument("--json", metavar="PATH", help="write the results as JSON")
    parser.add_argument("--markdown", metavar="PATH",
                        help="write the results table into a Markdown file (its section only)")
    parser.add_argument("--plot", metavar="PATH", help="write a bar chart PNG (needs matplotlib)")
    parser.add_argument("--repeat", type=int, default=5, metavar="N",
                        help="timed runs per version, interleaved (default 5)")
    parser.add_argument("--warmup", type=int, default=2, metavar="N",
                        help="untimed runs per version first (default 2)")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="also apply unsafe fixes (always on for examples that declare "
                             "'# nograd-verify: expect ...')")
    parser.add_argument("--threads", type=int, metavar="N",
                        help="torch threads in the child processes (default: torch's own)")
    parser.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                        help="limit for each run of a script (default 600)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    # --watch is handled by the runtime sentinel before this parser runs (see main()).
    parser.add_argument("--watch", metavar="TARGET",
                        help="instead, run TARGET (script.py [ARGS...] or path.py::function) "
                             "under the runtime sentinel; see `nograd-verify --watch --help`")
    return parser


def exit_code(results: List[Result]) -> int:
    if any(r.status == "error" for r in results):
        return EXIT_USAGE
    return EXIT_OK if all(r.passed for r in results) else EXIT_FAILED


def _run(files: List[Path], options: Options, show_progress: bool) -> List[Result]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=console, transient=True,
                        disable=not show_progress)
    with progress:
        task = progress.add_task("verifying", total=len(files))

        def on_start(path: Path):
            def step(what: str) -> None:
                progress.update(task, description="%s: %s" % (path.name, what))
            return step

        def on_done(result: Result) -> None:
            progress.advance(task)
            if result.status == "error":
                console.print("[red]error[/] %s: %s" % (result.example, result.reason),
                              highlight=False)

        return verify_paths(files, options, on_start, on_done)


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    from ..sentinel.cli import watch_requested  # the runtime sentinel: its own options and report

    if watch_requested(argv):
        from ..sentinel.cli import main as watch_main

        return watch_main(argv)
    args = build_parser().parse_args(argv)
    if args.repeat < 1 or args.warmup < 0 or (args.threads is not None and args.threads < 1):
        print("nograd-verify: --repeat and --threads must be at least 1, --warmup at least 0",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        files = discover(args.paths or default_paths())
        if args.plot:
            from .plot import require_matplotlib

            require_matplotlib()  # fail before the long run when matplotlib is missing
    except UsageError as exc:
        print("nograd-verify: %s" % exc, file=sys.stderr)
        return EXIT_USAGE
    options = Options(repeat=args.repeat, warmup=args.warmup, unsafe_fixes=args.unsafe_fixes,
                      timeout=args.timeout, threads=args.threads)
    results = _run(files, options, show_progress=not args.no_progress)

    from rich.console import Console

    from . import report

    console = Console()
    report.print_table(results, console if console.is_terminal else Console(width=200))
    if args.json:
        report.write_json(args.json, results)
    if args.markdown:
        report.write_markdown(args.markdown, results)
    if args.plot:
        from .plot import write_plot

        write_plot(args.plot, results)
    return exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
