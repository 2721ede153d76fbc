"""Code Python (or IPython) reads is checked and fixed, not rejected: a coding cookie naming a codec
this Python does not know, IPython syntax in notebooks (shell escapes continued with a backslash,
cell magics, line magics, help lines), form feeds in the indentation. Run as installed commands."""
from __future__ import annotations

import json

import pytest
from frontend_files.helpers import EVALUATE, EVALUATE_FIXED, evaluate_finding, finding, fix, lint, run, script, write
from frontend_files.notebooks import code, notebook, notebook_finding

SUMMARY_ONE = "Found 1 finding in 1 file checked. 1 fixable with nograd-fix."
FIXED_ONE = "Fixed 1 finding in 1 file; 0 remaining."

# -- a coding cookie this Python does not know --------------------------------------------------

COOKIE = "# -*- coding: future_fstrings -*-\n# café: {name=}\n"


def test_an_unknown_coding_cookie_is_read_as_utf8_with_a_note_and_kept(tmp_path):
    source = (COOKIE + EVALUATE).encode("utf-8")
    write(tmp_path, "cookie.py", source)
    expected = finding("cookie.py", COOKIE + EVALUATE, "NG101", 10, 21)
    note = "note: cookie.py: unknown encoding 'future_fstrings' in its coding cookie; read as UTF-8"
    ran = lint("cookie.py", cwd=tmp_path)
    assert (ran.code, ran.lines, ran.err_lines) == (1, [expected], [f"nograd-lint: {note}", SUMMARY_ONE])
    fixed = fix("cookie.py", cwd=tmp_path)
    assert (fixed.code, fixed.err_lines) == (0, [f"nograd-fix: {note}", FIXED_ONE])
    assert (tmp_path / "cookie.py").read_bytes() == (COOKIE + EVALUATE_FIXED).encode("utf-8")


def test_an_unknown_coding_cookie_on_bytes_that_are_not_utf8_reads_latin1_and_keeps_them(tmp_path):
    source = (COOKIE + EVALUATE).encode("latin-1")  # `café` as the byte 0xe9
    write(tmp_path, "latin.py", source)
    note = "note: latin.py: unknown encoding 'future_fstrings' in its coding cookie; read as latin-1"
    ran = lint("latin.py", cwd=tmp_path)
    assert (ran.code, ran.lines, ran.err_lines) == (
        1, [finding("latin.py", COOKIE + EVALUATE, "NG101", 10, 21)], [f"nograd-lint: {note}", SUMMARY_ONE])
    fixed = fix("latin.py", cwd=tmp_path)
    assert (fixed.code, fixed.err_lines) == (0, [f"nograd-fix: {note}", FIXED_ONE])
    assert (tmp_path / "latin.py").read_bytes() == (COOKIE + EVALUATE_FIXED).encode("latin-1")


# -- IPython syntax in notebooks ----------------------------------------------------------------

CELLS = [
    "import torch\nmodel = torch.nn.Linear(4, 2)\n",
    "!python export.py \\\n    --out x\n",  # a shell escape continued with a backslash
    "files = !ls \\\n   -la\n%matplotlib inline\nmodel?\n?model\nmodel.eval??\n",
    "%%bash\necho 'model(x)'\nif [ -d x ]; then\n  ls\nfi\n",  # not Python: left alone
    "\n%%time\nmodel.eval()\nfor x in val_loader:\n    print(model(x).sum().item())\n",  # Python: analysed
]
CELL_5_FIXED = "\n%%time\nmodel.eval()\nwith torch.no_grad():\n    for x in val_loader:\n        print(model(x).sum().item())\n"


