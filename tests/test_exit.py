"""Exiting after an analysis leaves the heap it built to the operating system (io/garbage.py):
`gc.freeze` runs at exit, so the shutdown's collections skip it. Checked in a real interpreter."""
from __future__ import annotations

import subprocess
import sys

# An exit handler registered first runs last: it sees whether the heap was frozen before it.
PROGRAM = """
import atexit, gc, sys
atexit.register(lambda: print("frozen" if gc.get_freeze_count() else "not frozen"))
from nograd_lint.linter import lint_source
from nograd_lint.io.deep import call_deep
if sys.argv[1] == "analyse":
    call_deep(lint_source, "import torch\\n\\ndef f(model, x):\\n    model.eval()\\n    return model(x).item()\\n")
"""


def _exit_state(what: str) -> str:
    ran = subprocess.run([sys.executable, "-c", PROGRAM, what], capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    return ran.stdout.strip()


def test_the_heap_is_frozen_at_exit_once_an_analysis_ran():
    assert _exit_state("analyse") == "frozen"


def test_importing_the_linter_alone_changes_nothing_at_exit():
    assert _exit_state("import") == "not frozen"
