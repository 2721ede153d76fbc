"""Jupyter notebooks as one program: code cells joined in order, magics kept out of the analysis,
and fixes written back into the cells they belong to without touching any other byte of the file.

The notebook JSON is never re-serialised: a small scanner finds where each code cell's `source`
value sits in the original text, and only the values of changed cells are replaced, in the style
the file already uses (a list of lines or one string, the same indentation).
"""
from __future__ import annotations

import codecs
import dataclasses
import json
import re
from typing import Optional

from .sources import python_tree

# IPython syntax at the start of a logical line: a line magic (`%time`), a shell escape (`!ls`,
# `!!ls`), help (`?name`, `name?`, `name??`), a magic or shell escape assigned (`files = !ls`), an
# autocall escape (`/f x`, `,f a b`, `;f a b`: Python starts no logical line with these), or a line
# magic written without its `%` (IPython's automagic, on by default: `cd repo`, `pip install x`),
# spelled as no Python can be (a name, a space, then a word that is no keyword, or a quote).
AUTOMAGICS = ("cd", "ls", "pwd", "pip", "conda", "mkdir", "rmdir", "cp", "mv", "rm", "cat", "less", "more",
              "man", "env", "set_env", "load_ext", "reload_ext", "matplotlib", "time", "timeit", "run", "reset",
              "who", "whos", "history", "alias", "pushd", "popd", "bookmark", "pdb", "debug", "config",
              "autoreload", "tensorboard")
_NOT_AFTER_A_NAME = r"(?!(?:if|else|and|or|in|is|not|for|async|await|lambda)\b)[\w~\"'$]"  # no Python goes on so
MAGIC_LINE = re.compile(r"^(\s*)([%!?/,;]|[A-Za-z_][\w.]*\s*=\s*[!%]|[\w.]+\?\??\s*$|(?:"
                        + "|".join(AUTOMAGICS) + r")[ \t]+" + _NOT_AFTER_A_NAME + ")")
# A line magic in a block becomes a statement (the block stays a block); at the top level, a
# comment, so that a fix adding `import torch` puts it below the magics that open a cell. A fix may
# re-indent either; the magic then takes the new indentation.
SENTINEL = "pass  # nograd-lint: magic {index}"
COMMENT_SENTINEL = "# nograd-lint: magic {index}"
# Lines restored exactly as written, whatever a fix does around them: a cell magic (`%%bash` and
# its body) and the lines a magic continues onto with a backslash. They are comments: not code, and
# no fix may put code before a cell magic.
VERBATIM_SENTINEL = "# nograd-lint: verbatim {index}"
SENTINEL_LINE = re.compile(r"^(\s*)(?:pass  )?# nograd-lint: (verbatim|magic) (\d+)$")
FUTURE_IMPORT = re.compile(r"\s*from\s+__future__\s+import\b")
CELL_MARKER = re.compile(r"^# %% nograd-lint cell (\d+)$", re.M)
# Cell magics whose body is Python run by IPython: the body is analysed (and may be fixed).
PYTHON_CELL_MAGICS = ("time", "timeit", "capture", "prun")


class NotebookError(ValueError):
    """The file is not a notebook we can read."""


@dataclasses.dataclass
class Cell:
    number: int  # 1-based position among all cells, as a notebook shows them
    source: str  # the cell's code as written
    span: tuple[int, int]  # where the JSON value of `source` sits in the file text
    first_line: int = 0  # 1-based line of the cell's first line in the joined program
    line_count: int = 0


