"""Shared by the front-end tests: sample sources, and the installed commands run in subprocesses."""
from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Optional, Union

import pytest

from nograd_lint.io.config import Settings
from nograd_lint.linter import lint_source

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # console scripts of the environment running the tests

# An evaluation function: NG101, fixed safely by a decorator.
EVALUATE = """\
import torch


def evaluate(model, loader):
    model.eval()
    correct = 0
    for x, y in loader:
        correct += (model(x).argmax(1) == y).sum().item()
    return correct
"""
EVALUATE_FIXED = EVALUATE.replace("\ndef evaluate", "\n@torch.no_grad()\ndef evaluate")

# NG101 (safe fix), NG102 (unsafe fix) and NG103 (safe fix) in one file.
MIXED = """\
import torch


def evaluate(model, loader):
    model.eval()
    correct = 0
    for x, y in loader:
        correct += (model(x).argmax(1) == y).sum().item()
    return correct


def train(model, loader, optimizer, loss_fn):
    total_loss = 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total_loss += loss
    return total_loss


def sgd_step(model, lr):
    for p in model.parameters():
        p -= lr * p.grad
"""
MIXED_SAFE_FIXED = MIXED.replace("\ndef evaluate", "\n@torch.no_grad()\ndef evaluate").replace(
    "    for p in model.parameters():\n        p -= lr * p.grad\n",
    "    with torch.no_grad():\n        for p in model.parameters():\n            p -= lr * p.grad\n")
MIXED_ALL_FIXED = MIXED_SAFE_FIXED.replace("total_loss += loss\n", "total_loss += loss.detach()\n")



def tab_indented(source: str) -> str:
    """`source` with each level of indentation a tab, and a space after the tabs (`\\t\\t x = 1`):
    CPython reads such code, and libcst's tokenizer refuses it when a block is nested in another."""
    return re.sub(r"(?m)^((?:    )+)", lambda found: "\t" * (len(found.group(1)) // 4) + " ", source)


CLEAN = """\
import torch


def forward(model, x):
    return torch.relu(model(x))
"""


def finding(path: str, source: str, code: str, line: int, column: int, settings: Optional[Settings] = None) -> str:
    """The exact output line for a finding the rules must report at `line:column` of `source`.

    The message text belongs to the rule (its wording is tested with the rule); the front end
    must print it as `path:line:col: CODE message`.
    """
    found = lint_source(source, path, settings)
    for diagnostic in found:
        if (diagnostic.code, diagnostic.line, diagnostic.column) == (code, line, column):
            return f"{path}:{line}:{column}: {code} {diagnostic.message}"
    found = [(d.code, d.line, d.column) for d in found]
    raise AssertionError(f"the rules no longer report {code} at {line}:{column} of this sample: {found}")


def fix_description(source: str, code: str, line: int, settings: Optional[Settings] = None) -> str:
    """The description of the fix the rules offer for the finding of `code` on `line`."""
    for diagnostic in lint_source(source, "<string>", settings):
        if (diagnostic.code, diagnostic.line) == (code, line) and diagnostic.fix is not None:
            return diagnostic.fix.description
    raise AssertionError(f"the rules no longer offer a fix for {code} on line {line}")


def evaluate_finding(path: str) -> str:
    return finding(path, EVALUATE, "NG101", 8, 21)


def mixed_findings(path: str) -> list[str]:
    return [finding(path, MIXED, "NG101", 8, 21), finding(path, MIXED, "NG102", 19, 23),
            finding(path, MIXED, "NG103", 25, 9)]


@dataclasses.dataclass
class Ran:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def script(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed next to {sys.executable}; install the project (pip install -e .)")
    return str(path)


def environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ, COLUMNS="100", LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8")
    env.pop("PYTHONWARNINGS", None)
    env.update(extra)
    return env


def run(argv: list[str], cwd: Path, stdin: Optional[bytes] = None, **env: str) -> Ran:
    done = subprocess.run(argv, cwd=cwd, input=stdin if stdin is not None else b"", capture_output=True,
                          env=environment(**env), timeout=300)
    return Ran(done.returncode, done.stdout.decode("utf-8", "surrogateescape"),
               done.stderr.decode("utf-8", "surrogateescape"))


def lint(*args: str, cwd: Path, stdin: Optional[bytes] = None) -> Ran:
    return run([script("nograd-lint"), *args], cwd, stdin)


def fix(*args: str, cwd: Path, stdin: Optional[bytes] = None) -> Ran:
    return run([script("nograd-fix"), *args], cwd, stdin)


def flake8(*args: str, cwd: Path) -> Ran:
    return run([script("flake8"), *args], cwd)


def write(directory: Path, name: str, content: Union[str, bytes]) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


# A two-module project (`kit/nets.py`, `kit/score.py`): score.py's finding depends on what
# `build` in nets.py does. The cache tests of every front end edit nets.py and watch the finding.
KIT_NETS = """\
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x)


def build(path):
    net = Net()
    net.load_state_dict(torch.load(path))
    return net.eval()
"""

KIT_SCORE = """\
from kit.nets import build


def labels(path, batches):
    model = build(path)
    out = []
    for x in batches:
        out.append(model(x).argmax(1).tolist())
    return out
"""


# A `sitecustomize` module that logs each libcst parse of the processes it is imported in.
_COUNTING = """\
import libcst

_parse = libcst.parse_module


def parse_module(source, *args, **kwargs):
    with open(__file__ + ".log", "a") as log:
        log.write("parsed\\n")
    return _parse(source, *args, **kwargs)


libcst.parse_module = parse_module
"""


def parse_counting_hooks(directory: Path) -> Path:
    """A folder to put on PYTHONPATH: the processes started with it log their libcst parses."""
    write(directory, "sitecustomize.py", _COUNTING)
    return directory


def parses_counted(hooks: Path) -> int:
    log = hooks / "sitecustomize.py.log"
    return log.read_text().count("parsed") if log.exists() else 0


# A helper that returns every batch's outputs, graphs and all: callers decide how it is judged
# (a notebook or script that detaches them, one that backpropagates them).
EVALUATE_WINDOWS = """\
import torch


def evaluate_windows(model, loader):
    scores = []
    for batch in loader:
        rebuilt = model(batch)
        scores.append(torch.mean((batch - rebuilt) ** 2, dim=1))
    return scores
"""
