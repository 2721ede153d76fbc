"""Apply fixes as tree edits, to a fixed point; refuse any result that does not compile. (A fix a
`# noqa` blocks never reaches the fixer: see suppression.py.)

Each round lints the module once and applies together every fix whose edit replaces a part of the
tree no other fix of the round touches (see changes.py); fixes that overlap wait for the next
round, which re-analyses the result. So fixing costs a few lints, whatever the number of findings."""
from __future__ import annotations

import codecs
import dataclasses
import re
from typing import Optional, Union

import libcst as cst

from ..io.config import Settings
from ..diagnostics import Diagnostic, Fix, FixSafety
from ..linter import lint_tree, lint_unparsed, needs_analysis
from ..io.sources import LegacySyntax, LibcstCannotParse, SourceError, check_syntax, indent_shifts, parse
from .changes import Claims, Tree
from .edits import Edit, apply_changes
from .linediff import opcodes

MAX_ROUNDS = 500  # rounds of fixes; a file that needs more is left unchanged


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
        _check_original(before.code, path)
        raise FixError(f"{path}: the fix \"{fix.description}\" produced code that does not compile "
                       f"({str(error).removeprefix(path + ':')}); file left unchanged") from error


def _check_original(code: Union[str, bytes], path: str) -> None:
    """`FixError` when the file itself does not compile (libcst accepts some code CPython rejects)."""
    try:
        check_syntax(code, path, full=True)
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
        for tag, i1, i2, j1, j2 in opcodes(self.fixed, new):
            if tag == "equal":
                origins[j1:j2] = self.origins[i1:i2]
            elif tag == "replace":  # re-indented or edited lines keep their origin
                inner = [line.strip() for line in self.fixed[i1:i2]], [line.strip() for line in new[j1:j2]]
                for tag2, a1, a2, b1, b2 in opcodes(*inner):
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


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


@dataclasses.dataclass
class FixOutcome:
    """`applied` is positioned in the original source, `remaining` in the fixed one; `rounds` is
    how many times the module was analysed; `unparsed`: why libcst, which fixes edit code with,
    cannot parse a file with findings that CPython parses (nothing is fixed there)."""

    source: Union[str, bytes]
    applied: list[Diagnostic]
    remaining: list[Diagnostic]
    changed: bool
    lines: Optional[LineMap] = None
    rounds: int = 0
    unparsed: Optional[str] = None
    legacy: bool = False  # the file is Python 2, analysed as translated (see io/legacy.py)

    def applied_in_fixed(self) -> list[Diagnostic]:
        return [self.lines.to_fixed(d) for d in self.applied] if self.lines else list(self.applied)

    def remaining_in_original(self) -> list[Diagnostic]:
        return [self.lines.to_original(d) for d in self.remaining] if self.lines else list(self.remaining)


def _fixable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    return diagnostic.fix is not None and (unsafe or diagnostic.fix.safety is FixSafety.SAFE)


def _fix(module: cst.Module, code: str, source: Union[str, bytes], path: str, settings: Settings, unsafe: bool):
    """Rounds of lint, then every fix that does not overlap another (see `_next_fixes`), until no
    fix is left. Each round lints the fixed text parsed again (what the next run reads), and each
    applied finding must be gone from it. `code` is the module's; returns (module, its code,
    applied, remaining, lines, rounds)."""
    text = _text(source, module.encoding)
    original_code = code
    lines = LineMap.identity(text, code)
    applied: list[Diagnostic] = []
    for round_number in range(MAX_ROUNDS):
        module, diagnostics = lint_tree(module, path, settings, text=code)
        if diagnostics and round_number == 0:
            _check_original(code, path)  # as nograd-lint does: code this Python cannot compile is an error
        step = _next_fixes(module, code, diagnostics, unsafe, path)
        if step is None:
            break
        chosen, code = step
        for diagnostic in chosen:
            where = lines.to_original(diagnostic)
            if any(_same_finding(where, before) for before in applied):
                raise FixError(f"{path}:{where.line}:{where.column}: the fix for {where.code} "
                               f"(\"{where.fix.description}\") does not remove the finding; file left unchanged "
                               f"(please report this)")
            applied.append(where)
        lines = lines.then(code)
        try:
            module = parse(code if isinstance(source, str) else code.encode(module.encoding), path)
        except SourceError as error:
            raise FixError(f"{path}: the fixed code does not parse ({error}); file left unchanged") from error
    else:
        raise FixError(f"{path}: more than {MAX_ROUNDS} rounds of fixes; file left unchanged")
    rounds = round_number + 1
    if not applied or code == original_code:
        return module, code, [], diagnostics, LineMap.identity(text, code), rounds
    return module, code, applied, diagnostics, lines, rounds


