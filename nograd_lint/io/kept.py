"""Results of whole runs kept between runs: `nograd-lint` over the same files (named the same way,
from the same folder, with the same settings) reports what was kept when the files and everything
their analysis read are unchanged (freshness.py), and analyses otherwise.

A run over several files is kept as one: each file's findings depend on the calls the others make
(the grad mode a function starts in comes from all its callers in the run), so a change to any file
of the run, or a file added or removed, means the run is analysed again. A run over one file (the
CLI on a file, an editor's document) depends on that file and what it imports.
"""
from __future__ import annotations

import os
from typing import Any, Iterator, Optional, Sequence

from ..analysis.project import Reads, run_reads
from ..diagnostics import Confidence, Fix, FixSafety, Related
from .cache import ResultCache, key_of
from .files import Edit, FileResult, Located
from .freshness import Disk, Record, is_fresh, record_of
from .sources import SourceError, digest, read_bytes


class KeptRun:
    """One run's kept results, looked up before it analyses and written after."""

    def __init__(self, cache: ResultCache, paths: Sequence[str], *salt: Any,
                 contents: Optional[dict[str, Any]] = None) -> None:
        """`salt`: everything besides the files that decides the results (kind of run, settings);
        `contents`: the text to check of some paths, instead of what is on disk (an editor's buffer)."""
        self.cache = cache
        self.paths = list(paths)
        self.key = key_of(*salt, os.getcwd(), self.paths)
        self.disk = Disk()
        self.files: dict[str, Optional[str]] = {}
        for path in self.paths:
            absolute = os.path.abspath(path)
            if contents is not None and path in contents:
                self.files[absolute] = digest(contents[path])
                continue
            try:
                data = read_bytes(path)
            except SourceError:
                self.files[absolute] = None  # reported by the run itself; such a run is not kept
                continue
            self.disk.know(absolute, data)
            self.files[absolute] = digest(data)

    def lookup(self) -> Optional[Any]:
        """What was kept, when it still holds."""
        record = Record.from_json(self.cache.get(self.key))
        if record is None or not is_fresh(record, self.files, self.disk):
            return None
        return record.results

    def keep(self, results: Any, reads: Reads, analysed: Sequence[Optional[str]]) -> None:
        """Keep `results` (JSON) of an analysis that read `reads`; `analysed`: the digest of what
        was checked of each path. Nothing is kept when a file could not be read or changed while
        the run read it."""
        if list(analysed) != [self.files[os.path.abspath(path)] for path in self.paths] or None in analysed:
            return
        self.cache.put(self.key, record_of(self.files, reads, self.disk, results).to_json())


def kept_results(run: KeptRun) -> Optional[list[FileResult]]:
    """The kept results of a run of nograd-lint, in path order, when they still hold."""
    kept = run.lookup()
    if not isinstance(kept, list) or len(kept) != len(run.paths):
        return None
    try:
        return [result_from_json(value) for value in kept]
    except (TypeError, ValueError, KeyError, IndexError):
        return None


def keeping_results(run: KeptRun, results: Iterator[FileResult], together: bool = False) -> Iterator[FileResult]:
    """`results` (one per path, in path order) passed on as they come; when all have come, kept
    for the next run, with what checking each read (maybe in another process) and, for files
    analysed `together` beforehand, what that read in this process. A run where a file hit an
    internal error is not kept."""
    collected = []
    for result in results:
        collected.append(result)
        yield result
    if len(collected) != len(run.paths) or any(result.internal for result in collected):
        return
    reads = run_reads() if together else Reads()
    for result in collected:
        if result.reads is not None:
            reads.add(result.reads)
    run.keep([result_to_json(result) for result in collected], reads, [result.digest for result in collected])


# -- results as JSON --------------------------------------------------------------------------------
def result_to_json(result: FileResult) -> dict:
    return {"path": result.path, "error": result.error, "notes": list(result.notes),
            "diagnostics": [_diagnostic_to_json(d) for d in result.diagnostics]}


def result_from_json(value: dict) -> FileResult:
    error, notes = value["error"], value["notes"]
    if (not isinstance(value["path"], str) or not (error is None or isinstance(error, str))
            or not isinstance(notes, list) or not all(isinstance(note, str) for note in notes)):
        raise TypeError("not a kept result")
    return FileResult(value["path"], [_diagnostic_from_json(d) for d in value["diagnostics"]], error=error,
                      notes=notes)


def _diagnostic_to_json(diagnostic: Located) -> list:
    fix = diagnostic.fix
    edits = None if diagnostic.edits is None else [
        [e.line, e.column, e.end_line, e.end_column, e.content, e.cell] for e in diagnostic.edits]
    related = [[r.path, r.line, r.column, r.message, r.cell] for r in diagnostic.related]
    return [diagnostic.code, diagnostic.message, diagnostic.line, diagnostic.column, diagnostic.end_line,
            diagnostic.end_column, int(diagnostic.confidence),
            None if fix is None else [fix.safety.value, fix.description], diagnostic.cell, edits, related]


def _diagnostic_from_json(value: list) -> Located:
    code, message, line, column, end_line, end_column, confidence, fix, cell, edits, related = value
    return Located(
        code=str(code), message=str(message), line=int(line), column=int(column), end_line=int(end_line),
        end_column=int(end_column), confidence=Confidence(confidence),
        fix=None if fix is None else Fix(FixSafety(fix[0]), str(fix[1]), apply=None),  # type: ignore[arg-type]
        cell=None if cell is None else int(cell),
        edits=None if edits is None else tuple(Edit(int(a), int(b), int(c), int(d), str(content),
                                                    None if n is None else int(n))
                                               for a, b, c, d, content, n in edits),
        related=tuple(Related(str(p), int(l), int(c), str(m), None if n is None else int(n))
                      for p, l, c, m, n in related))
