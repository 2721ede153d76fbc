"""Finding the files to check, and checking them (in parallel with `--jobs`)."""
from __future__ import annotations

import dataclasses
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

from .config import Settings, is_excluded
from .diagnostics import Diagnostic, Fix
from .fixer import FixError, fix_source
from .linter import lint_source
from .sources import SourceError, check_syntax, read_bytes, worth_parsing, write_atomically

PYTHON_SUFFIXES = (".py", ".pyi")


def discover(paths: Sequence[str], settings: Settings, root: Optional[Path] = None) -> tuple[list[str], list[str]]:
    """Files to check (sorted, unique) and errors for paths that do not exist.

    Directories are walked for `*.py`/`*.pyi`, skipping `exclude` and `extend-exclude` matches; a
    file named explicitly is checked whatever its suffix, unless it matches a configured exclude.
    """
    found: set[str] = set()
    errors: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.update(_walk(path, settings.walk_excludes, root))
        elif path.is_file():
            if not is_excluded(path, settings.file_excludes, root):
                found.add(os.path.normpath(path))
        else:
            errors.append(f"{raw}: no such file or directory")
    return sorted(found), errors


def _walk(top: Path, patterns: Sequence[str], root: Optional[Path]) -> Iterator[str]:
    for directory, dirs, files in os.walk(top):
        here = Path(directory)
        dirs[:] = sorted(d for d in dirs if not is_excluded(here / d, patterns, root, name_only=True))
        for name in files:
            if name.endswith(PYTHON_SUFFIXES) and not is_excluded(here / name, patterns, root, name_only=True):
                yield os.path.normpath(here / name)


@dataclasses.dataclass
class FileResult:
    """What checking or fixing one file gave; positions refer to the file as it is on disk afterwards."""

    path: str
    diagnostics: list[Diagnostic] = dataclasses.field(default_factory=list)
    error: Optional[str] = None
    applied: list[Diagnostic] = dataclasses.field(default_factory=list)
    original: Optional[bytes] = None
    fixed: Optional[bytes] = None

    @property
    def changed(self) -> bool:
        return self.fixed is not None and self.fixed != self.original


def lint_path(path: str, settings: Settings) -> FileResult:
    try:
        return lint_data(read_bytes(path), path, settings)
    except SourceError as error:
        return FileResult(path, error=str(error))


def lint_data(data: bytes, path: str, settings: Settings) -> FileResult:
    """Lint source bytes; a file the pre-filter skips is still checked for syntax errors."""
    try:
        if not worth_parsing(data):
            check_syntax(data, path)
            return FileResult(path)
        return FileResult(path, _portable(lint_source(data, path, settings)))
    except SourceError as error:
        return FileResult(path, error=str(error))
    except RecursionError:
        return FileResult(path, error=f"{path}: cannot analyse: nesting too deep")
    except Exception as error:  # noqa: BLE001 - one file's crash must not stop the others
        return FileResult(path, error=_internal_error(path, error))


def _internal_error(path: str, error: Exception) -> str:
    return f"{path}: internal error, please report it: {type(error).__name__}: {error}"


def fix_path(path: str, settings: Settings, unsafe: bool, write: bool) -> FileResult:
    try:
        data = read_bytes(path)
    except SourceError as error:
        return FileResult(path, error=str(error))
    result = fix_data(data, path, settings, unsafe, write)
    if write and result.changed:
        try:
            write_atomically(path, result.fixed)
        except OSError as error:
            return FileResult(path, error=f"{path}: cannot write: {error.strerror or error}")
    return result


def fix_data(data: bytes, path: str, settings: Settings, unsafe: bool, written: bool) -> FileResult:
    """Fix source bytes. Positions refer to the fixed text when it is `written`, else to `data`."""
    try:
        if not worth_parsing(data):
            check_syntax(data, path)
        outcome = fix_source(data, settings, unsafe, path)
    except (SourceError, FixError) as error:
        return FileResult(path, error=str(error), original=data)
    except RecursionError:
        return FileResult(path, error=f"{path}: cannot analyse: nesting too deep", original=data)
    except Exception as error:  # noqa: BLE001 - one file's crash must not stop the others
        return FileResult(path, error=_internal_error(path, error), original=data)
    if written:
        applied, remaining = outcome.applied_in_fixed(), outcome.remaining
    else:
        applied, remaining = outcome.applied, outcome.remaining_in_original()
    return FileResult(path, _portable(remaining), applied=_portable(applied), original=data, fixed=outcome.source)


def _portable(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics without their fix closures, so they can cross process boundaries."""
    out = []
    for diagnostic in diagnostics:
        fix = diagnostic.fix
        if fix is not None:
            fix = Fix(fix.safety, fix.description, apply=None, anchor=None)  # type: ignore[arg-type]
        out.append(dataclasses.replace(diagnostic, fix=fix))
    return out


def run_all(paths: Iterable[str], task: Callable[..., FileResult], jobs: int, *args) -> Iterator[FileResult]:
    """Run `task(path, *args)` for each path, in `jobs` processes (0: one per CPU), in path order."""
    paths = list(paths)
    workers = (os.cpu_count() or 1) if jobs == 0 else jobs
    if workers <= 1 or len(paths) < 2:
        for path in paths:
            yield task(path, *args)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(paths))) as pool:
        yield from pool.map(task, paths, *([arg] * len(paths) for arg in args), chunksize=_chunk(len(paths), workers))


def _chunk(count: int, workers: int) -> int:
    return max(1, min(16, count // (workers * 4)))
