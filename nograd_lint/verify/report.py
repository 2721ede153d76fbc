"""Reports of verification results: a terminal table (rich), JSON and Markdown."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Optional, Sequence, Tuple

from .records import Result
from .units import fmt_bytes, fmt_ratio, fmt_seconds

BEGIN = "<!-- %s:begin -->"
END = "<!-- %s:end -->"
SECTION = "nograd-verify"

HEADERS = ("Example", "Rules", "Fix", "Saved for backward", "Peak RSS", "Median time",
           "Time ratio", "Result")


def _pair(before: Optional[float], after: Optional[float], fmt, ratio: Optional[float]) -> str:
    if before is None and after is None:
        return "-"
    if after is None:
        return fmt(before)
    text = "%s -> %s" % (fmt(before), fmt(after))
    return text + (" (%s)" % fmt_ratio(ratio) if ratio is not None else "")


def _fix(result: Result) -> str:
    fixes = [c + (" (unsafe)" if c in result.unsafe_fixes else "") for c in result.fixes]
    if result.unfixable:
        codes = "" if not fixes else " for " + ", ".join(result.unfixable)
        fixes.append("no automatic fix" + codes)
    return ", ".join(fixes) or "-"


def row(result: Result) -> Tuple[str, ...]:
    """One table row of plain text cells, in HEADERS order."""
    b, a, ratios = result.before, result.after, result.ratios()
    return (
        Path(result.example).name,
        ", ".join(result.rules) or "-",
        _fix(result),
        _pair(b and b.saved_bytes, a and a.saved_bytes, fmt_bytes, ratios["saved_bytes"]),
        _pair(b and b.peak_rss_bytes, a and a.peak_rss_bytes, fmt_bytes, ratios["peak_rss"]),
        _pair(b and b.median_seconds, a and a.median_seconds, fmt_seconds, None),
        fmt_ratio(ratios["time"]),
        result.status,
    )


def to_json(results: Sequence[Result]) -> str:
    return json.dumps([r.to_dict() for r in results], indent=2)


def write_json(path: str, results: Sequence[Result]) -> None:
    Path(path).write_text(to_json(results) + "\n", encoding="utf-8")


def print_table(results: Sequence[Result], console) -> None:
    """The terminal table, then one line per file saying why it passed or failed."""
    from rich.table import Table

    table = Table(title="nograd-verify", show_lines=False)
    for header in HEADERS:
        table.add_column(header, overflow="fold")
    styles = {"passed": "green", "failed": "red", "error": "red", "nothing to fix": "yellow"}
    for result in results:
        cells = list(row(result))
        cells[-1] = "[%s]%s[/]" % (styles.get(result.status, "white"), cells[-1])
        table.add_row(*cells)
    console.print(table)
    for result in results:
        console.print("[bold]%s[/]: %s" % (Path(result.example).name, result.reason),
                      markup=True, highlight=False)


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def environment(results: Sequence[Result]) -> str:
    """torch version, threads and machine load, for the record."""
    run = next((r.before for r in results if r.before and r.before.torch_version), None)
    parts = ["torch %s, %s thread(s)" % (run.torch_version, run.threads)] if run else []
    try:
        parts.append("load average %.1f on %d CPUs" % (os.getloadavg()[0], os.cpu_count() or 0))
    except (AttributeError, OSError):
        pass
    return "Measured with " + "; ".join(parts) + "." if parts else ""


def markdown_table(results: Sequence[Result]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for result in results:
        cells = list(row(result))
        cells[0] = "`%s`" % cells[0]
        lines.append("| " + " | ".join(_escape(c).replace("->", "→") for c in cells) + " |")
    lines.append("")
    lines += ["- `%s`: %s" % (Path(r.example).name, _escape(r.reason)) for r in results]
    lines += ["", environment(results)]
    return "\n".join(lines)


INTRO = """\
# Runtime verification

`nograd-verify` lints each script, fixes it with `nograd-fix`'s fixer, runs `main()` of the
original and the fixed version in fresh subprocesses on real torch, and checks that the fix
kept the rule's promise (same outputs, no graph kept, backward works, grad mode restored); for
a rule without an automatic fix, that the finding's claim holds on the original.
Saved for backward: bytes autograd saved during `main()`, each storage once. Peak RSS: peak
resident memory above the post-import baseline, each version in its own process. Times:
medians of interleaved runs after a warm-up; ratios are after / before.
"""

REGENERATE = """\
Regenerate this section with `nograd-verify --markdown docs/verification.md` (only the part
between the `nograd-verify` markers is rewritten).
"""


def replace_section(text: str, name: str, body: str) -> Optional[str]:
    """`text` with the part between the `name` markers replaced by `body`; None if no markers."""
    pattern = re.compile(re.escape(BEGIN % name) + r".*?" + re.escape(END % name), re.DOTALL)
    if not pattern.search(text):
        return None
    return pattern.sub(lambda _: "%s\n%s\n%s" % (BEGIN % name, body.strip(), END % name), text)


def write_section(path: str, name: str, body: str, default: str) -> None:
    """Update the `name` section of the Markdown file at `path`, creating it from `default`."""
    file = Path(path)
    text = file.read_text(encoding="utf-8") if file.exists() else ""
    updated = replace_section(text, name, body)
    if updated is None:
        base = text.rstrip() + "\n\n" if text.strip() else default
        updated = replace_section(base + "\n%s\n%s\n" % (BEGIN % name, END % name), name, body)
    file.write_text(updated.rstrip() + "\n", encoding="utf-8")


def write_markdown(path: str, results: Sequence[Result]) -> None:
    """Write the results table into `path` (between markers, so other sections survive)."""
    body = "## Results\n\n" + markdown_table(results) + "\n\n" + REGENERATE
    write_section(path, SECTION, body, INTRO)
