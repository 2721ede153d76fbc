"""Real notebooks for the front-end tests, written by nbformat (fixed cell ids, so bytes are stable)."""
from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nograd_lint.io.config import Settings
from nograd_lint.linter import lint_source
from nograd_lint.io.notebooks import Notebook


def notebook(cells, language: str = "python") -> bytes:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": language, "display_name": "Python 3"}
    nb.cells = cells
    for number, cell in enumerate(nb.cells, start=1):
        cell["id"] = f"cell-{number}"
    return nbformat.writes(nb).encode("utf-8")


def code(source: str, **kwargs):
    return new_code_cell(source, **kwargs)


# An evaluation split across cells: the model is put in eval mode in cell 3 and run in cell 5;
# a shell escape, a line magic and a cell magic on the way.
EVAL_ACROSS_CELLS = [
    new_markdown_cell("# Evaluate the model — über fast"),
    code("!pip install torch\nimport torch\nimport torch.nn as nn"),
    code("model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))\nmodel.eval()"),
    code("%%capture\nprint('setup')"),
    code("%time x = 1\nbatch = torch.randn(3, 4)\nout = model(batch)\nprint(out.argmax(1).tolist())",
         execution_count=7, outputs=[new_output("stream", text="[1, 0, 1]\n")]),
]
# Cell 5's source as nbformat writes it, before and after `nograd-fix --unsafe-fixes`.
CELL_5_JSON = '''    "%time x = 1\\n",
    "batch = torch.randn(3, 4)\\n",
    "out = model(batch)\\n",
    "print(out.argmax(1).tolist())"'''
CELL_5_FIXED_JSON = '''    "%time x = 1\\n",
    "batch = torch.randn(3, 4)\\n",
    "with torch.no_grad():\\n",
    "    out = model(batch)\\n",
    "print(out.argmax(1).tolist())"'''

# A validation loop in one cell: NG101 with a safe fix (only Python numbers leave the loop).
VALIDATE = [
    code("import torch\nmodel = torch.nn.Linear(4, 2)\nmodel.eval()"),
    code("for x in val_loader:\n    print(model(x).sum().item())"),
]


def notebook_finding(path: str, data: bytes, code_: str, cell: int, line: int, column: int,
                     settings: Settings = None) -> str:
    """The exact output line for a finding the rules must report in `cell` at `line:column`.

    The message belongs to the rule; the front end must print `path:cell N:line:col: CODE message`.
    """
    nb = Notebook.from_bytes(data)
    found = []
    for diagnostic in lint_source(nb.program, path, settings):
        where = (diagnostic.code, *nb.locate(diagnostic.line), diagnostic.column)
        if where == (code_, cell, line, column):
            return f"{path}:cell {cell}:{line}:{column}: {code_} {diagnostic.message}"
        found.append(where)
    raise AssertionError(f"the rules no longer report {code_} at cell {cell}, {line}:{column}: {found}")