@dataclasses.dataclass
class Notebook:
    text: str
    cells: list[Cell]
    program: str  # code cells joined, magics replaced by sentinels (`pass` or a comment)
    magics: list[str]  # original text of each sentinel line, by index
    newline_in_json: str
    bom: bool = False
    # (cell number, "line:column" within the cell, message) of each cell Python cannot parse on its own
    # (IPython compiles a cell alone): its lines are kept verbatim, out of the analysis and the fixes
    broken: list[tuple[int, str, str]] = dataclasses.field(default_factory=list)

    @classmethod
    def from_bytes(cls, data: bytes) -> "Notebook":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise NotebookError(f"not a readable notebook: {error}") from error
        try:
            document, spans = _scan(text)
        except (ValueError, IndexError) as error:
            raise NotebookError(f"not a readable notebook: {_json_error(text, error)}") from error
        if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
            raise NotebookError("not a notebook: no list of cells (nbformat 4 is needed)")
        language = _language(document)
        if language.lower() != "python":
            raise NotebookError(f"not a Python notebook (kernel language: {language}); skipped")
        cells: list[Cell] = []
        for number, cell in enumerate(document["cells"], start=1):
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            if isinstance(source, list) and all(isinstance(line, str) for line in source):
                source = "".join(source)
            elif not isinstance(source, str):
                raise NotebookError(f"invalid notebook: the source of cell {number} is neither text nor a list of "
                                    f"lines of text")
            span = spans.get(("cells", number - 1, "source"))
            if span is None:
                continue
            cells.append(Cell(number=number, source=source, span=span))
        newline = "\r\n" if "\r\n" in text else "\n"
        program, magics = _join(cells)
        broken = [] if _syntax_error(program) is None else _broken_cells(cells)
        if broken:
            program, magics = _join(cells, verbatim={number for number, _, _ in broken})
        return cls(text=text, cells=cells, program=program, magics=magics, newline_in_json=newline,
                   bom=data.startswith(codecs.BOM_UTF8), broken=broken)

    def broken_text(self, path: str, checked: bool = False) -> Optional[str]:
        """What to say of the cells Python cannot parse (see `broken`): `path:cell N:L:C: cannot
        parse: ...`, how many more, and (`checked`: the others were) that the other cells were
        checked, when there are any; None when every cell parses."""
        if not self.broken:
            return None
        number, line, message = self.broken[0]
        count = len(self.broken)
        more = f" (and {count - 1} more cell{'s' if count > 2 else ''})" if count > 1 else ""
        others = "; the other cells were checked" if checked and count < len(self.cells) else ""
        return f"{path}:cell {number}:{line}: cannot parse: {message}{more}{others}"

    def locate(self, line: int) -> tuple[int, int]:
        """(cell number, line within the cell) of a line of the joined program."""
        for cell in self.cells:
            if cell.first_line <= line < cell.first_line + cell.line_count:
                return cell.number, line - cell.first_line + 1
        last = self.cells[-1]
        return last.number, line - last.first_line + 1

    def relocate_message(self, message: str, path: str) -> str:
        """An error message that starts `path:LINE[:COL]:` (a line of the joined program), with the
        line turned into `cell N:LINE` within the cell."""
        match = re.match(re.escape(path) + r":(\d+)(:\d+)?:", message)
        if match is None or not self.cells:
            return message
        cell, line = self.locate(int(match.group(1)))
        return f"{path}:cell {cell}:{line}{match.group(2) or ''}:" + message[match.end():]

    def with_program(self, program: str) -> bytes:
        """The notebook file with each changed cell's source replaced by its part of `program`."""
        out = self.text
        for cell, new_source in sorted(zip(self.cells, self.cell_sources(program)), key=lambda pair: -pair[0].span[0]):
            if new_source == cell.source:
                continue
            start, end = cell.span
            out = out[:start] + _encode_like(out[start:end], new_source, self.newline_in_json) + out[end:]
        return (codecs.BOM_UTF8 if self.bom else b"") + out.encode("utf-8")

    def cell_sources(self, program: str) -> list[str]:
        """Cut a (fixed) joined program back into the code cells' sources, magics restored."""
        pieces = CELL_MARKER.split(program)
        sources: dict[int, str] = {}
        for index in range(1, len(pieces) - 1, 2):
            body = pieces[index + 1]
            body = body[1:] if body.startswith("\n") else body
            sources[int(pieces[index])] = body
        result = []
        for cell in self.cells:
            body = sources.get(cell.number, cell.source)
            if body.endswith("\n") and not cell.source.endswith("\n"):
                body = body[:-1]
            body = self._restore_magics(body)
            if "\r\n" in cell.source and body != cell.source:  # lines a fix added end like the others
                body = re.sub(r"(?<!\r)\n", "\r\n", body)
            result.append(body)
        return result

    def _restore_magics(self, source: str) -> str:
        lines = source.split("\n")
        for position, line in enumerate(lines):
            match = SENTINEL_LINE.match(line)
            if match:
                original = self.magics[int(match.group(3))]
                lines[position] = original if match.group(2) == "verbatim" else match.group(1) + original.lstrip()
        return "\n".join(lines)


def _join(cells: list[Cell], verbatim: frozenset = frozenset()) -> tuple[str, list[str]]:
    """One program: each cell after a marker comment line; magic lines become sentinels, and every
    line of the cells numbered in `verbatim`."""
    magics: list[str] = []
    parts: list[str] = []
    line = 1
    for position, cell in enumerate(cells):
        parts.append(f"# %% nograd-lint cell {cell.number}\n")  # a cell marker ends script regions
        line += 1
        body = "\n".join(_masked(cell.source.split("\n"), magics, future_allowed=position == 0,
                                 whole=cell.number in verbatim))
        if not body.endswith("\n"):
            body += "\n"
        cell.first_line = line
        cell.line_count = body.count("\n")
        line += cell.line_count
        parts.append(body)
    return "".join(parts), magics


