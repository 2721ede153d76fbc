"""Run the enabled rules over one file and turn their findings into positioned diagnostics."""
from __future__ import annotations

import dataclasses
import os
from typing import Optional, Union

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider

from .io.config import Settings
from .diagnostics import Diagnostic, Related
from .analysis.gradmode import analyze
from .analysis.project import analyse_alone, imports_grad_code, on_libcst_tree, prepared_module
from .analysis.prefilter import signals_of
from .analysis.treewalk import children
from .rules import all_rules
from .io.bare_trees import BareModule, bare_or_none
from .io.noqa import NoqaMap
from .io.sources import LibcstCannotParse, indent_shifts, parse, read_bytes, worth_parsing
from .suppression import fix_blocked, header_lines, silenced


def enabled_rules(settings: Settings):
    return [rule() for rule in all_rules() if settings.is_enabled(rule.code, rule.default_enabled)]


class Positions:
    """Node positions, computed once per module and only when something is reported; columns are
    those of `text` (the source as written) where its indentation differs from the module's."""

    def __init__(self, module: cst.Module, text: Optional[str] = None) -> None:
        self.module = module
        self.text = text
        self._positions = None
        self._shifts: Optional[dict[int, int]] = None

    def of(self, node: cst.CSTNode):
        if self._positions is None:
            self._positions = MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider)
        return self._positions[node]

    def column(self, position) -> int:
        """The 1-based column of a libcst `CodePosition` in the text as written."""
        if self._shifts is None:
            # Only a form feed in an indentation makes the parser's text differ there (sources.py).
            self._shifts = indent_shifts(self.text, self.module.code) if self.text and "\f" in self.text else {}
        return position.column + 1 + self._shifts.get(position.line, 0)


class BarePositions:
    """Node positions in a tree built from `ast` (io/bare_trees.py), as `Positions` gives them:
    the source's, which that tree kept; a node it kept none for (a line of simple statements, a
    block, a `with` item) spans its parts that have one (None when none has)."""

    def __init__(self, bare: BareModule) -> None:
        self.bare = bare

    def of(self, node: cst.CSTNode) -> Optional[CodeRange]:
        span = self.bare.position(node)
        if span is None:
            first, last = self._placed(node, first=True), self._placed(node, first=False)
            if first is None or last is None:
                return None
            span = (*first[:2], *last[2:])
        return CodeRange(CodePosition(span[0], span[1]), CodePosition(span[2], span[3]))

    def _placed(self, node: cst.CSTNode, first: bool) -> Optional[tuple[int, int, int, int]]:
        """The position of the first (else the last) part of `node` that has one, in source order."""
        parts = list(children(node))
        for part in parts if first else reversed(parts):
            span = self.bare.position(part) or self._placed(part, first)
            if span is not None:
                return span
        return None

    @staticmethod
    def column(position: CodePosition) -> int:
        return position.column + 1


def positions_of(analysis) -> Union[Positions, BarePositions]:
    """The positions of the module an analysis read: those a tree built from `ast` kept, or libcst's."""
    bare = analysis.cache.get("bare")
    return BarePositions(bare) if bare is not None else Positions(analysis.module)


def relevant_rules(source: Union[str, bytes], settings: Settings, tree=None, path: Optional[str] = None) -> list:
    """The enabled rules that could report something in this file (none: skip the libcst parse),
    as the `ast` pre-pass decides, rule by rule (`tree`: an `ast` tree at hand, as flake8 has).
    With the file's `path` (on disk, in a project), a file that backpropagates and names no
    grad-mode context counts as naming one when the project modules it imports do."""
    if not worth_parsing(source):
        return []
    rules = enabled_rules(settings)
    if not rules:
        return []
    signals = signals_of(source, settings.evaluation_names, tree)
    if path is not None and settings.project and signals.backward and not signals.grad_context:
        signals = dataclasses.replace(signals, grad_context=imports_grad_code(path, tree))
    return [rule for rule in rules if rule.relevant(signals)]


def needs_analysis(source: Union[str, bytes], settings: Settings) -> bool:
    """Could any enabled rule fire here? (See `relevant_rules`.)"""
    return bool(relevant_rules(source, settings))


def could_report_on(module: cst.Module, path: str, settings: Settings, rules: list) -> bool:
    """Would one of `rules` report something in `module` at the settings' confidence, noqa
    aside? Asked of a tree built from `ast` (io/bare_trees.py), it spares the libcst parse of the
    files without findings: the analysis reads such a tree as libcst's own, and a rule that
    cannot run on it answers yes. Comments are not in such a tree: a file with `# %%` cells,
    which split its runs of statements, is not asked."""
    settings = settings or Settings()
    try:
        analysis = analyse_alone(module, path) if settings.project else analyze(module, path)
    except Exception:  # noqa: BLE001 - the libcst tree decides
        return True
    return _reports_anything(analysis, settings, rules)


def _reports_anything(analysis, settings: Settings, rules: list) -> bool:
    """Does one of `rules` find something at the settings' confidence (noqa aside) in an analysis
    of a tree built from `ast`? Yes when a rule cannot run on such a tree."""
    try:
        return any(finding.confidence >= settings.min_confidence
                   for rule in rules for finding in rule.check(analysis, settings))
    except Exception:  # noqa: BLE001 - the libcst tree decides
        return True


def lint_module(module: cst.Module, path: str = "<string>", settings: Optional[Settings] = None,
                text: Optional[str] = None, keep_suppressed: bool = False, rules: Optional[list] = None) -> list[Diagnostic]:
    """Diagnostics for a parsed module (see `lint_tree`)."""
    return lint_tree(module, path, settings, text, keep_suppressed, rules)[1]


