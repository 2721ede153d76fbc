"""`nograd-lint server`, a real process driven over stdio by an LSP client: diagnostics on open,
change and save for Python files and notebooks, quick fixes labelled safe/unsafe, "fix all safe
fixes", settings from pyproject.toml, `# noqa`, and positions in UTF-16 code units."""
from __future__ import annotations

from pathlib import Path

import pytest
from frontend_files.helpers import (EVALUATE, EVALUATE_FIXED, KIT_NETS, KIT_SCORE, MIXED, MIXED_SAFE_FIXED,
                                    fix_description, tab_indented, write)
from frontend_files.lsp import LspClient, apply_edits

from nograd_lint import __version__
from nograd_lint.linter import lint_source

pytest.importorskip("pygls")

# What an editor with notebook support declares (without it, the server offers no notebook sync).
CAPABILITIES = {"notebookDocument": {"synchronization": {}}, "general": {"positionEncodings": ["utf-16"]}}
NG101_URL = f"https://github.com/nograd-lint/nograd-lint/blob/v{__version__}/docs/rules/NG101.md"


# A graph thrown away in a loop is alone a low-confidence sign: the cache tests show such findings.
LOW_CONFIDENCE = '[tool.nograd-lint]\nmin-confidence = "low"\n'


def _message(source: str, code: str, line: int) -> str:
    return next(d.message for d in lint_source(source, "x.py") if (d.code, d.line) == (code, line))


def _diagnostic(source: str, code: str, line: int, column: int, end_column: int) -> dict:
    """The LSP diagnostic for a finding at 1-based `line:column` (ASCII source)."""
    return {"range": {"start": {"line": line - 1, "character": column - 1},
                      "end": {"line": line - 1, "character": end_column - 1}},
            "message": _message(source, code, line), "severity": 2, "code": code,
            "codeDescription": {"href": NG101_URL.replace("NG101", code)}, "source": "nograd-lint"}


@pytest.fixture
def project(tmp_path):
    client = LspClient(tmp_path)
    client.initialize(tmp_path, CAPABILITIES)
    yield tmp_path, client
    assert client.close() == 0


def _open(client: LspClient, path: Path, text: str) -> str:
    uri = path.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                            "text": text}})
    return uri


def _actions(client: LspClient, uri: str, diagnostic: dict = None, only: list = None) -> list[dict]:
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 10_000, "character": 0}}
    context = {"diagnostics": [diagnostic] if diagnostic else []}
    if only is not None:
        context["only"] = only
    return client.request("textDocument/codeAction", {"textDocument": {"uri": uri},
                                                      "range": diagnostic["range"] if diagnostic else whole,
                                                      "context": context})


def test_initialize_advertises_what_the_server_does(tmp_path):
    client = LspClient(tmp_path)
    result = client.initialize(tmp_path, CAPABILITIES)
    assert result["serverInfo"] == {"name": "nograd-lint", "version": __version__}
    capabilities = result["capabilities"]
    assert capabilities["codeActionProvider"] == {
        "codeActionKinds": ["quickfix", "source.fixAll.nograd-lint", "notebook.source.fixAll.nograd-lint"]}
    assert capabilities["textDocumentSync"]["openClose"] is True and capabilities["textDocumentSync"]["save"]
    assert capabilities["notebookDocumentSync"] == {
        "notebookSelector": [{"cells": [{"language": "python"}], "notebook": "*"}], "save": True}
    assert client.close() == 0


def test_diagnostics_and_a_safe_quick_fix_on_open_change_and_save(project):
    root, client = project
    path = write(root, "e.py", EVALUATE)
    uri = _open(client, path, EVALUATE)
    [published] = client.diagnostics(uri)
    assert published == [_diagnostic(EVALUATE, "NG101", 8, 21, 29)]
    actions = _actions(client, uri, published[0])
    quick = {"title": f"NG101: {fix_description(EVALUATE, 'NG101', 8)} (safe fix)", "kind": "quickfix",
             "diagnostics": published, "isPreferred": True,
             "edit": {"changes": {uri: [{"range": {"start": {"line": 3, "character": 0},
                                                   "end": {"line": 3, "character": 0}},
                                         "newText": "@torch.no_grad()\n"}]}}}
    assert actions == [quick, {"title": "nograd-lint: fix all safe fixes", "kind": "source.fixAll.nograd-lint",
                               "edit": quick["edit"]}]
    assert apply_edits(EVALUATE, quick["edit"]["changes"][uri]) == EVALUATE_FIXED
    # The editor applies the fix: the finding goes away.
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": EVALUATE_FIXED}]})
    assert client.diagnostics(uri) == [[]]
    assert _actions(client, uri) == []
    # An incremental change that brings it back, then a save.
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3}, "contentChanges": [
        {"range": {"start": {"line": 3, "character": 0}, "end": {"line": 4, "character": 0}}, "text": ""}]})
    assert client.diagnostics(uri) == [published]
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == [published]
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == [[]]


