"""`nograd-lint` and `nograd-fix` on real Jupyter notebooks, run as installed commands: cell-addressed
findings, fixes written into the right cell only (the notebook stays valid), directory walks and
`--no-notebooks`, `--diff`/`--check`, unreadable notebooks, standard input."""
from __future__ import annotations

import json

import nbformat
from frontend_files.helpers import EVALUATE, EVALUATE_FIXED, evaluate_finding, fix, fix_description, lint, write
from frontend_files.notebooks import (CELL_5_FIXED_JSON, CELL_5_JSON, EVAL_ACROSS_CELLS, VALIDATE, code, notebook,
                                      notebook_finding)

from nograd_lint.io.notebooks import Notebook


def _valid(data: bytes) -> None:
    nbformat.validate(nbformat.reads(data.decode("utf-8"), as_version=4))


def test_eval_split_across_cells_is_reported_by_cell_fixed_in_its_cell_and_stays_valid(tmp_path):
    original = notebook(EVAL_ACROSS_CELLS)
    path = write(tmp_path, "nb.ipynb", original)
    expected = notebook_finding("nb.ipynb", original, "NG101", 5, 3, 7)
    assert expected.startswith("nb.ipynb:cell 5:3:7: NG101 ")
    ran = lint("nb.ipynb", cwd=tmp_path)
    assert (ran.code, ran.lines) == (1, [expected])
    assert ran.err == "Found 1 finding in 1 file checked. 1 fixable with nograd-fix --unsafe-fixes.\n"

    safe = fix("nb.ipynb", cwd=tmp_path)  # the fix is unsafe: `out` is used after the statement
    assert (safe.code, safe.lines, path.read_bytes()) == (1, [expected], original)

    fixed = fix("--unsafe-fixes", "nb.ipynb", cwd=tmp_path)
    assert fixed.lines == ["nb.ipynb:cell 5:4:11: NG101 fixed: wrap the statements in `with torch.no_grad():`"]
    assert (fixed.code, fixed.err) == (0, "Fixed 1 finding in 1 file; 0 remaining.\n")
    after = path.read_bytes()
    # Every byte but cell 5's source value is the same: outputs, ids, metadata, indentation, newline.
    assert original.count(CELL_5_JSON.encode()) == 1
    assert after == original.replace(CELL_5_JSON.encode(), CELL_5_FIXED_JSON.encode())
    _valid(after)
    before_cells, after_cells = json.loads(original)["cells"], json.loads(after)["cells"]
    assert [c for c in after_cells if c["id"] != "cell-5"] == [c for c in before_cells if c["id"] != "cell-5"]
    assert lint("nb.ipynb", cwd=tmp_path).code == 0
    assert fix("--unsafe-fixes", "nb.ipynb", cwd=tmp_path).code == 0 and path.read_bytes() == after