def _broken_cells(cells: list[Cell]) -> list[tuple[int, str, str]]:
    """(cell number, "line:column", message) of each cell that Python cannot parse on its own."""
    broken = []
    for cell in cells:
        error = _syntax_error("\n".join(_masked(cell.source.split("\n"), [], future_allowed=True)))
        if error is not None:
            broken.append((cell.number, *error))
    return broken


def _syntax_error(code: str) -> Optional[tuple[str, str]]:
    """("line:column", message) of what keeps Python from parsing `code` (as Python 3, or 2: see
    `sources.python_tree`); None when it parses."""
    try:
        python_tree(code, "<cell>")
    except SyntaxError as error:
        return f"{error.lineno or 1}:{error.offset or 1}", error.msg or "invalid syntax"
    except (RecursionError, MemoryError):
        return "1:1", "nesting too deep"
    except ValueError as error:  # a null byte
        return "1:1", str(error) or "invalid source"
    return None


def _masked(lines: list[str], magics: list[str], future_allowed: bool, whole: bool = False) -> list[str]:
    """A cell's lines with its IPython syntax replaced by sentinels (the originals appended to
    `magics`), line for line. A cell magic (on the first line that is not blank) makes the cell
    verbatim comments, unless IPython runs its body as Python; then only the lines up to it.
    IPython compiles each cell on its own, so a `from __future__` import may open any cell; in the
    joined program only the first cell's can stay, the others are kept verbatim as comments."""
    def verbatim(text: str) -> str:
        if not text:  # an empty line is Python too (and the end of a cell that ends with a newline)
            return text
        magics.append(text)
        return VERBATIM_SENTINEL.format(index=len(magics) - 1)

    if whole:
        return [verbatim(text) for text in lines]
    first = next((index for index, text in enumerate(lines) if text.strip()), None)
    cell_magic = re.match(r"\s*%%(\w*)", lines[first]) if first is not None else None
    head: list[str] = []
    if cell_magic:
        cut = len(lines) if cell_magic.group(1) not in PYTHON_CELL_MAGICS else first + 1
        head, lines = [verbatim(text) for text in lines[:cut]], lines[cut:]
    out, python, continued, future = head, _LogicalLines(), False, False
    for text in lines:
        if future or (python.at_start and not future_allowed and FUTURE_IMPORT.match(text)):
            python.feed(text)
            out.append(verbatim(text))
            future = not python.at_start  # `from __future__ import (a,` goes on to its `)`
            continue
        if continued:  # a magic goes on while its lines end with a backslash
            out.append(verbatim(text))
        else:
            match = MAGIC_LINE.match(text) if python.at_start else None
            if match is None or text.lstrip().startswith("#"):
                python.feed(text)
                out.append(text)
                continue
            sentinel = SENTINEL if match.group(1) else COMMENT_SENTINEL
            out.append(match.group(1) + sentinel.format(index=len(magics)))
            magics.append(text)
        continued = text.rstrip("\r").endswith("\\")
    return out


class _LogicalLines:
    """Whether the next physical line of Python starts a logical line (IPython looks for its
    syntax only there): no bracket, string or backslash continuation is open."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote = ""  # the quotes of the string open at the end of the line
        self.continued = False

    @property
    def at_start(self) -> bool:
        return not (self.depth or self.quote or self.continued)

    def feed(self, line: str) -> None:
        line = line.rstrip("\r")
        index, comment = 0, False
        while index < len(line):
            if self.quote:
                index = _string_end(line, index, self.quote)
                if index < 0:
                    break
                self.quote = ""
                continue
            char = line[index]
            if char == "#":
                comment = True
                break
            if char in "'\"":
                self.quote = line[index:index + 3] if line[index:index + 3] in ("'''", '"""') else char
                index += len(self.quote)
                continue
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            index += 1
        self.continued = line.endswith("\\") and not comment
        if len(self.quote) == 1 and not self.continued:  # an unclosed one-line string: start afresh
            self.quote = ""


def _string_end(line: str, index: int, quote: str) -> int:
    """Where the string open at `index` ends on this line (after its closing quotes), or -1."""
    while index < len(line):
        if line[index] == "\\":
            index += 2
        elif line.startswith(quote, index):
            return index + len(quote)
        else:
            index += 1
    return -1


