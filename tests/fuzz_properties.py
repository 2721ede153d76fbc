"""What every valid program must keep under nograd-lint, checked on programs hypothesmith generates
(tests/test_fuzz.py runs a bounded number in CI, benchmarks/fuzz.py runs many more).

- No exception escapes `lint_source` or `fix_source` (only `SourceError` for a known libcst limit).
- Every fix output compiles, is a fixed point (fixing it again changes nothing), and no fixable
  finding is left in it.
- Every line a fix does not edit keeps its bytes: the program is also fixed with hostile bytes
  (`\\r\\n` or `\\r` line endings, form feeds before statements, a BOM); the fixes must be the same, each
  unedited line must come back exactly as it was written, and the edited lines as in the plain run.

Generated code rarely looks like PyTorch, so it is also placed where fixes happen: in the body of
an evaluation loop at the top of a script (the loop is wrapped in `with torch.no_grad():`, which
re-indents the generated code), in a parameter update loop, next to an evaluation function, or in
all three at once (several fixes in one round).

In a notebook (`check_notebook`), the generated code is a cell of its own and the body of an
evaluation loop, among IPython magics: the notebook is checked and fixed without an error, the
fixed cell is the only one that changes, and fixing again changes nothing.
"""
from __future__ import annotations

import codecs
import dataclasses
import json
import re
import tokenize
import warnings
from typing import Optional

import hypothesmith
from hypothesis import strategies as st

from nograd_lint.fixes.fixer import fix_source
from nograd_lint.fixes.linediff import opcodes
from nograd_lint.io.config import Settings
from nograd_lint.io.files import fix_data, lint_data
from nograd_lint.io.sources import SourceError
from nograd_lint.linter import lint_source

PLACES = {
    "alone": "{program}",
    "eval loop": ("import torch\nmodel = torch.nn.Linear(2, 2)\nmodel.eval()\nfor x in loader:\n"
                  "{indented}    print(model(x).sum().item())\n"),
    "update loop": ("import torch\n\n\ndef sgd_step(model, lr):\n    for p in model.parameters():\n"
                    "{indented_twice}        p -= lr * p.grad\n"),
    "beside a function": ("{program}\n\nimport torch\n\n\ndef evaluate(model, loader):\n    model.eval()\n"
                          "    for x, y in loader:\n        print(model(x).argmax(1).tolist())\n"),
    "all at once": ("{program}\n\nimport torch\n\n\ndef evaluate(model, loader):\n    model.eval()\n"
                    "    for x, y in loader:\n        print(model(x).argmax(1).tolist())\n\n\n"
                    "def sgd_step(model, lr):\n    for p in model.parameters():\n{indented_twice}"
                    "        p -= lr * p.grad\n\n\nmodel = torch.nn.Linear(2, 2)\nmodel.eval()\nfor x in loader:\n"
                    "{indented}    print(model(x).sum().item())\n"),
}
_LINES = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+$")


def programs() -> st.SearchStrategy[str]:
    """Valid Python from the grammar (odd tokens, odd whitespace) or built from libcst nodes."""
    return st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())


def placed(program: str, place: str) -> Optional[str]:
    """`program` put in one of `PLACES`; None when the result does not compile."""
    lines = _LINES.findall(program)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    source = PLACES[place].format(program=program, indented="".join("    " + line for line in lines),
                                  indented_twice="".join("        " + line for line in lines))
    return source if _compiles(source) else None


