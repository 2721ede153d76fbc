"""`# noqa`: read with flake8's own pattern and code matching, and the same in nograd-lint, flake8
(the real command), nograd-fix and the JSON output: a noqa on the reported line or on the header
its fix rewrites silences a finding; a noqa on a line the fix would change takes the fix away."""
from __future__ import annotations

import json

from frontend_files.helpers import EVALUATE, EVALUATE_FIXED, finding, fix, flake8, lint, write

from nograd_lint.io.noqa import NoqaMap

# A script loop: NG101 at 5:9, fixed by putting the loop in `with torch.no_grad():` (re-indenting line 6).
LOOP = """\
import torch

model.eval()
for x in val_loader:
    y = model(x)
    print(y.sum().item())
"""


def test_noqa_comments_as_flake8_reads_them():
    text = ("x = 1  # noqa\n"
            "y = 2  # noqa: NG101\n"
            "z = 3  # NOQA:NG1,E501\n"
            "w = 4  # noqa:ng2 \n"
            "v = 5  #noqa\n"  # flake8 needs the space too
            "u = 6\n"
            "s = \"# noqa: NG103\"\n")  # flake8 reads the physical line, strings included
    noqa = NoqaMap.of_text(text)
    assert noqa.lines == {1: None, 2: ("NG101",), 3: ("NG1", "E501"), 4: ("ng2",), 7: ("NG103",)}
    # Codes match case-sensitively, as in flake8: `ng2` silences nothing.
    assert [noqa.suppresses(1, "NG101"), noqa.suppresses(2, "NG101"), noqa.suppresses(2, "NG102"),
            noqa.suppresses(3, "NG103"), noqa.suppresses(4, "NG201"), noqa.suppresses(6, "NG101")] == [
        True, True, False, True, False, False]
    assert noqa.any_line_suppresses(5, 7, "NG103") and not noqa.any_line_suppresses(5, 6, "NG103")
    assert noqa.mentions("NG103") and noqa.mentions("NG201")  # line 1 is a blanket noqa
    assert not NoqaMap.of_text("a = 1  # noqa: NG1\n").mentions("NG201")
    assert NoqaMap.of_text("print('nothing')\n").lines == {}


def test_noqa_after_a_multiline_string_covers_its_lines():
    text = 's = """\nabc\n"""  # noqa: NG102\ncall(\n    a,  # noqa\n    b,\n)\n'
    assert NoqaMap.of_text(text).lines == {1: ("NG102",), 2: ("NG102",), 3: ("NG102",), 5: None}
    # Text the tokenizer rejects is read line by line.
    assert NoqaMap.of_text("x = (\n  # noqa\n").lines == {2: None}


def test_noqa_on_the_def_line_silences_a_function_level_finding_everywhere(tmp_path):
    source = EVALUATE.replace("def evaluate(model, loader):\n", "def evaluate(model, loader):  # noqa: NG101\n")
    write(tmp_path, "e.py", source)
    ran = lint("e.py", cwd=tmp_path)
    assert (ran.code, ran.out, ran.err) == (0, "", "No findings in 1 file.\n")
    assert (flake8("--select", "NG", "e.py", cwd=tmp_path).code, flake8("--select", "NG", "e.py", cwd=tmp_path).out) == (
        0, "")
    fixed = fix("e.py", cwd=tmp_path)
    assert (fixed.code, fixed.out, fixed.err) == (0, "", "Fixed 0 findings in 0 files; 0 remaining.\n")
    assert (tmp_path / "e.py").read_text() == source
    # flake8 --disable-noqa reports it again.
    assert flake8("--select", "NG", "--disable-noqa", "e.py", cwd=tmp_path).lines == [
        finding("e.py", EVALUATE, "NG101", 8, 21)]
    # A noqa elsewhere in the function neither silences the finding nor stops the decorator.
    elsewhere = EVALUATE.replace("model.eval()\n", "model.eval()  # noqa: NG101\n")
    write(tmp_path, "e.py", elsewhere)
    assert lint("e.py", cwd=tmp_path).lines == [finding("e.py", EVALUATE, "NG101", 8, 21)]
    assert fix("e.py", cwd=tmp_path).code == 0
    assert (tmp_path / "e.py").read_text() == EVALUATE_FIXED.replace("model.eval()\n", "model.eval()  # noqa: NG101\n")


def test_noqa_on_the_with_header_the_fix_would_add(tmp_path):
    source = LOOP.replace("for x in val_loader:\n", "for x in val_loader:  # noqa: NG1\n")
    write(tmp_path, "s.py", source)
    assert (lint("s.py", cwd=tmp_path).code, flake8("--select", "NG", "s.py", cwd=tmp_path).out) == (0, "")


def test_a_noqa_on_a_line_the_fix_would_change_takes_the_fix_away(tmp_path):
    source = LOOP.replace("print(y.sum().item())\n", "print(y.sum().item())  # noqa: NG101\n")
    write(tmp_path, "s.py", source)
    reported = finding("s.py", LOOP, "NG101", 5, 9)
    ran = lint("s.py", cwd=tmp_path)
    assert (ran.code, ran.lines, ran.err) == (1, [reported], "Found 1 finding in 1 file checked.\n")
    as_json = json.loads(lint("--output-format", "json", "s.py", cwd=tmp_path).out)
    assert [(f["code"], f["line"], f["fix"]) for f in as_json["findings"]] == [("NG101", 5, None)]
    fixed = fix("s.py", cwd=tmp_path)
    assert (fixed.code, fixed.lines, fixed.err) == (
        1, [reported], "Fixed 0 findings in 0 files; 1 remaining (1 without an automatic fix).\n")
    assert (tmp_path / "s.py").read_text() == source
    assert flake8("--select", "NG", "s.py", cwd=tmp_path).lines == [reported]
    # A noqa for another code changes nothing.
    write(tmp_path, "s.py", LOOP.replace("print(y.sum().item())\n", "print(y.sum().item())  # noqa: E501,NG2\n"))
    assert lint("s.py", cwd=tmp_path).err == "Found 1 finding in 1 file checked. 1 fixable with nograd-fix.\n"


def test_code_matching_agrees_with_flake8(tmp_path):
    lower = EVALUATE.replace(".sum().item()\n", ".sum().item()  # NOQA: ng101\n")
    upper = EVALUATE.replace(".sum().item()\n", ".sum().item()  # NOQA:NG1\n")
    write(tmp_path, "lower.py", lower)
    write(tmp_path, "upper.py", upper)
    expected = [finding("lower.py", EVALUATE, "NG101", 8, 21)]
    assert flake8("--select", "NG", "lower.py", "upper.py", cwd=tmp_path).lines == expected
    assert lint("lower.py", "upper.py", cwd=tmp_path).lines == expected
