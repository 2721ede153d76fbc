"""Open editor documents as nograd-lint sees them: the settings for a document's path, its
findings with each fix's edits, and the text after every safe fix. A notebook's cells are checked
as one program, as `nograd-lint` checks an `.ipynb` file; positions and edits name their cell.

The language server (server.py) turns these into LSP messages. A Python document's findings are
kept between runs (io/kept.py) as `nograd-lint` keeps them: looked up for any text, written when
the text is the file as saved (an unsaved buffer's findings are rarely asked for twice).
"""
from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Optional, Sequence

from ..io.cache import ResultCache, cache_directory, cache_disabled
from ..io.config import Settings, find_config, is_excluded, load_settings
from ..io.files import Edit, FileResult, fix_data, line_edits, lint_data
from ..io.kept import KeptRun, kept_results, keeping_results
from ..io.notebooks import Notebook, NotebookError


@dataclasses.dataclass(frozen=True)
class CellText:
    """One cell of an open notebook: `code` (Python) or not (markdown, raw, other languages)."""

    source: str
    code: bool


class SettingsCache:
    """The settings for each document path, from the `[tool.nograd-lint]` of the nearest
    pyproject.toml; read again when that file changes."""

    def __init__(self) -> None:
        self._loaded: dict[Optional[Path], tuple[Optional[float], Settings]] = {}

    def for_path(self, path: str) -> tuple[Settings, Path]:
        """(settings, the directory exclude patterns start from); `ConfigError` for a bad table."""
        pyproject = find_config([path], cwd=Path(path).parent)
        mtime = _mtime(pyproject)
        cached = self._loaded.get(pyproject)
        if cached is None or cached[0] != mtime:
            cached = self._loaded[pyproject] = (mtime, load_settings(pyproject))
        root = pyproject.resolve().parent if pyproject else Path(path).parent
        return cached[1], root

    def excluded(self, path: str) -> bool:
        settings, root = self.for_path(path)
        return is_excluded(path, settings.file_excludes, root)


def _mtime(path: Optional[Path]) -> Optional[float]:
    try:
        return path.stat().st_mtime if path else None
    except OSError:
        return None


def check_text(text: str, path: str, settings: Settings, caches: Optional[dict] = None) -> FileResult:
    """Findings of a Python document, each with its fix's edits; `caches` (folder -> ResultCache,
    filled as folders are met) keeps them between runs."""
    kept = _kept_run(text, path, settings, caches)
    found = kept_results(kept) if kept is not None else None
    if found is not None:
        return found[0]
    result = lint_data(text, path, settings, edits=True)  # type: ignore[arg-type]  # text keeps the editor's decoding
    if kept is not None and _saved(text, path):
        for _ in keeping_results(kept, iter([result])):
            pass
    return result


def _kept_run(text: str, path: str, settings: Settings, caches: Optional[dict]) -> Optional[KeptRun]:
    if caches is None or cache_disabled():
        return None
    directory = cache_directory([path], configured=settings.cache_dir)
    cache = caches.get(directory) or caches.setdefault(directory, ResultCache(directory))
    return KeptRun(cache, [path], "server", settings, contents={path: text})


def _saved(text: str, path: str) -> bool:
    """Whether the document's text is what its file holds."""
    try:
        with open(path, "rb") as handle:
            return handle.read() == text.encode("utf-8", "surrogatepass")
    except (OSError, UnicodeError):
        return False


def fix_text(text: str, path: str, settings: Settings) -> list[Edit]:
    """The edits of every safe fix, as `nograd-fix` would apply them."""
    result = fix_data(text, path, settings, unsafe=False, written=False)  # type: ignore[arg-type]
    if result.error is not None or not result.changed:
        return []
    return line_edits(text, result.fixed)


def notebook_bytes(cells: Sequence[CellText]) -> bytes:
    """A Python notebook (nbformat 4) holding these cells, for the notebook reader."""
    document = {
        "cells": [{"cell_type": "code" if cell.code else "markdown", "metadata": {}, "source": cell.source,
                   **({"outputs": [], "execution_count": None} if cell.code else {})} for cell in cells],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1).encode("utf-8")


def check_cells(cells: Sequence[CellText], path: str, settings: Settings) -> FileResult:
    """Findings of a notebook's cells; `cell` (1-based among all cells) says where each is."""
    return lint_data(notebook_bytes(cells), _notebook_path(path), settings, edits=True)


def fix_cells(cells: Sequence[CellText], path: str, settings: Settings) -> list[Edit]:
    """The edits of every safe fix, each naming its cell."""
    data = notebook_bytes(cells)
    result = fix_data(data, _notebook_path(path), settings, unsafe=False, written=False)
    if result.error is not None or not result.changed:
        return []
    try:
        fixed = Notebook.from_bytes(result.fixed)
    except NotebookError:
        return []
    before = {cell.number: cell.source for cell in Notebook.from_bytes(data).cells}
    return [edit for cell in fixed.cells if cell.source != before[cell.number]
            for edit in line_edits(before[cell.number], cell.source, cell.number)]


def _notebook_path(path: str) -> str:
    """A name the notebook reader takes for a notebook, whatever the editor calls the document."""
    return path if path.lower().endswith(".ipynb") else os.path.join(path, "notebook.ipynb")