def test_directories_pick_up_notebooks_and_no_notebooks_skips_them(tmp_path):
    data = notebook(VALIDATE)
    write(tmp_path, "src/a.py", EVALUATE)
    write(tmp_path, "src/nb/validate.ipynb", data)
    write(tmp_path, "build/old.ipynb", data)  # default excludes apply to notebooks too
    nb_line = notebook_finding("src/nb/validate.ipynb", data, "NG101", 2, 2, 11)
    both = lint(".", cwd=tmp_path)
    assert (both.code, both.lines) == (1, [evaluate_finding("src/a.py"), nb_line])
    assert both.err == "Found 2 findings in 2 files checked. 2 fixable with nograd-fix.\n"
    assert lint("-j", "2", ".", cwd=tmp_path).out == both.out

    skipped = lint("--no-notebooks", ".", cwd=tmp_path)
    assert (skipped.code, skipped.lines, skipped.err) == (
        1, [evaluate_finding("src/a.py")], "Found 1 finding in 1 file checked. 1 fixable with nograd-fix.\n")
    # Named explicitly (as pre-commit passes them), a notebook is skipped too.
    named = lint("--no-notebooks", "src/nb/validate.ipynb", cwd=tmp_path)
    assert (named.code, named.out, named.err) == (0, "", "No findings in 0 files.\n")

    write(tmp_path, "pyproject.toml", "[tool.nograd-lint]\nnotebooks = false\n")
    configured = lint(".", cwd=tmp_path)
    assert (configured.code, configured.lines) == (1, [evaluate_finding("src/a.py")])
    assert fix("src/nb/validate.ipynb", cwd=tmp_path).err == "Fixed 0 findings in 0 files; 0 remaining.\n"
    assert lint("--notebooks", ".", cwd=tmp_path).lines == both.lines  # the command line wins

    fixed = fix("--notebooks", "src", cwd=tmp_path)
    assert fixed.lines == [f"src/a.py:9:21: NG101 fixed: {fix_description(EVALUATE, 'NG101', 8)}",
                           "src/nb/validate.ipynb:cell 2:3:15: NG101 fixed: wrap the loop in `with torch.no_grad():`"]
    assert (tmp_path / "src/a.py").read_text() == EVALUATE_FIXED
    after = (tmp_path / "src/nb/validate.ipynb").read_bytes()
    _valid(after)
    assert Notebook.from_bytes(after).cells[1].source == (
        "with torch.no_grad():\n    for x in val_loader:\n        print(model(x).sum().item())")


def test_diff_and_check_show_cell_changes_and_write_nothing(tmp_path):
    original = notebook(EVAL_ACROSS_CELLS)
    path = write(tmp_path, "nb.ipynb", original)
    diff = fix("--unsafe-fixes", "--diff", "nb.ipynb", cwd=tmp_path)
    assert diff.out == "".join(line + "\n" for line in [
        "--- a/nb.ipynb:cell 5",
        "+++ b/nb.ipynb:cell 5",
        "@@ -1,4 +1,5 @@",
        " %time x = 1",
        " batch = torch.randn(3, 4)",
        "-out = model(batch)",
        "+with torch.no_grad():",
        "+    out = model(batch)",
        " print(out.argmax(1).tolist())",
    ])
    assert diff.err_lines == ["nb.ipynb:cell 5:3:7: NG101 would fix: wrap the statements in `with torch.no_grad():`",
                              "Would fix 1 finding in 1 file; 0 remaining."]
    assert diff.code == 1
    check = fix("--unsafe-fixes", "--check", "nb.ipynb", cwd=tmp_path)
    assert (check.code, check.lines) == (
        1, ["nb.ipynb:cell 5:3:7: NG101 would fix: wrap the statements in `with torch.no_grad():`"])
    assert path.read_bytes() == original


def test_unreadable_notebooks_are_reported_and_skipped_and_the_others_checked(tmp_path):
    good = notebook(VALIDATE)
    files = {
        "a_bad_json.ipynb": b'{"cells": [\n  {"cell_type": "code",, }]}',
        "b_r_kernel.ipynb": notebook([code("x <- c(1, 2)")], language="R"),
        "c_syntax.ipynb": notebook([code("import torch"), code("x = 1\ndef f(:\n    pass")]),
        "d_latin1.ipynb": '{"cells": [], "metadata": {"x": "caf\xe9"}}'.encode("latin-1"),
        "e_good.ipynb": good,
        "f.py": EVALUATE,
    }
    for name, content in files.items():
        write(tmp_path, name, content)
    errors = [
        "a_bad_json.ipynb: not a readable notebook: invalid JSON at line 2, column 24",
        "b_r_kernel.ipynb: not a Python notebook (kernel language: R); skipped",
        "c_syntax.ipynb:cell 2:2:7: cannot parse: invalid syntax; the other cells were checked",
        ("d_latin1.ipynb: not a readable notebook: 'utf-8' codec can't decode byte 0xe9 in position 36: "
         "invalid continuation byte"),
    ]
    ran = lint(".", cwd=tmp_path)
    assert ran.lines == [notebook_finding("e_good.ipynb", good, "NG101", 2, 2, 11), evaluate_finding("f.py")]
    assert ran.err_lines == [f"nograd-lint: error: {error}" for error in errors] + [
        "Found 2 findings in 6 files checked. 2 fixable with nograd-fix. 4 files could not be checked."]
    assert ran.code == 2
    fixed = fix(".", cwd=tmp_path)
    errors[2] = "c_syntax.ipynb:cell 2:2:7: cannot parse: invalid syntax"
    assert fixed.err_lines == [f"nograd-fix: error: {error}" for error in errors] + [
        "Fixed 2 findings in 2 files; 0 remaining; 4 files could not be fixed."]
    assert fixed.code == 2
    for name, content in files.items():
        if name not in ("e_good.ipynb", "f.py"):
            assert (tmp_path / name).read_bytes() == (content.encode() if isinstance(content, str) else content)
    _valid((tmp_path / "e_good.ipynb").read_bytes())


