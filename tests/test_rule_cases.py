"""Every case file: exact findings, exact fixed source, fixed output parses, is idempotent and clean."""
from __future__ import annotations

import ast
import os

import pytest

from casefiles import all_cases
from nograd_lint.fixes.fixer import fix_source
from nograd_lint.io.bare_trees import bare_or_none
from nograd_lint.io.sources import LibcstCannotParse
from nograd_lint.linter import lint_source, lint_unparsed, relevant_rules

CASES = all_cases()
UPDATE = os.environ.get("NOGRAD_UPDATE_SNAPSHOTS") == "1"


def _family_findings(case, source, settings):
    prefix = case.family[:3]  # NG1 for NG101: a case must not trip other rules of its family either
    return [(d.code, d.line, d.column) for d in lint_source(source, case.path.name, settings)
            if d.code.startswith(prefix)]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_findings(case):
    assert _family_findings(case, case.source, case.settings()) == case.expected()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_tree_built_from_ast_places_every_finding_as_libcst_does(case):
    """What a file libcst cannot parse is reported with (linter.lint_unparsed): the same findings,
    starts, ends and related locations, from the positions the tree built from `ast` kept; no fix."""
    def placed(diagnostics) -> list[tuple]:
        return [(d.code, d.line, d.column, d.end_line, d.end_column, [(r.path, r.line, r.column) for r in d.related])
                for d in diagnostics]

    source, path, settings = case.source, case.path.name, case.settings()
    rules = relevant_rules(source, settings, path=path)
    found = lint_unparsed(source, path, settings, LibcstCannotParse("", ""), rules=rules, bare=bare_or_none(source))[1]
    assert placed(found) == placed(lint_source(source, path, settings))
    assert [d.fix for d in found] == [None] * len(found)


FIXABLE = [c for c in CASES if c.snapshot("fixed").exists() or (UPDATE and c.expected())]


@pytest.mark.parametrize("case", FIXABLE, ids=[c.id for c in FIXABLE])
def test_unsafe_fix_snapshot(case):
    settings = case.settings()
    outcome = fix_source(case.source, settings, unsafe=True, path=case.path.name)
    snapshot = case.snapshot("fixed")
    if UPDATE:
        snapshot.write_text(outcome.source, encoding="utf-8")
    assert outcome.source == snapshot.read_text(encoding="utf-8")
    ast.parse(outcome.source)
    assert fix_source(outcome.source, settings, unsafe=True, path=case.path.name).changed is False
    assert all(code != case.family for code, _, _ in _family_findings(case, outcome.source, settings))


SAFE = [c for c in CASES if c.snapshot("safe").exists()]


@pytest.mark.parametrize("case", SAFE, ids=[c.id for c in SAFE])
def test_safe_fix_snapshot(case):
    outcome = fix_source(case.source, case.settings(), unsafe=False, path=case.path.name)
    assert outcome.source == case.snapshot("safe").read_text(encoding="utf-8")
    ast.parse(outcome.source)


def test_a_context_lost_after_or_has_no_fix():
    """`with ctx or torch.no_grad():` never makes the no_grad: which context was meant is not
    written down, so NG303 reports it without a fix (`and` chains get one: enter each)."""
    source = "import torch\n\n\ndef f(m, x, ctx):\n    with ctx() or torch.no_grad():\n        return m(x)\n"
    [finding] = [d for d in lint_source(source, "f.py") if d.code == "NG303"]
    assert (finding.line, finding.column, finding.fix) == (5, 19, None)
    assert "enters only `ctx()`" in finding.message
