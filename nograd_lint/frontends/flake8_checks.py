"""What the flake8 plugin (flake8_plugin.py) does for one file: its findings, kept between runs
in `.nograd_cache/` at the file's project root with everything its analysis read."""
from __future__ import annotations

import ast
import contextlib
from typing import Optional

from ..analysis.evaluation import has_cells
from ..analysis.project import Reads, recording
from ..io.bare_trees import bare_module
from ..io.cache import ResultCache, cache_directory
from ..io.deep import call_deep
from ..io.garbage import freeze_kept
from ..io.kept import KeptRun
from ..io.sources import LibcstCannotParse, SourceError, digest, parse
from ..linter import could_report_on, lint_module, lint_unparsed, relevant_rules


def findings(checker) -> list[tuple[int, int, str]]:
    """(line, 0-based column, "CODE message") of each finding of `checker`'s file (a
    `NogradChecker`), on a big stack; then the kept heap is frozen (see io/garbage.py)."""
    found = call_deep(_findings_kept, checker)
    freeze_kept()
    return found


def _findings_kept(checker) -> list[tuple[int, int, str]]:
    source = "".join(checker.lines)
    kept = _kept_run(checker, source)
    found = _checked_findings(kept.lookup()) if kept is not None else None
    if found is None:
        with recording(checker.filename) if checker.settings.project else contextlib.nullcontext(Reads()) as reads:
            found = _findings(checker, source)
        if kept is not None:
            kept.keep(found, reads, [digest(source)])
    return [(line, column, text) for line, column, text in found]


def _kept_run(checker, source: str) -> Optional[KeptRun]:
    """This file's kept findings (a run of one file, as flake8 checks them), unless the cache is off."""
    if checker.caches is None:
        return None
    directory = cache_directory([checker.filename])
    cache = checker.caches.get(directory) or checker.caches.setdefault(directory, ResultCache(directory))
    return KeptRun(cache, [checker.filename], "flake8", checker.settings, checker.keep_suppressed, checker.summaries,
                   contents={checker.filename: source})


def _findings(checker, source: str) -> list[list]:
    """[line, 0-based column, "CODE message"] of each finding."""
    settings, tree = checker.settings, checker.tree
    rules = relevant_rules(source, settings, tree=tree, path=checker.filename)
    if not rules:
        return []
    bare = None
    if not has_cells(source):  # most files have no findings: decided on flake8's own tree first
        bare = bare_module(source, tree) if isinstance(tree, ast.Module) else None
        if bare is not None and not could_report_on(bare.module, checker.filename, settings, rules):
            return []
    try:
        module = parse(source, checker.filename)
    except LibcstCannotParse as error:  # CPython reads it: the findings of its tree built from `ast`
        diagnostics = lint_unparsed(source, checker.filename, settings, error, checker.keep_suppressed, rules,
                                    bare)[1]
    except SourceError:
        return []  # flake8 reports syntax errors itself (E999)
    else:
        diagnostics = lint_module(module, checker.filename, settings, text=source,
                                  keep_suppressed=checker.keep_suppressed, rules=rules)
    summaries = {rule.code: rule.summary for rule in rules} if checker.summaries else {}
    return [[d.line, d.column - 1, f"{d.code} {summaries.get(d.code, d.message)}"] for d in diagnostics]


def _checked_findings(kept) -> Optional[list]:
    """Kept findings as `_findings` gives them, or None for an entry of another shape."""
    if not isinstance(kept, list):
        return None
    if not all(isinstance(item, list) and len(item) == 3 and isinstance(item[0], int) and isinstance(item[1], int)
               and isinstance(item[2], str) for item in kept):
        return None
    return kept
