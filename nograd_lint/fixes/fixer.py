"""Apply fixes as tree edits, to a fixed point; refuse any result that does not compile. (A fix a
`# noqa` blocks never reaches the fixer: see suppression.py.)"""
from __future__ import annotations

import codecs
import dataclasses
import difflib
import re
from typing import Optional, Union

import libcst as cst

from ..io.config import Settings
from ..diagnostics import Diagnostic, Fix, FixSafety
from ..linter import lint_tree, needs_analysis
from ..io.sources import SourceError, check_syntax, indent_shifts, parse

MAX_ROUNDS = 500  # one fix per round; a file with more findings is fixed in part


class FixError(Exception):
    """A fix produced code that does not compile (or the file did not compile); nothing is written."""


def apply_fix(module: cst.Module, fix: Fix, path: str = "<string>") -> cst.Module:
    """`module` with one fix applied; `FixError` when the result does not compile."""
    fixed = fix.apply(module)
    _check_compiles(fixed, module, fix, path)
    return fixed


def _check_compiles(fixed: cst.Module, before: cst.Module, fix: Fix, path: str) -> None:
    try:
        check_syntax(fixed.code, path, full=True)
    except SourceError as error:
        _check_original(before, path)
        raise FixError(f"{path}: the fix \"{fix.description}\" produced code that does not compile "
                       f"({str(error).removeprefix(path + ':')}); file left unchanged") from error


def _check_original(module: cst.Module, path: str) -> None:
    """`FixError` when the file itself does not compile (libcst accepts some code CPython rejects)."""
    try:
        check_syntax(module.code, path, full=True)
    except SourceError as error:
        raise FixError(f"{error}; not fixed") from error


@dataclasses.dataclass
class LineMap:
    """Which original line each line of the fixed text came from (None: a line a fix added)."""

    original: list[str]
    fixed: list[str]
    origins: list[Optional[int]]

    @classmethod
    def identity(cls, text: str, parsed: Optional[str] = None) -> "LineMap":
        """No fix yet: `parsed` (the parser's text of `text`, whose indentation may differ) line for line."""
        lines, parsed_lines = _lines(text), _lines(parsed if parsed is not None else text)
        if len(parsed_lines) != len(lines):
            lines = parsed_lines
        return cls(lines, parsed_lines, list(range(1, len(lines) + 1)))

    def then(self, text: str) -> "LineMap":
        """The map after the fixed text became `text`."""
        new = _lines(text)
        origins: list[Optional[int]] = [None] * len(new)
        for tag, i1, i2, j1, j2 in _opcodes(self.fixed, new):
            if tag == "equal":
                origins[j1:j2] = self.origins[i1:i2]
            elif tag == "replace":  # re-indented or edited lines keep their origin
                inner = [line.strip() for line in self.fixed[i1:i2]], [line.strip() for line in new[j1:j2]]
                for tag2, a1, a2, b1, b2 in _opcodes(*inner):
                    if tag2 == "equal" or (tag2 == "replace" and a2 - a1 == b2 - b1):
                        origins[j1 + b1:j1 + b2] = self.origins[i1 + a1:i1 + a2]
        return LineMap(self.original, new, origins)

    def to_original(self, diagnostic: Diagnostic) -> Diagnostic:
        """A diagnostic positioned in the fixed text, moved to the original text."""
        line, column = self._back(diagnostic.line, diagnostic.column)
        end_line, end_column = self._back(diagnostic.end_line, diagnostic.end_column)
        return dataclasses.replace(diagnostic, line=line, column=column, end_line=end_line, end_column=end_column)

    def to_fixed(self, diagnostic: Diagnostic) -> Diagnostic:
        """A diagnostic positioned in the original text, moved to the fixed text."""
        line, column = self._forward(diagnostic.line, diagnostic.column)
        end_line, end_column = self._forward(diagnostic.end_line, diagnostic.end_column)
        return dataclasses.replace(diagnostic, line=line, column=column, end_line=end_line, end_column=end_column)

    def _back(self, line: int, column: int) -> tuple[int, int]:
        for index in range(line - 1, len(self.origins)):  # an added line: the next original one
            origin = self.origins[index]
            if origin is not None:
                if index != line - 1:
                    return origin, 1
                return origin, max(1, column + _indent(self.original[origin - 1]) - _indent(self.fixed[index]))
        return line, column

    def _forward(self, line: int, column: int) -> tuple[int, int]:
        for index, origin in enumerate(self.origins):
            if origin == line:
                return index + 1, max(1, column + _indent(self.fixed[index]) - _indent(self.original[line - 1]))
        return line, column


def _lines(text: str) -> list[str]:
    """The lines of `text` without their endings (`str.splitlines` would also split at a form feed)."""
    return [line.rstrip("\r\n") for line in _LINES.findall(text)]


def _opcodes(old: list[str], new: list[str]):
    return difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


@dataclasses.dataclass
class FixOutcome:
    """`applied` is positioned in the original source, `remaining` in the fixed one."""

    source: Union[str, bytes]
    applied: list[Diagnostic]
    remaining: list[Diagnostic]
    changed: bool
    lines: Optional[LineMap] = None

    def applied_in_fixed(self) -> list[Diagnostic]:
        return [self.lines.to_fixed(d) for d in self.applied] if self.lines else list(self.applied)

    def remaining_in_original(self) -> list[Diagnostic]:
        return [self.lines.to_original(d) for d in self.remaining] if self.lines else list(self.remaining)


