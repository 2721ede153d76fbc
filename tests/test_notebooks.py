"""Notebooks: cells analysed as one program, magics tolerated, fixes written into the right cell only."""
from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nograd_lint.fixer import fix_source
from nograd_lint.linter import lint_source
from nograd_lint.notebooks import Notebook, NotebookError


def _notebook(cells, language="python") -> bytes:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": language, "display_name": "Python 3"}
    nb.cells = cells
    return nbformat.writes(nb).encode("utf-8")


EVAL_ACROSS_CELLS = [
    new_markdown_cell("# Evaluate the model — über fast"),
    new_code_cell("!pip install torch\nimport torch\nimport torch.nn as nn"),
    new_code_cell("model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))\nmodel.eval()"),
    new_code_cell("%%capture\nprint('setup')"),
    new_code_cell("%time x = 1\nbatch = torch.randn(3, 4)\nout = model(batch)\nprint(out.argmax(1).tolist())",
                  execution_count=7, outputs=[new_output("stream", text="[1, 0, 1]\n")]),
]


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


def test_unchanged_notebook_round_trips_byte_for_byte():
    original = _notebook(EVAL_ACROSS_CELLS)
    notebook = Notebook.from_bytes(original)
    assert notebook.with_program(notebook.program) == original


@pytest.mark.parametrize("data, message", [
    (b"{not json", "not a readable notebook"),
    (b'{"cells": 3}', "no list of cells"),
])
def test_bad_notebooks_are_refused(data, message):
    with pytest.raises(NotebookError, match=message):
        Notebook.from_bytes(data)


def test_non_python_notebooks_are_refused():
    with pytest.raises(NotebookError, match="not a Python notebook"):
        Notebook.from_bytes(_notebook([new_code_cell("x <- 1")], language="R"))
