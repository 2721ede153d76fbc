"""Findings kept between runs, so that an unchanged file costs one hash and one small read.

An entry is keyed by everything its findings depend on: the file's text and name, the settings
of the run, and nograd-lint's own code (its version and the size and time of each of its source
files). Entries live in `.nograd_lint_cache/` of the current directory (as ruff keeps
`.ruff_cache/`), which ignores itself for git; `NOGRAD_LINT_CACHE_DIR` moves it and
`NOGRAD_LINT_NO_CACHE=1` turns it off. A cache that cannot be read or written is passed over.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Optional

from .. import __version__

DIRECTORY = ".nograd_lint_cache"


@functools.lru_cache(maxsize=None)
def _code_fingerprint() -> str:
    """nograd-lint's version and the size and time of each of its source files."""
    package = Path(__file__).resolve().parents[1]
    parts = [__version__]
    for path in sorted(package.rglob("*.py")):
        try:
            stat = path.stat()
        except OSError:
            continue
        parts.append(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


class ResultCache:
    """Entries of one kind of run (`salt`: its settings, as text)."""

    def __init__(self, directory: Path, salt: str) -> None:
        self.directory = directory / _code_fingerprint()
        self.salt = salt
        self._ready = False

    @classmethod
    def for_run(cls, salt: str) -> Optional["ResultCache"]:
        if os.environ.get("NOGRAD_LINT_NO_CACHE") == "1":
            return None
        return cls(Path(os.environ.get("NOGRAD_LINT_CACHE_DIR") or DIRECTORY), salt)

    def _path(self, name: str, text: str) -> Path:
        key = hashlib.sha256(f"{self.salt}\0{name}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()
        return self.directory / key[:2] / key

    def get(self, name: str, text: str) -> Optional[Any]:
        try:
            with open(self._path(name, text), encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return None

    def put(self, name: str, text: str, value: Any) -> None:
        path = self._path(name, text)
        try:
            self._prepare()
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(value, out)
            os.replace(temporary, path)  # readers see the whole entry or none
        except OSError:
            try:
                os.unlink(temporary)
            except OSError:
                pass

    def _prepare(self) -> None:
        if self._ready:
            return
        top = self.directory.parent
        top.mkdir(parents=True, exist_ok=True)
        ignore = top / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Made by nograd-lint: its cache, never committed.\n*\n", encoding="utf-8")
        self._ready = True
