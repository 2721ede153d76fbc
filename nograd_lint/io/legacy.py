"""Python 2 sources, and PyTorch 0.3's `x.cuda(async=True)`, read as Python 3 for analysis.

Research code written for PyTorch 0.3/0.4 is still published, run and copied: `print x`,
`except IOError, e:`, `raise ValueError, "msg"`, indentation that mixes tabs and spaces (a tab
is eight columns to Python 2), and `.cuda(async=True)` (a keyword argument
named `async`, a reserved word since Python 3.7; PyTorch 0.4 renamed it `non_blocking`). Neither
CPython 3 nor libcst reads such a file. `modern_text` translates the syntax only, with the
fixers of lib2to3 (the standard library's, through Python 3.12) that turn Python 2 statements
into Python 3 ones on the same lines: the analysis reads the translation, and places findings by
its positions (lines are kept; columns may move on the lines the translation changed). The file
itself is never rewritten: its findings have no fixes (see io/files.py).
"""
from __future__ import annotations

import functools
import re
import warnings
from typing import Optional

# lib2to3's fixers that change syntax Python 3 rejects, each within its own lines (not the
# fixers of names and idioms: `xrange`, `dict.iteritems()`, `unicode` read the same to the analysis)
SYNTAX_FIXERS = ("except", "exec", "ne", "numliterals", "paren", "print", "raise", "repr", "unicode")
# `x.cuda(async=True)`, `Variable(y, volatile=True).cuda(async=True)`: `_sync` has the length of
# `async`, so every column of the line is kept
ASYNC_KEYWORD = re.compile(r"(?<![\w.])async(?=\s*=[^=])")


# Statements only Python 2 has, at the start of a line: lib2to3 is tried only on a text with one
# (it parses recursively: deep code that is not Python 2 is never handed to it)
PYTHON2_STATEMENT = re.compile(r"^[ \t]*(?:print[ \t]+[^\s(=.,)\]}]|print[ \t]*$|exec[ \t]+[\"'\w]|"
                               r"except[ \t][^:\n]*,[ \t]*\w+[ \t]*:|raise[ \t]+[\w.]+[ \t]*,)", re.M)


@functools.lru_cache(maxsize=32)
def modern_text(text: str) -> Optional[str]:
    """`text` read as Python 3 (see the module's docstring) when CPython rejects it and the
    translation compiles with the same number of lines; None otherwise (it compiles as it is,
    or is not Python 2 either, or lib2to3 is not at hand)."""
    if _compiles(text):
        return None
    renamed = ASYNC_KEYWORD.sub("_sync", text)
    if renamed != text and _compiles(renamed):
        return renamed
    if "\t" in renamed:
        expanded = _tabs_as_python2(renamed)
        if expanded != renamed and _compiles(expanded):
            return expanded
        renamed = expanded
    if PYTHON2_STATEMENT.search(renamed) is None or _deepest_bracket(renamed) > MAX_DEPTH:
        return None
    translated = _translated(renamed)
    if translated is None or translated.count("\n") != renamed.count("\n") or not _compiles(translated):
        return None
    return translated


_INDENT = re.compile(r"[ \t]*")


def _tabs_as_python2(text: str) -> str:
    """The text with the tabs of each line's indentation expanded to the next multiple of eight
    columns, as Python 2 read them (Python 3 rejects indentation that mixes tabs and spaces in a
    way that depends on a tab's width)."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        indent = _INDENT.match(line).group()
        if "\t" in indent:
            lines[index] = indent.expandtabs(8) + line[len(indent):]
    return "".join(lines)


MAX_DEPTH = 100  # brackets nested deeper than CPython's parser reads (200) are no code to translate
_BRACKET = re.compile(r"[][(){}]")


def _deepest_bracket(text: str) -> int:
    """How deep brackets nest in the text (those in strings and comments counted too)."""
    depth = deepest = 0
    for found in _BRACKET.finditer(text):
        depth += 1 if found.group() in "([{" else -1
        deepest = max(deepest, depth)
    return deepest


def _compiles(text: str) -> bool:
    from .sources import compile_quietly  # sources reads Python 2 through this module
    try:
        compile_quietly(text, "<legacy>")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _translated(text: str) -> Optional[str]:
    """The text with `SYNTAX_FIXERS` applied, or None when lib2to3 cannot read it."""
    tool = _refactoring_tool()
    if tool is None:
        return None
    source = text if text.endswith("\n") else text + "\n"
    try:
        translated = str(tool.refactor_string(source, "<legacy>"))
    except (Exception, RecursionError):  # noqa: BLE001 - lib2to3 raises its own parse errors, and more on odd input
        return None
    return translated if text.endswith("\n") else translated[:-1]


_TOOL: list = []  # the refactoring tool, built on first use (None when lib2to3 is missing)


def _refactoring_tool():
    if not _TOOL:
        try:
            with warnings.catch_warnings():  # lib2to3 is deprecated (removed in Python 3.13)
                warnings.simplefilter("ignore")
                from lib2to3 import refactor
            _TOOL.append(refactor.RefactoringTool([f"lib2to3.fixes.fix_{name}" for name in SYNTAX_FIXERS]))
        except ImportError:
            _TOOL.append(None)
    return _TOOL[0]
