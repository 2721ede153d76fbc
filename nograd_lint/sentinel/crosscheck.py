"""The static/dynamic cross-check: does `nograd-lint` report a call site the sentinel found?

Each file with a call site (or a caller of one) is linted once through the linter's public API,
with the settings of the pyproject.toml that `nograd-lint` would use for it. The diagnostics
that count are those whose rule says forwards run with gradients on for nothing (`CODES`). A
call site is reported on its `line` when one is on its line, in its `function` when one is in
the same function (the innermost `def` around the line, found with `ast`; module-level code is
one scope), at a `caller` when one is on the line of a user frame that led to the call (the
linter reports a helper's forward where the helper is called, a thread pool where it starts),
else it is `missed`. Files that cannot be read or linted are `unchecked`, with the reason.
"""
from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from .records import SiteRecord

# Evaluation with gradients, graphs accumulated, a no_grad() statement with no effect, forwards
# in threads started inside no_grad, no_grad on an async def.
CODES = ("NG101", "NG102", "NG303", "NG307", "NG308")
LINE, FUNCTION, CALLER, MISSED, UNCHECKED = "line", "function", "caller", "missed", "unchecked"

Scope = Optional[Tuple[int, str]]  # (line of the def, its name); None for module level


class _Scopes:
    """The innermost `def` around each line of a module."""

    def __init__(self, source: str) -> None:
        self._spans: List[Tuple[int, int, int, str]] = []
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                start = min([node.lineno] + [d.lineno for d in node.decorator_list])
                self._spans.append((start, node.end_lineno or node.lineno, node.lineno, node.name))

    def of(self, line: int) -> Scope:
        inner = None
        for start, end, def_line, name in self._spans:
            if start <= line <= end and (inner is None or start >= inner[0]):
                inner = (start, def_line, name)
        return None if inner is None else inner[1:]


def _lint(path: str) -> Tuple[Optional[list], Optional[_Scopes], str]:
    """The diagnostics with `CODES` of one file and its scopes, or why it could not be linted."""
    from ..io.config import ConfigError, find_pyproject, load_settings
    from ..io.sources import SourceError
    from ..linter import lint_source

    try:
        data = Path(path).read_bytes()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        source = data.decode(encoding)
    except (OSError, SyntaxError, UnicodeDecodeError) as exc:  # bad coding cookie: SyntaxError
        return None, None, "cannot read it: %s" % exc
    try:
        scopes = _Scopes(source)
    except (SyntaxError, ValueError) as exc:
        return None, None, "cannot parse it: %s" % exc
    try:
        settings = load_settings(find_pyproject(Path(path)))
    except ConfigError as exc:
        return None, None, str(exc)
    try:
        diagnostics = lint_source(data, path, settings)
        return [d for d in diagnostics if d.code in CODES], scopes, ""
    except SourceError as exc:
        return None, None, str(exc)
    except Exception as exc:  # noqa: BLE001 - a linter crash must not lose the runtime report
        return None, None, "nograd-lint failed on it: %s: %s" % (type(exc).__name__, exc)


def judge(record: SiteRecord, files: Dict[str, "_Linted"]) -> Dict[str, object]:
    """The cross-check of one call site against the diagnostics of its file and its callers'."""
    diagnostics, scopes, reason = files[record.path]
    if diagnostics is None:
        return {"status": UNCHECKED, "reason": reason}
    on_line = [d for d in diagnostics if d.line == record.line]
    if on_line:
        return _verdict(LINE, on_line)
    scope = scopes.of(record.line)
    in_scope = [d for d in diagnostics if scopes.of(d.line) == scope]
    if in_scope:
        return _verdict(FUNCTION, in_scope)
    for path, line, function in record.callers:
        at_caller = [d for d in files[path][0] or () if d.line == line]
        if at_caller:
            return dict(_verdict(CALLER, at_caller), path=path, function=function)
    return {"status": MISSED, "codes": [], "lines": []}


def _verdict(status: str, diagnostics: list) -> Dict[str, object]:
    return {"status": status, "codes": sorted({d.code for d in diagnostics}),
            "lines": sorted({d.line for d in diagnostics})}


_Linted = Tuple[Optional[list], Optional[_Scopes], str]


def cross_check(records: Iterable[SiteRecord]) -> None:
    """Fill `record.lint` for every record (each file is linted once)."""
    files: Dict[str, _Linted] = {}
    for record in records:
        if record.path.startswith("<"):
            record.lint = {"status": UNCHECKED, "reason": "not a file"}
            continue
        for path in [record.path] + [c[0] for c in record.callers]:
            if path not in files:
                files[path] = _lint(path) if not path.startswith("<") else (None, None, "")
        record.lint = judge(record, files)
