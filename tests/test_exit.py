"""What the analyses leave on the heap is kept out of other collections (io/garbage.py): exiting
after an analysis leaves it to the operating system (`gc.freeze` runs at exit, so the shutdown's
collections skip it), in flake8 each file's kept heap is frozen once the file is done, its
young garbage collected first, and nograd-lint and nograd-fix run without cyclic collections and
freeze the heap when done. Checked in a real interpreter and a real flake8 run."""
from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref

import pytest
from frontend_files.helpers import EVALUATE, write

from nograd_lint.io.garbage import freeze_kept

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


# flake8 checks two files with the plugin in one process; then: was the heap frozen, and is
# collection still as flake8 set it?
FLAKE8 = """
import gc, sys
from flake8.main.cli import main
if sys.argv[1] == "disabled":
    gc.disable()
try:
    main(["--isolated", "-j", "1", "--select", sys.argv[2], "a.py", "b.py"])
except SystemExit:
    pass
print("frozen" if gc.get_freeze_count() else "not frozen", gc.isenabled())
"""


def _flake8_state(tmp_path, collection: str, select: str) -> str:
    write(tmp_path, "pyproject.toml", "")
    write(tmp_path, "a.py", EVALUATE)
    write(tmp_path, "b.py", EVALUATE.replace("evaluate", "validate"))
    ran = subprocess.run([sys.executable, "-c", FLAKE8, collection, select], capture_output=True, text=True,
                         timeout=300, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    return ran.stdout.strip().splitlines()[-1]


def test_flake8_with_the_plugin_freezes_the_kept_heap_after_each_file(tmp_path):
    assert _flake8_state(tmp_path, "enabled", "NG") == "frozen True"


def test_flake8_without_ng_checks_or_with_collection_disabled_is_left_alone(tmp_path):
    assert _flake8_state(tmp_path, "enabled", "E,F,W") == "not frozen True"
    assert _flake8_state(tmp_path, "disabled", "NG") == "not frozen False"


class _Node:
    pass


def test_freezing_collects_the_young_garbage_first():
    gc.collect()
    garbage = _Node()
    garbage.self = garbage  # a cycle only the collector frees
    gone = weakref.ref(garbage)
    del garbage
    kept = _Node()
    kept.self = kept
    try:
        freeze_kept()
        assert gone() is None  # collected, not frozen for good
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert kept.self is kept


# nograd-lint checks two files of one project together; how many collections ran in it, and
# before exiting: was the heap frozen, and is collection enabled again?
CLI = """
import gc, sys
from nograd_lint.frontends import cli
collections = []
gc.callbacks.append(lambda phase, info: collections.append(info["generation"]) if phase == "start" else None)
try:
    getattr(cli, sys.argv[1])(["--isolated", "-j", "1", "a.py", "b.py"])
except SystemExit:
    pass
print(len(collections), "frozen" if gc.get_freeze_count() else "not frozen", gc.isenabled())
"""


@pytest.mark.parametrize("command", ["lint_main", "fix_main"])
def test_nograd_lint_and_fix_run_without_collections_and_freeze_the_heap(tmp_path, command):
    write(tmp_path, "pyproject.toml", "")
    write(tmp_path, "a.py", EVALUATE)
    write(tmp_path, "b.py", "from a import evaluate\n\n\ndef report(model, loader):\n    return evaluate(model, loader)\n")
    ran = subprocess.run([sys.executable, "-c", CLI, command], capture_output=True, text=True, timeout=300,
                         cwd=tmp_path, env={**os.environ, "NOGRAD_LINT_NO_CACHE": "1"})
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip().splitlines()[-1] == "0 frozen True"
    if command == "fix_main":  # the fix was written
        assert (tmp_path / "a.py").read_text() == EVALUATE.replace("\ndef evaluate", "\n@torch.no_grad()\ndef evaluate")