def test_unsafe_fixes_are_labelled_and_fix_all_applies_only_safe_ones(project):
    root, client = project
    uri = _open(client, write(root, "m.py", MIXED), MIXED)
    [published] = client.diagnostics(uri)
    assert [(d["code"], d["range"]["start"]["line"] + 1) for d in published] == [
        ("NG101", 8), ("NG102", 19), ("NG103", 25)]
    [unsafe] = _actions(client, uri, published[1], only=["quickfix"])
    assert (unsafe["title"], unsafe["isPreferred"]) == (f"NG102: {fix_description(MIXED, 'NG102', 19)} (unsafe fix)",
                                                        False)
    [fix_all] = _actions(client, uri, only=["source.fixAll"])
    assert (fix_all["title"], fix_all["kind"]) == ("nograd-lint: fix all safe fixes", "source.fixAll.nograd-lint")
    assert apply_edits(MIXED, fix_all["edit"]["changes"][uri]) == MIXED_SAFE_FIXED
    assert _actions(client, uri, only=["refactor"]) == []


def test_settings_from_pyproject_noqa_and_excludes(project):
    root, client = project
    write(root, "pyproject.toml", '[tool.nograd-lint]\nignore = ["NG102"]\nextend-exclude = ["generated"]\n'
                                  'per-file-ignores = { "tests/*" = ["NG1"] }\n')
    uri = _open(client, write(root, "m.py", MIXED), MIXED)
    assert [d["code"] for d in client.diagnostics(uri)[0]] == ["NG101", "NG103"]
    silenced = EVALUATE.replace("def evaluate(model, loader):\n", "def evaluate(model, loader):  # noqa: NG101\n")
    assert client.diagnostics(_open(client, write(root, "noqa.py", silenced), silenced)) == [[]]
    assert client.diagnostics(_open(client, write(root, "generated/e.py", EVALUATE), EVALUATE)) == [[]]
    assert client.diagnostics(_open(client, write(root, "tests/e.py", EVALUATE), EVALUATE)) == [[]]
    # The settings are read again when pyproject.toml changes.
    write(root, "pyproject.toml", "[tool.nograd-lint]\nignore = [\"NG101\"]\n")
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert [d["code"] for d in client.diagnostics(uri)[0]] == ["NG102", "NG103"]
    # A broken table: one message, and no diagnostics are published for it.
    write(root, "pyproject.toml", "[tool.nograd-lint]\nselekt = [\"NG1\"]\n")
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert _actions(client, uri) == []  # answered after the save was handled
    messages = [n["params"] for n in client.notifications if n["method"] == "window/showMessage"]
    assert [m["type"] for m in messages] == [1] and "unknown option(s) selekt" in messages[0]["message"]
    assert not [n for n in client.notifications if n["method"] == "textDocument/publishDiagnostics"]


def test_a_document_that_does_not_parse_keeps_its_diagnostics(project):
    root, client = project
    uri = _open(client, write(root, "e.py", EVALUATE), EVALUATE)
    [published] = client.diagnostics(uri)
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": EVALUATE + "x = (\n"}]})
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                             "contentChanges": [{"text": EVALUATE + "x = ()\n"}]})
    assert client.diagnostics(uri) == [published]  # one publication: none for the broken versions


