"""`nograd-lint` and `nograd-fix` agree on what they can handle: code this Python cannot compile is
an error for both (never "1 fixable" then "cannot compile"), and so is a notebook whose cell
source is not text."""
from __future__ import annotations

import json

import pytest
from frontend_files.helpers import fix, lint, write

BODY = "    model.eval()\n    return model(x).sum().item()\n"
GENERIC = "import torch\n\n\ndef evaluate[T](model, x):\n" + BODY  # Python 3.12 syntax
NUL = "import torch\n\n\ndef evaluate(model, x):  # a\0b\n" + BODY
BAD_CELL = json.dumps({"cells": [{"cell_type": "code", "source": [1, 2], "metadata": {}, "outputs": []}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_lint_and_fix_report_the_same_errors(tmp_path):
    write(tmp_path, "a_nul.py", NUL)
    write(tmp_path, "b_bad.ipynb", BAD_CELL)
    errors = ["a_nul.py: cannot decode: source code string cannot contain null bytes",
              "b_bad.ipynb: invalid notebook: the source of cell 1 is neither text nor a list of lines of text"]
    ran = lint("a_nul.py", "b_bad.ipynb", cwd=tmp_path)
    assert (ran.code, ran.out) == (2, "")
    assert ran.err_lines == [f"nograd-lint: error: {e}" for e in errors] + [
        "No findings in 2 files. 2 files could not be checked."]
    ran = fix("a_nul.py", "b_bad.ipynb", cwd=tmp_path)
    assert ran.code == 2
    assert ran.err_lines == ["nograd-fix: error: a_nul.py: cannot decode: source code string cannot contain null "
                             "bytes; not fixed", f"nograd-fix: error: {errors[1]}",
                             "Fixed 0 findings in 0 files; 0 remaining; 2 files could not be fixed."]


def test_syntax_of_a_newer_python_is_an_error_for_both(tmp_path):
    try:
        compile(GENERIC, "g.py", "exec")
    except SyntaxError:
        pass
    else:
        pytest.skip("this Python compiles generic functions (3.12+): nothing to disagree about")
    write(tmp_path, "g.py", GENERIC)
    ran = lint("g.py", cwd=tmp_path)
    assert (ran.code, ran.err_lines[0]) == (2, "nograd-lint: error: g.py:4:13: cannot compile: expected '('")
    ran = fix("g.py", cwd=tmp_path)
    assert (ran.code, ran.err_lines[0]) == (2, "nograd-fix: error: g.py:4:13: cannot compile: expected '('; not fixed")
