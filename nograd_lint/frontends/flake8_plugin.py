"""The flake8 front end: codes `NG...`, 0-based columns, options registered with flake8.

flake8 does the selecting, ignoring and `# noqa` itself; the plugin asks flake8's own decision
engine which NG codes a run can report and runs only those rules (none for `--select E`: no file
is analysed). Opinionated rules (off by default, NG4xx) are on flake8's default ignore list and,
as flake8-bugbear does for its B9 warnings, run only when `--select`/`--extend-select` names them
more precisely than `NG` (`NG4`, `NG401`): flake8 would otherwise turn them on for `--select NG`
or for any configuration that sets `ignore =`.

A noqa on the header a finding's fix rewrites (the `def` line) silences it too (suppression.py);
`--disable-noqa` turns that off as well. With `--statistics`, messages are each rule's summary, so
that flake8's count line (which shows one message per code) describes every finding it counts.

Findings are kept between runs (io/kept.py) in `.nograd_cache/` at the file's project root, with
everything the file's analysis read: a file is analysed again when it, a module it imports (or
one those import), or the settings change. `NOGRAD_LINT_NO_CACHE=1` and `NOGRAD_LINT_CACHE_DIR`
work as for `nograd-lint`.
"""
from __future__ import annotations

import ast
import contextlib
import sys
from typing import Iterator, Optional, Sequence

from flake8.style_guide import Decision, DecisionEngine

from .. import __version__
from ..analysis.project import Reads, recording
from ..io.cache import ResultCache, cache_directory, cache_disabled
from ..io.config import ConfigError, Settings, parse_confidence
from ..linter import could_report_on, lint_module, relevant_rules
from ..rules import all_rules
from ..analysis.evaluation import has_cells
from ..io.bare_trees import bare_module
from ..io.deep import call_deep
from ..io.files import safe_text
from ..io.garbage import freeze_kept
from ..io.kept import KeptRun
from ..io.sources import SourceError, digest, parse


class NogradChecker:
    name = "nograd-lint"
    version = __version__
    settings: Optional[Settings] = Settings(select=("NG",))  # None: no NG code can be reported
    keep_suppressed = False
    summaries = False
    caches: Optional[dict] = None  # folder -> ResultCache; None: the cache is off

    def __init__(self, tree, lines: Sequence[str], filename: str = "<string>") -> None:
        # flake8 classifies plugins by their parameters: taking `tree` makes this a tree plugin.
        # The `ast` tree flake8 already built feeds the pre-pass, so it costs no extra parse.
        self.tree = tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, manager) -> None:
        manager.add_option("--nograd-evaluation-names", default="", parse_from_config=True, comma_separated_list=True,
                           help="nograd-lint: extra function names (or name words) that mean evaluation")
        manager.add_option("--nograd-fix-context", default="no_grad", parse_from_config=True,
                           choices=["no_grad", "inference_mode"],
                           help="nograd-lint: the context named in messages and fixes (default: no_grad)")
        manager.add_option("--nograd-min-confidence", default="medium", parse_from_config=True,
                           choices=["low", "medium", "high"],
                           help="nograd-lint: drop findings below this confidence (default: medium)")
        off = sorted(rule.code for rule in all_rules() if not rule.default_enabled)
        if off:
            manager.extend_default_ignore(off)

    @classmethod
    def parse_options(cls, options) -> None:
        chosen = [*(getattr(options, "select", None) or ()), *(getattr(options, "extend_select", None) or ())]
        precise = tuple(code.upper() for code in chosen if code.upper().startswith("NG") and len(code) > 2)
        engine = DecisionEngine(options)
        reportable = tuple(rule.code for rule in all_rules()
                           if engine.decision_for(rule.code) is Decision.Selected
                           and (rule.default_enabled or rule.code.startswith(precise or ("-",))))
        cls.keep_suppressed = bool(getattr(options, "disable_noqa", False))
        cls.summaries = bool(getattr(options, "statistics", False))
        try:
            cls.settings = Settings(
                select=reportable,
                evaluation_names=tuple(name for name in options.nograd_evaluation_names or () if name),
                fix_context=options.nograd_fix_context,
                min_confidence=parse_confidence(options.nograd_min_confidence),
            ) if reportable else None
        except ConfigError as error:  # a bad value in setup.cfg/.flake8/tox.ini (flake8 checks the command line)
            print(f"flake8: error: nograd-lint: {error}", file=sys.stderr)
            raise SystemExit(2) from error
        cls.caches = None if cache_disabled() else {}

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        """Findings as flake8 wants them. Nothing raises into flake8: a file this plugin cannot
        analyse (flake8 reports syntax errors itself, E999) gets a note on standard error."""
        if self.settings is None:
            return
        try:
            results = call_deep(self._results)
            freeze_kept()
        except RecursionError:
            self._note("cannot analyse: nesting too deep")
            return
        except Exception as error:  # noqa: BLE001 - a plugin must never take flake8 down
            self._note(f"internal error, please report it: {type(error).__name__}: {safe_text(error)}")
            return
        yield from results

    def _results(self) -> list[tuple[int, int, str, type]]:
        source = "".join(self.lines)
        kept = self._kept_run(source)
        found = _checked_findings(kept.lookup()) if kept is not None else None
        if found is None:
            with recording(self.filename) if self.settings.project else contextlib.nullcontext(Reads()) as reads:
                found = self._findings(source)
            if kept is not None:
                kept.keep(found, reads, [digest(source)])
        return [(line, column, text, type(self)) for line, column, text in found]

    def _kept_run(self, source: str) -> Optional[KeptRun]:
        """This file's kept findings (a run of one file, as flake8 checks them), unless the cache is off."""
        if self.caches is None:
            return None
        directory = cache_directory([self.filename])
        cache = self.caches.get(directory) or self.caches.setdefault(directory, ResultCache(directory))
        return KeptRun(cache, [self.filename], "flake8", self.settings, self.keep_suppressed, self.summaries,
                       contents={self.filename: source})

    def _findings(self, source: str) -> list[list]:
        """[line, 0-based column, "CODE message"] of each finding."""
        rules = relevant_rules(source, self.settings, tree=self.tree)
        if not rules:
            return []
        if not has_cells(source):  # most files have no findings: decided on flake8's own tree first
            bare = bare_module(source, self.tree) if isinstance(self.tree, ast.Module) else None
            if bare is not None and not could_report_on(bare.module, self.filename, self.settings, rules):
                return []
        try:
            module = parse(source, self.filename)
        except SourceError:
            return []  # flake8 reports syntax errors itself (E999)
        summaries = {rule.code: rule.summary for rule in rules} if self.summaries else {}
        return [[d.line, d.column - 1, f"{d.code} {summaries.get(d.code, d.message)}"]
                for d in lint_module(module, self.filename, self.settings, text=source,
                                     keep_suppressed=self.keep_suppressed, rules=rules)]

    def _note(self, message: str) -> None:
        print(f"nograd-lint: {self.filename}: {message}; its NG checks were skipped", file=sys.stderr)


def _checked_findings(kept) -> Optional[list]:
    """Kept findings as `_findings` gives them, or None for an entry of another shape."""
    if not isinstance(kept, list):
        return None
    if not all(isinstance(item, list) and len(item) == 3 and isinstance(item[0], int) and isinstance(item[1], int)
               and isinstance(item[2], str) for item in kept):
        return None
    return kept