def lint_tree(module: cst.Module, path: str = "<string>", settings: Optional[Settings] = None,
              text: Optional[str] = None, keep_suppressed: bool = False, rules: Optional[list] = None,
              bare: Optional[BareModule] = None) -> tuple[cst.Module, list[Diagnostic]]:
    """(the tree analysed, diagnostics) for a parsed module: diagnostics sorted, with noqa (see suppression.py) and min-confidence
    applied. `rules` (from `relevant_rules`) narrows the enabled rules to those that could fire. A file on disk is
    analysed with its project (see analysis/project.py). `bare`: the tree built from `ast` that `module` is, for a
    file libcst cannot parse (see `lint_unparsed`): its findings are placed by the positions that tree kept and have
    no fix (fixes edit libcst's trees)."""
    settings = settings or Settings()
    analysis = analyse_alone(module, path, bare) if settings.project else analyze(module, path, bare=bare)
    if bare is None and "bare" in analysis.cache:  # analysed together from a tree built from `ast` (project.py)
        rules = enabled_rules(settings) if rules is None else rules
        if not _reports_anything(analysis, settings, rules):
            return module, []
        try:
            analysis = on_libcst_tree(path, parse(text if text is not None else read_bytes(path), path))
        except LibcstCannotParse:  # Python reads the file and libcst does not: the tree from `ast` it is
            bare = analysis.cache["bare"]
    module = analysis.module  # a run that analysed the project together parsed this file already: fixes use that tree
    positions = Positions(module, text) if bare is None else BarePositions(bare)
    elsewhere: dict[int, Union[Positions, BarePositions]] = {}  # positions in the modules of related locations
    noqa: Optional[NoqaMap] = None
    diagnostics: list[Diagnostic] = []
    for rule in enabled_rules(settings) if rules is None else rules:
        for finding in rule.check(analysis, settings):
            if finding.confidence < settings.min_confidence:
                continue
            where = positions.of(finding.node)
            fix = finding.fix
            if not keep_suppressed:
                if noqa is None:  # built on the first finding: most files have none
                    noqa = NoqaMap.of_text(text if text is not None else module.code)
                if noqa.lines:
                    header = header_lines(fix.anchor, positions.of) if fix is not None and fix.anchor else None
                    if silenced(noqa, rule.code, where.start.line, header):
                        continue
                    if fix is not None and bare is None and fix_blocked(module, fix, noqa, rule.code):
                        fix = None
            diagnostics.append(Diagnostic(
                code=rule.code, message=finding.message, line=where.start.line,
                column=positions.column(where.start), end_line=where.end.line, end_column=positions.column(where.end),
                confidence=finding.confidence, fix=fix if bare is None else None,
                related=tuple(sorted(filter(None, (_related(r, analysis, path, positions, elsewhere)
                                                   for r in finding.related)),
                                     key=lambda r: (r.path != path, r.path, r.line, r.column))),
            ))
    return module, sorted(set(diagnostics), key=lambda d: d.sort_key)


def lint_unparsed(source: Union[str, bytes], path: str, settings: Optional[Settings], error: LibcstCannotParse,
                  keep_suppressed: bool = False, rules: Optional[list] = None,
                  bare: Optional[BareModule] = None) -> tuple[cst.Module, list[Diagnostic]]:
    """`lint_tree` of a file CPython parses and libcst does not (`error`, raised again when no tree
    can be built from `ast`: a construct io/bare_trees.py does not build): analysed on its tree
    built from `ast` (the one a run that analysed it together read, else `bare`, else one built
    now), its findings placed by that tree's positions, none with a fix."""
    settings = settings or Settings()
    module = prepared_module(path, source) if settings.project else None  # lint_tree finds its tree
    if module is None:
        bare = bare or bare_or_none(source)
        if bare is None:
            raise error
        module = bare.module
    text = source if isinstance(source, str) else source.decode(module.encoding, errors="replace")
    return lint_tree(module, path, settings, text, keep_suppressed, rules, bare)


def _related(related: tuple, analysis, path: str, positions, elsewhere: dict) -> Optional[Related]:
    """A finding's related (node, analysis, note) placed: in this file, or in another file of the
    project (named relative to the current folder when it is under it; not in another notebook,
    whose cells this file's output cannot name)."""
    node, where, note = related
    if where is not analysis and where.path.endswith(".ipynb"):
        return None
    placed = positions if where is analysis else elsewhere.setdefault(id(where), positions_of(where))
    place = placed.of(node)
    if place is None:  # a node a tree built from `ast` kept no position for
        return None
    return Related(path if where is analysis else _relative_to_cwd(where.path), place.start.line,
                   placed.column(place.start), note)


def _relative_to_cwd(path: str) -> str:
    """`path` relative to the current folder when it is inside it (as a run names its files),
    else as it is."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if relative == os.pardir or relative.startswith(os.pardir + os.sep) else relative


def lint_source(source: Union[str, bytes], path: str = "<string>", settings: Optional[Settings] = None,
                prefilter: bool = True) -> list[Diagnostic]:
    """Lint source text; raises `SourceError` when it cannot be parsed (a file only libcst cannot
    parse is linted as `lint_unparsed` says).

    With `prefilter`, files that no enabled rule could report are not parsed with libcst at all.
    """
    settings = settings or Settings()
    rules = relevant_rules(source, settings, path=path) if prefilter else None
    if rules == []:
        return []
    try:
        module = parse(source, path)
    except LibcstCannotParse as error:
        return lint_unparsed(source, path, settings, error, rules=rules)[1]
    text = source if isinstance(source, str) else source.decode(module.encoding, errors="replace")
    return lint_module(module, path, settings, text=text, rules=rules)
