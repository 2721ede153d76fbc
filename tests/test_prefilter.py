"""The `ast` pre-pass only skips files that no enabled rule could report: with and without it, every
rule case, example and end-to-end script gives the same findings."""
from pathlib import Path

import pytest

from nograd_lint.io.config import Settings
from nograd_lint.diagnostics import Confidence
from nograd_lint.linter import lint_source
from nograd_lint.analysis.prefilter import Signals, signals_of

ROOT = Path(__file__).parent.parent
FILES = sorted([*ROOT.glob("tests/cases/*/*.py"), *ROOT.glob("examples/*.py"), *ROOT.glob("tests/e2e/*.py")])
EVERYTHING = Settings(select=("NG",), min_confidence=Confidence.LOW)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_prefilter_loses_nothing(path: Path):
    source = path.read_bytes()
    with_filter = lint_source(source, path.name, EVERYTHING, prefilter=True)
    without = lint_source(source, path.name, EVERYTHING, prefilter=False)
    assert [(d.code, d.line, d.column) for d in with_filter] == [(d.code, d.line, d.column) for d in without]


def test_files_without_signals_are_skipped():
    source = "import os\n\n\ndef tidy(path):\n    return os.path.normpath(path)\n"
    assert signals_of(source) == Signals()
    assert lint_source(source, "tidy.py", EVERYTHING) == []


def test_signals_of_an_evaluation_loop():
    signals = signals_of("def validate(model, val_loader):\n    for x in val_loader:\n        model(x)\n")
    assert signals.evaluation and signals.forward and not signals.backward and not signals.parameter_loop
