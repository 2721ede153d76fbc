"""Jupyter notebooks as one program: code cells joined in order, magics kept out of the analysis,
and fixes written back into the cells they belong to without touching any other byte of the file.

The notebook JSON is never re-serialised: a small scanner finds where each code cell's `source`
value sits in the original text, and only the values of changed cells are replaced, in the style
the file already uses (a list of lines or one string, the same indentation).
"""
from __future__ import annotations

import dataclasses
import json
import re
from typing import Optional

MAGIC_LINE = re.compile(r"^(\s*)(%|!|\?|[A-Za-z_][\w.]*\s*=\s*[!%]|[\w.]+\?\??\s*$)")
SENTINEL = "pass  # nograd-lint: magic {index}"
SENTINEL_LINE = re.compile(r"^(\s*)pass  # nograd-lint: magic (\d+)$")


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
    program: str  # code cells joined, magics replaced by `pass` sentinels
    magics: list[str]  # original text of each sentinel line, by index
    newline_in_json: str

    @classmethod
    def from_bytes(cls, data: bytes) -> "Notebook":
        try:
            text = data.decode("utf-8-sig")
            document, spans = _scan(text)
        except (UnicodeDecodeError, ValueError) as error:
            raise NotebookError(f"not a readable notebook: {error}") from error
        if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
            raise NotebookError("not a notebook: no list of cells")
        language = ((document.get("metadata") or {}).get("kernelspec") or {}).get("language") or \
            ((document.get("metadata") or {}).get("language_info") or {}).get("name") or "python"
        if str(language).lower() != "python":
            raise NotebookError(f"not a Python notebook (language: {language})")
        cells: list[Cell] = []
        for number, cell in enumerate(document["cells"], start=1):
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            span = spans.get(("cells", number - 1, "source"))
            if span is None:
                continue
            cells.append(Cell(number=number, source=source, span=span))
        newline = "\r\n" if "\r\n" in text else "\n"
        program, magics = _join(cells)
        return cls(text=text, cells=cells, program=program, magics=magics, newline_in_json=newline)

    def locate(self, line: int) -> tuple[int, int]:
        """(cell number, line within the cell) of a line of the joined program."""
        for cell in self.cells:
            if cell.first_line <= line < cell.first_line + cell.line_count:
                return cell.number, line - cell.first_line + 1
        last = self.cells[-1]
        return last.number, line - last.first_line + 1

    def with_program(self, program: str) -> bytes:
        """The notebook file with each changed cell's source replaced by its part of `program`."""
        new_sources = self._split(program)
        out = self.text
        for cell, new_source in sorted(zip(self.cells, new_sources), key=lambda pair: -pair[0].span[0]):
            if new_source == cell.source:
                continue
            start, end = cell.span
            out = out[:start] + _encode_like(out[start:end], new_source, self.newline_in_json) + out[end:]
        return out.encode("utf-8")

    def _split(self, program: str) -> list[str]:
        """Cut a (fixed) joined program back into cell sources, restoring magics."""
        marker = re.compile(r"^# %% nograd-lint cell (\d+)$", re.M)
        pieces = marker.split(program)
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
            result.append(self._restore_magics(body))
        return result

    def _restore_magics(self, source: str) -> str:
        lines = source.split("\n")
        for position, line in enumerate(lines):
            match = SENTINEL_LINE.match(line)
            if match:
                original = self.magics[int(match.group(2))]
                lines[position] = match.group(1) + original.lstrip()
        return "\n".join(lines)


def _join(cells: list[Cell]) -> tuple[str, list[str]]:
    """One program: each cell after a marker comment line; magic lines become sentinels."""
    magics: list[str] = []
    parts: list[str] = []
    line = 1
    for cell in cells:
        parts.append(f"# %% nograd-lint cell {cell.number}\n")  # a cell marker ends script regions
        line += 1
        source_lines = cell.source.split("\n")
        if source_lines and source_lines[0].lstrip().startswith("%%"):
            # A cell magic: the whole cell is not Python we can read; keep its lines as sentinels.
            converted = []
            for text in source_lines:
                converted.append(SENTINEL.format(index=len(magics)))
                magics.append(text)
        else:
            converted = []
            for text in source_lines:
                match = MAGIC_LINE.match(text)
                if match and not text.lstrip().startswith("#"):
                    converted.append(match.group(1) + SENTINEL.format(index=len(magics)))
                    magics.append(text)
                else:
                    converted.append(text)
        body = "\n".join(converted)
        if not body.endswith("\n"):
            body += "\n"
        cell.first_line = line
        cell.line_count = body.count("\n")
        line += cell.line_count
        parts.append(body)
    return "".join(parts), magics


def _encode_like(original_value: str, source: str, newline: str) -> str:
    """JSON for `source` in the shape of the original value (list of lines or string)."""
    if original_value.lstrip().startswith("["):
        lines = source.splitlines(keepends=True)
        if not lines:
            return "[]"
        match = re.match(r"\[(\s*)", original_value)
        separator = match.group(1) if match and match.group(1) else (newline + "    ")
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
    raise ValueError(f"invalid JSON at character {index}")
