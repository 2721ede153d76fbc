"""Notebooks: cells analysed as one program, magics tolerated, fixes written into the right cell only."""
from __future__ import annotations

import codecs
import json

import nbformat
import pytest
from frontend_files.notebooks import EVAL_ACROSS_CELLS, code, notebook
from nbformat.v4 import new_code_cell

from nograd_lint.fixes.fixer import fix_source
from nograd_lint.linter import lint_source
from nograd_lint.io.notebooks import Notebook, NotebookError, changed_cells


def _notebook(cells, language="python") -> bytes:
    return notebook(cells, language)


def test_cells_are_one_program_and_findings_are_cell_addressed():
    notebook = Notebook.from_bytes(_notebook(EVAL_ACROSS_CELLS))
    findings = lint_source(notebook.program, "eval.ipynb")
    assert [(d.code, *notebook.locate(d.line), d.column) for d in findings] == [("NG101", 5, 3, 7)]


def test_fix_changes_only_the_fixed_cell():
    original = _notebook(EVAL_ACROSS_CELLS)
    notebook = Notebook.from_bytes(original)
    fixed = notebook.with_program(fix_source(notebook.program, unsafe=True).source)
    before, after = json.loads(original), json.loads(fixed)
    assert after["cells"][4]["source"] == [
        "%time x = 1\n", "batch = torch.randn(3, 4)\n", "with torch.no_grad():\n",
        "    out = model(batch)\n", "print(out.argmax(1).tolist())"]
    for index in (0, 1, 2, 3):
        assert after["cells"][index] == before["cells"][index]
    assert after["cells"][4]["outputs"] == before["cells"][4]["outputs"]
    assert after["metadata"] == before["metadata"]
    nbformat.validate(nbformat.reads(fixed.decode("utf-8"), as_version=4))
    # every byte outside the changed source value is the same
    start = original.index(b'"%time x = 1\\n"')
    assert fixed[:start] == original[:start]
    tail = original[original.index(b'"print(out.argmax(1).tolist())"'):]
    assert fixed.endswith(tail)


def test_magics_are_never_rewritten():
    cells = [new_code_cell("import torch\nmodel = torch.nn.Linear(2, 2)\nmodel.eval()\n"
                           "for x in [torch.randn(1, 2)]:\n    !echo batch\n    y = model(x)\n    print(y.sum().item())")]
    notebook = Notebook.from_bytes(_notebook(cells))
    fixed = json.loads(notebook.with_program(fix_source(notebook.program, unsafe=True).source))
    assert "".join(fixed["cells"][0]["source"]) == (
        "import torch\nmodel = torch.nn.Linear(2, 2)\nmodel.eval()\n"
        "with torch.no_grad():\n    for x in [torch.randn(1, 2)]:\n        !echo batch\n"
        "        y = model(x)\n        print(y.sum().item())")


def test_line_magics_written_without_their_percent_are_magics():
    # IPython's automagic: `cd repo` and `pip install x` run `%cd` and `%pip`; Python reads no such line
    source = ("cd InstColorization\npip install -q torch\nimport torch\nmodel = torch.nn.Linear(2, 2)\n"
              "model.eval()\ntime = 3\nfor x in [torch.randn(1, 2)]:\n    print(model(x).sum().item())")
    notebook = Notebook.from_bytes(_notebook([new_code_cell(source)]))
    assert notebook.magics == ["cd InstColorization", "pip install -q torch"]
    findings = lint_source(notebook.program, "colorize.ipynb")
    assert [(d.code, *notebook.locate(d.line), d.column) for d in findings] == [("NG101", 1, 8, 11)]
    fixed = json.loads(notebook.with_program(fix_source(notebook.program, unsafe=True).source))
    assert "".join(fixed["cells"][0]["source"]).startswith("cd InstColorization\npip install -q torch\nimport torch\n")


def test_unchanged_notebook_round_trips_byte_for_byte():
    original = _notebook(EVAL_ACROSS_CELLS)
    notebook = Notebook.from_bytes(original)
    assert notebook.with_program(notebook.program) == original


