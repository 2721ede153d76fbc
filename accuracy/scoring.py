"""Scoring findings against labels, per family and split.

Per family (a finding's family is the first three characters of its code):

- TP: a `bug` span with at least one finding of its family on a line inside it (in a notebook:
  the finding's cell is the label's `cell` and its line, counted within the cell, is inside), or
  with a related location of one inside it: a helper's finding names the calls it rests on, and
  a label on the calling loop is the same bug (`related=False` scores findings' own lines only);
- FN: a `bug` span without one;
- FP: a finding in a labelled file outside every `bug` and `ambiguous` span of its family (files
  are labelled exhaustively); findings inside `ambiguous` spans count as neither (ambiguous hits);
- clean spans flagged: `clean` spans with a finding of their family (each such finding is an FP).

A file that could not be read or analysed is left out of the scores and reported as an error.
"""
from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from typing import Callable, Optional

from accuracy.labelset import FAMILIES, ORIGINS, Label, Source
from accuracy.runner import LEVELS, FileRun, Finding

SPLIT_CHOICES = ("dev", "test", "all")
# (precision, recall) the issue asks of each family; None: no target.
TARGETS = {"NG1": (0.95, 0.85), "NG2": (0.95, None), "NG3": (0.95, None)}

FileKey = tuple[Source, str]


@dataclasses.dataclass(frozen=True)
class FalsePositive:
    source: Source
    finding: Finding
    clean: Optional[Label]  # the clean span it falls in, if any

    @property
    def reason(self) -> str:
        return f"labelled clean: {self.clean.reason}" if self.clean else "outside every labelled span"


@dataclasses.dataclass
class FamilyScore:
    tp: list[Label] = dataclasses.field(default_factory=list)
    fn: list[Label] = dataclasses.field(default_factory=list)
    fp: list[FalsePositive] = dataclasses.field(default_factory=list)
    clean_quiet: int = 0
    clean_flagged: int = 0
    ambiguous_hits: int = 0

    @property
    def precision(self) -> Optional[float]:
        found = len(self.tp) + len(self.fp)
        return len(self.tp) / found if found else None

    @property
    def recall(self) -> Optional[float]:
        spans = len(self.tp) + len(self.fn)
        return len(self.tp) / spans if spans else None


@dataclasses.dataclass
class Evaluation:
    """Everything a report needs: the labels scored, every label of the set, the linter's runs
    and what went wrong."""

    labels: list[Label]
    all_labels: list[Label]
    runs: dict[FileKey, FileRun] = dataclasses.field(default_factory=dict)
    unreadable: dict[FileKey, str] = dataclasses.field(default_factory=dict)
    span_problems: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0
    linter: str = ""  # the version of the linter measured
    related: bool = True  # related locations of findings can make bug spans true positives
    scope: str = "labelled"  # what each run checked (see runner.SCOPES)

    def scores(self, split: str, min_confidence: str) -> dict[str, FamilyScore]:
        return score(in_split(self.labels, split), self.runs, min_confidence, self.related)

    @property
    def crashes(self) -> dict[FileKey, str]:
        return {key: run.error for key, run in sorted(self.runs.items()) if run.error}

    @property
    def failed(self) -> bool:
        return bool(self.unreadable or self.span_problems or self.crashes)


def in_split(labels: list[Label], split: str) -> list[Label]:
    return list(labels) if split == "all" else [label for label in labels if label.split == split]


def by_file(labels: list[Label]) -> dict[FileKey, list[Label]]:
    groups: dict[FileKey, list[Label]] = defaultdict(list)
    for label in labels:
        groups[label.file_key].append(label)
    return groups


def covers(label: Label, finding: Finding) -> bool:
    """Whether the finding is of the label's family and starts inside its span (and cell)."""
    return (finding.family == label.family and finding.cell == label.cell
            and label.start <= finding.line <= label.end)


def at_least(findings: list[Finding], min_confidence: str) -> list[Finding]:
    """The findings of families NG1-NG3 at `min_confidence` or above."""
    floor = LEVELS.index(min_confidence)
    return [f for f in findings if f.family in FAMILIES and LEVELS.index(f.confidence) >= floor]


def score(labels: list[Label], runs: dict[FileKey, FileRun], min_confidence: str = "medium",
          related: bool = True) -> dict[str, FamilyScore]:
    scores = {family: FamilyScore() for family in FAMILIES}
    for key, file_labels in by_file(labels).items():
        run = runs.get(key)
        if run is None or run.error:
            continue
        findings = [f for f in at_least(run.findings, min_confidence) if related or not f.related]
        for label in file_labels:
            _score_label(label, [f for f in findings if f.related or _verdict_at(f, file_labels) == label.verdict],
                         scores[label.family])
        for finding in findings:
            if not finding.related:
                _score_finding(key[0], finding, file_labels, scores[finding.family])
    return scores


def _score_label(label: Label, findings: list[Finding], family: FamilyScore) -> None:
    hit = any(covers(label, finding) for finding in findings)
    if label.verdict == "bug":
        (family.tp if hit else family.fn).append(label)
    elif label.verdict == "clean":
        if any(covers(label, finding) and not finding.related for finding in findings):
            family.clean_flagged += 1
        else:
            family.clean_quiet += 1


def _verdict_at(finding: Finding, labels: list[Label]) -> Optional[str]:
    """The verdict a finding's line gets: `bug` over `ambiguous` over `clean` (an ambiguous
    statement inside a clean function is ambiguous); None outside every span."""
    verdicts = {label.verdict for label in labels if covers(label, finding)}
    return next((verdict for verdict in ("bug", "ambiguous", "clean") if verdict in verdicts), None)


def _score_finding(source: Source, finding: Finding, labels: list[Label], family: FamilyScore) -> None:
    verdict = _verdict_at(finding, labels)
    if verdict == "bug":
        return
    if verdict == "ambiguous":
        family.ambiguous_hits += 1
        return
    around = [label for label in labels if covers(label, finding)]
    family.fp.append(FalsePositive(source, finding, next(iter(around), None)))


def _bug_spans(family: str) -> Callable[[list[Label]], int]:
    return lambda labels: sum(1 for label in labels if label.family == family and label.verdict == "bug")


def _projects_with_bugs(family: str) -> Callable[[list[Label]], int]:
    return lambda labels: len({label.source.project for label in labels
                               if label.family == family and label.verdict == "bug"})


# What the issue asks the set to hold: (what, target, how to count it).
SET_TARGETS: tuple[tuple[str, int, Callable[[list[Label]], int]], ...] = (
    ("NG1 bug spans", 60, _bug_spans("NG1")),
    ("projects with an NG1 bug span", 30, _projects_with_bugs("NG1")),
    ("NG2 bug spans", 10, _bug_spans("NG2")),
    ("NG3 bug spans", 15, _bug_spans("NG3")),
    ("clean spans", 150, lambda labels: sum(1 for label in labels if label.verdict == "clean")),
    ("notebooks", 10, lambda labels: len({label.file_key for label in labels if label.is_notebook})),
)


def origin_counts(labels: list[Label]) -> dict[str, Counter]:
    """For each origin: its labels by verdict, plus `files` and `projects`."""
    counts = {origin: Counter() for origin in ORIGINS}
    for origin in ORIGINS:
        mine = [label for label in labels if label.origin == origin]
        counts[origin].update(label.verdict for label in mine)
        counts[origin]["labels"] = len(mine)
        counts[origin]["files"] = len({label.file_key for label in mine})
        counts[origin]["projects"] = len({label.source.project for label in mine})
    return counts
