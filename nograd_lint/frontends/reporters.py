"""`nograd-lint --output-format`: one small function per format, each turning the results of a run
into output text. Output is sorted (path, cell, line, column, code), so diffs of it are stable.

- `text`: `path:line:col: CODE message` (`path:cell N:line:col: ...` in a notebook), streamed.
- `json`: an object with the schema version, the findings (positions, confidence, related
  locations such as the callers a finding rests on, the fix with its edits) and the files that
  could not be checked.
- `sarif`: SARIF 2.1.0 for GitHub code scanning; notebook regions count lines within the cell,
  which the location's and the replacement's property bags name (`"cell": N`).
- `statistics` (`--statistics`): one line per code, with its count, whether `nograd-fix` fixes
  them, and the rule's name; as JSON with `--output-format json`.
- `github`: GitHub Actions workflow commands, one annotation a finding.
"""
from __future__ import annotations

import hashlib
import json as _json
import os
import re
import urllib.parse
from pathlib import Path, PurePath
from typing import Callable, Iterable, Iterator

from .. import __version__
from ..diagnostics import Diagnostic, FixSafety
from ..docs import rule_url
from ..io.files import Edit, FileResult, Located
from ..rules import all_rules, rule_by_code

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
JSON_SCHEMA_VERSION = 1  # raised when a field changes meaning or goes away (added fields keep it)


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


def error_location(result: FileResult) -> dict:
    """Where a file's error is, read from its message (`path:line:col: ...`, `path:cell N:line:col:
    ...`): `cell`, `line` and `column` (None when the message names none) and the bare `message`."""
    found = re.match(rf"{re.escape(result.path)}(?::cell (\d+))?(?::(\d+))?(?::(\d+))?: (.*)\Z", result.error or "",
                     re.DOTALL)
    if found is None:
        return {"cell": None, "line": None, "column": None, "message": result.error}
    *numbers, message = found.groups()
    cell, line, column = (int(number) if number else None for number in numbers)
    return {"cell": cell, "line": line, "column": column, "message": message}


def text(results: Iterable[FileResult]) -> Iterator[str]:
    for result in results:
        for diagnostic in sorted(result.diagnostics, key=lambda d: d.sort_key):
            yield format_diagnostic(result.path, diagnostic) + "\n"


def json(results: Iterable[FileResult]) -> Iterator[str]:
    results = list(results)
    log = {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": {"name": "nograd-lint", "version": __version__},
        "findings": [_json_finding(path, d) for path, d in _findings(results)],
        "errors": [{"path": result.path, **error_location(result)}
                   for result in sorted(results, key=lambda r: r.path) if result.error is not None],
    }
    yield _json.dumps(log, indent=2, ensure_ascii=False) + "\n"


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
        "related": [{"path": r.path, "cell": r.cell, "line": r.line, "column": r.column, "message": r.message}
                    for r in diagnostic.related],
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
            "toolExecutionNotifications": [_sarif_error(result) for result in sorted(errors, key=lambda r: r.path)],
        }],
        "columnKind": "unicodeCodePoints",
        "results": _fingerprinted([_sarif_result(path, d, index[d.code]) for path, d in _findings(results)]),
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    yield _json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_error(result: FileResult) -> dict:
    where = error_location(result)
    location = {"artifactLocation": _artifact(result.path)}
    if where["line"] is not None and where["cell"] is None:
        location["region"] = {"startLine": where["line"], **({"startColumn": where["column"]} if where["column"] else {})}
    return {"level": "error", "message": {"text": result.error}, "locations": [{"physicalLocation": location}]}


def _fingerprinted(results: list[dict]) -> list[dict]:
    """Each result with a fingerprint that survives edits elsewhere in the file: its rule, file,
    cell and message, and how many results with all of those came before it."""
    seen: dict[str, int] = {}
    for result in results:
        key = _json.dumps([result["ruleId"], result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                           result["properties"].get("cell"), result["message"]["text"]])
        seen[key] = seen.get(key, -1) + 1
        digest = hashlib.sha256(f"{key}#{seen[key]}".encode()).hexdigest()
        result["fingerprints"] = {"nogradLint/v1": digest}
    return results


def _sarif_rule(rule) -> dict:
    docs = rule.docs()
    return {
        "id": rule.code,
        "name": rule.name,
        "helpUri": rule_url(rule.code),
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
    if diagnostic.related:
        result["relatedLocations"] = [{
            "id": number,
            "physicalLocation": {"artifactLocation": _artifact(related.path),
                                 "region": {"startLine": related.line, "startColumn": related.column}},
            "message": {"text": related.message},
            **({"properties": {"cell": related.cell}} if related.cell is not None else {}),
        } for number, related in enumerate(diagnostic.related)]
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
            where = error_location(result)
            line = f",line={where['line']}" if where["line"] is not None and where["cell"] is None else ""
            yield f"::error file={_property(result.path)}{line},title=nograd-lint::{_data(result.error)}\n"
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


def statistics(results: Iterable[FileResult], as_json: bool = False) -> Iterator[str]:
    """Findings counted per code, most frequent first: `count  code  [*] name` (`[*]`: nograd-fix
    fixes some of them; `[ ]`: none); with `as_json`, a list of objects."""
    counts: dict[str, list[int]] = {}
    for result in results:
        for d in result.diagnostics:
            entry = counts.setdefault(d.code, [0, 0])
            entry[0] += 1
            entry[1] += d.fix is not None and d.fix.safety is FixSafety.SAFE
    rows = sorted(counts.items(), key=lambda item: (-item[1][0], item[0]))
    if as_json:
        yield _json.dumps([{"code": code, "name": rule_by_code(code).name, "count": count, "fixable": fixable}
                           for code, (count, fixable) in rows], indent=2) + "\n"
        return
    width = max((len(str(count)) for _, (count, _) in rows), default=1)
    for code, (count, fixable) in rows:
        yield f"{count:>{width}}\t{code}\t{'[*]' if fixable else '[ ]'} {rule_by_code(code).name}\n"


FORMATS: dict[str, Callable[[Iterable[FileResult]], Iterator[str]]] = {
    "text": text, "json": json, "sarif": sarif, "github": github}
EDITS_NEEDED = ("json", "sarif")  # formats that carry each fix's edits
