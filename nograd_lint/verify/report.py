"""Reports of verification results: a plain-text table that fits 80 columns (the terminal and
the Markdown section show the same one), JSON, and the reasons with the failing runs' output."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, List, Optional, Sequence, Tuple

from .records import FixVerdict, Result, RunRecord
from .units import fmt_ratios, fmt_size, fmt_sizes, wrap

BEGIN = "<!-- %s:begin -->"
END = "<!-- %s:end -->"
SECTION = "nograd-verify"
WIDTH = 80

# (header, width); the first column is indented under its file's line.
COLUMNS = (("fix", 11), ("safety", 6), ("saved", 13), ("peak memory", 20), ("time", 11),
           ("result", 7))
LEGEND = ("saved: bytes saved for backward (instrumented call). peak memory: resident, above "
          "the baseline, median±half-range of fresh processes without hooks. time: fixed / "
          "original, median±half-range of interleaved rounds. K, M, G: KiB, MiB, GiB.")


def _line(cells: Sequence[str], indent: str = "  ") -> str:
    parts = [cell.ljust(width) for cell, (_, width) in zip(cells, COLUMNS)]
    return (indent + "  ".join(parts)).rstrip()


def _pair(before: Sequence[float], after: Sequence[float]) -> str:
    if not before and not after:
        return "-"
    return "%s→%s" % (fmt_sizes(before), fmt_sizes(after))


def _single(value: Optional[float]) -> List[float]:
    return [] if value is None else [value]


def _fix_rows(result: Result, verdict: FixVerdict) -> List[str]:
    b, a = result.before, verdict.after
    safety = {"none": "-"}.get(verdict.safety, verdict.safety)
    if a is None:  # a claim, a skipped fix, or nothing ran
        saved = fmt_size(b.saved_bytes) if b and verdict.safety == "none" else "-"
        peak = fmt_sizes(b.peak_rss) if b and verdict.safety == "none" else "-"
        return [_line([verdict.label, safety, saved, peak, "-", verdict.status])]
    rows = [_line([verdict.label, safety,
                   _pair(_single(b.saved_bytes), _single(a.saved_bytes)),
                   _pair(b.peak_rss, a.peak_rss), fmt_ratios(verdict.time_ratios),
                   verdict.status])]
    if b.cuda_peak or a.cuda_peak:
        rows.append(_line(["", "cuda", "", _pair(b.cuda_peak, a.cuda_peak), "", ""]))
    return rows


def _file_line(result: Result) -> str:
    name = Path(result.example).name
    if result.function != "main":
        name += "::" + result.function
    return name + " " * max(1, WIDTH - len(name) - len(result.status)) + result.status


def table(results: Sequence[Result]) -> str:
    """The results as plain text, one line per target and one per fix below it."""
    lines = [_line([h for h, _ in COLUMNS])]
    for result in results:
        lines.append(_file_line(result))
        if not result.verdicts and result.before is not None and result.before.ran:
            b = result.before
            lines.append(_line(["-", "-", fmt_size(b.saved_bytes), fmt_sizes(b.peak_rss), "-",
                                ""]))
        for verdict in result.verdicts:
            lines.extend(_fix_rows(result, verdict))
    return "\n".join(lines)


def _indented(text: str, prefix: str = "    ") -> List[str]:
    return [prefix + line for line in text.rstrip().splitlines()]


def explanations(result: Result, markdown: bool = False) -> List[str]:
    """Why each target passed or failed; for a failure, the traceback or output of the run."""
    name = Path(result.example).name
    bullet = "- `%s`: %s" if markdown else "%s: %s"
    reasons = [result.reason] if not result.verdicts or result.status == "error" else (
        result.problems + ["%s: %s" % (v.label, v.reason) for v in result.verdicts])
    lines = [wrap(bullet % (name, _escape(r)), indent="  ") if markdown else bullet % (name, r)
             for r in reasons]
    if markdown or result.status not in ("failed", "error"):
        return lines
    runs: List[Tuple[str, Optional[RunRecord]]] = [("original", result.before)]
    runs += [(v.label, v.after) for v in result.verdicts if v.status == "failed"]
    seen = set()
    for label, run in runs:
        shown = run.failure_output() if run is not None and (run.error or not run.ran) else ""
        if shown and shown not in seen:
            seen.add(shown)
            lines.append("  %s, last output:" % label)
            lines.extend(_indented(shown))
    return lines


def environment(results: Sequence[Result], options: Any = None) -> str:
    """torch version, device, threads, how it measured, and the machine load, for the record."""
    run = next((r.before for r in results if r.before and r.before.torch_version), None)
    parts = ["torch %s on %s, %s thread(s)" % (run.torch_version, run.device or "cpu",
                                             run.threads)] if run else []
    if options is not None:
        seed = "no seed" if options.seed is None else "seed %d" % options.seed
        parts.append("%s; %d memory run(s) and %d timed round(s) per version"
                     % (seed, options.memory_runs, options.repeat))
    try:
        parts.append("load average %.1f on %d CPUs" % (os.getloadavg()[0], os.cpu_count() or 0))
    except (AttributeError, OSError):
        pass
    return "Measured with " + "; ".join(parts) + "." if parts else ""


def print_report(results: Sequence[Result], console, options: Any = None) -> None:
    """The table, the legend, then why each target passed or failed."""
    from rich.text import Text

    styles = {"passed": "green", "failed": "red", "error": "red", "not run": "red",
              "nothing to fix": "yellow", "skipped": "yellow"}
    for line in table(results).splitlines():
        text = Text(line)
        for word, style in styles.items():
            if line.endswith(word):
                text.stylize(style, len(line) - len(word))
        console.print(text, soft_wrap=True)
    console.print(Text(LEGEND), style="dim")
    for result in results:
        for line in explanations(result):
            console.print(Text(line), soft_wrap=True)
    console.print(Text(environment(results, options)), style="dim")


def to_json(results: Sequence[Result]) -> str:
    return json.dumps([r.to_dict() for r in results], indent=2)


def write_json(path: str, results: Sequence[Result]) -> None:
    Path(path).write_text(to_json(results) + "\n", encoding="utf-8")


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def markdown(results: Sequence[Result], options: Any = None) -> str:
    lines = ["```text", table(results), "```", "", wrap(LEGEND), ""]
    for result in results:
        lines += explanations(result, markdown=True)
    lines += ["", wrap(environment(results, options))]
    return "\n".join(lines)


INTRO = """\
# Runtime verification

`nograd-verify` lints each script, fixes it with `nograd-fix`'s fixer, runs the original and
each fixed version in fresh subprocesses on real torch, and checks that each fix kept the
rule's promise; for a rule without an automatic fix, that the finding's claim holds on the
original.
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


def write_markdown(path: str, results: Sequence[Result], options: Any = None) -> None:
    """Write the results into `path` (between markers, so other sections survive)."""
    body = "## Results\n\n" + markdown(results, options) + "\n\n" + REGENERATE
    write_section(path, SECTION, body, INTRO)
