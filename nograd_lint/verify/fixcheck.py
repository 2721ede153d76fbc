"""The static half of verification: lint, fix with the project's fixer, check the fixed text.

Every fix the fixer applies is also applied alone to the original, so that each can be run and
judged on its own; when there are several, the version with all of them (what `nograd-fix`
writes) is judged too.
"""
from __future__ import annotations

import dataclasses
from typing import Any, List, Optional


@dataclasses.dataclass
class Plan:
    """One version of the script to run: the original with some fixes applied."""

    codes: List[str]
    lines: List[int]
    safety: str  # "safe" or "unsafe" (unsafe when any of its fixes is)
    description: str
    source: Optional[str]  # None: skipped (see `skipped`) or the fix does not compile
    skipped: str = ""  # why it is not run
    together: bool = False  # all fixes at once


@dataclasses.dataclass
class FixCheck:
    """Findings on the original, the versions to run and what is wrong with the fixes."""

    targets: List[str]  # the codes judged: the declared ones, else those found
    found: List[str]
    findings: List[str]  # "NG101 line 12: message"
    plans: List[Plan]  # one per fix, then all together when there are several
    problems: List[str]
    # Target codes reported without a fix on every finding: nothing to apply, so they are still
    # reported after fixing (not a problem); the pipeline judges their claim on the original.
    unfixable: List[str] = dataclasses.field(default_factory=list)

    @property
    def runnable(self) -> List[Plan]:
        return [p for p in self.plans if p.source is not None]


class LintError(Exception):
    """The linter or fixer could not process the file (reported as an unusable file)."""


def settings_for(path: str) -> Any:
    """The `[tool.nograd-lint]` settings of the project holding `path` (defaults if none)."""
    from pathlib import Path

    from nograd_lint.io.config import ConfigError, find_pyproject, load_settings

    try:
        return load_settings(find_pyproject(Path(path)))
    except ConfigError as exc:
        raise LintError(str(exc)) from exc


def lint_and_fix(source: str, path: str, declared: Optional[List[str]], unsafe: bool,
                 settings: Any = None) -> FixCheck:
    """Lint `source`, plan one version per fix, and check the fully fixed result: it parses, is
    idempotent, and the judged rules no longer fire."""
    if settings is None:
        settings = settings_for(path)
    try:
        return _check(source, path, declared, unsafe, settings)
    except LintError:
        raise
    except Exception as exc:  # noqa: BLE001 - a crash of the linter is reported, not raised
        raise LintError("the linter failed on this file: %s: %s" % (type(exc).__name__, exc)) from exc


def _safety(diagnostic) -> str:
    return diagnostic.fix.safety.value


def _check(source, path, declared, unsafe, settings) -> FixCheck:
    from nograd_lint.fixes.fixer import fix_source
    from nograd_lint.linter import lint_module
    from nograd_lint.io.sources import SourceError, parse

    try:
        module = parse(source, path)
    except SourceError as exc:
        raise LintError(str(exc)) from exc
    diagnostics = lint_module(module, path, settings)
    found = sorted({d.code for d in diagnostics})
    targets = list(declared) if declared is not None else found
    problems = _declaration_problems(declared, found)
    try:
        outcome = fix_source(source, settings=settings, unsafe=unsafe, path=path)
    except Exception as exc:  # noqa: BLE001 - e.g. the fixer refusing output that does not parse
        problems.append("the fixer failed: %s: %s" % (type(exc).__name__, exc))
        outcome = None
    plans = _plans(module, diagnostics, outcome, unsafe, path)
    unfixable = sorted({d.code for d in diagnostics if d.code in targets}
                       - {d.code for d in diagnostics if d.fix is not None})
    if outcome is not None and outcome.applied:
        problems += _fixed_problems(outcome.source, path, settings, unsafe, targets, unfixable)
    return FixCheck(
        targets=targets,
        found=found,
        findings=["%s line %d: %s" % (d.code, d.line, d.message) for d in diagnostics],
        plans=plans,
        problems=problems,
        unfixable=unfixable,
    )


def _declaration_problems(declared: Optional[List[str]], found: List[str]) -> List[str]:
    if declared is None:
        return []
    problems = []
    missing = sorted(set(declared) - set(found))
    extra = sorted(set(found) - set(declared))
    if missing:
        problems.append("the linter did not report %s, which the example declares"
                        % ", ".join(missing))
    if extra:
        problems.append("the linter also reported %s, which the example does not declare"
                        % ", ".join(extra))
    return problems


def _plans(module, diagnostics, outcome, unsafe: bool, path: str) -> List[Plan]:
    """A plan per fix in the original (applied alone; findings whose fixes make the same edit
    share one), then one with all of them when there are several."""
    from nograd_lint.fixes.fixer import FixError, apply_fix

    applied = {(d.code, d.line, d.column) for d in outcome.applied} if outcome else set()
    plans: List[Plan] = []
    for d in (d for d in diagnostics if d.fix is not None):
        plan = Plan([d.code], [d.line], _safety(d), d.fix.description, None)
        if not unsafe and _safety(d) == "unsafe":
            plan.skipped = "unsafe fix, not applied (--safe-only)"
        else:
            try:
                plan.source = apply_fix(module, d.fix, path).code
            except FixError as exc:
                plan.skipped = str(exc)
        same = next((p for p in plans if plan.source and p.source == plan.source), None)
        if same is not None:
            same.codes.append(d.code)
            same.lines.append(d.line)
            continue
        if plan.source and (d.code, d.line, d.column) not in applied:
            plan.source = None
            plan.skipped = ("the fixer does not apply it (another fix removes the finding, or "
                            "it would change a `# noqa` line)")
        plans.append(plan)
    alone = [p for p in plans if p.source is not None]
    if outcome is not None and outcome.applied and (
            len(alone) > 1 or not alone or alone[0].source != outcome.source):
        codes = [d.code for d in outcome.applied]
        safeties = {_safety(d) for d in outcome.applied}
        plans.append(Plan(codes, [d.line for d in outcome.applied],
                          "unsafe" if "unsafe" in safeties else "safe",
                          "all fixes together (what nograd-fix writes)", outcome.source,
                          together=True))
    return plans


def _fixed_problems(fixed: str, path, settings, unsafe, targets, unfixable) -> List[str]:
    from nograd_lint.fixes.fixer import fix_source
    from nograd_lint.linter import lint_source

    try:
        compile(fixed, path, "exec")
    except SyntaxError as exc:
        return ["the fixed source does not compile: %s (line %s)" % (exc.msg, exc.lineno)]
    problems = []
    if fix_source(fixed, settings=settings, unsafe=unsafe, path=path).source != fixed:
        problems.append("fixing the fixed source changes it again (not idempotent)")
    after = lint_source(fixed, path=path, settings=settings)
    remaining = sorted({d.code for d in after} & set(targets))
    skipped = [d for d in after if d.fix is not None and not unsafe and _safety(d) == "unsafe"]
    problems += [_why_remaining(d) for d in after if d.code in remaining
                 and d.code not in unfixable and d not in skipped]
    return problems


def _why_remaining(diagnostic) -> str:
    where = "%s (line %d)" % (diagnostic.code, diagnostic.line)
    if diagnostic.fix is None:
        return "%s is still reported: it has no automatic fix" % where
    return "%s is still reported after fixing" % where