def _encode_like(original_value: str, source: str, newline: str) -> str:
    """JSON for `source` in the shape of the original value (list of lines or string)."""
    if original_value.lstrip().startswith("["):
        lines = source.splitlines(keepends=True)
        if not lines:
            return "[]"
        match = re.match(r"\[(\s*)", original_value)
        compact = original_value.strip() != "[]"  # items already written: their spacing is the style
        separator = match.group(1) if match and (match.group(1) or compact) else (newline + "    ")
        closing = re.search(r"(\s*)\]$", original_value)
        closing_ws = closing.group(1) if closing else ""
        items = ("," + separator).join(json.dumps(item, ensure_ascii=_ascii_only(original_value)) for item in lines)
        return "[" + separator + items + closing_ws + "]"
    return json.dumps(source, ensure_ascii=_ascii_only(original_value))


def _ascii_only(text: str) -> bool:
    return "\\u" in text


# -- a JSON scanner that records where values sit ------------------------------------------------

_WS = re.compile(r"[ \t\r\n]*")
_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?")


def _scan(text: str):
    """Parse JSON and return (value, {path: (start, end)}) for the values under `cells`."""
    spans: dict[tuple, tuple[int, int]] = {}
    value, end = _value(text, _WS.match(text, 0).end(), (), spans)
    if _WS.match(text, end).end() != len(text):
        raise ValueError("extra data after the notebook")
    return value, spans


def _value(text: str, index: int, path: tuple, spans: dict):
    start = index
    char = text[index:index + 1]
    if char == "{":
        result = {}
        index = _WS.match(text, index + 1).end()
        if text[index:index + 1] == "}":
            value, end = result, index + 1
        else:
            while True:
                key, index = json.decoder.scanstring(text, index + 1) if text[index] == '"' else _fail(index)
                index = _WS.match(text, index).end()
                if text[index:index + 1] != ":":
                    _fail(index)
                index = _WS.match(text, index + 1).end()
                result[key], index = _value(text, index, path + (key,), spans)
                index = _WS.match(text, index).end()
                if text[index:index + 1] == ",":
                    index = _WS.match(text, index + 1).end()
                    continue
                if text[index:index + 1] == "}":
                    break
                _fail(index)
            value, end = result, index + 1
    elif char == "[":
        result_list = []
        index = _WS.match(text, index + 1).end()
        if text[index:index + 1] == "]":
            value, end = result_list, index + 1
        else:
            while True:
                item, index = _value(text, index, path + (len(result_list),), spans)
                result_list.append(item)
                index = _WS.match(text, index).end()
                if text[index:index + 1] == ",":
                    index = _WS.match(text, index + 1).end()
                    continue
                if text[index:index + 1] == "]":
                    break
                _fail(index)
            value, end = result_list, index + 1
    elif char == '"':
        value, end = json.decoder.scanstring(text, index + 1)
    elif text.startswith("true", index):
        value, end = True, index + 4
    elif text.startswith("false", index):
        value, end = False, index + 5
    elif text.startswith("null", index):
        value, end = None, index + 4
    else:
        match = _NUMBER.match(text, index)
        if not match or match.end() == index:
            _fail(index)
        value, end = json.loads(match.group(0)), match.end()
    if len(path) == 3 and path[0] == "cells" and path[2] == "source":
        spans[path] = (start, end)
    return value, end


def _fail(index: int) -> Optional[tuple]:
    raise json.JSONDecodeError("invalid JSON", "", index)  # the position is what matters


def _json_error(text: str, error: Exception) -> str:
    """`invalid JSON at line L, column C` for a scanner error."""
    if isinstance(error, json.JSONDecodeError):
        line = text.count("\n", 0, error.pos) + 1
        column = error.pos - (text.rfind("\n", 0, error.pos) + 1) + 1
        return f"{error.msg.removesuffix(' at')} at line {line}, column {column}"
    return f"invalid JSON ({error})"


def _language(document: dict) -> str:
    """The notebook's language: the kernel's, else the language info's, else Python."""
    metadata = document.get("metadata") if isinstance(document.get("metadata"), dict) else {}
    for key, field in (("kernelspec", "language"), ("language_info", "name")):
        table = metadata.get(key)
        if isinstance(table, dict) and table.get(field):
            return str(table[field])
    return "python"


def is_notebook(path: str) -> bool:
    return path.lower().endswith(".ipynb")


def changed_cells(original: bytes, fixed: bytes) -> list[tuple[int, str, str]]:
    """(cell number, source before, source after) of each code cell whose source differs."""
    before, after = Notebook.from_bytes(original), Notebook.from_bytes(fixed)
    return [(old.number, old.source, new.source) for old, new in zip(before.cells, after.cells)
            if old.source != new.source]