def test_a_document_libcst_cannot_parse_gets_its_findings_without_code_actions(project):
    """MIXED indented with tabs and a space, which CPython reads and libcst's tokenizer refuses:
    MIXED's findings where they stand, and no quick fix or "fix all" (fixes are libcst edits)."""
    root, client = project
    tabbed = tab_indented(MIXED)
    uri = _open(client, write(root, "m.py", tabbed), tabbed)
    [published] = client.diagnostics(uri)
    assert published == [_diagnostic(MIXED, "NG101", 8, 16, 24), _diagnostic(MIXED, "NG102", 19, 18, 22),
                         _diagnostic(MIXED, "NG103", 25, 4, 20)]
    assert [_actions(client, uri, diagnostic) for diagnostic in published] == [[], [], []]
    assert _actions(client, uri) == []


def test_positions_count_utf16_code_units(project):
    root, client = project
    source = EVALUATE.replace("correct += (model(x)", "correct += ('🙂', model(x))[1] and (model(x)")
    uri = _open(client, write(root, "u.py", source), source)
    [[diagnostic]] = client.diagnostics(uri)
    # `model(x)` starts after the emoji: 2 UTF-16 code units, 1 character.
    assert diagnostic["range"] == {"start": {"line": 7, "character": 26}, "end": {"line": 7, "character": 34}}
    assert source.splitlines()[7][25:33] == "model(x)"


def test_notebook_cells_are_checked_as_one_program(project):
    root, client = project
    notebook_uri = (root / "eval.ipynb").as_uri()
    cells = [("markdown", "# Validation"),
             ("python", "import torch\nmodel = torch.nn.Linear(4, 2)\nmodel.eval()"),
             ("python", "for x in val_loader:\n    print(model(x).sum().item())")]
    uris = [f"vscode-notebook-cell:{root.as_posix()}/eval.ipynb#cell{index}" for index in range(len(cells))]
    client.notify("notebookDocument/didOpen", {
        "notebookDocument": {"uri": notebook_uri, "notebookType": "jupyter-notebook", "version": 1,
                             "cells": [{"kind": 1 if language == "markdown" else 2, "document": uri}
                                       for uri, (language, _) in zip(uris, cells)]},
        "cellTextDocuments": [{"uri": uri, "languageId": language, "version": 1, "text": text}
                              for uri, (language, text) in zip(uris, cells)]})
    first = client.diagnostics(uris[1])
    [published] = client.diagnostics(uris[2])
    assert first == [[]]
    assert [(d["code"], d["range"]) for d in published] == [
        ("NG101", {"start": {"line": 1, "character": 10}, "end": {"line": 1, "character": 18}})]
    fixed_cell = "with torch.no_grad():\n    for x in val_loader:\n        print(model(x).sum().item())"
    [quick] = _actions(client, uris[2], published[0], only=["quickfix"])
    assert quick["title"] == "NG101: wrap the loop in `with torch.no_grad():` (safe fix)"
    assert list(quick["edit"]["changes"]) == [uris[2]]
    assert apply_edits(cells[2][1], quick["edit"]["changes"][uris[2]]) == fixed_cell
    [fix_all] = _actions(client, uris[2], only=["notebook.source.fixAll"])
    assert fix_all["kind"] == "notebook.source.fixAll.nograd-lint"
    assert apply_edits(cells[2][1], fix_all["edit"]["changes"][uris[2]]) == fixed_cell
    # The fix, made in the editor: a change of the cell's text.
    client.notify("notebookDocument/didChange", {
        "notebookDocument": {"uri": notebook_uri, "version": 2},
        "change": {"cells": {"textContent": [{"document": {"uri": uris[2], "version": 2},
                                              "changes": [{"text": fixed_cell}]}]}}})
    assert client.diagnostics(uris[2]) == [[]]
    client.notify("notebookDocument/didClose", {"notebookDocument": {"uri": notebook_uri},
                                                "cellTextDocuments": [{"uri": uri} for uri in uris]})
    assert client.diagnostics(uris[2]) == [[]]


