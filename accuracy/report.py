"""Reports of an evaluation, in Markdown: the full one printed by score.py (every miss and false
positive with its reason), and docs/accuracy.md (the test split's numbers with dev's beside them,
how the set was made and what it cannot see)."""
from __future__ import annotations

import re
from typing import Optional, Sequence

from accuracy.labelset import FAMILIES, ORIGINS, SPLITS, VERDICTS, Label
from accuracy.runner import LEVELS
from accuracy.scoring import SET_TARGETS, TARGETS, Evaluation, FamilyScore, by_file, in_split, origin_counts

COMMAND = "python accuracy/score.py --split all --write docs/accuracy.md"


def percent(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table; columns of numbers and percentages are right-aligned."""
    columns = list(zip(*rows)) if rows else [() for _ in header]
    rule = ["---:" if column and all(_numeric(cell) for cell in column) else "---" for column in columns]
    lines = [header, rule, *rows]
    return "".join("| " + " | ".join(str(cell) for cell in line) + " |\n" for line in lines)


def _numeric(cell: object) -> bool:
    return isinstance(cell, int) or cell == "n/a" or bool(re.fullmatch(r"\d+(\.\d+)?%", str(cell)))


def target_note(family: str, family_score: FamilyScore) -> str:
    notes = []
    for name, target, value in zip(("precision", "recall"), TARGETS[family],
                                   (family_score.precision, family_score.recall)):
        if target is not None and value is not None:
            notes.append(f"{name} {'meets' if value >= target else 'BELOW'} {target:.0%}")
    return "; ".join(notes) or "-"


def _verdicts(labels: list[Label], family: str) -> list[int]:
    return [sum(1 for label in labels if label.family == family and label.verdict == verdict) for verdict in VERDICTS]


def _counts(family_score: FamilyScore) -> list[object]:
    return [len(family_score.tp), len(family_score.fp), len(family_score.fn),
            percent(family_score.precision), percent(family_score.recall)]


def family_table(labels: list[Label], scores: dict[str, FamilyScore]) -> str:
    header = ["family", "bug", "clean", "ambiguous", "TP", "FP", "FN", "precision", "recall",
              "clean flagged", "ambiguous hits", "target"]
    rows = [[family, *_verdicts(labels, family), *_counts(s), s.clean_flagged, s.ambiguous_hits,
             target_note(family, s)] for family, s in scores.items()]
    return table(header, rows)


def confidence_table(evaluation: Evaluation, splits: Sequence[str]) -> str:
    """TP/FP/FN, precision and recall of each split at each min-confidence."""
    header = ["min-confidence", "family"]
    for split in splits:
        header += [f"{split} TP", f"{split} FP", f"{split} FN", f"{split} precision", f"{split} recall"]
    rows = []
    for level in LEVELS:
        by_split = [evaluation.scores(split, level) for split in splits]
        for family in FAMILIES:
            rows.append([level, family, *(cell for scores in by_split for cell in _counts(scores[family]))])
    return table(header, rows)


def details(scores: dict[str, FamilyScore]) -> str:
    """Every false positive and every missed bug span, with the label's reason."""
    out = []
    for family, s in scores.items():
        out.append(f"\n{family} false positives ({len(s.fp)}){':' if s.fp else '.'}\n")
        for fp in sorted(s.fp, key=lambda fp: (fp.source, fp.finding.path, fp.finding.cell or 0, fp.finding.line)):
            f = fp.finding
            cell = f"cell {f.cell}:" if f.cell is not None else ""
            out.append(f"- `{fp.source}` `{f.path}:{cell}{f.line}` {f.code} ({f.confidence}): {f.message}. "
                       f"Why false: {fp.reason}\n")
        out.append(f"\n{family} missed bug spans ({len(s.fn)}){':' if s.fn else '.'}\n")
        for label in sorted(s.fn, key=lambda label: (label.source, label.path, label.cell or 0, label.start)):
            code = f" {label.code}" if label.code else ""
            out.append(f"- `{label.where()}`{code} [{label.origin}]: {label.reason}\n")
    return "".join(out)


def split_table(labels: list[Label]) -> str:
    header = ["split", "labels", *VERDICTS, "files", "notebooks", "projects"]
    rows = []
    for split in SPLITS:
        mine = in_split(labels, split)
        files = by_file(mine)
        rows.append([split, len(mine), *(sum(1 for label in mine if label.verdict == v) for v in VERDICTS),
                     len(files), sum(1 for labels_ in files.values() if labels_[0].is_notebook),
                     len({label.source.project for label in mine})])
    return table(header, rows)


def origin_table(labels: list[Label]) -> str:
    counts = origin_counts(labels)
    header = ["origin", "labels", *VERDICTS, "files", "projects"]
    rows = [[origin, *(counts[origin][key] for key in header[1:])] for origin in ORIGINS]
    return table(header, rows)


def set_size_table(labels: list[Label]) -> str:
    """The set against the issue's targets, per split; `v1` counts the linter-assisted labels in it."""
    header = ["what", "target", "dev", "test", "all", "of which v1", "met"]
    v1 = [label for label in labels if label.origin == "v1"]
    rows = []
    for what, target, count in SET_TARGETS:
        total = count(labels)
        rows.append([what, target, count(in_split(labels, "dev")), count(in_split(labels, "test")), total,
                     count(v1), "yes" if total >= target else "no"])
    return table(header, rows)


def errors(evaluation: Evaluation) -> str:
    unreadable = sorted(evaluation.unreadable.items())
    lines = [f"- could not read `{source}` `{path}`: {why}\n" for (source, path), why in unreadable]
    lines += [f"- crash on `{source}` `{path}`: {why}\n" for (source, path), why in evaluation.crashes.items()]
    lines += [f"- label problem: {problem}\n" for problem in evaluation.span_problems]
    summary = (f"Crashes: {len(evaluation.crashes)}. Files that could not be read: {len(evaluation.unreadable)}. "
               f"Spans outside their file: {len(evaluation.span_problems)}.\n")
    return summary + ("\n" + "".join(lines) if lines else "")


def _overview(evaluation: Evaluation) -> str:
    labels = evaluation.labels
    files = by_file(labels)
    projects = {label.source.project for label in labels}
    return (f"{len(labels)} labels in {len(files)} files of {len(projects)} projects; "
            f"nograd-lint {evaluation.linter or '(version unknown)'}, run in {evaluation.seconds:.1f} s"
            f"{' on whole projects' if evaluation.scope == 'project' else ''}; "
            f"bug spans are found by findings' own lines{'' if not evaluation.related else ' and by their related locations'}.\n")


def console_report(evaluation: Evaluation, split: str, min_confidence: str) -> str:
    """The full report: each split's table and every false positive and miss, origins, set size, errors."""
    splits = ["dev", "test", "all"] if split == "all" else [split]
    out = [f"# nograd-lint accuracy: split {split}, min-confidence {min_confidence}\n\n", _overview(evaluation)]
    for name in splits:
        scores = evaluation.scores(name, min_confidence)
        out += [f"\n## {name}\n\n", family_table(in_split(evaluation.labels, name), scores), details(scores)]
    out += ["\n## At each min-confidence\n\n", confidence_table(evaluation, splits)]
    out += ["\n## Origins of the labels scored\n\n", origin_table(evaluation.labels)]
    out += ["\n## Set size against the issue's targets (every label file)\n\n", set_size_table(evaluation.all_labels)]
    out += ["\n## Errors\n\n", errors(evaluation)]
    return "".join(out)


def main_table(evaluation: Evaluation, min_confidence: str) -> str:
    """The test split's spans and scores, with dev's beside them."""
    test, dev = evaluation.scores("test", min_confidence), evaluation.scores("dev", min_confidence)
    header = ["family", "test bug", "test clean", "test ambiguous", "test TP", "test FP", "test FN",
              "test precision", "test recall", "dev bug", "dev TP", "dev FP", "dev FN", "dev precision",
              "dev recall", "target (test)"]
    rows = []
    for family in FAMILIES:
        rows.append([family, *_verdicts(in_split(evaluation.labels, "test"), family), *_counts(test[family]),
                     _verdicts(in_split(evaluation.labels, "dev"), family)[0], *_counts(dev[family]),
                     target_note(family, test[family])])
    return table(header, rows)


HOW_MADE = """\
- **Blind labels.** A file is labelled by reading its code and its upstream history, and its labels
  are committed before nograd-lint, its flake8 plugin or this script ever runs on it; labellers do
  not run the linter, and a label changes only with a reason from the code (`relabelled`), never to
  agree with the linter. The rules are in `accuracy/LABELLING.md`.
- **Splits fixed in advance, by repository.** `accuracy/splits.py` puts the development corpus
  repositories and the released-package (v1) labels in `dev` and every other repository in `dev` or
  `test` by a hash of its name, before anything in it is labelled. The linter is tuned on `dev`
  only; `test` is scored when an issue is finished, and its numbers are reported here unchanged.
- **Origins.** `fix-commit`: an upstream commit fixed a gradient-mode mistake, and the file is
  labelled at the fix's parent; `issue`: a public issue or pull request describes the mistake;
  `review`: a labeller found it (or its correct twin) by reading the code; `v1`: the labels of
  released packages made for the first version of the linter (dev only, see below).
- **Whole files.** A labelled file is labelled for all three families, so a finding anywhere
  outside a `bug` or `ambiguous` span of its family is a false positive.
- **References, not copies.** Labels name a repository commit (or a released archive), a path and
  a line span; the script rebuilds each project's whole tree and runs the `nograd-lint` command in
  it, as a user would, with the labelled files as arguments (`--scope project`: with the whole
  project too, so that callers in unlabelled files are seen; only labelled files are scored).
- Individual test-split misses and false positives are printed by the script, not listed here, so
  that nobody tunes the linter by reading this page.
"""

BIASES = """\
- **Noticed bugs.** Fix commits and issues favour mistakes that someone noticed and fixed, in
  projects with a history; mistakes nobody noticed come in only through review. Fix commits were
  found by searching diffs for gradient-context words, so fixes that never name a context are missed.
- **Research code over libraries.** Repositories with such fixes are mostly research and training
  code; library code comes mostly from the dev split (the development corpus and the v1 packages).
- **The v1 labels are partly linter-assisted.** Some of their files came in because the v1 linter
  reported something in them, which flatters its recall and precision; they are dev only.
- **The labellers are the team.** The people who label know the linter's rules; a mistake they do
  not recognise as one is neither labelled nor counted, and their notion of "evaluation" is the
  linter's.
- **Spans, not findings.** A bug span counts as found when any finding of its family starts inside
  it, whatever the finding says; findings in `ambiguous` spans count neither way.
- **Small counts.** With ten or fifteen bug spans in a family, one span moves recall by several
  points; read the counts, not only the percentages.
- **Public Python only.** Closed code, other languages' bindings and code generated at run time are
  unseen; a repository's callers outside it (which may disable gradients) are judged from the
  repository alone. Repositories reserved for independent evaluation are left out of the set.
"""


def accuracy_page(evaluation: Evaluation, min_confidence: str) -> str:
    """docs/accuracy.md: test numbers with dev beside them, the set, how it was made, its biases."""
    out = ["# Accuracy on real PyTorch code\n\n",
           f"Written by `{COMMAND}`; do not edit by hand.\nThe labels are in `accuracy/labels/` "
           "(format: `accuracy/LABELLING.md`; scoring rules: `accuracy/README.md`).\n\n",
           f"Rules NG1-NG3 with default settings, min-confidence `{min_confidence}`. ", _overview(evaluation)]
    if not in_split(evaluation.labels, "test"):
        out.append("\nThe test split has no labels yet: its columns are empty.\n")
    out += ["\n## Test split, with dev beside it\n\n", main_table(evaluation, min_confidence),
            "\nTP: bug spans with a finding of their family; FP: findings outside every bug and ambiguous\n"
            "span of their family; precision = TP / (TP + FP); recall = TP / (TP + FN).\n",
            "\n## At each min-confidence\n\n", confidence_table(evaluation, ["test", "dev"]),
            "\n## The set\n\n", split_table(evaluation.labels),
            "\nBy origin:\n\n", origin_table(evaluation.labels),
            "\nAgainst the targets of the issue that built it:\n\n", set_size_table(evaluation.all_labels),
            "\n## How the set was made\n\n", HOW_MADE,
            "\n## What it cannot see\n\n", BIASES,
            "\n## Errors\n\n", errors(evaluation),
            "\n## Reproduce\n\n",
            "Needs the package index and GitHub (or local git mirrors: `--git-mirrors DIR`); not part of CI.\n\n",
            f"```\n{COMMAND}\n```\n"]
    return "".join(out)
