"""Python 2 sources and PyTorch 0.3's `.cuda(async=True)` (io/legacy.py): neither parser reads
them, so the analysis reads their Python 3 translation, on the same lines. Their findings are
reported where they stand, without fixes; nograd-fix leaves such a file byte for byte and says why;
a module of the project written so still gives its callers and callees their summaries."""
from __future__ import annotations

import json

import pytest
from frontend_files.helpers import fix, lint, write

from nograd_lint.io.legacy import modern_text
from nograd_lint.io.sources import LegacySyntax, parse, python_tree

# An evaluation loop of PyTorch 0.3 days, in Python 2: the print statement shifts no forward pass.
PYTHON2 = """\
import torch
from torch.autograd import Variable


def validate(model, loader):
    model.eval()
    correct = 0
    for images, labels in loader:
        images = Variable(images).cuda(async=True)
        output = model(images)
        correct += (output.data.max(1)[1] == labels).sum()
    print "accuracy: %.3f" % (float(correct) / len(loader.dataset))
    try:
        return float(correct) / len(loader.dataset)
    except ZeroDivisionError, error:
        raise ValueError, "empty loader"
"""
FINDING = ("old.py:10:18: NG101 `validate` runs forward passes with gradients enabled (it calls `model.eval()`; it "
           "throws the graph of every batch away; its name is `validate`); disable them with `torch.no_grad()`")


def test_python_2_is_translated_on_the_same_lines():
    modern = modern_text(PYTHON2)
    assert modern is not None and modern.count("\n") == PYTHON2.count("\n")
    changed = [(old, new) for old, new in zip(PYTHON2.splitlines(), modern.splitlines()) if old != new]
    assert changed == [
        ("        images = Variable(images).cuda(async=True)", "        images = Variable(images).cuda(_sync=True)"),
        ('    print "accuracy: %.3f" % (float(correct) / len(loader.dataset))',
         '    print("accuracy: %.3f" % (float(correct) / len(loader.dataset)))'),
        ("    except ZeroDivisionError, error:", "    except ZeroDivisionError as error:"),
        ('        raise ValueError, "empty loader"', '        raise ValueError("empty loader")')]
    assert python_tree(PYTHON2.encode()).body[2].name == "validate"


def test_indentation_mixing_tabs_and_spaces_is_read_as_python_2_read_it():
    # a tab is eight columns to Python 2; Python 3 refuses the mix
    source = "def evaluate(model, x):\n        model.eval()\n\treturn model(x).tolist()\n"
    assert modern_text(source) == "def evaluate(model, x):\n        model.eval()\n        return model(x).tolist()\n"
    assert modern_text("def f():\n    a = 1\n\treturn a\n") is None  # a tab of four columns: no Python reads it


def test_only_the_async_keyword_is_renamed_in_python_3_code():
    source = "import torch\nx = torch.ones(2).cuda(async=True)\nasync def f():\n    pass\n"
    assert modern_text(source) == source.replace("(async=", "(_sync=")


@pytest.mark.parametrize("source", ["import torch\nprint(torch.ones(2))\n", "def f(:\n    pass\n", "print 'a' 'b\n"])
def test_python_3_and_other_broken_code_are_not_translated(source):
    assert modern_text(source) is None


def test_libcst_refusal_says_why():
    with pytest.raises(LegacySyntax) as raised:
        parse(PYTHON2.encode(), "old.py")
    assert (str(raised.value), raised.value.reason) == (
        "old.py: cannot parse: Python 2 syntax", "Python 2 syntax, analysed as translated to Python 3")


def test_lint_reports_its_findings_without_fixes(tmp_path):
    write(tmp_path, "old.py", PYTHON2)
    ran = lint("--no-cache", "old.py", cwd=tmp_path)
    assert (ran.code, ran.lines, ran.err) == (1, [FINDING], "Found 1 finding in 1 file checked.\n")
    ran = lint("--no-cache", "--output-format", "json", "old.py", cwd=tmp_path)
    report = json.loads(ran.out)
    assert [(f["code"], f["line"], f["column"], f["fix"]) for f in report["findings"]] == [("NG101", 10, 18, None)]


def test_fix_leaves_the_file_byte_for_byte_and_says_why(tmp_path):
    path = write(tmp_path, "old.py", PYTHON2)
    ran = fix("old.py", cwd=tmp_path)
    assert path.read_text() == PYTHON2
    assert ran.code == 1
    assert ran.err_lines[0] == ("nograd-fix: note: old.py: left unchanged: Python 2 syntax, analysed as translated "
                                "to Python 3; its findings have no fixes")


def test_a_python_2_module_of_the_project_gives_its_callers_summaries(tmp_path):
    """`report` (Python 3) runs the Python 2 helper's forward pass on the model its caller put in
    eval mode: the helper's summary is read from the translation, so the helper is reported."""
    write(tmp_path, "pyproject.toml", "")
    write(tmp_path, "helpers.py", "def scores(model, x):\n    print 'scoring', len(x)\n    return model(x)\n")
    write(tmp_path, "report.py", "import torch\n\nfrom helpers import scores\n\n\ndef report(model, batches):\n"
                                 "    model.eval()\n    for x in batches:\n        print(scores(model, x).argmax(1).tolist())\n")
    ran = lint("--no-cache", "--output-format", "json", ".", cwd=tmp_path)
    report = json.loads(ran.out)
    assert [(f["path"], f["code"], f["line"], f["column"]) for f in report["findings"]] == [
        ("helpers.py", "NG101", 3, 12)]
    assert report["errors"] == []
