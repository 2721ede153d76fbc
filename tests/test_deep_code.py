"""Deep but valid code, as the installed commands and flake8 meet it: every file CPython compiles
is analysed and fixed (a file past a limit of libcst's parser is analysed on the tree built from
`ast`, and reported without fixes), and nothing raises into flake8. These tests go through the
front ends, so they guard any analysis behind them."""
from __future__ import annotations

import subprocess
import sys

from frontend_files.helpers import environment, finding, fix, flake8, lint, write

from nograd_lint.io.files import FileResult, isolated
from nograd_lint.io.sources import LIBCST_MAX_STRINGS

# NG101 at 6:9 whatever statement stands at line 7.
TEMPLATE = """\
import torch


def evaluate(model, x):
    model.eval()
    y = model(x).sum().item()
{deep}
    return y
"""
SHALLOW = TEMPLATE.format(deep="    pass")


def elif_chain(branches: int) -> str:
    return "    if x == 0:\n        z = 0\n" + "".join(
        f"    elif x == {i}:\n        z = {i}\n" for i in range(1, branches))


# The cases of the issue, and the deepest of each shape CPython 3.11 compiles (brackets nest at
# most 200 deep; an `elif` chain about 2,990 long) or libcst parses (3,000 concatenated strings).
DEEP = {
    "sum_600.py": "    z = " + " + ".join(["x"] * 600),
    "elif_500.py": elif_chain(500),
    "calls_150.py": "    z = " + "f(" * 150 + "x" + ")" * 150,
    "strings_400.py": "    z = (" + " ".join(['"a"'] * 400) + ")",
    "calls_199.py": "    z = " + "f(" * 198 + "x" + ")" * 198,
    "elif_2900.py": elif_chain(2900),
    "strings_3000.py": "    z = (" + " ".join(['"a"'] * LIBCST_MAX_STRINGS) + ")",
}


def _write_all(tmp_path) -> list[str]:
    for name, deep in DEEP.items():
        write(tmp_path, name, TEMPLATE.format(deep=deep))
    names = sorted(DEEP)
    compiles = "import sys\nfor path in sys.argv[1:]: compile(open(path).read(), path, 'exec')"
    assert subprocess.run([sys.executable, "-c", compiles, *names], cwd=tmp_path, timeout=300).returncode == 0
    return names


def test_lint_analyses_every_deep_file_cpython_compiles(tmp_path):
    names = _write_all(tmp_path)
    ran = lint(*names, cwd=tmp_path)
    assert ran.lines == [finding(name, SHALLOW, "NG101", 6, 9) for name in names]
    assert (ran.code, ran.err_lines) == (1, [f"Found {len(names)} findings in {len(names)} files checked. "
                                             f"{len(names)} fixable with nograd-fix."])


def test_fix_rewrites_every_deep_file(tmp_path):
    names = _write_all(tmp_path)
    ran = fix(*names, cwd=tmp_path)
    assert (ran.code, ran.err_lines[-1]) == (0, f"Fixed {len(names)} findings in {len(names)} files; 0 remaining.")
    for name in names:
        expected = TEMPLATE.format(deep=DEEP[name]).replace("\ndef evaluate", "\n@torch.no_grad()\ndef evaluate")
        assert (tmp_path / name).read_text() == expected


def test_a_file_past_the_parser_limit_is_reported_without_fixes(tmp_path):
    """CPython reads it: its findings are those of the tree built from `ast` (fixes edit libcst's
    trees), and nograd-fix leaves it as it is and says why."""
    over = TEMPLATE.format(deep="    z = (" + " ".join(['"a"'] * 3001) + ")")
    write(tmp_path, "a_strings.py", over)
    write(tmp_path, "b.py", SHALLOW)
    ran = lint("a_strings.py", "b.py", cwd=tmp_path)
    assert ran.lines == [finding("a_strings.py", SHALLOW, "NG101", 6, 9), finding("b.py", SHALLOW, "NG101", 6, 9)]
    assert ran.err_lines == ["Found 2 findings in 2 files checked. 1 fixable with nograd-fix."]
    assert ran.code == 1
    ran = fix("a_strings.py", "b.py", cwd=tmp_path)
    assert ran.err_lines == [
        "nograd-fix: note: a_strings.py: left unchanged: libcst, the parser fixes are made with, cannot parse it "
        "(3001 strings concatenated in one expression at 7:10, more than the 3000 it reads), though Python can; its "
        "findings have no fixes",
        "Fixed 1 finding in 1 file; 1 remaining (1 without an automatic fix)."]
    assert ran.code == 1
    assert (tmp_path / "a_strings.py").read_text() == over


def test_flake8_with_the_plugin_survives_deep_files(tmp_path):
    # pyflakes itself gives up on a 500-branch elif; these two it reads, and so must the plugin.
    for name in ("calls_150.py", "strings_400.py"):
        write(tmp_path, name, TEMPLATE.format(deep=DEEP[name]))
    ran = flake8("--select", "F841", "calls_150.py", "strings_400.py", cwd=tmp_path)  # the plugin runs anyway
    assert (ran.code, ran.err) == (1, "")
    assert ran.lines == [
        "calls_150.py:7:5: F841 local variable 'z' is assigned to but never used",
        "strings_400.py:7:5: F841 local variable 'z' is assigned to but never used"]
    ran = flake8("--select", "NG", "calls_150.py", "strings_400.py", cwd=tmp_path)
    assert (ran.code, ran.err) == (1, "")
    assert ran.lines == [finding(name, SHALLOW, "NG101", 6, 9) for name in ("calls_150.py", "strings_400.py")]


PLUGIN_RUN = """\
import ast, sys
from nograd_lint.frontends.flake8_plugin import NogradChecker
for path in sys.argv[1:]:
    lines = open(path).read().splitlines(keepends=True)
    checker = NogradChecker(ast.parse("".join(lines)), lines, path)
    print(path, [(line, column, text.split()[0]) for line, column, text, _ in checker.run()])
"""


def test_the_plugin_never_raises_into_flake8(tmp_path):
    """What flake8 does with a tree plugin, at the default recursion limit, on the files pyflakes
    gives up on, and on one past the limit of libcst's parser (read from flake8's `ast` tree)."""
    for name in ("sum_600.py", "elif_500.py"):
        write(tmp_path, name, TEMPLATE.format(deep=DEEP[name]))
    write(tmp_path, "over.py", TEMPLATE.format(deep="    z = (" + " ".join(['"a"'] * 3001) + ")"))
    done = subprocess.run([sys.executable, "-c", PLUGIN_RUN, "sum_600.py", "elif_500.py", "over.py"],
                          cwd=tmp_path, capture_output=True, text=True, env=environment(), timeout=300)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == ["sum_600.py [(6, 8, 'NG101')]", "elif_500.py [(6, 8, 'NG101')]",
                                        "over.py [(6, 8, 'NG101')]"]


class _DeepMessage(Exception):
    def __str__(self) -> str:  # formatting it recurses without end, as a deep node's repr can
        return str(self)


def _recurse(depth: int) -> int:
    return _recurse(depth + 1) + 1


def _raise_deep_message() -> FileResult:
    raise _DeepMessage()


def test_a_failing_file_becomes_its_own_error():
    """Past the raised recursion limit, and for an error whose message cannot be formatted."""
    assert isolated("a.py", b"x", _recurse, 0) == FileResult(
        "a.py", error="a.py: cannot analyse: nesting too deep", original=b"x")
    assert isolated("b.py", None, _raise_deep_message).error == (
        "b.py: internal error, please report it: _DeepMessage: (message could not be formatted)")
