"""Files CPython reads and libcst's parser refuses (here: indentation that mixes tabs and spaces in
a way CPython accepts and libcst's tokenizer does not), as the installed commands and flake8 meet
them: their findings are those of the tree built from `ast`, placed where that tree kept them, and
have no fixes; nograd-fix leaves such a file byte for byte and says why in one line; a file that
neither parser reads is still an error of its own."""
from __future__ import annotations

import json
import sys

import libcst as cst
import pytest
from frontend_files.helpers import MIXED, finding, fix, flake8, lint, run, tab_indented, write

from nograd_lint.io.sources import LibcstCannotParse, parse
from nograd_lint.linter import lint_source


# MIXED (NG101, NG102 and NG103), indented with tabs and a space: `\t correct = 0`, `\t\t p -= ...`.
TABBED = tab_indented(MIXED)
REASON = "tokenizer error: no matching outer block for dedent"
NOTE = (f"nograd-fix: note: m.py: left unchanged: libcst, the parser fixes are made with, cannot parse it ({REASON}), "
        f"though Python can; its findings have no fixes")


def _moved(path: str, source: str, code: str, line: int, column: int, to_column: int) -> str:
    """The output line of the finding at `line:column` of `source`, reported at `line:to_column`."""
    return finding(path, source, code, line, column).replace(f"{path}:{line}:{column}:", f"{path}:{line}:{to_column}:")


def _tabbed_findings(path: str) -> list[str]:
    """MIXED's findings (helpers.mixed_findings) where they stand in TABBED, with the same messages."""
    return [_moved(path, MIXED, "NG101", 8, 21, 16), _moved(path, MIXED, "NG102", 19, 23, 18),
            _moved(path, MIXED, "NG103", 25, 9, 4)]


def test_the_sample_is_python_that_libcst_refuses():
    assert TABBED.splitlines()[7] == "\t\t correct += (model(x).argmax(1) == y).sum().item()"
    compile(TABBED, "m.py", "exec")
    with pytest.raises(cst.ParserSyntaxError):
        cst.parse_module(TABBED)
    with pytest.raises(LibcstCannotParse) as raised:
        parse(TABBED.encode(), "m.py")
    assert (str(raised.value), raised.value.reason) == (f"m.py:1:1: cannot parse: {REASON}", REASON)


def test_lint_reports_the_findings_without_fixes(tmp_path):
    write(tmp_path, "m.py", TABBED)
    ran = run([sys.executable, "-m", "nograd_lint", "m.py"], tmp_path)
    assert (ran.code, ran.lines, ran.err) == (1, _tabbed_findings("m.py"), "Found 3 findings in 1 file checked.\n")
    ran = run([sys.executable, "-m", "nograd_lint", "--output-format", "json", "m.py"], tmp_path)
    report = json.loads(ran.out)
    assert [(f["code"], f["line"], f["column"], f["end_line"], f["end_column"], f["fix"]) for f in report["findings"]] \
        == [("NG101", 8, 16, 8, 24, None), ("NG102", 19, 18, 19, 22, None), ("NG103", 25, 4, 25, 20, None)]
    assert (ran.code, report["errors"]) == (1, [])


def test_noqa_silences_as_in_any_file(tmp_path):
    """On the line of the header a finding's fix rewrites: the `def` (to its colon) a decorator is
    added to, the `for` a `with` block is put around; as in the same file indented with spaces."""
    header = "def evaluate(model,\n             loader):  # noqa: NG101\n"
    spaced = MIXED.replace("def evaluate(model, loader):\n", header).replace(
        "for p in model.parameters():\n", "for p in model.parameters():  # noqa: NG103\n")
    assert [d.code for d in lint_source(spaced, "m.py")] == ["NG102"]
    write(tmp_path, "m.py", tab_indented(spaced))
    ran = lint("--no-cache", "m.py", cwd=tmp_path)
    assert (ran.code, ran.lines) == (1, [_moved("m.py", spaced, "NG102", 20, 23, 18)])


