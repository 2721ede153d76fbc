"""`nograd-lint --output-format`: one small function per format, each turning the results of a run
into output text. Output is sorted (path, cell, line, column, code), so diffs of it are stable.

- `text`: `path:line:col: CODE message` (`path:cell N:line:col: ...` in a notebook), streamed.
- `json`: a list of findings with positions, confidence, and the fix with its edits.
- `sarif`: SARIF 2.1.0 for GitHub code scanning; notebook regions count lines within the cell,
  which the location's and the replacement's property bags name (`"cell": N`).
- `github`: GitHub Actions workflow commands, one annotation a finding.
"""
from __future__ import annotations

import json as _json
import os
import urllib.parse
from pathlib import Path, PurePath
from typing import Callable, Iterable, Iterator

from .. import __version__
from ..diagnostics import Diagnostic
from ..io.files import Edit, FileResult, Located
from ..rules import all_rules

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def location(path: str, diagnostic: Diagnostic) -> str:
    """`path:line:col`, or `path:cell N:line:col` in a notebook."""
    cell = getattr(diagnostic, "cell", None)
    where = f"cell {cell}:" if cell is not None else ""
    return f"{path}:{where}{diagnostic.line}:{diagnostic.column}"


def format_diagnostic(path: str, diagnostic: Diagnostic) -> str:
    return f"{location(path, diagnostic)}: {diagnostic.code} {diagnostic.message}"


def _findings(results: Iterable[FileResult]) -> list[tuple[str, Located]]:
    found = [(result.path, d) for result in results for d in result.diagnostics]
    return sorted(found, key=lambda item: (item[0], *item[1].sort_key, item[1].message))


def text(results: Iterable[FileResult]) -> Iterator[str]:
    for result in results:
        for diagnostic in sorted(result.diagnostics, key=lambda d: d.sort_key):
            yield format_diagnostic(result.path, diagnostic) + "\n"


def json(results: Iterable[FileResult]) -> Iterator[str]:
    findings = [_json_finding(path, d) for path, d in _findings(results)]
    yield _json.dumps(findings, indent=2, ensure_ascii=False) + "\n"


def _json_finding(path: str, diagnostic: Located) -> dict:
    fix = diagnostic.fix
    return {
        "code": diagnostic.code,
        "message": diagnostic.message,
        "path": path,
        "cell": diagnostic.cell,
        "line": diagnostic.line,
        "column": diagnostic.column,
        "end_line": diagnostic.end_line,
        "end_column": diagnostic.end_column,
        "confidence": diagnostic.confidence.name.lower(),
        "fix": None if fix is None else {
            "safety": fix.safety.value,
            "description": fix.description,
            "edits": [_json_edit(edit) for edit in diagnostic.edits or ()],
        },
    }


def _json_edit(edit: Edit) -> dict:
    return {"cell": edit.cell, "line": edit.line, "column": edit.column, "end_line": edit.end_line,
            "end_column": edit.end_column, "content": edit.content}


def sarif(results: Iterable[FileResult]) -> Iterator[str]:
    results = list(results)
    rules = all_rules()
    index = {rule.code: position for position, rule in enumerate(rules)}
    errors = [result for result in results if result.error is not None]
    run = {
        "tool": {"driver": {"name": "nograd-lint", "version": __version__, "semanticVersion": __version__,
                            "rules": [_sarif_rule(rule) for rule in rules]}},
        "invocations": [{
            "executionSuccessful": not errors,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": result.error},
                 "locations": [{"physicalLocation": {"artifactLocation": _artifact(result.path)}}]}
                for result in sorted(errors, key=lambda r: r.path)],
        }],
        "columnKind": "unicodeCodePoints",
        "results": [_sarif_result(path, d, index[d.code]) for path, d in _findings(results)],
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    yield _json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_rule(rule) -> dict:
    docs = rule.docs()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": docs, "markdown": docs},
        "help": {"text": docs, "markdown": docs},
        "defaultConfiguration": {"level": "warning", "enabled": rule.default_enabled},
        "properties": {"fix": rule.fix_availability},
    }


def _sarif_result(path: str, diagnostic: Located, rule_index: int) -> dict:
    cell = {"cell": diagnostic.cell} if diagnostic.cell is not None else {}
    result = {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": "warning",
        "message": {"text": diagnostic.message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": _artifact(path),
                "region": _region(diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column),
            },
            **({"properties": cell} if cell else {}),
        }],
        "properties": {"confidence": diagnostic.confidence.name.lower(), **cell},
    }
    if diagnostic.fix is not None and diagnostic.edits:
        replacements = [{
            "deletedRegion": _region(edit.line, edit.column, edit.end_line, edit.end_column),
            "insertedContent": {"text": edit.content},
            **({"properties": {"cell": edit.cell}} if edit.cell is not None else {}),
        } for edit in diagnostic.edits]
        result["fixes"] = [{
            "description": {"text": diagnostic.fix.description},
            "artifactChanges": [{"artifactLocation": _artifact(path), "replacements": replacements}],
            "properties": {"safety": diagnostic.fix.safety.value},
        }]
    return result


def _region(line: int, column: int, end_line: int, end_column: int) -> dict:
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _artifact(path: str) -> dict:
    """A URI relative to the current directory, with forward slashes; a `file:` URI for a file
    outside it."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:  # another drive
        relative = os.pardir
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return {"uri": Path(absolute).as_uri()}
    return {"uri": urllib.parse.quote(PurePath(relative).as_posix()), "uriBaseId": "%SRCROOT%"}


def github(results: Iterable[FileResult]) -> Iterator[str]:
    """Workflow commands: `::warning file=...,line=...,col=...,endLine=...,endColumn=...,title=...::message`.

    A notebook finding's lines count within its cell, which the title names (`NG101 (cell 5)`).
    """
    for result in results:
        if result.error is not None:
            yield f"::error file={_property(result.path)},title=nograd-lint::{_data(result.error)}\n"
        for d in sorted(result.diagnostics, key=lambda d: d.sort_key):
            title = d.code if d.cell is None else f"{d.code} (cell {d.cell})"
            fields = [("file", result.path), ("line", d.line), ("col", d.column), ("endLine", d.end_line),
                      ("endColumn", d.end_column), ("title", title)]
            yield f"::warning {','.join(f'{k}={_property(str(v))}' for k, v in fields)}::{_data(d.message)}\n"


def _data(value: str) -> str:
    """A workflow command's message, escaped as the GitHub Actions toolkit does."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    """A workflow command's property value: the message escapes, plus `:` and `,`."""
    return _data(value).replace(":", "%3A").replace(",", "%2C")


FORMATS: dict[str, Callable[[Iterable[FileResult]], Iterator[str]]] = {
    "text": text, "json": json, "sarif": sarif, "github": github}
EDITS_NEEDED = ("json", "sarif")  # formats that carry each fix's edits