def test_a_cell_that_does_not_parse_is_reported_and_the_other_cells_checked_but_not_fixed(tmp_path):
    """IPython compiles each cell alone: a half-typed cell does not hide a finding in another."""
    cells = [code("import torch\nmodel = torch.nn.Linear(4, 2)\nmodel.eval()"), code("exp.\nprint('draft')"),
             code("for x in val_loader:\n    print(model(x).sum().item())"), code("def f(:\n    pass")]
    data = notebook(cells)
    path = write(tmp_path, "nb.ipynb", data)
    finding = notebook_finding("nb.ipynb", data, "NG101", 3, 2, 11)
    ran = lint("nb.ipynb", cwd=tmp_path)
    assert (ran.code, ran.lines) == (2, [finding])
    assert ran.err_lines == [
        "nograd-lint: error: nb.ipynb:cell 2:1:5: cannot parse: invalid syntax (and 1 more cell); the other cells "
        "were checked", "Found 1 finding in 1 file checked. 1 fixable with nograd-fix. 1 file could not be checked."]
    fixed = fix("nb.ipynb", cwd=tmp_path)
    assert fixed.err_lines == ["nograd-fix: error: nb.ipynb:cell 2:1:5: cannot parse: invalid syntax (and 1 more "
                               "cell)", "Fixed 0 findings in 0 files; 0 remaining; 1 file could not be fixed."]
    assert fixed.code == 2 and path.read_bytes() == data
    nb = Notebook.from_bytes(data)
    assert [number for number, _, _ in nb.broken] == [2, 4]
    assert nb.cell_sources(nb.program) == [cell.source for cell in cells]


def test_top_level_await_is_accepted_in_notebooks(tmp_path):
    cells = [code("import torch\nmodel = torch.nn.Linear(2, 2)\nmodel.eval()\nbatches = await load()"),
             code("for x in batches:\n    print(model(x).sum().item())")]
    path = write(tmp_path, "async.ipynb", notebook(cells))
    ran = fix("async.ipynb", cwd=tmp_path)
    assert (ran.code, ran.lines) == (0, ["async.ipynb:cell 2:3:15: NG101 fixed: wrap the loop in "
                                         "`with torch.no_grad():`"])
    assert Notebook.from_bytes(path.read_bytes()).cells[0].source.endswith("batches = await load()")


def test_standard_input_named_as_a_notebook(tmp_path):
    data = notebook(VALIDATE)
    ran = lint("-", "--stdin-filename", "nb/v.ipynb", cwd=tmp_path, stdin=data)
    assert (ran.code, ran.lines) == (1, [notebook_finding("nb/v.ipynb", data, "NG101", 2, 2, 11)])
    fixed = fix("-", "--stdin-filename", "nb/v.ipynb", cwd=tmp_path, stdin=data)
    assert fixed.code == 0
    _valid(fixed.out.encode())
    assert Notebook.from_bytes(fixed.out.encode()).cells[1].source.startswith("with torch.no_grad():\n")
    skipped = lint("-", "--stdin-filename", "v.ipynb", "--no-notebooks", cwd=tmp_path, stdin=data)
    assert (skipped.code, skipped.out) == (0, "")
