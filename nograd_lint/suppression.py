"""What a `# noqa` does to a finding, the same in every front end.

- A finding is **silenced** (not reported, not fixed) by a matching noqa on the line it is
  reported on, or on the header of the statement its fix rewrites: the `def` line (to its colon)
  a decorator is added to, the `with` line a call is added to, the first line of the statements
  a `with` block is put around.
- A finding that is not silenced keeps its **fix only when the fix changes no line** that
  carries a matching noqa (a statement it would re-indent into a `with` block): otherwise it is
  reported without a fix, and nothing counts it as fixable.
"""
from __future__ import annotations

from typing import Optional

import libcst as cst

from .diagnostics import Fix
from .fixes.linediff import opcodes
from .io.noqa import NoqaMap


def silenced(noqa: NoqaMap, code: str, line: int, header: Optional[tuple[int, int]]) -> bool:
    """Whether a noqa on the finding's `line` or on its fix's `header` lines silences `code`."""
    return noqa.suppresses(line, code) or (header is not None and noqa.any_line_suppresses(*header, code))


def header_lines(anchor: cst.CSTNode, position_of) -> tuple[int, int]:
    """(first, last) line of what a fix anchored at `anchor` rewrites first: the header of a
    compound statement (`def ...:`, `with ...:`, `for ...:`), or the whole of a simple one. In a
    tree built from `ast`, which keeps no position for the header's end, it ends before the body."""
    where = position_of(anchor)
    body = getattr(anchor, "body", None)
    if isinstance(body, cst.IndentedBlock):
        header = position_of(body.header)
        if header is None:
            return where.start.line, max(where.start.line, position_of(body.body[0]).start.line - 1)
        return where.start.line, header.start.line
    if isinstance(body, cst.SimpleStatementSuite):
        return where.start.line, where.start.line
    return where.start.line, where.end.line


def fix_blocked(module: cst.Module, fix: Fix, noqa: NoqaMap, code: str) -> bool:
    """Whether applying `fix` would change or remove a line whose noqa matches `code`."""
    if not noqa.mentions(code):
        return False
    old, new = module.code.splitlines(), fix.apply(module).code.splitlines()
    return any(noqa.any_line_suppresses(i1 + 1, i2, code)
               for tag, i1, i2, _, _ in opcodes(old, new) if tag in ("replace", "delete"))
