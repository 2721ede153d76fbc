"""The accuracy scorer (accuracy/): label checks, span checks, reading the linter's output,
scoring arithmetic, notebook cells, reports, finding git mirrors, and one run end to end on a
git repository made here (no network)."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
from frontend_files.helpers import EVALUATE_WINDOWS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from accuracy import report, score  # noqa: E402
from accuracy.labelset import Label, Source, load_labels, overlap_problems, span_problems  # noqa: E402
from accuracy.runner import FileRun, Finding, parse_run  # noqa: E402
from accuracy.scoring import Evaluation, score as score_labels  # noqa: E402
from accuracy.splits import split_of  # noqa: E402
from accuracy.trees import extract, find_mirror  # noqa: E402

COMMIT = "0123456789abcdef0123456789abcdef01234567"
FIX = "89abcdef0123456789abcdef0123456789abcdef"
REPO = Source("github", "owner/name", COMMIT)
OTHER = Source("github", "someone/else", FIX)
PACKAGE = Source("pypi", "pkg", "1.0", "wheel")


def label(path="a.py", start=1, end=5, family="NG1", verdict="bug", source=REPO, split="dev", **extra) -> Label:
    fields = dict(reason=f"{verdict} {path}:{start}", origin="review")
    fields.update(extra)
    return Label(source=source, path=path, start=start, end=end, family=family, verdict=verdict, split=split, **fields)


def finding(line, path="a.py", code="NG101", confidence="medium", cell=None) -> Finding:
    return Finding(path, cell, line, code, f"{code} at {line}", confidence)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def header(repository: str) -> str:
    return f'repository = "{repository}"\nsplit = "{split_of(repository)}"\n'


GOOD_LABEL = f'''
[[label]]
commit = "{COMMIT}"
path = "tools/test.py"
start = 10
end = 42
family = "NG1"
code = "NG101"
verdict = "bug"
reason = "test() loops over the loader with autograd on"
origin = "fix-commit"
fixed_by = "{FIX}"
reference = "https://example.org/issues/12"
'''


# -- label files ---------------------------------------------------------------------------------

def test_a_valid_repository_file_loads(tmp_path):
    write(tmp_path / "labels" / "github", "owner__name.toml", header("github:owner/name") + GOOD_LABEL)
    labels, problems = load_labels(tmp_path / "labels")
    assert problems == []
    assert labels == [Label(source=REPO, path="tools/test.py", start=10, end=42, family="NG1", code="NG101",
                            verdict="bug", reason="test() loops over the loader with autograd on",
                            origin="fix-commit", fixed_by=FIX, reference="https://example.org/issues/12",
                            split=split_of("github:owner/name"))]


def test_every_problem_of_a_label_is_reported(tmp_path):
    bad = f'''
[[label]]
commit = "ABC"
path = "nb.ipynb"
start = 9
end = 3
family = "NG4"
code = "NG101"
verdict = "maybe"
reason = " "
origin = "v1"
fixed_by = "{FIX[:39]}"

[[label]]
commit = "{COMMIT}"
path = "a.py"
cell = 2
start = 1
end = 2
family = "NG1"
verdict = "bug"
reason = "r"
origin = "guess"
colour = "red"
fixed_in = "2.0"

[[label]]
commit = "{COMMIT}"
path = "../a.py"
start = "1"
end = 2
family = "NG1"
verdict = "bug"
origin = "review"
'''
    write(tmp_path / "labels" / "github", "owner__name.toml", header("github:owner/name") + bad)
    labels, problems = load_labels(tmp_path / "labels")
    assert labels == []
    where = "labels/github/owner__name.toml"
    assert problems == [
        f"{where}: label 1: commit must be 40 lowercase hex digits, not 'ABC'",
        f"{where}: label 1: family must be one of NG1, NG2, NG3, not 'NG4'",
        f"{where}: label 1: verdict must be one of bug, clean, ambiguous, not 'maybe'",
        f"{where}: label 1: origin 'v1' is for the released-package labels, and only they have it",
        f"{where}: label 1: code 'NG101' is not a rule code of family NG4",
        f"{where}: label 1: fixed_by must be 40 lowercase hex digits, not '{FIX[:39]}'",
        f"{where}: label 1: a notebook label needs `cell` (1-based among all cells)",
        f"{where}: label 1: need 1 <= start <= end, not start=9 end=3",
        f"{where}: label 1: reason is empty",
        f"{where}: label 2: unknown key 'colour'",
        f"{where}: label 2: unknown key 'fixed_in' (released-package labels only)",
        f"{where}: label 3: missing 'reason'",
        f"{where}: label 3: start must be a whole number, not '1'",
    ]


def test_origin_and_cell_values(tmp_path):
    text = f'''
[[label]]
commit = "{COMMIT}"
path = "a.py"
cell = 2
start = 1
end = 2
family = "NG1"
verdict = "bug"
reason = "r"
origin = "guess"
'''
    write(tmp_path / "labels" / "github", "owner__name.toml", header("github:owner/name") + text)
    assert load_labels(tmp_path / "labels")[1] == [
        "labels/github/owner__name.toml: label 1: origin must be one of fix-commit, issue, review, v1, not 'guess'",
        "labels/github/owner__name.toml: label 1: `cell` is for notebooks (.ipynb) only",
    ]


def test_header_problems(tmp_path):
    wrong_split = "test" if split_of("github:owner/name") == "dev" else "dev"
    write(tmp_path / "labels" / "github", "wrong_name.toml",
          f'repository = "github:owner/name"\nsplit = "{wrong_split}"\nnote = 1\n' + GOOD_LABEL)
    write(tmp_path / "labels" / "github", "nosplit.toml", 'repository = "owner/name"\n' + GOOD_LABEL)
    write(tmp_path / "labels" / "github", "broken.toml", "repository = \n")
    write(tmp_path / "labels" / "github", "empty.toml", header("github:owner/name"))
    labels, problems = load_labels(tmp_path / "labels")
    assert problems[0].startswith("labels/github/broken.toml: cannot read: ")
    assert problems[1:] == [
        "labels/github/empty.toml: a label file of github:owner/name is named owner__name.toml",
        "labels/github/empty.toml: no [[label]] tables",
        "labels/github/nosplit.toml: split must be one of dev, test, not None",
        "labels/github/nosplit.toml: repository must be github:OWNER/NAME, not 'owner/name'",
        "labels/github/wrong_name.toml: unknown key 'note' (known: label, repository, split)",
        f"labels/github/wrong_name.toml: split is '{wrong_split}' but accuracy/splits.py puts github:owner/name in "
        f"'{split_of('github:owner/name')}'",
        "labels/github/wrong_name.toml: a label file of github:owner/name is named owner__name.toml",
    ]
    assert len(labels) == 1  # the well-formed label of the misnamed file; its problems stop the run


def test_released_package_labels(tmp_path):
    text = '''split = "dev"

[[label]]
source = "pypi:pkg==1.0"
dist = "wheel"
path = "pkg/a.py"
start = 3
end = 4
family = "NG3"
verdict = "bug"
reason = "nested no_grad"
origin = "v1"
fixed_in = "pkg 1.1"

[[label]]
source = "pkg-1.0"
dist = "egg"
path = "pkg/a.py"
start = 3
end = 4
family = "NG3"
verdict = "bug"
reason = "r"
origin = "v1"

[[label]]
source = "pypi:pkg==1.0"
dist = "egg"
commit = "x"
path = "pkg/a.py"
start = 3
end = 4
family = "NG3"
verdict = "bug"
reason = "r"
origin = "review"
'''
    write(tmp_path / "labels", "pypi.toml", text)
    labels, problems = load_labels(tmp_path / "labels")
    assert [(x.source, x.fixed_in, x.split) for x in labels] == [(PACKAGE, "pkg 1.1", "dev")]
    assert problems == [
        "labels/pypi.toml: label 2: source must be pypi:NAME==VERSION, not 'pkg-1.0'",
        "labels/pypi.toml: label 3: unknown key 'commit' "
        "(repository labels only: the file needs a `repository` header)",
    ]


def test_overlapping_spans_of_one_family_with_different_verdicts():
    labels = [label(start=1, end=100), label(start=5, end=6), label(start=50, end=60, verdict="clean"),
              label(start=50, end=60, family="NG2", verdict="clean"),  # another family
              label(path="b.py", start=1, end=9), label(path="b.py", start=9, end=12, verdict="ambiguous"),
              label(path="nb.ipynb", cell=1, start=1, end=5),
              label(path="nb.ipynb", cell=2, start=1, end=5, verdict="clean")]  # another cell
    assert overlap_problems(labels) == [
        f"NG1 {REPO} a.py:1-100 (bug) overlaps 50-60 (clean)",
        f"NG1 {REPO} b.py:1-9 (bug) overlaps 9-12 (ambiguous)",
    ]


def test_an_ambiguous_statement_may_sit_inside_a_clean_function():
    """LABELLING.md's NG102 rule: `total += loss` in a clean training loop is ambiguous."""
    labels = [label(start=10, end=40, verdict="clean"), label(start=20, end=20, verdict="ambiguous"),
              label(start=30, end=45, verdict="ambiguous")]  # not inside: still a problem
    assert overlap_problems(labels) == [f"NG1 {REPO} a.py:10-40 (clean) overlaps 30-45 (ambiguous)"]
    runs = {(REPO, "a.py"): FileRun([finding(20)])}
    assert counts(score_labels(labels[:2], runs, "medium"))["NG1"] == (0, 0, 0, 0, 1, 1)
    runs = {(REPO, "a.py"): FileRun([finding(20), finding(25)])}
    assert counts(score_labels(labels[:2], runs, "medium"))["NG1"] == (0, 1, 0, 1, 0, 1)


