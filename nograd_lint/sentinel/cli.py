"""`nograd-verify [OPTIONS] --watch TARGET [ARGS...]`: run a program under the sentinel.

TARGET is `script.py` (run as `python script.py ARGS...` would) or `path.py::function`. Options
before `--watch` are the sentinel's; everything after TARGET goes to the program. The program
runs in a child process with the terminal's stdin, stdout and stderr; then each call site it
found is cross-checked with `nograd-lint` and reported.

Exit codes: 0 no wasted graph, 1 findings, 2 usage errors or a program that failed (its exit
status or exception is reported).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List, Optional, Tuple

from .records import SiteRecord, merge
from .targets import TargetError, parse_target

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
WATCH = "--watch"


def watch_requested(argv: List[str]) -> bool:
    """Whether a `nograd-verify` command line asks for the sentinel."""
    return any(arg == WATCH or arg.startswith(WATCH + "=") for arg in argv)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nograd-verify --watch",
        usage="nograd-verify [OPTIONS] --watch TARGET [ARGS...]",
        description="Run a program under the runtime sentinel: report every call site where a "
                    "module in eval mode (or a frozen module fed inputs with a graph) ran its "
                    "forward with gradients on and no backward ever used the graph, with the "
                    "bytes it saved for backward and whether nograd-lint reports it. TARGET is "
                    "script.py (ARGS become its sys.argv) or path.py::function.")
    parser.add_argument("--format", choices=("text", "table", "json"), default="text",
                        help="text: path:line:col lines like nograd-lint (default); table: a "
                             "terminal table; json")
    parser.add_argument("--json", metavar="PATH", help="also write the report as JSON")
    parser.add_argument("--include", action="append", default=[], metavar="DIR",
                        help="count files under DIR as your code even inside site-packages "
                             "(repeatable)")
    parser.add_argument("--no-lint", action="store_true",
                        help="skip the cross-check with nograd-lint")
    return parser


def split_argv(argv: List[str]) -> Tuple[List[str], Optional[str], List[str]]:
    """(sentinel options, TARGET, the program's arguments)."""
    for index, arg in enumerate(argv):
        if arg == WATCH:
            target = argv[index + 1] if index + 1 < len(argv) else None
            return argv[:index], target, argv[index + 2:]
        if arg.startswith(WATCH + "="):
            return argv[:index], arg[len(WATCH) + 1:], argv[index + 1:]
    return argv, None, []


def _usage(parser: argparse.ArgumentParser, message: str) -> int:
    print("nograd-verify: %s" % message, file=sys.stderr)
    print(parser.format_usage().rstrip(), file=sys.stderr)
    return EXIT_USAGE


def run_child(target: str, program_args: List[str], include: List[str]) -> Tuple[int, Optional[dict]]:
    """Run the target in a child process; (its exit status, its report or None)."""
    from ..verify.runner import child_env

    with tempfile.TemporaryDirectory(prefix="nograd-sentinel-") as tmp:
        report = Path(tmp) / "report.json"
        command = [sys.executable, "-m", "nograd_lint.sentinel.child", "--report", str(report)]
        command += [a for d in include for a in ("--include", d)]
        command += ["--", target, *program_args]
        try:
            status = subprocess.call(command, env=child_env())
        except KeyboardInterrupt:  # the child got Ctrl-C too and still writes its report
            status = 130
        try:
            return status, json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return status, None


def output(records: List[SiteRecord], fmt: str, json_path: Optional[str], target: str,
           exit_code: int) -> None:
    from . import report

    extra = {"target": target, "exit_code": exit_code}
    if fmt == "json":
        print(report.to_json(records, **extra))
    elif fmt == "table":
        from rich.console import Console

        console = Console()
        report.print_table(records, console if console.is_terminal else Console(width=200))
    else:
        for line in report.text_lines(records):
            print(line)
    if json_path:
        Path(json_path).write_text(report.to_json(records, **extra) + "\n", encoding="utf-8")


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    options, target_text, program_args = split_argv(argv)
    args = parser.parse_args(options)
    if target_text in ("-h", "--help"):
        parser.print_help()
        return EXIT_OK
    if not target_text:
        return _usage(parser, "--watch needs a TARGET (script.py or path.py::function)")
    try:
        target = parse_target(target_text)
    except TargetError as exc:
        return _usage(parser, str(exc))
    status, outcome = run_child(str(target), program_args, args.include)
    if outcome is None:
        print("nograd-verify: %s ended (status %s) before the sentinel could report"
              % (target, status), file=sys.stderr)
        return EXIT_USAGE
    records = merge(SiteRecord.from_dict(r) for r in outcome["records"])
    if not args.no_lint:
        from .crosscheck import cross_check

        cross_check(records)
    output(records, args.format, args.json, str(target), outcome["exit_code"])
    if outcome.get("sentinel_error"):
        print("nograd-verify: the sentinel stopped watching after an error of its own (%s); "
              "the report covers what ran before" % outcome["sentinel_error"], file=sys.stderr)
    if outcome["exit_code"]:
        reason = outcome.get("error") or "exited with status %s" % outcome["exit_code"]
        print("nograd-verify: %s: %s" % (target, reason), file=sys.stderr)
        return EXIT_USAGE
    return EXIT_FINDINGS if any(r.finding for r in records) else EXIT_OK
