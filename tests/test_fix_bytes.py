"""`nograd-fix` writes back only the lines a fix changes: every other byte of the file (form feeds,
`\\r` line endings, the BOM, the encoding, a notebook's JSON style) stays exactly as it was."""
from __future__ import annotations

import json

import pytest
from frontend_files.helpers import fix, write

SOURCE = """\
import torch


def evaluate(model, x):
    model.eval()
    y = model(x).sum().item()
    z = 'caf\u00e9'
    return y
"""
DECORATED = SOURCE.replace("\ndef evaluate", "\n@torch.no_grad()\ndef evaluate")


def _form_feed(text: str) -> str:
    return text.replace("    z = ", "\f    z = ")


CASES = {
    "form_feed": (_form_feed(SOURCE).encode(), _form_feed(DECORATED).encode()),
    "cr_only": (SOURCE.replace("\n", "\r").encode(), DECORATED.replace("\n", "\r").encode()),
    "crlf": (SOURCE.replace("\n", "\r\n").encode(), DECORATED.replace("\n", "\r\n").encode()),
    "bom_new_import": (b"\xef\xbb\xbf" + SOURCE.replace("import torch\n\n\n", "").encode(),
                       b"\xef\xbb\xbf" + ("import torch\n\n\n" + DECORATED.replace("import torch\n\n\n", "")).encode()),
    "latin1": (("# -*- coding: latin-1 -*-\n" + SOURCE).encode("latin-1"),
               ("# -*- coding: latin-1 -*-\n" + DECORATED).encode("latin-1")),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_only_the_edited_lines_change(tmp_path, name):
    before, after = CASES[name]
    write(tmp_path, f"{name}.py", before)
    ran = fix(f"{name}.py", cwd=tmp_path)
    assert (ran.code, ran.err_lines) == (0, ["Fixed 1 finding in 1 file; 0 remaining."])
    assert (tmp_path / f"{name}.py").read_bytes() == after


def _notebook(lines: list[str], **dump) -> str:
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": lines}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, **dump)


def test_notebooks_keep_their_json_style_and_cell_line_endings(tmp_path):
    lines = SOURCE.splitlines(keepends=True)
    fixed = DECORATED.splitlines(keepends=True)
    write(tmp_path, "compact.ipynb", _notebook(lines, separators=(",", ":")))
    crlf = [line.replace("\n", "\r\n") for line in lines]
    write(tmp_path, "crlf.ipynb", _notebook(crlf, indent=1))
    ran = fix("compact.ipynb", "crlf.ipynb", cwd=tmp_path)
    assert (ran.code, ran.err_lines) == (0, ["Fixed 2 findings in 2 files; 0 remaining."])
    assert (tmp_path / "compact.ipynb").read_text() == _notebook(fixed, separators=(",", ":"))
    assert (tmp_path / "crlf.ipynb").read_text() == _notebook([line.replace("\n", "\r\n") for line in fixed], indent=1)
