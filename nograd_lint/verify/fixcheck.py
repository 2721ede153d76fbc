"""The static half of verification: lint, fix with the project's fixer, check the fixed text."""
from __future__ import annotations

import dataclasses
from typing import Any, List, Optional


@dataclasses.dataclass
class FixCheck:
    """Findings on the original, the fixed source and what is wrong with it (if anything)."""

    targets: List[str]  # the codes judged: the declared ones, else those found
    found: List[str]
    findings: List[str]  # "NG101 line 12: message"
    fixed_source: str
    applied: List[str]
    unsafe_applied: List[str]
    remaining: List[str]  # target codes still reported on the fixed source
    problems: List[str]
    # Target codes reported without a fix on every finding: nothing to apply, so they are still
    # reported after fixing (not a problem); the pipeline judges their claim on the original.
    unfixable: List[str] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.applied)


class LintError(Exception):
    """The linter or fixer could not process the file (reported as an unusable file)."""


def _linter():
    try:
        from nograd_lint.fixes.fixer import fix_source
        from nograd_lint.linter import lint_source
    except ImportError as exc:  # the core is not installed or not importable
        raise LintError("the linter core is not available: %s" % exc) from exc
    return lint_source, fix_source


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
    """Fix `source` and check the result: parses, idempotent, the judged rules no longer fire."""
    lint_source, fix_source = _linter()
    if settings is None:
        settings = settings_for(path)
    try:
        return _check(source, path, declared, unsafe, settings, lint_source, fix_source)
    except LintError:
        raise
    except Exception as exc:  # noqa: BLE001 - a crash of the linter is reported, not raised
        raise LintError("the linter failed on this file: %s: %s" % (type(exc).__name__, exc)) from exc


def _check(source, path, declared, unsafe, settings, lint_source, fix_source) -> FixCheck:
    from nograd_lint.diagnostics import FixSafety

    diagnostics = lint_source(source, path=path, settings=settings)
    found = sorted({d.code for d in diagnostics})
    targets = list(declared) if declared is not None else found
    problems: List[str] = []
    if declared is not None:
        missing = sorted(set(declared) - set(found))
        extra = sorted(set(found) - set(declared))
        if missing:
            problems.append("the linter did not report %s, which the example declares"
                            % ", ".join(missing))
        if extra:
            problems.append("the linter also reported %s, which the example does not declare"
                            % ", ".join(extra))
    try:
        outcome = fix_source(source, settings=settings, unsafe=unsafe, path=path)
    except Exception as exc:  # noqa: BLE001 - e.g. the fixer refusing output that does not parse
        problems.append("the fixer failed: %s: %s" % (type(exc).__name__, exc))
        fixed, applied, unsafe_applied = source, [], []
    else:
        fixed = outcome.source
        applied = sorted({d.code for d in outcome.applied})
        unsafe_applied = sorted({d.code for d in outcome.applied
                                 if d.fix is not None and d.fix.safety == FixSafety.UNSAFE})
    unfixable = sorted({d.code for d in diagnostics if d.code in targets}
                       - {d.code for d in diagnostics if d.fix is not None})
    remaining: List[str] = []
    try:
        compile(fixed, path, "exec")
    except SyntaxError as exc:
        problems.append("the fixed source does not compile: %s (line %s)" % (exc.msg, exc.lineno))
    else:
        if applied and fix_source(fixed, settings=settings, unsafe=unsafe, path=path).source != fixed:
            problems.append("fixing the fixed source changes it again (not idempotent)")
        after = lint_source(fixed, path=path, settings=settings)
        remaining = sorted({d.code for d in after} & set(targets))
        problems += [_why_remaining(d, unsafe) for d in after
                     if d.code in remaining and d.code not in unfixable]
    return FixCheck(
        targets=targets,
        found=found,
        findings=["%s line %d: %s" % (d.code, d.line, d.message) for d in diagnostics],
        fixed_source=fixed,
        applied=applied,
        unsafe_applied=unsafe_applied,
        remaining=remaining,
        problems=problems,
        unfixable=unfixable,
    )


def _why_remaining(diagnostic, unsafe: bool) -> str:
    from nograd_lint.diagnostics import FixSafety

    where = "%s (line %d)" % (diagnostic.code, diagnostic.line)
    if diagnostic.fix is None:
        return "%s is still reported: it has no automatic fix" % where
    if diagnostic.fix.safety == FixSafety.UNSAFE and not unsafe:
        return "%s is still reported: its fix is unsafe (pass --unsafe-fixes)" % where
    return "%s is still reported after fixing" % where