def test_ipython_continuations_and_magics_are_understood_and_only_the_fixed_cell_changes(tmp_path):
    original = notebook([code(source) for source in CELLS])
    path = write(tmp_path, "nb.ipynb", original)
    write(tmp_path, "a.py", EVALUATE)
    expected = notebook_finding("nb.ipynb", original, "NG101", 5, 5, 11)
    ran = lint("nb.ipynb", "a.py", cwd=tmp_path)
    assert (ran.code, ran.lines) == (1, [evaluate_finding("a.py"), expected])
    assert ran.err_lines == ["Found 2 findings in 2 files checked. 2 fixable with nograd-fix."]

    fixed = fix("nb.ipynb", cwd=tmp_path)
    assert fixed.lines == ["nb.ipynb:cell 5:6:15: NG101 fixed: wrap the loop in `with torch.no_grad():`"]
    assert (fixed.code, fixed.err_lines) == (0, [FIXED_ONE])
    assert path.read_bytes() == notebook([code(source) for source in CELLS[:4] + [CELL_5_FIXED]])
    assert [cell["source"] for cell in json.loads(path.read_bytes())["cells"][:4]] == [
        cell["source"] for cell in json.loads(original)["cells"][:4]]


def test_a_future_import_may_open_any_cell(tmp_path):
    # IPython compiles each cell on its own: `from __future__` is valid at the top of any cell.
    cells = [CELLS[0], "from __future__ import (annotations,\n                        division)\n" + CELLS[4].split("%%time\n", 1)[1]]
    original = notebook([code(source) for source in cells])
    path = write(tmp_path, "future.ipynb", original)
    ran = lint("future.ipynb", cwd=tmp_path)
    assert (ran.code, ran.lines) == (1, [notebook_finding("future.ipynb", original, "NG101", 2, 5, 11)])
    fixed = fix("future.ipynb", cwd=tmp_path)
    assert (fixed.code, fixed.err_lines) == (0, [FIXED_ONE])
    assert path.read_bytes() == notebook([code(cells[0]), code(cells[1].replace(
        "for x in val_loader:\n    print", "with torch.no_grad():\n    for x in val_loader:\n        print"))])


# -- form feeds in the indentation --------------------------------------------------------------

# CPython counts a line's indentation again after a form feed: the `for` body opens a deeper block
# after one, and a blank line holds one with deeper blanks after it.
FORM_FEEDS = EVALUATE.replace("        correct += ", "\f        correct += ").replace(
    "    correct = 0\n", "    correct = 0\n\f        \n")


def test_a_form_feed_before_a_deeper_indent_is_analysed_and_kept(tmp_path):
    compile(FORM_FEEDS, "ff.py", "exec")  # valid Python
    write(tmp_path, "ff.py", FORM_FEEDS)
    ran = lint("ff.py", cwd=tmp_path)
    assert (ran.code, ran.lines, ran.err_lines) == (1, [finding("ff.py", FORM_FEEDS, "NG101", 9, 22)], [SUMMARY_ONE])
    fixed = fix("ff.py", cwd=tmp_path)
    assert (fixed.code, fixed.lines, fixed.err_lines) == (
        0, ["ff.py:10:22: NG101 fixed: add `@torch.no_grad()` to `evaluate`"], [FIXED_ONE])
    assert (tmp_path / "ff.py").read_bytes() == FORM_FEEDS.replace(
        "\ndef evaluate", "\n@torch.no_grad()\ndef evaluate").encode()


# -- code the compiler warns about ----------------------------------------------------------------

WARNED = EVALUATE.replace("    correct = 0\n", "    correct = 0\n    label = 'n'(0) if False else '\\d'\n")


@pytest.mark.parametrize("warnings", ["default", "error"])
def test_compiler_warnings_about_the_code_are_neither_printed_nor_errors(tmp_path, warnings):
    write(tmp_path, "warned.py", WARNED)
    ran = run([script("nograd-lint"), "warned.py"], tmp_path, PYTHONWARNINGS=warnings)
    assert (ran.code, ran.lines, ran.err_lines) == (
        1, [finding("warned.py", WARNED, "NG101", 9, 21)], [SUMMARY_ONE])
    fixed = run([script("nograd-fix"), "warned.py"], tmp_path, PYTHONWARNINGS=warnings)
    assert (fixed.code, fixed.err_lines) == (0, [FIXED_ONE])
    assert (tmp_path / "warned.py").read_text() == WARNED.replace("\ndef evaluate", "\n@torch.no_grad()\ndef evaluate")
