"""The sentinel's report: `path:line:col` lines like the linter's, a terminal table, JSON.

Findings come first, the most bytes saved for backward first; call sites whose graphs a
backward used are not findings and are only counted.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Iterator, List, Sequence

from ..verify.pipeline import display_name
from ..verify.units import fmt_bytes
from .crosscheck import CALLER, FUNCTION, LINE, MISSED
from .records import EVAL, FROZEN, SiteRecord, sort_key

KINDS = {EVAL: "eval-mode", FROZEN: "frozen"}


def _times(count: int) -> str:
    return "once" if count == 1 else "%d times" % count


def lint_verdict(record: SiteRecord) -> str:
    """What `nograd-lint` says about the call site, in words."""
    lint = record.lint or {}
    codes = ", ".join(lint.get("codes", ()))
    status = lint.get("status")
    if status == LINE:
        return "nograd-lint reports %s on this line" % codes
    if status == FUNCTION:
        lines = ", ".join(str(n) for n in lint["lines"])
        return "nograd-lint reports %s in `%s` (line %s), not on this line" % (
            codes, record.function, lines)
    if status == CALLER:
        return "nograd-lint reports %s at a caller, %s:%s in `%s`" % (
            codes, display_name(Path(lint["path"])), lint["lines"][0], lint["function"])
    if status == MISSED:
        return "nograd-lint misses it"
    return "not cross-checked: %s" % lint.get("reason", "")


def describe(record: SiteRecord) -> str:
    """The message of one finding; the cross-check once it has been done."""
    modules = ", ".join(record.modules)
    if record.kind == EVAL:
        what = "eval-mode forward of %s ran %s with gradients on" % (modules, _times(record.forwards))
    else:
        what = "forward of frozen %s ran %s on inputs that carry a graph" % (
            modules, _times(record.forwards))
    saved = "%s saved for backward" % fmt_bytes(record.saved_bytes)
    if record.unmeasured:
        saved += ", %d forward(s) not measured (the program's own saved-tensor hooks were active)" % (
            record.unmeasured)
    parts = [what, "no backward used %s" % ("its graph" if record.forwards == 1 else "their graphs"),
             saved]
    if record.tests:
        shown = ", ".join(record.tests[:3])
        parts.append("in %s%s" % (shown, " and %d more" % (len(record.tests) - 3)
                                  if len(record.tests) > 3 else ""))
    if record.lint is not None:
        parts.append(lint_verdict(record))
    return "; ".join(parts)


def finding_line(record: SiteRecord) -> str:
    """`path:line:col: message`, the linter's style."""
    return "%s:%d:%d: %s" % (display_name(Path(record.path)), record.line, record.column,
                             describe(record))


def text_lines(records: Sequence[SiteRecord]) -> Iterator[str]:
    """A line for each finding, then the summary."""
    for record in sorted(records, key=sort_key):
        if record.finding:
            yield finding_line(record)
    yield summary(records)


def summary(records: Sequence[SiteRecord]) -> str:
    findings = [r for r in records if r.finding]
    used = len(records) - len(findings)
    if not findings:
        text = "No wasted graphs: no forward with gradients on left a graph unused"
    else:
        statuses = [(r.lint or {}).get("status") for r in findings]
        text = "%d call site%s built graphs no backward used (%s saved for backward)" % (
            len(findings), "" if len(findings) == 1 else "s",
            fmt_bytes(sum(r.saved_bytes for r in findings)))
        if any(statuses):
            text += ("; nograd-lint reports %d on the line, %d in the function, %d at a caller, "
                     "misses %d" % (statuses.count(LINE), statuses.count(FUNCTION),
                                    statuses.count(CALLER), statuses.count(MISSED)))
    if used:
        text += "; %d call site%s whose graphs a backward used (not findings)" % (
            used, "" if used == 1 else "s")
    return text + "."


def to_json(records: Sequence[SiteRecord], **extra: Any) -> str:
    ordered = sorted(records, key=sort_key)
    data: Dict[str, Any] = dict(extra)
    data["findings"] = [r.to_dict() for r in ordered if r.finding]
    data["used"] = [r.to_dict() for r in ordered if not r.finding]
    return json.dumps(data, indent=2)


HEADERS = ("Location", "Function", "Kind", "Modules", "Forwards", "Saved for backward",
           "nograd-lint")


def table_rows(records: Sequence[SiteRecord]) -> List[List[str]]:
    rows = []
    for record in sorted(records, key=sort_key):
        if not record.finding:
            continue
        lint = (record.lint or {}).get("status", "-")
        rows.append(["%s:%d:%d" % (display_name(Path(record.path)), record.line, record.column),
                     record.function, KINDS.get(record.kind, record.kind),
                     ", ".join(record.modules), str(record.forwards),
                     fmt_bytes(record.saved_bytes), lint])
    return rows


def print_table(records: Sequence[SiteRecord], console) -> None:
    """A rich table of the findings, then the summary line."""
    from rich.table import Table

    rows = table_rows(records)
    if rows:
        table = Table(title="nograd sentinel: graphs no backward used")
        for header in HEADERS:
            table.add_column(header, overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    console.print(summary(records), highlight=False, markup=False)