def _next_fixes(module: cst.Module, code: str, diagnostics: list[Diagnostic], unsafe: bool, path: str):
    """(diagnostics, fixed code) of one round: in position order, every fix whose edit replaces
    nodes that no fix taken before replaces, contains or lies inside, applied together; None when
    no fix changes anything. `FixError` names the fix whose result does not compile."""
    tree = Tree(module)
    claims = Claims(tree)
    chosen, changes = [], []
    for diagnostic in diagnostics:
        if not _fixable(diagnostic, unsafe):
            continue
        edit = diagnostic.fix.apply
        if not isinstance(edit, Edit):  # a rewrite of its own kind: alone, in a round of its own
            if not chosen:
                step = _next_fix(module, [diagnostic], unsafe)
                if step is not None:
                    _check_compiles(step[1], module, diagnostic.fix, path)
                    return [diagnostic], step[1].code
            continue
        change = edit.change(tree)
        if change is not None and claims.take(change):
            chosen.append(diagnostic)
            changes.append(change)
    if not chosen:
        return None
    fixed = apply_changes(tree, changes)
    fixed_code = fixed.code
    if fixed_code == code:
        return None
    try:
        check_syntax(fixed_code, path, full=True)
    except SourceError:
        for diagnostic, change in zip(chosen, changes):  # which one breaks it
            _check_compiles(apply_changes(tree, [change]), module, diagnostic.fix, path)
        return [chosen[0]], apply_changes(tree, changes[:1]).code  # each compiles alone: one at a time
    return chosen, fixed_code


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
    """Fixed text (bytes in, bytes out with the same encoding, BOM and line endings). A file libcst
    cannot parse and CPython can is left as it is, its findings unfixed (see `FixOutcome.unparsed`)."""
    settings = settings or Settings()
    if not needs_analysis(source, settings):
        return FixOutcome(source, [], [], False)
    try:
        module = parse(source, path)
    except LibcstCannotParse as error:  # its findings, none fixed: fixes edit libcst's trees
        remaining = lint_unparsed(source, path, settings, error)[1]
        if remaining:
            _check_original(source, path)  # as nograd-lint does
        return FixOutcome(source, [], remaining, False, unparsed=error.reason if remaining else None,
                          legacy=isinstance(error, LegacySyntax))
    before = module.code
    fixed, after, applied, remaining, lines, rounds = _fix(module, before, source, path, settings, unsafe)
    if not applied:
        remaining, lines = _as_written(remaining, lines, _text(source, module.encoding), after)
        return FixOutcome(source, [], remaining, False, lines, rounds)
    new = splice(source, before, after, fixed.encoding)
    remaining, lines = _as_written(remaining, lines, _text(new, fixed.encoding), after)
    return FixOutcome(new, applied, remaining, new != source, lines, rounds)


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
    for tag, i1, i2, j1, j2 in opcodes(old, new):
        if tag == "equal":
            pieces.extend(originals[i1:i2])
        else:
            text = "".join(new[j1:j2])
            pieces.append(text.encode(encoding) if isinstance(source, bytes) else text)
    return bom + b"".join(pieces) if isinstance(source, bytes) else "".join(pieces)