@pytest.mark.parametrize("data, message", [
    (b"{not json", "not a readable notebook: invalid JSON at line 1, column 2"),
    (b'{"cells": [\n  "abc]}', "not a readable notebook: Unterminated string starting at line 2, column 3"),
    (b"", "not a readable notebook: invalid JSON at line 1, column 1"),
    (b"\xff{}", "not a readable notebook: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
    (b'{"cells": 3}', "not a notebook: no list of cells (nbformat 4 is needed)"),
    (b'{"worksheets": []}', "not a notebook: no list of cells (nbformat 4 is needed)"),
])
def test_bad_notebooks_are_refused(data, message):
    with pytest.raises(NotebookError) as raised:
        Notebook.from_bytes(data)
    assert str(raised.value) == message


def test_non_python_notebooks_are_refused():
    with pytest.raises(NotebookError) as raised:
        Notebook.from_bytes(_notebook([new_code_cell("x <- 1")], language="R"))
    assert str(raised.value) == "not a Python notebook (kernel language: R); skipped"
    # Without a kernel spec, the language info decides; without either, Python is assumed.
    data = json.dumps({"cells": [], "metadata": {"language_info": {"name": "julia"}}, "nbformat": 4}).encode()
    with pytest.raises(NotebookError, match=r"\(kernel language: julia\)"):
        Notebook.from_bytes(data)
    assert Notebook.from_bytes(b'{"cells": [], "metadata": {}}').cells == []


def test_cell_magics_other_than_python_ones_are_comments_and_kept_verbatim():
    source = "%%bash\n  echo 'model(x)'\nfor f in *; do\n  ls $f\ndone"
    cells = [code("import torch\nmodel = torch.nn.Linear(2, 2)\nmodel.eval()"), code(source),
             code("for x in val_loader:\n    print(model(x).sum().item())")]
    nb = Notebook.from_bytes(_notebook(cells))
    assert nb.program.split("# %% nograd-lint cell 2\n")[1].split("# %% nograd-lint cell 3")[0] == (
        "# nograd-lint: verbatim 0\n# nograd-lint: verbatim 1\n# nograd-lint: verbatim 2\n"
        "# nograd-lint: verbatim 3\n# nograd-lint: verbatim 4\n")
    fixed = nb.cell_sources(fix_source(nb.program, unsafe=True).source)
    assert fixed == [cells[0].source, source,
                     "with torch.no_grad():\n    for x in val_loader:\n        print(model(x).sum().item())"]


def test_python_cell_magics_are_analysed_and_their_first_line_kept():
    cells = [code("import torch\nmodel = torch.nn.Linear(2, 2)\nmodel.eval()"),
             code("%%time\nfor x in val_loader:\n    %time y = 2\n    print(model(x).sum().item())")]
    nb = Notebook.from_bytes(_notebook(cells))
    findings = lint_source(nb.program, "t.ipynb")
    assert [(d.code, *nb.locate(d.line), d.column) for d in findings] == [("NG101", 2, 4, 11)]
    assert nb.cell_sources(fix_source(nb.program, unsafe=True).source)[1] == (
        "%%time\nwith torch.no_grad():\n    for x in val_loader:\n        %time y = 2\n"
        "        print(model(x).sum().item())")


def test_an_added_import_goes_into_a_python_cell_never_above_a_cell_magic():
    cells = [code("%%capture\n!pip install torch"),
             code("from torch import nn\nmodel = nn.Linear(2, 2)\nmodel.eval()\n"
                  "for x in val_loader:\n    print(model(x).sum().item())")]
    nb = Notebook.from_bytes(_notebook(cells))
    assert nb.cell_sources(fix_source(nb.program, unsafe=True).source) == [
        "%%capture\n!pip install torch",
        "import torch\nfrom torch import nn\nmodel = nn.Linear(2, 2)\nmodel.eval()\n"
        "with torch.no_grad():\n    for x in val_loader:\n        print(model(x).sum().item())"]


def test_an_added_import_goes_below_the_line_magics_that_open_a_cell():
    cells = [code("%matplotlib inline\n!nvidia-smi\nfrom torch import nn\nmodel = nn.Linear(2, 2)\nmodel.eval()\n"
                  "for x in val_loader:\n    print(model(x).sum().item())\n%time done = True")]
    nb = Notebook.from_bytes(_notebook(cells))
    assert nb.cell_sources(fix_source(nb.program, unsafe=True).source) == [
        "%matplotlib inline\n!nvidia-smi\nimport torch\nfrom torch import nn\nmodel = nn.Linear(2, 2)\n"
        "model.eval()\nwith torch.no_grad():\n    for x in val_loader:\n        print(model(x).sum().item())\n"
        "%time done = True"]


def test_top_level_magics_inside_a_wrapped_run_take_the_new_indentation():
    cells = [code("import torch\nmodel = torch.nn.Linear(2, 2)\nmodel.eval()\na = model(x1).sum().item()\n"
                  "%time b = 2\n!echo hi\nc = model(x2).sum().item()\nprint(a, c)")]
    nb = Notebook.from_bytes(_notebook(cells))
    assert nb.cell_sources(fix_source(nb.program, unsafe=True).source) == [
        "import torch\nmodel = torch.nn.Linear(2, 2)\nmodel.eval()\nwith torch.no_grad():\n"
        "    a = model(x1).sum().item()\n    %time b = 2\n    !echo hi\n    c = model(x2).sum().item()\nprint(a, c)"]


def test_error_messages_are_relocated_into_cells():
    nb = Notebook.from_bytes(_notebook([code("import torch"), code("x = 1\ndef f(:\n  pass")]))
    assert nb.relocate_message("nb.ipynb:5:7: cannot parse: invalid syntax", "nb.ipynb") == (
        "nb.ipynb:cell 2:2:7: cannot parse: invalid syntax")
    assert nb.relocate_message("nb.ipynb:2: cannot compile", "nb.ipynb") == "nb.ipynb:cell 1:1: cannot compile"
    assert nb.relocate_message("nb.ipynb: cannot read", "nb.ipynb") == "nb.ipynb: cannot read"


def test_byte_order_mark_and_string_sources_are_kept():
    data = json.loads(_notebook([code("import torch"), code("for x in val_loader:\n    print(model(x).sum())")]))
    data["cells"][1]["source"] = "model.eval()\nfor x in val_loader:\n    print(model(x).sum().item())\n"
    original = codecs.BOM_UTF8 + json.dumps(data, indent=2).encode()
    nb = Notebook.from_bytes(original)
    fixed = nb.with_program(fix_source(nb.program, unsafe=True).source)
    expected_source = ("model.eval()\nwith torch.no_grad():\n    for x in val_loader:\n"
                       "        print(model(x).sum().item())\n")
    assert fixed == original.replace(json.dumps(data["cells"][1]["source"]).encode(),
                                     json.dumps(expected_source).encode())
    assert changed_cells(original, fixed) == [(2, data["cells"][1]["source"], expected_source)]


def test_grad_mode_switched_off_in_a_notebook_is_a_script_setting():
    """NG304: a notebook's top level runs once, as a script's does; the same code in a module
    that other code imports disables gradients for its importers."""
    source = ("import torch\n\ntorch.set_grad_enabled(False)\n\n\n"
              "def embed(model, x):\n    return model(x).flatten(1)\n")
    notebook = Notebook.from_bytes(_notebook([new_code_cell(source)]))
    assert lint_source(notebook.program, "embed.ipynb") == []
    assert [(d.code, d.line, d.column) for d in lint_source(source, "embed.py")] == [("NG304", 3, 1)]


def test_ipython_syntax_is_looked_for_only_where_a_logical_line_starts():
    source = ("x = (1\n% 2)\ns = '''\n!not a shell escape\n'''\nf(a\n  , b)\n"  # Python, line for line
              "!ls \\\n  -la\n,print a b\nmodel??\n")  # IPython: a continued shell escape, autocall, help
    nb = Notebook.from_bytes(_notebook([code(source)]))
    assert nb.program == (
        "# %% nograd-lint cell 1\nx = (1\n% 2)\ns = '''\n!not a shell escape\n'''\nf(a\n  , b)\n"
        "# nograd-lint: magic 0\n# nograd-lint: verbatim 1\n# nograd-lint: magic 2\n# nograd-lint: magic 3\n")
    assert nb.magics == ["!ls \\", "  -la", ",print a b", "model??"]
    assert nb.cell_sources(nb.program) == [source]


def test_cells_that_do_not_parse_alone_are_kept_verbatim_and_named():
    """Hostile cells (nesting deeper than Python's parser takes, a null byte, a half-typed line)
    are left out of the program, line for line, and restored exactly; the others are analysed."""
    deep = "x = " + "(" * 300 + "1" + ")" * 300
    sources = ["import torch", deep, "y = 'a\x00'", "model.", "z = torch.zeros(2)"]
    nb = Notebook.from_bytes(_notebook([code(source) for source in sources]))
    assert [(number, message) for number, _, message in nb.broken if number != 3] == [
        (2, "too many nested parentheses"), (4, "invalid syntax")]
    assert [number for number, _, _ in nb.broken] == [2, 3, 4] and "null bytes" in nb.broken[1][2]
    assert "z = torch.zeros(2)" in nb.program and deep not in nb.program
    assert nb.cell_sources(nb.program) == sources
    assert nb.broken_text("nb.ipynb", checked=True) == (
        "nb.ipynb:cell 2:1:205: cannot parse: too many nested parentheses (and 2 more cells); the other cells "
        "were checked")
