"""Finding the files to check, and checking them (in parallel with `--jobs`).

A Jupyter notebook's code cells are checked as one program (see notebooks.py); its findings are
then placed within their cells.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import stat
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence, Union

import libcst as cst

from .config import Settings, is_excluded
from .gitignore import GitIgnore
from ..diagnostics import Diagnostic, Fix
from ..fixes.fixer import FixError, _next_fix, fix_source
from ..analysis.project import Prepass, Reads, prepared_module, recording
from ..fixes.linediff import opcodes
from ..linter import lint_tree, lint_unparsed, relevant_rules
from .notebooks import Notebook, NotebookError, is_notebook
from .deep import call_deep
from .sources import (LibcstCannotParse, SourceError, check_syntax, decode_unknown_cookie, digest, parse, python_tree,
                      read_bytes, worth_parsing, write_if_unchanged)

PYTHON_SUFFIXES = (".py", ".pyi")
NOTEBOOK_SUFFIX = ".ipynb"


@dataclasses.dataclass
class Discovered:
    """What discovery found: files to check (sorted, each real file once), errors for paths that
    cannot be checked (missing, unreadable), and notes for paths skipped on purpose."""

    files: list[str] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)


def discover(paths: Sequence[str], settings: Settings, root: Optional[Path] = None) -> Discovered:
    """Directories are walked for `*.py`/`*.pyi` (and `*.ipynb` unless notebooks are off), skipping
    `exclude` and `extend-exclude` matches and (unless `respect-gitignore` is off) what `.gitignore`
    files ignore; a file named explicitly is checked whatever its suffix,
    unless it matches a configured exclude or is a notebook while notebooks are off. Special files
    (FIFOs, devices, sockets) are skipped with a note: reading one could block forever. A file
    reached by two spellings (a relative and an absolute path, a symbolic link) is checked once.
    """
    found = Discovered()
    seen: dict[str, str] = {}  # real path -> the spelling kept
    for raw in paths:
        kind = _kind(raw)
        if kind == "directory":
            candidates = _walk(Path(raw), settings, root, found)
        elif kind == "file":
            excluded = is_excluded(raw, settings.file_excludes, root) or (not settings.notebooks and is_notebook(raw))
            candidates = [] if excluded else [os.path.normpath(raw)]
        else:
            _report(raw, kind, found)
            continue
        for path in candidates:
            real = os.path.realpath(path)
            if real not in seen:
                seen[real] = path
                found.files.append(path)
    found.files.sort()
    return found


def _kind(path: Union[str, Path]) -> str:
    """"file", "directory", "missing", "special" (not a regular file), or an error's text."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "missing"
    except OSError as error:
        return error.strerror or str(error)
    if stat.S_ISDIR(mode):
        return "directory"
    return "file" if stat.S_ISREG(mode) else "special"


def _report(path: Union[str, Path], kind: str, found: Discovered) -> None:
    shown = display_path(str(path))
    if kind == "missing":
        found.errors.append(f"{shown}: no such file or directory")
    elif kind == "special":
        found.notes.append(f"{shown}: not a regular file (a FIFO, device or socket); skipped")
    else:
        found.errors.append(f"{shown}: cannot read: {kind}")


def _walk(top: Path, settings: Settings, root: Optional[Path], found: Discovered) -> Iterator[str]:
    patterns = settings.walk_excludes
    suffixes = PYTHON_SUFFIXES + ((NOTEBOOK_SUFFIX,) if settings.notebooks else ())
    gitignore = GitIgnore(top) if settings.respect_gitignore else None

    def unreadable(error: OSError) -> None:
        found.errors.append(f"{display_path(str(error.filename))}: cannot read directory: {error.strerror or error}")

    for directory, dirs, files in os.walk(top, onerror=unreadable):
        here = Path(directory)
        dirs[:] = sorted(d for d in dirs if not is_excluded(here / d, patterns, root, name_only=True)
                         and not (gitignore and gitignore.ignored(here / d, is_directory=True)))
        for name in files:
            if (name.endswith(suffixes) and not is_excluded(here / name, patterns, root, name_only=True)
                    and not (gitignore and gitignore.ignored(here / name, is_directory=False))):
                kind = _kind(here / name)
                if kind == "file":
                    yield os.path.normpath(here / name)
                elif kind != "missing":  # a dangling symbolic link is not a file someone wrote
                    _report(here / name, kind, found)


