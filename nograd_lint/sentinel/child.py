"""Subprocess entry: `python -m nograd_lint.sentinel.child --report FILE TARGET [ARGS...]`.

Runs the target under a `Sentinel` with the terminal's stdin, stdout and stderr, and writes the
records to FILE as JSON (`{"records": [...], "exit_code": N, "error": ..., "sentinel_error":
...}`) whatever way the
program ends (normally, `sys.exit`, an exception, Ctrl-C). Exits with the program's status.
An exception the program raised is printed as Python prints it, from the program's own frames.
"""
from __future__ import annotations

import argparse
import json
import os
import runpy
import sys
import traceback
from typing import Any, Dict, List, Optional

from .targets import TargetError, TargetImportError, parse_target, run

_OURS = (os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ""),
         os.path.abspath(runpy.__file__))


def _print_program_error(exc: BaseException) -> None:
    """The traceback from the first frame that is neither ours nor the import machinery."""
    tb = exc.__traceback__
    while tb is not None and (tb.tb_frame.f_code.co_filename.startswith(_OURS)
                              or tb.tb_frame.f_code.co_filename.startswith("<frozen")):
        tb = tb.tb_next
    traceback.print_exception(type(exc), exc, tb or exc.__traceback__)


def _exit_status(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def watch(target_text: str, argv: List[str], include: List[str]) -> Dict[str, Any]:
    """Run the target under the sentinel; what to write to the report file."""
    from .watch import Sentinel

    outcome: Dict[str, Any] = {"exit_code": 0, "error": None}
    sentinel = Sentinel(include)
    try:
        target = parse_target(target_text)
        with sentinel:
            run(target, argv)
    except SystemExit as exc:
        outcome["exit_code"] = _exit_status(exc)
    except TargetImportError as exc:
        _print_program_error(exc.__cause__)
        outcome.update(exit_code=1, error=str(exc))
    except TargetError as exc:
        outcome.update(exit_code=2, error=str(exc))
    except KeyboardInterrupt:
        outcome.update(exit_code=130, error="interrupted")
    except BaseException as exc:  # noqa: BLE001 - the program's own failure is reported as data
        _print_program_error(exc)
        outcome.update(exit_code=1, error="%s: %s" % (type(exc).__name__, exc))
    outcome["records"] = [record.to_dict() for record in sentinel.records()]
    outcome["sentinel_error"] = sentinel.error
    return outcome


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nograd_lint.sentinel.child")
    parser.add_argument("--report", required=True, metavar="FILE")
    parser.add_argument("--include", action="append", default=[], metavar="DIR")
    parser.add_argument("target")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    outcome = watch(args.target, args.args, args.include)
    with open(args.report, "w", encoding="utf-8") as fh:
        json.dump(outcome, fh)
    sys.stdout.flush()
    return outcome["exit_code"]


if __name__ == "__main__":
    sys.exit(main())
