"""A run reads its files from trees built from `ast`, and reads a checked file with findings again
with libcst for their positions and fixes (`Project.reread`): the second reading must be the same
analysis. Were it not, a finding could depend on whether its file was read again, which
`--min-confidence` decides (a file with only low findings is read again at `low` alone)."""
from __future__ import annotations

import functools
import gc
from pathlib import Path

import pytest

from nograd_lint.analysis.project import _TOGETHER, analyse_together, on_libcst_tree
from nograd_lint.io.config import Settings
from nograd_lint.io.deep import call_deep
from nograd_lint.io.files import could_report
from nograd_lint.io.sources import parse

PROJECTS = Path(__file__).parent / "cases_v2" / "projects"


def _reading(analysis) -> list[tuple]:
    """What the value model made of each function: its entry mode, the contexts it was interpreted
    in (literal flags, the kinds of the values given) with the forward passes found in each, and
    the functions that call it."""
    model = analysis.cache["module_model"]
    return [(function.name, function.class_name, function.entry.mode.value,
             [(result.context.constants, sorted((name, value.kind.value) for name, value in result.context.params),
               len(result.tokens)) for result in model.results_of(function)],
             sorted(getattr(result.scope, "name", "<module>") for result, _, _, _ in model.callers_of(function)))
            for function in analysis.functions]


@pytest.mark.parametrize("project", sorted(p for p in PROJECTS.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_a_file_read_again_with_libcst_is_analysed_as_it_was(project):
    """Every file of the project case read from `ast`, then again with libcst: the same reading.
    (Values that callers in other files pass hold the first reading's classes, whose methods are
    a call of their twins in the second; calls known only from other files' contexts are callers
    of both readings.) The collector runs after each reading again: what a finding depends on must
    not vanish whenever it happens to run."""
    files = sorted(str(path) for path in project.rglob("*.py"))
    call_deep(analyse_together, files, functools.partial(could_report, settings=Settings()))
    for path in files:
        known = _TOGETHER.get(Path(path))
        if known is None or "bare" not in known[1].cache:
            continue  # not analysed together, or parsed with libcst from the start
        first = _reading(known[1])
        again = call_deep(on_libcst_tree, path, parse(Path(path).read_bytes(), path))
        assert "bare" not in again.cache
        assert _reading(again) == first, path
        gc.collect()