def _compiles(source: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "<fuzz>", "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


@dataclasses.dataclass
class Tally:
    programs: int = 0
    checked: int = 0
    source_errors: int = 0
    fixed: int = 0
    fixes: int = 0
    hostile: int = 0

    def line(self) -> str:
        return (f"{self.programs} programs generated, {self.checked} checked (compiled), {self.fixed} fixed "
                f"({self.fixes} fixes), {self.hostile} also with hostile bytes, {self.source_errors} beyond a "
                f"known libcst limit")


def check(source: str, tally: Tally) -> None:
    """Assert the properties for one program (see the module docstring)."""
    tally.checked += 1
    try:
        data = source.encode("utf-8")
    except UnicodeEncodeError:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        try:
            lint_source(data, "fuzz.py")
            plain = fix_source(data, unsafe=True, path="fuzz.py")
        except SourceError as error:  # only a limit of the parser nograd-lint uses
            assert "cannot analyse" in str(error), str(error)
            tally.source_errors += 1
            return
        if plain.changed:
            tally.fixed += 1
            tally.fixes += len(plain.applied)
            _check_fixed(plain.source)
        hostile = _hostile(source)
        if hostile is not None:
            tally.hostile += 1
            _check_bytes_kept(data, plain, hostile, fix_source(hostile, unsafe=True, path="fuzz.py"))


def _check_fixed(fixed: bytes) -> None:
    compile(fixed, "<fixed>", "exec", dont_inherit=True)
    again = fix_source(fixed, unsafe=True, path="fuzz.py")
    assert (again.source, again.applied) == (fixed, []), "fixing the fixed code changes it again"
    assert [d.code for d in lint_source(fixed, "fuzz.py") if d.fix is not None] == [], "a fixable finding is left"


def _hostile(source: str) -> Optional[bytes]:
    """The same program with `\\r\\n` line endings (`\\r` for programs of odd length), a form feed
    before each statement that starts a line (CPython counts the indentation again after it) and a
    BOM; None when it cannot be made."""
    starts = _statement_lines(source)
    if starts is None:
        return None
    newline = "\r" if len(source) % 2 else "\r\n"
    out = []
    for number, line in enumerate(_LINES.findall(source), start=1):
        body = line.rstrip("\r\n")
        ending = newline if len(body) < len(line) else ""
        out.append(("\f" if number in starts else "") + body + ending)
    return codecs.BOM_UTF8 + "".join(out).encode("utf-8")


def _statement_lines(source: str) -> Optional[set[int]]:
    """Lines where a logical line starts at the line's indentation (not inside a string, bracket
    or backslash continuation)."""
    starts, fresh = set(), True
    lines = _LINES.findall(source)
    readline = iter([line.rstrip("\r\n") + "\n" for line in lines]).__next__
    try:
        for token in tokenize.generate_tokens(readline):
            if token.type in (tokenize.NEWLINE, tokenize.NL):
                fresh = True
            elif token.type not in (tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT, tokenize.ENDMARKER):
                if fresh and not lines[token.start[0] - 1][:token.start[1]].strip(" \t"):
                    starts.add(token.start[0])
                fresh = False
    except (tokenize.TokenError, SyntaxError, StopIteration, IndexError):
        return None
    return starts


def _check_bytes_kept(data: bytes, plain, hostile_data: bytes, hostile) -> None:
    """Same fixes; lines the plain fix left alone come back as written in the hostile file; edited
    lines are the plain run's, with the file's line endings."""
    assert [(d.code, d.line) for d in hostile.applied] == [(d.code, d.line) for d in plain.applied]
    written = _LINES.findall(hostile.source[len(codecs.BOM_UTF8):].decode("utf-8"))
    assert hostile.source.startswith(codecs.BOM_UTF8)
    original = _LINES.findall(hostile_data[len(codecs.BOM_UTF8):].decode("utf-8"))
    before = [line.rstrip("\r\n") for line in _LINES.findall(data.decode("utf-8"))]
    after = [line.rstrip("\r\n") for line in _LINES.findall(plain.source.decode("utf-8"))]
    assert len(written) == len(after), "the hostile file was not fixed line for line"
    for tag, i1, i2, j1, j2 in opcodes(before, after):
        for offset in range(j2 - j1):
            if tag == "equal":
                assert written[j1 + offset] == original[i1 + offset], f"line {j1 + offset + 1} lost its bytes"
            else:
                assert written[j1 + offset].rstrip("\r\n") == after[j1 + offset], f"line {j1 + offset + 1} differs"


NOTEBOOK_CELLS = ["import torch\nmodel = torch.nn.Linear(2, 2)\nmodel.eval()\n", "!pip install torch \\\n    --quiet\n",
                  "{program}", "%%bash\necho {{x}}\n", "%time y = 1\nfor x in loader:\n{indented}    print(model(x).sum().item())\n"]


def check_notebook(program: str, tally: Tally) -> None:
    """The notebook properties (see the module docstring) for one generated program."""
    lines = _LINES.findall(program)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    for indented in ("".join("    " + line for line in lines), ""):  # in the loop too, when it compiles there
        cells = [cell.format(program=program, indented=indented) for cell in NOTEBOOK_CELLS]
        if _compiles(cells[4].split("\n", 1)[1]):  # IPython compiles each cell on its own
            break
    else:
        return
    tally.checked += 1
    document = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                           "source": cell.splitlines(keepends=True)} for cell in cells],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    data = json.dumps(document, indent=1).encode("utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        linted = lint_data(data, "fuzz.ipynb", Settings())
        fixed = fix_data(data, "fuzz.ipynb", Settings(), unsafe=True, written=True)
    for result in (linted, fixed):
        assert result.error is None or "cannot analyse" in result.error, result.error
    if fixed.error is not None:
        tally.source_errors += 1
        return
    before, after = json.loads(data)["cells"], json.loads(fixed.fixed)["cells"]
    assert (after[1], after[3]) == (before[1], before[3]), "a magic cell changed"
    if fixed.changed:
        tally.fixed += 1
        tally.fixes += len(fixed.applied)
        again = fix_data(fixed.fixed, "fuzz.ipynb", Settings(), unsafe=True, written=True)
        assert (again.error, again.fixed, again.applied) == (None, fixed.fixed, []), "fixing again changes it"
