"""`nograd-lint server`: a language server over standard input and output (pygls, lsprotocol).

- Diagnostics for Python documents and for the Python cells of notebooks, published when a
  document is opened, changed or saved (a notebook's cells are checked as one program). While a
  document does not parse, its last diagnostics stay.
- A quick fix for each finding that has one, titled with its description and whether it is a
  safe or an unsafe fix; "fix all safe fixes" as the source action `source.fixAll.nograd-lint`
  (`notebook.source.fixAll.nograd-lint` for a whole notebook).
- Settings from the `[tool.nograd-lint]` of the nearest pyproject.toml, read again when it
  changes; excluded files get no diagnostics; `# noqa` works as on the command line.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from typing import Optional, Sequence

from lsprotocol import types
from pygls import uris
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..diagnostics import FixSafety
from ..docs import rule_url
from ..io.config import ConfigError, Settings
from ..io.files import Edit, FileResult, Located
from .documents import CellText, SettingsCache, check_cells, check_text, fix_cells, fix_text

NAME = "nograd-lint"
FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.{NAME}"
NOTEBOOK_FIX_ALL = f"notebook.{FIX_ALL}"
PYTHON_SUFFIXES = (".py", ".pyi")
EXCLUDED = Settings(select=("NG",))  # a marker: the document is excluded


@dataclasses.dataclass
class Finding:
    """A finding as the editor shows it, and its fix as a workspace edit (None: no fix)."""

    diagnostic: types.Diagnostic
    title: Optional[str] = None
    safe: bool = False
    changes: Optional[dict[str, list[types.TextEdit]]] = None


class NogradServer(LanguageServer):
    def __init__(self) -> None:
        cells = types.NotebookDocumentFilterWithCells(cells=[types.NotebookCellLanguage(language="python")],
                                                      notebook="*")
        super().__init__(NAME, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         notebook_document_sync=types.NotebookDocumentSyncOptions(notebook_selector=[cells],
                                                                                 save=True))
        self.settings = SettingsCache()
        self.caches: dict = {}  # folder -> ResultCache (see documents.check_text)
        self.shown_errors: set[str] = set()


def build() -> NogradServer:
    server = NogradServer()

    for method, document in ((types.TEXT_DOCUMENT_DID_OPEN, "text_document"),
                             (types.TEXT_DOCUMENT_DID_CHANGE, "text_document"),
                             (types.TEXT_DOCUMENT_DID_SAVE, "text_document"),
                             (types.NOTEBOOK_DOCUMENT_DID_OPEN, "notebook_document"),
                             (types.NOTEBOOK_DOCUMENT_DID_SAVE, "notebook_document")):
        server.feature(method)(_publisher(document))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: NogradServer, params: types.DidCloseTextDocumentParams) -> None:
        _send(ls, params.text_document.uri, [])

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_change(ls: NogradServer, params: types.DidChangeNotebookDocumentParams) -> None:
        publish(ls, params.notebook_document.uri)
        for closed in (params.change.cells.structure.did_close or []) if params.change.cells and \
                params.change.cells.structure else []:
            _send(ls, closed.uri, [])

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_close(ls: NogradServer, params: types.DidCloseNotebookDocumentParams) -> None:
        for cell in params.cell_text_documents:
            _send(ls, cell.uri, [])

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL, NOTEBOOK_FIX_ALL]))
    def code_action(ls: NogradServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return code_actions(ls, params)

    return server


def _publisher(document: str):
    """A handler that checks the document the notification names (`params.<document>.uri`)."""
    def handler(ls: NogradServer, params) -> None:
        publish(ls, getattr(params, document).uri)

    return handler


# -- checking -------------------------------------------------------------------------------------
def publish(ls: NogradServer, uri: str) -> None:
    """Check the document (or the notebook the cell belongs to) and publish its diagnostics."""
    found = analyse(ls, uri)
    if found is None:
        return
    for target, findings in found.items():
        _send(ls, target, [finding.diagnostic for finding in findings])


def _send(ls: NogradServer, uri: str, diagnostics: list[types.Diagnostic]) -> None:
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))


def analyse(ls: NogradServer, uri: str) -> Optional[dict[str, list[Finding]]]:
    """Findings by document (a notebook: by cell); None when there is nothing to say now (the code
    does not parse, or the settings cannot be read)."""
    notebook = _notebook(ls, uri)
    if notebook is not None:
        cells, cell_uris = _cells(ls, notebook)
        return _checked(ls, notebook.uri, lambda path, settings: check_cells(cells, path, settings), cell_uris)
    document = ls.workspace.get_text_document(uri)
    if document.language_id not in (None, "python") and not uri.endswith(PYTHON_SUFFIXES):
        return None
    return _checked(ls, uri, lambda path, settings: check_text(document.source, path, settings, ls.caches),
                    {None: uri})


def _checked(ls: NogradServer, uri: str, check, targets: dict) -> Optional[dict[str, list[Finding]]]:
    path = _path(uri)
    found: dict[str, list[Finding]] = {target: [] for target in targets.values()}
    settings = _settings(ls, path)
    if settings is None:
        return None
    if settings is EXCLUDED:
        return found
    result: FileResult = check(path, settings)
    if result.error is not None and not result.diagnostics:
        return None  # (a notebook with a cell that does not parse still has its other cells' findings)
    for located in result.diagnostics:
        target = targets.get(located.cell)
        if target is not None:
            found[target].append(_finding(ls, located, target, targets))
    return found


def _finding(ls: NogradServer, located: Located, uri: str, targets: dict) -> Finding:
    diagnostic = types.Diagnostic(
        range=_range(ls, uri, located.line, located.column, located.end_line, located.end_column),
        message=located.message, severity=types.DiagnosticSeverity.Warning, code=located.code,
        code_description=types.CodeDescription(href=rule_url(located.code)), source=NAME,
        related_information=_related(ls, located, uri, targets) or None)
    fix = located.fix
    if fix is None or not located.edits:
        return Finding(diagnostic)
    safe = fix.safety is FixSafety.SAFE
    title = f"{located.code}: {fix.description} ({'safe' if safe else 'unsafe'} fix)"
    return Finding(diagnostic, title, safe, _changes(ls, located.edits, targets))


def _related(ls: NogradServer, located: Located, uri: str, targets: dict) -> list[types.DiagnosticRelatedInformation]:
    """The finding's related locations (the calls of a reported helper): in this document or its
    cells, or in another file of the project."""
    found = []
    here = _path(uri)
    for related in located.related:
        if related.cell is not None or os.path.abspath(related.path) == here:
            target = targets.get(related.cell, uri)
        else:
            target = uris.from_fs_path(os.path.abspath(related.path)) or uri
        try:
            where = _range(ls, target, related.line, related.column, related.line, related.column)
        except (OSError, IndexError):  # a file that is gone or changed since the analysis read it
            continue
        found.append(types.DiagnosticRelatedInformation(types.Location(target, where), related.message))
    return found


def _changes(ls: NogradServer, edits: Sequence[Edit], targets: dict) -> dict[str, list[types.TextEdit]]:
    changes: dict[str, list[types.TextEdit]] = {}
    for edit in edits:
        target = targets[edit.cell]
        changes.setdefault(target, []).append(types.TextEdit(
            range=_range(ls, target, edit.line, edit.column, edit.end_line, edit.end_column), new_text=edit.content))
    return changes


def _range(ls: NogradServer, uri: str, line: int, column: int, end_line: int, end_column: int) -> types.Range:
    """An LSP range (0-based, in the client's position encoding) of 1-based character positions."""
    lines = ls.workspace.get_text_document(uri).lines
    codec = ls.workspace.position_codec
    return types.Range(start=codec.position_to_client_units(lines, types.Position(line - 1, column - 1)),
                       end=codec.position_to_client_units(lines, types.Position(end_line - 1, end_column - 1)))


# -- code actions ---------------------------------------------------------------------------------
def code_actions(ls: NogradServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    only = params.context.only or []

    def wanted(kind: str) -> bool:
        return not only or any(kind == asked or kind.startswith(f"{asked}.") for asked in only)

    actions = []
    if wanted(types.CodeActionKind.QuickFix):
        for finding in (analyse(ls, uri) or {}).get(uri, []):
            if finding.changes is not None and _overlaps(finding.diagnostic.range, params.range):
                actions.append(types.CodeAction(
                    title=finding.title, kind=types.CodeActionKind.QuickFix, diagnostics=[finding.diagnostic],
                    edit=types.WorkspaceEdit(changes=finding.changes), is_preferred=finding.safe))
    for kind in (FIX_ALL, NOTEBOOK_FIX_ALL) if only else (FIX_ALL,):
        if wanted(kind):
            changes = fix_all(ls, uri)
            if changes:
                actions.append(types.CodeAction(title=f"{NAME}: fix all safe fixes", kind=kind,
                                                edit=types.WorkspaceEdit(changes=changes)))
            break
    return actions


def fix_all(ls: NogradServer, uri: str) -> dict[str, list[types.TextEdit]]:
    """The edits of every safe fix in the document (in the whole notebook of a cell)."""
    notebook = _notebook(ls, uri)
    path = _path(notebook.uri if notebook is not None else uri)
    settings = _settings(ls, path)
    if settings is None or settings is EXCLUDED:
        return {}
    if notebook is not None:
        cells, targets = _cells(ls, notebook)
        return _changes(ls, fix_cells(cells, path, settings), targets)
    return _changes(ls, fix_text(ls.workspace.get_text_document(uri).source, path, settings), {None: uri})


def _settings(ls: NogradServer, path: str) -> Optional[Settings]:
    """The settings for a file, EXCLUDED for one the settings exclude, None when they cannot be
    read (the message is shown once)."""
    try:
        settings, _ = ls.settings.for_path(path)
        return EXCLUDED if ls.settings.excluded(path) else settings
    except ConfigError as error:
        _show_once(ls, str(error))
        return None


def _overlaps(one: types.Range, other: types.Range) -> bool:
    start, end = (one.start.line, one.start.character), (one.end.line, one.end.character)
    return start <= (other.end.line, other.end.character) and (other.start.line, other.start.character) <= end


# -- documents ------------------------------------------------------------------------------------
def _notebook(ls: NogradServer, uri: str) -> Optional[types.NotebookDocument]:
    return (ls.workspace.get_notebook_document(notebook_uri=uri)
            or ls.workspace.get_notebook_document(cell_uri=uri))


def _cells(ls: NogradServer, notebook: types.NotebookDocument) -> tuple[list[CellText], dict[int, str]]:
    """The notebook's cells in order, and the document of each Python code cell by its number."""
    cells, targets = [], {}
    for number, cell in enumerate(notebook.cells, start=1):
        document = ls.workspace.text_documents.get(cell.document)
        code = (cell.kind == types.NotebookCellKind.Code and document is not None
                and document.language_id in (None, "python"))
        cells.append(CellText(document.source if code else "", code))
        if code:
            targets[number] = cell.document
    return cells, targets


def _path(uri: str) -> str:
    """The file a document is, or a name in the current directory for one that is not a file yet."""
    path = uris.to_fs_path(uri)
    if path and uri.startswith("file:"):
        return path
    return os.path.join(os.getcwd(), os.path.basename(path or uri) or "untitled.py")


def _show_once(ls: NogradServer, message: str) -> None:
    if message not in ls.shown_errors:
        ls.shown_errors.add(message)
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"{NAME}: {message}"))


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="nograd-lint server", description="Run the nograd-lint language server.")
    parser.add_argument("--stdio", action="store_true", help="talk over standard input and output (the default)")
    parser.parse_args(argv)
    build().start_io()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
