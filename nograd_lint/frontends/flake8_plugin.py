"""The flake8 front end: codes `NG...`, 0-based columns, options registered with flake8.

flake8 does the selecting, ignoring and `# noqa` itself. Opinionated rules (off by default, NG4xx)
are on flake8's default ignore list and, as flake8-bugbear does for its B9 warnings, run only when
`--select`/`--extend-select` names them more precisely than `NG` (`NG4`, `NG401`): flake8 would
otherwise turn them on for `--select NG` or for any configuration that sets `ignore =`.
"""
from __future__ import annotations

import sys
from typing import Iterator, Sequence

from .. import __version__
from ..io.config import ConfigError, Settings, parse_confidence
from ..linter import lint_module, relevant_rules
from ..rules import all_rules
from ..io.deep import call_deep
from ..io.files import safe_text
from ..io.sources import SourceError, parse


class NogradChecker:
    name = "nograd-lint"
    version = __version__
    settings = Settings(select=("NG",))

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
        try:
            cls.settings = Settings(
                select=("NG",),
                extend_select=precise,
                evaluation_names=tuple(name for name in options.nograd_evaluation_names or () if name),
                fix_context=options.nograd_fix_context,
                min_confidence=parse_confidence(options.nograd_min_confidence),
            )
        except ConfigError as error:  # a bad value in setup.cfg/.flake8/tox.ini (flake8 checks the command line)
            print(f"flake8: error: nograd-lint: {error}", file=sys.stderr)
            raise SystemExit(2) from error

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        """Findings as flake8 wants them. Nothing raises into flake8: a file this plugin cannot
        analyse (flake8 reports syntax errors itself, E999) gets a note on standard error."""
        try:
            results = call_deep(self._results)
        except RecursionError:
            self._note("cannot analyse: nesting too deep")
            return
        except Exception as error:  # noqa: BLE001 - a plugin must never take flake8 down
            self._note(f"internal error, please report it: {type(error).__name__}: {safe_text(error)}")
            return
        yield from results

    def _results(self) -> list[tuple[int, int, str, type]]:
        source = "".join(self.lines)
        rules = relevant_rules(source, self.settings, tree=self.tree)
        if not rules:
            return []
        try:
            module = parse(source, self.filename)
        except SourceError:
            return []  # flake8 reports syntax errors itself (E999)
        return [(diagnostic.line, diagnostic.column - 1, f"{diagnostic.code} {diagnostic.message}", type(self))
                for diagnostic in lint_module(module, self.filename, self.settings, text=source,
                                              keep_suppressed=True, rules=rules)]

    def _note(self, message: str) -> None:
        print(f"nograd-lint: {self.filename}: {message}; its NG checks were skipped", file=sys.stderr)