def display_path(path: str) -> str:
    """A path as text that any output can carry: bytes of a file name that are not UTF-8 (kept
    by Python as surrogates) are shown as `\\xNN`."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")


@dataclasses.dataclass(frozen=True)
class Edit:
    """Replace the text from (line, column) up to (end_line, end_column), exclusive, by `content`.

    Lines and columns are 1-based and count characters; an edit that replaces whole lines ends at
    column 1 of the line after them. In a notebook, lines count within `cell`.
    """

    line: int
    column: int
    end_line: int
    end_column: int
    content: str
    cell: Optional[int] = None


@dataclasses.dataclass(frozen=True)
class Located(Diagnostic):
    """A diagnostic as reported for a file. In a notebook, `cell` is the cell's number and lines
    count within the cell. `edits` is what the fix changes, as nograd-fix would apply it on its own
    (None: not computed; empty: the fixed code would not compile, so nograd-fix would leave it)."""

    cell: Optional[int] = None
    edits: Optional[tuple[Edit, ...]] = dataclasses.field(default=None, compare=False)

    @property
    def sort_key(self) -> tuple:
        return (self.cell or 0, self.line, self.column, self.code)


@dataclasses.dataclass
class FileResult:
    """What checking or fixing one file gave; positions refer to the file as it is on disk afterwards."""

    path: str
    diagnostics: list[Located] = dataclasses.field(default_factory=list)
    error: Optional[str] = None
    applied: list[Located] = dataclasses.field(default_factory=list)
    original: Optional[bytes] = None
    fixed: Optional[bytes] = None
    digest: Optional[str] = None  # of the content checked (set by `lint_data`)
    reads: Optional[Reads] = None  # what checking it read besides the file (set by `lint_data`)
    internal: bool = False  # the error is a failure of nograd-lint, not a property of the file
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.fixed is not None and self.fixed != self.original


def lint_path(path: str, settings: Settings, edits: bool = False) -> FileResult:
    shown = display_path(path)
    try:
        data = read_bytes(path, shown)
    except SourceError as error:
        return FileResult(shown, error=str(error))
    return lint_data(data, shown, settings, edits)


def lint_data(data: bytes, path: str, settings: Settings, edits: bool = False) -> FileResult:
    """Lint source bytes (or a notebook); with `edits`, each fix's edits are computed too. The
    result says what was checked (`digest`) and what else its analysis read (`reads`)."""
    with recording(path) if settings.project else contextlib.nullcontext(Reads()) as reads:
        result = isolated(path, data, _lint_data, data, path, settings, edits)
    result.digest, result.reads = digest(data), reads
    return result


def _lint_data(data: bytes, path: str, settings: Settings, edits: bool) -> FileResult:
    settings = settings.for_path(path)
    notebook: Optional[Notebook] = None
    source, _, notes = _readable(data, path)
    try:
        if is_notebook(path):
            notebook = Notebook.from_bytes(data)
            source = notebook.program
        module, diagnostics = _analysed(source, path, settings)
        return FileResult(path, _located(diagnostics, notebook, path, module if edits else None), notes=notes,
                          error=notebook.broken_text(path, checked=True) if notebook is not None else None)
    except NotebookError as error:
        return FileResult(path, error=f"{path}: {error}", notes=notes)
    except SourceError as error:
        return FileResult(path, error=_message(str(error), notebook, path), notes=notes)


def _readable(data: Union[str, bytes], path: str) -> tuple[Union[str, bytes], Optional[str], list[str]]:
    """(what the analysis reads, the codec that writes it back, notes): the source as it is (an
    editor's text, bytes), or, when the coding cookie of bytes names a codec this Python does not
    know, their text as flake8 reads it."""
    decoded = decode_unknown_cookie(data) if isinstance(data, bytes) else None
    if decoded is None:
        return data, None, []
    text, codec, cookie = decoded
    read_as = "UTF-8" if codec.startswith("utf-8") else "latin-1"
    return text, codec, [f"{path}: unknown encoding {cookie!r} in its coding cookie; read as {read_as}"]


def isolated(path: str, data: Optional[bytes], work: Callable[..., FileResult], *args) -> FileResult:
    """`work(*args)` on a big stack (see deep.py), any failure turned into this file's error: one
    file's crash never stops the others, and the message never formats the failing objects."""
    try:
        return call_deep(work, *args)
    except RecursionError:
        return FileResult(path, error=f"{path}: cannot analyse: nesting too deep", original=data)
    except Exception as error:  # noqa: BLE001 - one file's crash must not stop the others
        return FileResult(path, error=_internal_error(path, error), original=data, internal=True)


_PREFILTERED: dict[str, tuple] = {}  # path as shown -> (source, settings, rules), see `could_report`


def could_report(path: str, settings: Settings) -> Prepass:
    """For a run that analyses its files together (see `analyse_together`): could an enabled rule
    report something in the file at `path`, as checking it will decide, with the `ast` tree read to
    decide (None when none was) and its source. The answer is kept for that check: the pre-pass
    runs once a file."""
    shown = display_path(path)
    try:
        data = read_bytes(path, shown)
    except SourceError:
        return Prepass(True)  # its check reports it
    settings = settings.for_path(shown)
    source, _, _ = _readable(data, shown)
    if is_notebook(shown) or not worth_parsing(source):
        return Prepass(False)  # a notebook is never analysed together; a file without a call has no findings
    try:
        tree = python_tree(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None  # every signal on (see `signals_of`)
    rules = relevant_rules(source, settings, tree=tree, path=path)
    _PREFILTERED[shown] = (source, settings, rules)
    return Prepass(bool(rules), tree, source)


def _relevant_rules(source: Union[str, bytes], path: str, settings: Settings) -> list:
    """`relevant_rules`, or the answer `could_report` found for the same file and settings."""
    known = _PREFILTERED.pop(path, None)
    if known is not None and known[0] == source and known[1] == settings:
        return known[2]
    return relevant_rules(source, settings, path=path)


def _analysed(source: Union[str, bytes], path: str, settings: Settings):
    """(module, diagnostics); module is None when the pre-filters show nothing can be reported (a
    file the text filter skips is still checked for syntax errors)."""
    if not worth_parsing(source):
        check_syntax(source, path)
        return None, []
    rules = _relevant_rules(source, path, settings)
    if not rules:
        return None, []
    try:
        module = (prepared_module(path, source) if settings.project else None) or parse(source, path)
    except LibcstCannotParse as error:
        module, diagnostics = lint_unparsed(source, path, settings, error, rules=rules)
    else:
        text = source if isinstance(source, str) else source.decode(module.encoding, errors="replace")
        module, diagnostics = lint_tree(module, path, settings, text=text, rules=rules)
    if diagnostics:  # nograd-fix refuses code this Python cannot compile; so does the report
        check_syntax(source, path, full=True)
    return module, diagnostics


def _message(message: str, notebook: Optional[Notebook], path: str) -> str:
    return notebook.relocate_message(message, path) if notebook else message


def _internal_error(path: str, error: Exception) -> str:
    return f"{path}: internal error, please report it: {type(error).__name__}: {safe_text(error)}"


def safe_text(error: BaseException, limit: int = 300) -> str:
    """`str(error)`, cut to `limit` characters; a placeholder when formatting it fails (a message
    that holds a deep tree can itself exceed the recursion limit)."""
    try:
        text = str(error)
    except Exception:  # noqa: BLE001
        return "(message could not be formatted)"
    return text if len(text) <= limit else text[:limit] + "..."


def fix_path(path: str, settings: Settings, unsafe: bool, write: bool) -> FileResult:
    shown = display_path(path)
    try:
        data = read_bytes(path, shown)
    except SourceError as error:
        return FileResult(shown, error=str(error))
    result = fix_data(data, shown, settings, unsafe, write)
    if write and result.changed:
        try:
            write_if_unchanged(path, data, result.fixed, shown)
        except SourceError as error:
            return FileResult(shown, error=str(error), original=data)
        except OSError as error:
            return FileResult(shown, error=f"{shown}: cannot write: {error.strerror or error}", original=data)
    return result


def fix_data(data: bytes, path: str, settings: Settings, unsafe: bool, written: bool) -> FileResult:
    """Fix source bytes (or a notebook's cells). Positions refer to the fixed text when it is
    `written`, else to `data`."""
    return isolated(path, data, _fix_data, data, path, settings, unsafe, written)


def _fix_data(data: bytes, path: str, settings: Settings, unsafe: bool, written: bool) -> FileResult:
    settings = settings.for_path(path)
    notebook: Optional[Notebook] = None
    source, codec, notes = _readable(data, path)
    try:
        if is_notebook(path):
            notebook = Notebook.from_bytes(data)
            source = notebook.program
            if notebook.broken:  # fixed, it would still not run: left as it is
                return FileResult(path, error=notebook.broken_text(path), original=data, notes=notes)
        if not worth_parsing(source):
            check_syntax(source, path)
        outcome = fix_source(source, settings, unsafe, path)
    except NotebookError as error:
        return FileResult(path, error=f"{path}: {error}", original=data, notes=notes)
    except (SourceError, FixError) as error:
        return FileResult(path, error=_message(str(error), notebook, path), original=data, notes=notes)
    if outcome.unparsed is not None and outcome.legacy:
        notes.append(f"{path}: left unchanged: {outcome.unparsed}; its findings have no fixes")
    elif outcome.unparsed is not None:
        notes.append(f"{path}: left unchanged: libcst, the parser fixes are made with, cannot parse it "
                     f"({outcome.unparsed}), though Python can; its findings have no fixes")
    fixed = outcome.source.encode(codec) if codec else outcome.source
    if notebook is not None:
        fixed = notebook.with_program(outcome.source) if outcome.changed else data
    if written:
        applied, remaining = outcome.applied_in_fixed(), outcome.remaining
        if notebook is not None and outcome.changed:
            notebook = Notebook.from_bytes(fixed)
    else:
        applied, remaining = outcome.applied, outcome.remaining_in_original()
    return FileResult(path, _located(remaining, notebook, path), applied=_located(applied, notebook, path),
                      original=data, fixed=fixed, notes=notes)


def _located(diagnostics: list[Diagnostic], notebook: Optional[Notebook], path: str,
             module: Optional[cst.Module] = None) -> list[Located]:
    """Diagnostics placed in their cells, with their fix's edits when `module` is given, and
    without their fix closures, so they can cross process boundaries."""
    out = []
    for diagnostic in diagnostics:
        fix = diagnostic.fix
        edits = None
        if fix is not None:
            if module is not None:
                edits = _fix_edits(module, diagnostic, path, notebook)
            fix = Fix(fix.safety, fix.description, apply=None, anchor=None)  # type: ignore[arg-type]
        fields = {f.name: getattr(diagnostic, f.name) for f in dataclasses.fields(Diagnostic)}
        located = Located(**{**fields, "fix": fix}, edits=edits)
        out.append(_in_cell(located, notebook, path) if notebook else located)
    return sorted(out, key=lambda d: d.sort_key)


def _in_cell(diagnostic: Located, notebook: Notebook, path: str) -> Located:
    cell, line = notebook.locate(diagnostic.line)
    end_cell, end_line = notebook.locate(diagnostic.end_line)
    end_column = diagnostic.end_column
    if end_cell != cell:  # a node cannot run past its cell in IPython; clip it to the start line
        end_line, end_column = line, diagnostic.column
    related = tuple(dataclasses.replace(r, **dict(zip(("cell", "line"), notebook.locate(r.line))))
                    if r.path == path else r for r in diagnostic.related)
    return dataclasses.replace(diagnostic, cell=cell, line=line, end_line=end_line, end_column=end_column,
                               related=related)


def _fix_edits(module: cst.Module, diagnostic: Diagnostic, path: str, notebook: Optional[Notebook]) -> tuple[Edit, ...]:
    """The fix of `diagnostic` as edits of the file (of its cells, in a notebook)."""
    step = _next_fix(module, [diagnostic], unsafe=True)
    if step is None:
        return ()
    fixed = step[1].code
    try:
        check_syntax(fixed, path, full=True)
    except SourceError:
        return ()
    if notebook is None:
        return tuple(line_edits(module.code, fixed))
    return tuple(edit for cell, new in zip(notebook.cells, notebook.cell_sources(fixed)) if new != cell.source
                 for edit in line_edits(cell.source, new, cell.number))


_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+\Z")


def line_edits(old: str, new: str, cell: Optional[int] = None) -> list[Edit]:
    """The edits that turn `old` into `new`, one per run of changed lines (whole lines replaced)."""
    before, after = _LINE.findall(old), _LINE.findall(new)
    edits = []
    run: Optional[list[int]] = None
    for tag, i1, i2, j1, j2 in [*opcodes(before, after), ("equal", len(before), len(before), len(after), len(after))]:
        if tag != "equal":
            run = [i1, i2, j1, j2] if run is None else [run[0], i2, run[2], j2]
            continue
        if run is not None:
            (line, column), (end_line, end_column) = _start_of(before, run[0]), _start_of(before, run[1])
            edits.append(Edit(line, column, end_line, end_column, "".join(after[run[2]:run[3]]), cell))
            run = None
    return edits


def _start_of(lines: list[str], index: int) -> tuple[int, int]:
    """(line, column) where line `index` (0-based) starts; past the last line: the end of the text."""
    if index < len(lines) or not lines:
        return index + 1, 1
    last = lines[-1]
    if last.endswith(("\n", "\r")):
        return len(lines) + 1, 1
    return len(lines), len(last) + 1


def run_all(paths: Iterable[str], task: Callable[..., FileResult], jobs: int, *args) -> Iterator[FileResult]:
    """Run `task(path, *args)` for each path, in `jobs` processes (0: one per CPU), in path order."""
    paths = list(paths)
    workers = cpus() if jobs == 0 else jobs
    if workers <= 1 or len(paths) < 2:
        for path in paths:
            yield task(path, *args)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(paths))) as pool:
        yield from pool.map(task, paths, *([arg] * len(paths) for arg in args), chunksize=_chunk(len(paths), workers))


def cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _chunk(count: int, workers: int) -> int:
    return max(1, min(16, count // (workers * 4)))