def test_a_notebook_cell_being_typed_leaves_the_other_cells_checked(project):
    """IPython compiles each cell alone: a half-typed cell does not hide another cell's finding."""
    root, client = project
    notebook_uri = (root / "typing.ipynb").as_uri()
    cells = ["import torch\nmodel = torch.nn.Linear(4, 2)\nmodel.eval()",
             "for x in val_loader:\n    print(model(x).sum().item())", "model."]
    uris = [f"vscode-notebook-cell:{root.as_posix()}/typing.ipynb#cell{index}" for index in range(len(cells))]
    client.notify("notebookDocument/didOpen", {
        "notebookDocument": {"uri": notebook_uri, "notebookType": "jupyter-notebook", "version": 1,
                             "cells": [{"kind": 2, "document": uri} for uri in uris]},
        "cellTextDocuments": [{"uri": uri, "languageId": "python", "version": 1, "text": text}
                              for uri, text in zip(uris, cells)]})
    [published] = client.diagnostics(uris[1])
    assert [(d["code"], d["range"]) for d in published] == [
        ("NG101", {"start": {"line": 1, "character": 10}, "end": {"line": 1, "character": 18}})]
    assert client.diagnostics(uris[2]) == [[]]


def test_the_server_subcommand_without_pygls_says_what_to_install(tmp_path):
    # A path named `server` is checked instead (tests/test_conventions.py); here the message when
    # the extra is missing is exercised by hiding pygls from the interpreter.
    import subprocess
    import sys

    from frontend_files.helpers import environment

    code = ("import sys; sys.modules['pygls'] = None; from nograd_lint.frontends.cli import lint_main; "
            "sys.exit(lint_main(['server']))")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env=environment())
    assert done.returncode == 2
    assert done.stderr.endswith('install them with: pip install "nograd-lint[server]"\n')


def test_the_documented_commands_start_the_server(tmp_path):
    import re
    import sys

    from frontend_files.helpers import REPO, script

    docs = (REPO / "docs" / "integrations.md").read_text(encoding="utf-8")
    neovim = re.search(r'cmd = \{ "(.+?)", "(.+?)" \}', docs).groups()
    helix = re.search(r'command = "(.+?)"\nargs = \["(.+?)"\]', docs).groups()
    assert neovim == helix == ("nograd-lint", "server")
    # In a folder that has a `server` folder, `nograd-lint server` checks it; the module form starts the server.
    (tmp_path / "server").mkdir()
    (tmp_path / "elsewhere").mkdir()
    module = re.search(r"`(python -m [\w.]+)` as the command there", docs).group(1).split()
    for cwd, command in ((tmp_path / "elsewhere", [script("nograd-lint"), "server", "--stdio"]),
                         (tmp_path, [sys.executable, *module[1:]])):
        client = LspClient(cwd, command)
        assert client.initialize(cwd)["serverInfo"]["name"] == "nograd-lint"
        assert client.close() == 0


def test_findings_of_saved_documents_are_kept_with_what_they_import(project):
    """The findings of a document as saved are kept in the project's cache and read back; they are
    analysed again when a module the document imports changes."""
    import json

    root, client = project
    write(root, "pyproject.toml", LOW_CONFIDENCE)
    write(root, "kit/__init__.py", "")
    write(root, "kit/nets.py", KIT_NETS)
    path = write(root, "kit/score.py", KIT_SCORE)
    uri = _open(client, path, KIT_SCORE)
    [[diagnostic]] = client.diagnostics(uri)
    assert diagnostic["message"].startswith("`labels` runs forward passes with gradients enabled (it calls `net.eval()`")
    [entry] = (root / ".nograd_cache").rglob("*.json")
    record = json.loads(entry.read_text())
    assert set(record["modules"]) == {str(root / "kit" / "nets.py")}
    [[kept]] = [result["diagnostics"] for result in record["results"]]
    kept[1] = "planted"  # the message: shows that the next check reads the entry
    entry.write_text(json.dumps(record))
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert [[d["message"] for d in published] for published in client.diagnostics(uri)] == [["planted"]]
    write(root, "kit/nets.py", KIT_NETS.replace("return net.eval()", "return net"))
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    [[diagnostic]] = client.diagnostics(uri)
    assert diagnostic["message"] == ("`labels` runs forward passes with gradients enabled (it reads values from the "
                                     "outputs of every step and throws their graphs away); disable them with "
                                     "`torch.no_grad()`")
    # An unsaved buffer is checked, and not kept.
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": "\n" + KIT_SCORE}]})
    [[diagnostic]] = client.diagnostics(uri)
    assert diagnostic["range"]["start"]["line"] == 8
    assert len(list((root / ".nograd_cache").rglob("*.json"))) == 1
    assert json.loads(entry.read_text())["files"] == {str(path): record["files"][str(path)]}