# -- spans against the files ---------------------------------------------------------------------

def notebook_bytes(*cells: tuple[str, str]) -> bytes:
    return json.dumps({"cells": [{"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True)}
                                 for kind, source in cells],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def test_spans_must_lie_inside_the_file():
    data = b"a = 1\r\nb = 2\r\nc = 3\n\n"  # four lines, \r\n or \n
    assert span_problems([label(start=1, end=4), label(start=2, end=5)], data) == [
        f"{REPO} a.py:2-5 ends after the file's 4 lines"]


def test_notebook_spans_must_lie_inside_a_code_cell():
    data = notebook_bytes(("markdown", "# Title\n"), ("code", "import torch\nx = 1\ny = 2"))
    labels = [label(path="nb.ipynb", cell=2, start=1, end=3), label(path="nb.ipynb", cell=2, start=2, end=4),
              label(path="nb.ipynb", cell=1, start=1, end=1), label(path="nb.ipynb", cell=3, start=1, end=1)]
    assert span_problems(labels, data) == [
        f"{REPO} nb.ipynb:cell 2:2-4 ends after the cell's 3 lines",
        f"{REPO} nb.ipynb:cell 1:1-1: cell 1 is a markdown cell, not a code cell",
        f"{REPO} nb.ipynb:cell 3:1-1: the notebook has 2 cells",
    ]
    assert span_problems(labels[:1], b"{not json") == [f"{REPO} nb.ipynb: cannot read the notebook: "
                                                      "Expecting property name enclosed in double quotes: "
                                                      "line 1 column 2 (char 1)"]


# -- the linter's output --------------------------------------------------------------------------

def json_finding(path, line, cell=None, code="NG101", confidence="high") -> dict:
    return {"code": code, "message": "m", "path": path, "cell": cell, "line": line, "column": 1, "end_line": line,
            "end_column": 2, "confidence": confidence, "fix": None}


def json_output(findings: list) -> str:
    """What `nograd-lint --output-format json` prints (schema version 1)."""
    return json.dumps({"schema_version": 1, "tool": {"name": "nograd-lint", "version": "0"}, "findings": findings,
                       "errors": []})


def test_findings_are_read_per_file_and_notebook_findings_keep_their_cell():
    stdout = json_output([json_finding("a.py", 8), json_finding("nb.ipynb", 3, cell=2),
                         json_finding("not_asked.py", 1)])
    runs = parse_run(["a.py", "./nb.ipynb", "c.py"], 1, stdout, "Found 3 findings in 3 files checked.\n")
    assert runs == {
        "a.py": FileRun([Finding("a.py", None, 8, "NG101", "m", "high")]),
        "./nb.ipynb": FileRun([Finding("./nb.ipynb", 2, 3, "NG101", "m", "high")]),
        "c.py": FileRun([]),
    }


def test_a_plain_list_of_findings_is_read_as_earlier_releases_wrote_it():
    stdout = json.dumps([json.loads(json_output([json_finding("a.py", 8)]))["findings"][0]])
    runs = parse_run(["a.py", "b.py"], 1, stdout, "Found 1 finding in 2 files checked.\n")
    assert runs == {"a.py": FileRun([Finding("a.py", None, 8, "NG101", "m", "high")]), "b.py": FileRun([])}


def test_a_notebook_finding_without_a_cell_is_an_error_of_that_file():
    runs = parse_run(["nb.ipynb"], 1, json_output([json_finding("nb.ipynb", 3)]), "")
    assert runs["nb.ipynb"] == FileRun([], "the JSON output gives no cell for a notebook finding at line 3")


def test_an_error_message_is_a_crash_of_its_file_only():
    stderr = ("nograd-lint: error: src/a.py:3:5: cannot parse: invalid syntax\n"
              "Found 1 finding in 2 files checked. 1 file could not be checked.\n")
    runs = parse_run(["src/a.py", "src/a.pyx.py"], 2, json_output([json_finding("src/a.pyx.py", 1)]), stderr)
    assert runs["src/a.py"] == FileRun([], "src/a.py:3:5: cannot parse: invalid syntax")
    assert runs["src/a.pyx.py"] == FileRun([Finding("src/a.pyx.py", None, 1, "NG101", "m", "high")])


@pytest.mark.parametrize("returncode,stdout,stderr,error", [
    (1, "", "Traceback (most recent call last):\nKeyError: 'x'\n",
     "no JSON findings on standard output (KeyError: 'x')"),
    (2, json_output([]), "nograd-lint: error: pyproject.toml: cannot read: bad\n", "pyproject.toml: cannot read: bad"),
    (2, json_output([]), "", "exit status 2 without an error message (nothing on standard error)"),
    (-9, json_output([]), "", "exit status -9"),
])
def test_a_run_that_fails_as_a_whole_is_a_crash_of_every_file(returncode, stdout, stderr, error):
    assert parse_run(["a.py", "b.py"], returncode, stdout, stderr) == {"a.py": FileRun([], error),
                                                                     "b.py": FileRun([], error)}


def test_a_run_over_the_whole_project_reads_only_the_labelled_files():
    """With the project scope, another file's findings are not read and its error is its own; an
    error that names no source file is still a crash of every labelled file."""
    stderr = ("nograd-lint: error: vendor/broken.py:1:1: cannot parse: invalid syntax\n"
              "Found 2 findings in 9 files checked. 1 file could not be checked.\n")
    stdout = json_output([json_finding("a.py", 3), json_finding("scripts/run.py", 7)])
    assert parse_run(["a.py", "b.py"], 2, stdout, stderr, others_checked=True) == {
        "a.py": FileRun([Finding("a.py", None, 3, "NG101", "m", "high")]), "b.py": FileRun([])}
    error = "vendor/broken.py:1:1: cannot parse: invalid syntax"
    assert parse_run(["a.py"], 2, stdout, stderr) == {"a.py": FileRun([Finding("a.py", None, 3, "NG101", "m", "high")],
                                                                      error)}
    assert parse_run(["a.py"], 2, json_output([]), "nograd-lint: error: pyproject.toml: cannot read: bad\n",
                     others_checked=True) == {"a.py": FileRun([], "pyproject.toml: cannot read: bad")}


def test_a_finding_that_cannot_be_read_is_an_error():
    runs = parse_run(["a.py"], 1, json_output([json_finding("a.py", 1, confidence="certain")]), "")
    assert runs["a.py"].error.startswith("a finding the scorer cannot read (confidence 'certain'): ")


# -- scoring -------------------------------------------------------------------------------------

LABELS = [
    label(start=1, end=10),                          # bug, found by the finding at 5
    label(start=20, end=30),                         # bug, missed (only a low finding at 25)
    label(start=40, end=50, verdict="clean"),        # clean, flagged by the finding at 45: an FP
    label(start=60, end=70, verdict="clean"),        # clean, quiet
    label(start=80, end=90, verdict="ambiguous"),    # the finding at 85 counts neither way
    label(start=3, end=3, family="NG3"),             # NG3 bug, found by the NG301 at 3
    label(start=40, end=50, family="NG2", verdict="clean"),
    label(path="nb.ipynb", cell=2, start=1, end=4),  # found in cell 2 only
    label(path="nb.ipynb", cell=3, start=1, end=4),  # the finding at cell 4 line 2 is not in it
    label(path="broken.py", start=1, end=2),         # its file crashed: not scored
    label(path="t.py", start=1, end=9, split="test"),
]
FINDINGS = {
    (REPO, "a.py"): FileRun([finding(5), finding(6, confidence="high"), finding(25, confidence="low"), finding(45),
                             finding(85), finding(95), finding(3, code="NG301"), finding(45, code="NG201"),
                             finding(45, code="NG401")]),
    (REPO, "nb.ipynb"): FileRun([finding(2, path="nb.ipynb", cell=2), finding(2, path="nb.ipynb", cell=4)]),
    (REPO, "broken.py"): FileRun([finding(1, path="broken.py")], error="cannot parse"),
    (REPO, "t.py"): FileRun([finding(20, path="t.py")]),
}


def counts(scores):
    return {family: (len(s.tp), len(s.fp), len(s.fn), s.clean_flagged, s.clean_quiet, s.ambiguous_hits)
            for family, s in scores.items()}


def test_scoring_arithmetic():
    dev = [x for x in LABELS if x.split == "dev"]
    scores = score_labels(dev, FINDINGS, "medium")
    assert counts(scores) == {"NG1": (2, 3, 2, 1, 1, 1), "NG2": (0, 1, 0, 1, 0, 0), "NG3": (1, 0, 0, 0, 0, 0)}
    ng1 = scores["NG1"]
    assert (ng1.precision, ng1.recall) == (2 / 5, 2 / 4)
    assert [(x.path, x.cell, x.start) for x in ng1.tp] == [("a.py", None, 1), ("nb.ipynb", 2, 1)]
    assert [(x.path, x.cell, x.start) for x in ng1.fn] == [("a.py", None, 20), ("nb.ipynb", 3, 1)]
    assert [(fp.finding.path, fp.finding.cell, fp.finding.line, fp.reason) for fp in ng1.fp] == [
        ("a.py", None, 45, "labelled clean: clean a.py:40"),
        ("a.py", None, 95, "outside every labelled span"),
        ("nb.ipynb", 4, 2, "outside every labelled span"),
    ]
    assert (scores["NG2"].precision, scores["NG2"].recall) == (0.0, None)


def test_a_related_location_finds_a_bug_span_but_is_never_a_false_positive():
    """A helper's finding names the calls it rests on: a label on a calling loop is that bug."""
    raw = {"code": "NG101", "path": "helper.py", "cell": None, "line": 5, "message": "m", "confidence": "medium",
           "related": [{"path": "loops.py", "cell": None, "line": 12, "column": 9, "message": "called here"},
                       {"path": "loops.py", "cell": None, "line": 30, "column": 9, "message": "called here"},
                       {"path": "elsewhere.py", "cell": None, "line": 1, "column": 1, "message": "called here"}]}
    runs = parse_run(["helper.py", "loops.py"], 1, json_output([raw]), "")
    assert [(f.path, f.line, f.related) for f in runs["loops.py"].findings] == [
        ("loops.py", 12, True), ("loops.py", 30, True)]
    labels = [label(path="loops.py", start=10, end=14),                    # the calling loop: found
              label(path="loops.py", start=28, end=32, verdict="clean"),   # a clean caller: not flagged
              label(path="helper.py", start=4, end=6, verdict="ambiguous")]
    keyed = {(REPO, path): run for path, run in runs.items()}
    assert counts(score_labels(labels, keyed, "medium"))["NG1"] == (1, 0, 0, 0, 1, 1)
    assert counts(score_labels(labels, keyed, "medium", related=False))["NG1"] == (0, 0, 1, 0, 1, 1)


def test_min_confidence_and_splits():
    evaluation = Evaluation(LABELS, LABELS, runs=FINDINGS)
    assert counts(evaluation.scores("dev", "low"))["NG1"] == (3, 3, 1, 1, 1, 1)
    assert counts(evaluation.scores("dev", "high"))["NG1"] == (1, 0, 3, 0, 2, 0)
    assert counts(evaluation.scores("test", "medium"))["NG1"] == (0, 1, 1, 0, 0, 0)
    assert counts(evaluation.scores("all", "medium"))["NG1"] == (2, 4, 3, 1, 1, 1)
    assert evaluation.crashes == {(REPO, "broken.py"): "cannot parse"} and evaluation.failed


# -- reports -------------------------------------------------------------------------------------

def test_the_accuracy_page_shows_the_test_split_beside_dev():
    page = report.accuracy_page(Evaluation(LABELS, LABELS, runs=FINDINGS, seconds=1.25, linter="9.9"), "medium")
    assert page.startswith("# Accuracy on real PyTorch code\n\nWritten by `python accuracy/score.py --split all "
                           "--write docs/accuracy.md`; do not edit by hand.")
    assert ("Rules NG1-NG3 with default settings, min-confidence `medium`. 11 labels in 4 files of 1 projects; "
            "nograd-lint 9.9, run in 1.2 s; bug spans are found by findings' own lines and by their related "
            "locations.\n") in page
    assert (
        "| family | test bug | test clean | test ambiguous | test TP | test FP | test FN | test precision | "
        "test recall | dev bug | dev TP | dev FP | dev FN | dev precision | dev recall | target (test) |\n"
        "| --- |" + " ---: |" * 14 + " --- |\n"
        "| NG1 | 1 | 0 | 0 | 0 | 1 | 1 | 0.0% | 0.0% | 5 | 2 | 3 | 2 | 40.0% | 50.0% "
        "| precision BELOW 95%; recall BELOW 85% |\n"
        "| NG2 | 0 | 0 | 0 | 0 | 0 | 0 | n/a | n/a | 0 | 0 | 1 | 0 | 0.0% | n/a | - |\n"
        "| NG3 | 0 | 0 | 0 | 0 | 0 | 0 | n/a | n/a | 1 | 1 | 0 | 0 | 100.0% | 100.0% | - |\n") in page
    assert "| low | NG1 | 0 | 1 | 1 | 0.0% | 0.0% | 3 | 3 | 1 | 50.0% | 75.0% |\n" in page
    assert "| dev | 10 | 6 | 3 | 1 | 3 | 1 | 1 |\n| test | 1 | 1 | 0 | 0 | 1 | 0 | 1 |\n" in page
    assert "| review | 11 | 7 | 3 | 1 | 4 | 1 |\n" in page
    assert "| NG1 bug spans | 60 | 5 | 1 | 6 | 0 | no |\n" in page
    assert "| notebooks | 10 | 1 | 0 | 1 | 0 | no |\n" in page
    assert ("Crashes: 1. Files that could not be read: 0. Spans outside their file: 0.\n\n"
            f"- crash on `{REPO}` `broken.py`: cannot parse\n") in page
    for section in ("## How the set was made", "## What it cannot see", "**Blind labels.**", "**Noticed bugs.**",
                    "**The v1 labels are partly linter-assisted.**", "**The labellers are the team.**"):
        assert section in page
    assert "a.py:45" not in page  # test-split details are not published
    assert "no labels yet" not in page
    dev_only = [x for x in LABELS if x.split == "dev"]
    assert "The test split has no labels yet" in report.accuracy_page(Evaluation(dev_only, dev_only), "medium")


def test_the_console_report_lists_every_false_positive_and_miss_with_its_reason():
    text = report.console_report(Evaluation(LABELS, LABELS, runs=FINDINGS), "dev", "medium")
    assert "## test" not in text
    assert ("| NG1 | 5 | 2 | 1 | 2 | 3 | 2 | 40.0% | 50.0% | 1 | 1 | precision BELOW 95%; recall BELOW 85% |\n"
            in text)
    assert (f"\nNG1 false positives (3):\n"
            f"- `{REPO}` `a.py:45` NG101 (medium): NG101 at 45. Why false: labelled clean: clean a.py:40\n"
            f"- `{REPO}` `a.py:95` NG101 (medium): NG101 at 95. Why false: outside every labelled span\n"
            f"- `{REPO}` `nb.ipynb:cell 4:2` NG101 (medium): NG101 at 2. Why false: outside every labelled span\n"
            f"\nNG1 missed bug spans (2):\n"
            f"- `{REPO} a.py:20-30` [review]: bug a.py:20\n"
            f"- `{REPO} nb.ipynb:cell 3:1-4` [review]: bug nb.ipynb:1\n") in text
    assert "\nNG3 false positives (0).\n\nNG3 missed bug spans (0).\n" in text
    assert "- crash on" in text
    both = report.console_report(Evaluation(LABELS, LABELS, runs=FINDINGS), "all", "medium")
    assert [line for line in both.splitlines() if line.startswith("## ")][:3] == ["## dev", "## test", "## all"]


def test_write_needs_both_splits():
    for argv in (["--write", "x.md"], ["--split", "all", "--only", "a/b", "--write", "x.md"],
                 ["--split", "all", "--check-labels", "--write", "x.md"]):
        with pytest.raises(SystemExit):
            score.parse_arguments(argv)
    assert score.parse_arguments(["--split", "all", "--write", "x.md"]).write == Path("x.md")


def test_only_selects_one_repository_or_package():
    labels = [label(), label(source=OTHER), label(source=PACKAGE)]
    assert score.select(labels, "dev", "Owner/Name") == labels[:1]
    assert score.select(labels, "dev", "github:someone/else") == labels[1:2]
    assert score.select(labels, "dev", "pkg") == labels[2:]
    assert score.select(labels, "test", None) == []


# -- project trees -------------------------------------------------------------------------------

def test_an_sdist_is_extracted_below_its_top_folder_and_a_wheel_as_it_is(tmp_path):
    sdist = tmp_path / "pkg-1.0.tar.gz"
    write(tmp_path / "src", "pkg-1.0/pkg/a.py", "x = 1\n")
    with tarfile.open(sdist, "w:gz") as archive:
        archive.add(tmp_path / "src" / "pkg-1.0", arcname="pkg-1.0")
    extract(sdist, tmp_path / "sdist" / "tree", strip_top=True)
    wheel = tmp_path / "pkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("pkg/a.py", "x = 2\n")
        archive.writestr("../escape.py", "no")
    extract(wheel, tmp_path / "wheel" / "tree", strip_top=False)
    assert (tmp_path / "sdist" / "tree" / "pkg" / "a.py").read_text() == "x = 1\n"
    assert sorted(p.name for p in (tmp_path / "sdist").iterdir()) == ["tree"]
    assert (tmp_path / "wheel" / "tree" / "pkg" / "a.py").read_text() == "x = 2\n"
    assert not (tmp_path / "wheel" / "escape.py").exists()


# -- git mirrors ---------------------------------------------------------------------------------

def bare(folder: Path) -> Path:
    (folder / "objects").mkdir(parents=True)
    (folder / "HEAD").write_text("ref: refs/heads/main\n")
    return folder


def test_mirrors_are_found_in_each_layout(tmp_path):
    first = bare(tmp_path / "Owner+Name" / "repo")
    second = bare(tmp_path / "two+b")
    (tmp_path / "three" / "c" / ".git").mkdir(parents=True)
    fourth = bare(tmp_path / "four" / "d.git")
    assert find_mirror(tmp_path, "owner/name") == first
    assert find_mirror(tmp_path, "two/b") == second
    assert find_mirror(tmp_path, "three/c") == tmp_path / "three" / "c" / ".git"
    assert find_mirror(tmp_path, "four/d") == fourth
    assert find_mirror(tmp_path, "five/e") is None


# -- end to end: a repository made here, read from a mirror, linted by the installed command -----------

EVALUATE = '''\
import torch


def evaluate(model, loader):
    model.eval()
    correct = 0
    for images, targets in loader:
        correct += (model(images).argmax(1) == targets).sum().item()
    return correct


@torch.no_grad()
def evaluate_quietly(model, loader):
    model.eval()
    correct = 0
    for images, targets in loader:
        correct += (model(images).argmax(1) == targets).sum().item()
    return correct
'''
NOTEBOOK_CELL = EVALUATE.split("\n\n\n@torch")[0]


def git(*arguments: str, cwd: Path) -> str:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main",
               *arguments]
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def e2e_label(commit, path, start, end, verdict, family="NG1", cell=None) -> str:
    cell_line = f"cell = {cell}\n" if cell else ""
    return (f'\n[[label]]\ncommit = "{commit}"\npath = "{path}"\n{cell_line}start = {start}\nend = {end}\n'
            f'family = "{family}"\nverdict = "{verdict}"\nreason = "{verdict} {path}:{start}"\norigin = "review"\n')


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_scored_test_split_is_dev_from_then_on():
    """Repositories listed in spent-test-split.txt are dev whatever the hash of their name says,
    and every label file agrees with splits.py."""
    from accuracy import splits
    assert "ai4co/rl4co" in splits.SPENT_TEST_REPOSITORIES
    assert hashlib.sha256(b"ai4co/rl4co").digest()[0] % 2 == 1  # the hash alone says test
    assert split_of("github:ai4co/rl4co@" + "0" * 40) == "dev"
    assert split_of("github:AI4CO/RL4CO") == "dev"
    assert split_of("github:tiny/repo") == "test"
    for path in (ROOT / "accuracy" / "labels" / "github").glob("*.toml"):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert data["split"] == split_of(data["repository"]), path.name


def test_end_to_end_from_a_git_mirror(tmp_path, capsys):
    work = tmp_path / "work"
    work.mkdir()
    write(work, "pkg/evaluate.py", EVALUATE)
    write(work, "pkg/twin.py", EVALUATE)  # the same bug, labelled clean on purpose: a false positive
    (work / "nb.ipynb").write_bytes(notebook_bytes(("markdown", "# Evaluation\n"), ("code", NOTEBOOK_CELL)))
    write(work, ".gitattributes", "pkg/twin.py export-ignore\n")  # still part of the tree
    git("init", "-q", cwd=work)
    git("add", ".", cwd=work)
    git("commit", "-q", "-m", "evaluation", cwd=work)
    commit = git("rev-parse", "HEAD", cwd=work)
    git("clone", "-q", "--bare", str(work), str(tmp_path / "mirrors" / "tiny+repo" / "repo"), cwd=tmp_path)
    assert split_of("github:tiny/repo") == "test"
    labels = (header("github:tiny/repo") + e2e_label(commit, "pkg/evaluate.py", 4, 9, "bug")
              + e2e_label(commit, "pkg/evaluate.py", 12, 18, "clean")
              + e2e_label(commit, "pkg/twin.py", 4, 9, "clean")
              + e2e_label(commit, "pkg/twin.py", 12, 12, "bug", family="NG3")
              + e2e_label(commit, "nb.ipynb", 4, 9, "bug", cell=2))
    write(tmp_path / "labels" / "github", "tiny__repo.toml", labels)
    page = tmp_path / "accuracy.md"
    code = score.main(["--labels", str(tmp_path / "labels"), "--git-mirrors", str(tmp_path / "mirrors"),
                       "--cache", str(tmp_path / "cache"), "--split", "all", "--write", str(page)])
    out = capsys.readouterr().out
    assert code == 0, out
    section = out.split("## test\n\n")[1]
    # family, bug, clean, ambiguous, TP, FP, FN, precision, recall, clean flagged, ambiguous hits, target
    assert section.splitlines()[2:5] == [
        "| NG1 | 2 | 2 | 0 | 2 | 1 | 0 | 66.7% | 100.0% | 1 | 0 | precision BELOW 95%; recall meets 85% |",
        "| NG2 | 0 | 0 | 0 | 0 | 0 | 0 | n/a | n/a | 0 | 0 | - |",
        "| NG3 | 1 | 0 | 0 | 0 | 0 | 1 | n/a | 0.0% | 0 | 0 | - |",
    ]
    assert "Why false: labelled clean: clean pkg/twin.py:4" in section
    assert "Crashes: 0. Files that could not be read: 0. Spans outside their file: 0." in out
    assert ("| NG1 | 2 | 2 | 0 | 2 | 1 | 0 | 66.7% | 100.0% | 0 | 0 | 0 | 0 | n/a | n/a "
            "| precision BELOW 95%; recall meets 85% |\n") in page.read_text()
    tree = tmp_path / "cache" / "github" / f"tiny+repo@{commit}"
    assert (tree / "pkg" / "twin.py").read_text() == EVALUATE
    assert (tree / ".git").is_dir() and not any((tree / ".git").iterdir())  # a clone's root, as the linter finds it

    # Checking labels alone (no linter): a span past the end of its file and a file not in the tree.
    more = e2e_label(commit, "pkg/evaluate.py", 18, 19, "clean") + e2e_label(commit, "pkg/missing.py", 1, 2, "clean")
    write(tmp_path / "labels" / "github", "tiny__repo.toml", labels + more)
    code = score.main(["--labels", str(tmp_path / "labels"), "--git-mirrors", str(tmp_path / "mirrors"),
                       "--cache", str(tmp_path / "cache"), "--check-labels"])
    assert (code, capsys.readouterr().out.splitlines()) == (1, [
        f"could not read github:tiny/repo@{commit[:12]} pkg/missing.py: not in the project tree: "
        "No such file or directory",
        f"label problem: github:tiny/repo@{commit[:12]} pkg/evaluate.py:18-19 ends after the file's 18 lines",
        "7 labels in 4 files checked; 2 problems.",
    ])


REPORT = '''\
import torch

from pkg.scoring import evaluate_windows

model = torch.nn.Sequential(torch.nn.Linear(8, 2), torch.nn.Linear(2, 8))
values = torch.cat(evaluate_windows(model, [torch.rand(4, 8)])).detach().numpy()
'''


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_project_scope_sees_callers_in_unlabelled_files(tmp_path, capsys):
    """A helper whose only caller is an unlabelled script: missed when the run checks the labelled
    file alone, found when it checks the whole project (the caller detaches what it returns)."""
    work = tmp_path / "work"
    write(work, "pkg/__init__.py", "")
    write(work, "pkg/scoring.py", EVALUATE_WINDOWS)
    write(work, "report.py", REPORT)
    git("init", "-q", cwd=work)
    git("add", ".", cwd=work)
    git("commit", "-q", "-m", "scoring", cwd=work)
    commit = git("rev-parse", "HEAD", cwd=work)
    git("clone", "-q", "--bare", str(work), str(tmp_path / "mirrors" / "tiny+repo" / "repo"), cwd=tmp_path)
    write(tmp_path / "labels" / "github", "tiny__repo.toml",
          header("github:tiny/repo") + e2e_label(commit, "pkg/scoring.py", 4, 9, "bug"))
    arguments = ["--labels", str(tmp_path / "labels"), "--git-mirrors", str(tmp_path / "mirrors"),
                 "--cache", str(tmp_path / "cache"), "--split", "test"]
    rows = {}
    for scope in ("labelled", "project"):
        code = score.main([*arguments, "--scope", scope])
        out = capsys.readouterr().out
        assert code == 0, out
        assert ("on whole projects;" in out) == (scope == "project")
        rows[scope] = out.split("## test\n\n")[1].splitlines()[2]
    assert rows == {
        "labelled": "| NG1 | 1 | 0 | 0 | 0 | 0 | 1 | n/a | 0.0% | 0 | 0 | recall BELOW 85% |",
        "project": "| NG1 | 1 | 0 | 0 | 1 | 0 | 0 | 100.0% | 100.0% | 0 | 0 | precision meets 95%; recall meets 85% |",
    }