def test_a_file_neither_parser_reads_is_still_an_error_of_its_own(tmp_path):
    write(tmp_path, "m.py", TABBED)
    write(tmp_path, "tab_error.py", "import torch\n\n\ndef f(x):\n\tif x:\n        return x\n\treturn 0\n")
    ran = lint("m.py", "tab_error.py", cwd=tmp_path)
    assert ran.lines == _tabbed_findings("m.py")
    assert ran.err_lines == [
        "nograd-lint: error: tab_error.py:6:1: cannot parse: inconsistent use of tabs and spaces in indentation",
        "Found 3 findings in 2 files checked. 1 file could not be checked."]
    assert ran.code == 2


def test_fix_leaves_the_file_byte_for_byte_and_says_why(tmp_path):
    path = write(tmp_path, "m.py", TABBED)
    ran = fix("--unsafe-fixes", "m.py", cwd=tmp_path)
    assert path.read_bytes() == TABBED.encode()
    assert (ran.code, ran.lines) == (1, _tabbed_findings("m.py"))
    assert ran.err_lines == [NOTE, "Fixed 0 findings in 0 files; 3 remaining (3 without an automatic fix)."]
    # Nothing would change: --diff prints no diff, --check has nothing to report.
    for option in ("--diff", "--check"):
        ran = fix(option, "m.py", cwd=tmp_path)
        assert (ran.code, ran.err_lines[0]) == (0, NOTE)
        assert "---" not in ran.out and "would fix" not in ran.out
    assert path.read_bytes() == TABBED.encode()
    # An editor's buffer on standard input comes back as it went in.
    ran = fix("-", "--stdin-filename", "m.py", cwd=tmp_path, stdin=TABBED.encode())
    assert (ran.code, ran.out, ran.err_lines[0]) == (1, TABBED, NOTE)


def test_flake8_reports_the_same_findings(tmp_path):
    write(tmp_path, "m.py", TABBED)
    ran = flake8("--select", "NG", "m.py", cwd=tmp_path)
    assert (ran.code, ran.lines, ran.err) == (1, _tabbed_findings("m.py"), "")


SCORING = """\
import torch.nn.functional as F


def predict(model, images):
    model.eval()
    if images.dim() == 3:
        images = images.unsqueeze(0)
    logits = model(images)
    return F.softmax(logits, dim=-1)
"""
BATCHING = ("from .scoring import predict\n\n\n"
            "def classify(model, images):\n    return predict(model, images).argmax(1)\n")


def test_a_run_over_its_project_judges_it_with_its_callers(tmp_path):
    """`predict` is judged by its caller in batching.py, as it is in the same program indented with
    spaces, when the run's files are analysed together (from trees built from `ast`): nograd-lint
    and nograd-fix report the same finding, and the caller as its related location."""
    write(tmp_path, "pyproject.toml", "")
    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "pkg/batching.py", BATCHING)
    write(tmp_path, "pkg/scoring.py", SCORING)
    spaced = lint("--no-cache", cwd=tmp_path)
    assert spaced.out.startswith("pkg/scoring.py:8:14: NG101 `predict` runs forward passes with gradients enabled (it "
                                 "calls `model.eval()`; its callers (`classify`) throw the graph away")
    path = write(tmp_path, "pkg/scoring.py", tab_indented(SCORING))
    ran = lint("--no-cache", cwd=tmp_path)
    assert (ran.code, ran.out) == (1, spaced.out.replace("pkg/scoring.py:8:14:", "pkg/scoring.py:8:12:"))
    report = json.loads(lint("--no-cache", "--output-format", "json", cwd=tmp_path).out)
    assert [(f["line"], f["column"], f["fix"], f["related"]) for f in report["findings"]] == [
        (8, 12, None, [{"path": "pkg/batching.py", "cell": None, "line": 5, "column": 12,
                        "message": "`predict` is called here"}])]
    fixed = fix("--unsafe-fixes", cwd=tmp_path)
    assert (fixed.code, fixed.out) == (1, ran.out)
    assert fixed.err_lines[0] == NOTE.replace("m.py", "pkg/scoring.py")
    assert path.read_bytes() == tab_indented(SCORING).encode()
