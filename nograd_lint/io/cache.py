"""Where results kept between runs live, and reading and writing them.

Entries are JSON files in `.nograd_cache/` at the project root (found as analysis/project.py finds
it, from the checked paths' common folder; the current directory when there is none), in a
subfolder named after nograd-lint's own code (its version, the size and time of each of its source files, libcst's
version and Python's), so that another version never reads them. The folder ignores itself for
git. What an entry holds and when it may be reused is freshness.py's business; this module only
stores it. A cache that cannot be read or written is passed over: the run analyses instead.

Which folder, first match wins: `--no-cache` or `NOGRAD_LINT_NO_CACHE=1` (no cache); `--cache-dir`;
`NOGRAD_LINT_CACHE_DIR`; `cache-dir` in `[tool.nograd-lint]` (relative to its pyproject.toml);
`.nograd_cache` at the project root; `.nograd_cache` in the current directory.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Optional, Sequence

from .. import __version__

DIRECTORY = ".nograd_cache"
NO_CACHE_VARIABLE = "NOGRAD_LINT_NO_CACHE"
DIRECTORY_VARIABLE = "NOGRAD_LINT_CACHE_DIR"
IGNORE_ALL = "# Made by nograd-lint: its cache, never committed.\n*\n"


@functools.lru_cache(maxsize=None)
def code_fingerprint() -> str:
    """nograd-lint's version and the size and time of each of its source files, with the versions
    of libcst and Python (which decide what parses and what compiles)."""
    import libcst

    package = Path(__file__).resolve().parents[1]
    parts = [__version__, getattr(libcst, "__version__", "?"), sys.version]
    for path in sorted(package.rglob("*.py")):
        try:
            status = path.stat()
        except OSError:
            continue
        parts.append(f"{path.relative_to(package)}:{status.st_size}:{status.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def key_of(*parts: Any) -> str:
    """The name of an entry: a digest of everything that picks it (kind of run, settings, paths)."""
    text = "\0".join(repr(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def cache_disabled(no_cache: bool = False) -> bool:
    return no_cache or os.environ.get(NO_CACHE_VARIABLE) == "1"


def cache_directory(paths: Sequence[str], option: Optional[str] = None, configured: Optional[str] = None,
                    cwd: Optional[Path] = None) -> Path:
    """The folder for a run over `paths`: `option` (--cache-dir), the environment variable,
    `configured` (cache-dir, already absolute), or `.nograd_cache` at the project root of the
    paths' common folder, else in the current directory."""
    from ..analysis.project import root_from  # the analysis imports this package's readers

    cwd = cwd or Path.cwd()
    chosen = option or os.environ.get(DIRECTORY_VARIABLE) or configured
    if chosen:
        return cwd / Path(chosen).expanduser()
    anchors = [os.path.abspath(cwd / path) for path in paths]
    try:
        common = Path(os.path.commonpath(anchors)) if anchors else cwd
    except ValueError:  # paths on different drives
        common = cwd
    root = root_from(common if common.is_dir() else common.parent)
    return (root or cwd) / DIRECTORY


class ResultCache:
    """Entries of one folder, for this version of nograd-lint; each a JSON value under a key."""

    def __init__(self, directory: Path) -> None:
        self.top = Path(directory)
        self.directory = self.top / code_fingerprint()
        self._ready = False

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> Optional[Any]:
        """The entry under `key`; None when there is none or it cannot be read (corrupt, a folder...)."""
        try:
            with open(self._path(key), encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError, RecursionError):
            return None

    def put(self, key: str, value: Any) -> None:
        """Write the entry; readers see the whole entry or none. Any failure leaves things as they were."""
        path = self._path(key)
        try:
            self._prepare()
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(value, out, separators=(",", ":"))
            os.replace(temporary, path)
        except (OSError, TypeError, ValueError):
            try:
                os.unlink(temporary)
            except OSError:
                pass

    def _prepare(self) -> None:
        """Make the folder, ignored by git (a `.gitignore` holding `*`, as ruff does)."""
        if self._ready:
            return
        self.top.mkdir(parents=True, exist_ok=True)
        ignore = self.top / ".gitignore"
        if not ignore.exists():
            ignore.write_text(IGNORE_ALL, encoding="utf-8")
        self._ready = True
