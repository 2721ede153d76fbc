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

flake8 imports every installed plugin for every run, most of which select no NG code (`--select
E`). So this module knows the rule codes without importing the rules, and the analysis
(flake8_checks.py, libcst) is imported only once a run can report an NG code.
"""
from __future__ import annotations

import sys
from typing import Iterator, Optional, Sequence

from flake8.style_guide import Decision, DecisionEngine

from .. import __version__
from ..io.cache import cache_disabled
from ..io.config import ConfigError, Settings, parse_confidence, parse_torch_version

# Every rule's code, and the opinionated ones (off unless selected precisely); checked against the
# rules themselves in tests/test_flake8_plugin.py.
RULE_CODES = ("NG101", "NG102", "NG103", "NG104", "NG201", "NG202", "NG203", "NG204", "NG205", "NG206", "NG207",
              "NG208", "NG209", "NG210", "NG211", "NG301", "NG302", "NG303", "NG304", "NG305", "NG306", "NG307", "NG308", "NG401")
OFF_BY_DEFAULT = frozenset({"NG401"})


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
        manager.add_option("--nograd-torch-version", default="", parse_from_config=True,
                           help="nograd-lint: the oldest torch the code must run on (default: what the project "
                                "requires in pyproject.toml, setup.cfg, setup.py or requirements*.txt)")
        manager.extend_default_ignore(sorted(OFF_BY_DEFAULT))

    @classmethod
    def parse_options(cls, options) -> None:
        chosen = [*(getattr(options, "select", None) or ()), *(getattr(options, "extend_select", None) or ())]
        precise = tuple(code.upper() for code in chosen if code.upper().startswith("NG") and len(code) > 2)
        engine = DecisionEngine(options)
        reportable = tuple(code for code in RULE_CODES
                           if engine.decision_for(code) is Decision.Selected
                           and (code not in OFF_BY_DEFAULT or code.startswith(precise or ("-",))))
        cls.keep_suppressed = bool(getattr(options, "disable_noqa", False))
        cls.summaries = bool(getattr(options, "statistics", False))
        try:
            cls.settings = Settings(
                select=reportable,
                evaluation_names=tuple(name for name in options.nograd_evaluation_names or () if name),
                fix_context=options.nograd_fix_context,
                min_confidence=parse_confidence(options.nograd_min_confidence),
                torch_version=(parse_torch_version(options.nograd_torch_version)
                               if options.nograd_torch_version else None),
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
            from . import flake8_checks  # the analysis, imported once an NG code can be reported
            found = flake8_checks.findings(self)
        except RecursionError:
            self._note("cannot analyse: nesting too deep")
            return
        except Exception as error:  # noqa: BLE001 - a plugin must never take flake8 down
            from ..io.files import safe_text
            self._note(f"internal error, please report it: {type(error).__name__}: {safe_text(error)}")
            return
        for line, column, text in found:
            yield line, column, text, type(self)

    def _note(self, message: str) -> None:
        print(f"nograd-lint: {self.filename}: {message}; its NG checks were skipped", file=sys.stderr)