def _fixable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    return diagnostic.fix is not None and (unsafe or diagnostic.fix.safety is FixSafety.SAFE)


def _fix(module: cst.Module, source: Union[str, bytes], path: str, settings: Settings, unsafe: bool):
    """A fix replaces nodes by identity and libcst rebuilds the ancestors of a replaced node, so the
    anchors of the other findings are only valid in the tree they were found in: one fix per round."""
    original = module
    text = _text(source, module.encoding)
    lines = LineMap.identity(text, module.code)
    applied: list[Diagnostic] = []
    for round_number in range(MAX_ROUNDS):
        module, diagnostics = lint_tree(module, path, settings)
        if round_number == 0:
            original = module
        if diagnostics and round_number == 0:
            _check_original(module, path)  # as nograd-lint does: code this Python cannot compile is an error
        step = _next_fix(module, diagnostics, unsafe)
        if step is None:
            break
        chosen, new_module = step
        _check_compiles(new_module, module, chosen.fix, path)
        where = lines.to_original(chosen)
        if any(_same_finding(where, before) for before in applied):
            raise FixError(f"{path}:{where.line}:{where.column}: the fix for {where.code} "
                           f"(\"{where.fix.description}\") does not remove the finding; file left unchanged "
                           f"(please report this)")
        applied.append(where)
        lines = lines.then(new_module.code)
        module = new_module
    else:
        raise FixError(f"{path}: more than {MAX_ROUNDS} fixes; file left unchanged")
    if not applied:
        return original, [], diagnostics, lines
    try:
        module = parse(module.code if isinstance(source, str) else module.bytes, path)  # what the next run reads
    except SourceError as error:
        raise FixError(f"{path}: the fixed code does not parse ({error}); file left unchanged") from error
    if module.code == original.code:
        return original, [], diagnostics, LineMap.identity(text, original.code)
    return module, applied, diagnostics, lines


def _same_finding(one: Diagnostic, other: Diagnostic) -> bool:
    return (one.code, one.line, one.column, one.message) == (other.code, other.line, other.column, other.message)


def _next_fix(module: cst.Module, diagnostics: list[Diagnostic], unsafe: bool):
    """(diagnostic, fixed module) for the first fix that changes something."""
    for diagnostic in diagnostics:
        if _fixable(diagnostic, unsafe):
            new_module = diagnostic.fix.apply(module)
            if new_module.code != module.code:
                return diagnostic, new_module
    return None


def fix_source(source: Union[str, bytes], settings: Optional[Settings] = None, unsafe: bool = False,
               path: str = "<string>") -> FixOutcome:
    """Fixed text (bytes in, bytes out with the same encoding, BOM and line endings)."""
    settings = settings or Settings()
    if not needs_analysis(source, settings):
        return FixOutcome(source, [], [], False)
    module = parse(source, path)
    fixed, applied, remaining, lines = _fix(module, source, path, settings, unsafe)
    if not applied:
        remaining, lines = _as_written(remaining, lines, _text(source, module.encoding), fixed.code)
        return FixOutcome(source, [], remaining, False, lines)
    new = splice(source, module.code, fixed.code, fixed.encoding)
    remaining, lines = _as_written(remaining, lines, _text(new, fixed.encoding), fixed.code)
    return FixOutcome(new, applied, remaining, new != source, lines)


def _text(source: Union[str, bytes], encoding: str) -> str:
    return source if isinstance(source, str) else source.decode(encoding, errors="replace")


def _as_written(remaining: list[Diagnostic], lines: LineMap, written: str, parsed: str):
    """(remaining, lines) moved from the parser's text to the text written, where their
    indentation differs (a form feed kept in an unedited line)."""
    shifts = indent_shifts(written, parsed)
    if not shifts:
        return remaining, lines
    moved = [dataclasses.replace(d, column=d.column + shifts.get(d.line, 0),
                                 end_column=d.end_column + shifts.get(d.end_line, 0)) for d in remaining]
    return moved, dataclasses.replace(lines, fixed=_lines(written))


_LINES = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+$")
_BYTE_LINES = re.compile(rb"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+$")


def splice(source: Union[str, bytes], before: str, after: str, encoding: str) -> Union[str, bytes]:
    """`source` with only the lines a fix changed replaced: `before` and `after` are libcst's text
    of the file before and after fixing (libcst drops a form feed in an indent or a final `\\r`),
    so every line the fix left alone keeps its original bytes, and the BOM stays first."""
    bom = codecs.BOM_UTF8 if isinstance(source, bytes) and source.startswith(codecs.BOM_UTF8) else b""
    if codecs.lookup(encoding).name == "utf-8-sig":  # the BOM is written once, first
        encoding = "utf-8"
    body = source[len(bom):]
    originals = (_BYTE_LINES if isinstance(source, bytes) else _LINES).findall(body)
    old, new = _LINES.findall(before), _LINES.findall(after)
    if len(originals) != len(old):  # not line for line: libcst's text as it is
        return (bom + after.encode(encoding)) if isinstance(source, bytes) else after
    pieces = []
    for tag, i1, i2, j1, j2 in _opcodes(old, new):
        if tag == "equal":
            pieces.extend(originals[i1:i2])
        else:
            text = "".join(new[j1:j2])
            pieces.append(text.encode(encoding) if isinstance(source, bytes) else text)
    return bom + b"".join(pieces) if isinstance(source, bytes) else "".join(pieces)
