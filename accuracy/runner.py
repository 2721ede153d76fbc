"""Running nograd-lint on a project's labelled files, as a user would.

The `nograd-lint` command of this environment runs in a subprocess from the project's root, with the
project's labelled files as arguments (one run a project, so project-wide analysis sees the whole
tree), with default settings (`--isolated`: a project's own configuration or a broken pyproject.toml
must not change or stop the measurement), every confidence, and rules NG1-NG3:

    nograd-lint --isolated --output-format json --min-confidence low --select NG1,NG2,NG3 FILE...

with `NOGRAD_LINT_NO_CACHE=1`, so that every run analyses (and its time means something) and
nothing is written into the project's tree (earlier releases, scored as baselines, ignore it).

With the `project` scope the run is `nograd-lint ... . FILE...` instead: every file of the project is
checked, as `nograd-lint .` at its root would, so the callers of a labelled function in unlabelled
files are seen; only the labelled files' findings and errors are read (another file's error is
its own, and does not make the labelled files crash).

Exit status 0 is clean, 1 findings, 2 errors. Each error message on standard error that starts with
a labelled file's path is a crash of that file; any other failure (no JSON, an unattributed error,
another exit status) is a crash of every file of the run. Nothing is skipped silently.
"""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional, Sequence

LINT_ARGUMENTS = ("--isolated", "--output-format", "json", "--min-confidence", "low", "--select", "NG1,NG2,NG3")
ERROR_PREFIX = "nograd-lint: error: "
LEVELS = ("low", "medium", "high")
TIMEOUT_SECONDS = 3600


@dataclasses.dataclass(frozen=True)
class Finding:
    """One finding as the JSON output gives it; in a notebook, `line` counts within `cell`."""

    path: str
    cell: Optional[int]
    line: int
    code: str
    message: str
    confidence: str  # low, medium or high
    # a related location of a finding (a call it rests on), not a report of its own: it can make a
    # bug span a true positive, never a false positive or a flagged clean span
    related: bool = False

    @property
    def family(self) -> str:
        return self.code[:3]


@dataclasses.dataclass
class FileRun:
    """The findings of one file, or why it could not be analysed (then its findings are not used)."""

    findings: list[Finding] = dataclasses.field(default_factory=list)
    error: Optional[str] = None


def linter_command() -> list[str]:
    """The `nograd-lint` script beside this Python (not `python -m`, which would put the project's
    root first on sys.path, where a project module could shadow one the linter imports)."""
    beside = Path(sys.executable).parent / ("nograd-lint.exe" if os.name == "nt" else "nograd-lint")
    found = str(beside) if beside.is_file() else shutil.which("nograd-lint")
    if found is None:
        raise FileNotFoundError("no nograd-lint command in this environment (pip install -e .)")
    return [found]


SCOPES = ("labelled", "project")  # what a run checks: the labelled files, or the whole project


def lint_project(root: Path, paths: Sequence[str], command: Sequence[str], scope: str = "labelled") -> dict[str, FileRun]:
    """Run the linter in `root` on `paths` (relative to it), or on the whole project with them
    (`scope`, see SCOPES); a FileRun for each path."""
    checked = [".", *paths] if scope == "project" else list(paths)
    try:
        done = subprocess.run([*command, *LINT_ARGUMENTS, *checked], cwd=root, capture_output=True, text=True,
                              encoding="utf-8", errors="replace", timeout=TIMEOUT_SECONDS,
                              env={**os.environ, "NOGRAD_LINT_NO_CACHE": "1"})
    except (OSError, subprocess.TimeoutExpired) as error:
        return {path: FileRun(error=f"the linter did not run: {error}") for path in paths}
    return parse_run(paths, done.returncode, done.stdout, done.stderr, others_checked=scope == "project")


def parse_run(paths: Sequence[str], returncode: int, stdout: str, stderr: str,
              others_checked: bool = False) -> dict[str, FileRun]:
    """The FileRun of each path from one run's exit status and output; `others_checked`: the run
    checked other files too, whose errors are theirs alone."""
    runs = {path: FileRun() for path in paths}
    by_name = {os.path.normpath(path): path for path in paths}
    failures, others_failed = [], False
    if returncode not in (0, 1, 2):
        failures.append(f"exit status {returncode}")
    try:
        document = json.loads(stdout)  # schema version 1: {"findings": [...], "errors": [...], ...}
        # a plain list: the output of releases before the schema (kept to score them as a baseline)
        findings = document.get("findings") if isinstance(document, dict) else document
        if not isinstance(findings, list):
            raise ValueError("no list of findings")
    except ValueError:
        findings = []
        failures.append(f"no JSON findings on standard output ({_last_line(stderr)})")
    for raw in findings:
        _add_finding(raw, runs, by_name)
    for line in stderr.splitlines():
        if line.startswith(ERROR_PREFIX):
            message = line[len(ERROR_PREFIX):]
            path = _path_of(message, by_name)
            if path is not None:
                _add_error(runs[path], message)
            elif others_checked and _names_a_file(message):
                others_failed = True
            else:
                failures.append(message)
    if returncode == 2 and not failures and not others_failed and not any(run.error for run in runs.values()):
        failures.append(f"exit status 2 without an error message ({_last_line(stderr)})")
    for run in runs.values():
        for failure in failures:
            _add_error(run, failure)
    return runs


def _add_finding(raw: dict, runs: dict[str, FileRun], by_name: dict[str, str]) -> None:
    path = by_name.get(os.path.normpath(str(raw.get("path", ""))))
    if path is None:
        return  # a file that was not asked about
    try:
        finding = Finding(path, raw.get("cell"), int(raw["line"]), str(raw["code"]), str(raw["message"]),
                          str(raw["confidence"]))
        if finding.confidence not in LEVELS:
            raise ValueError(f"confidence {finding.confidence!r}")
    except (KeyError, TypeError, ValueError) as error:
        _add_error(runs[path], f"a finding the scorer cannot read ({error}): {raw}")
        return
    if path.lower().endswith(".ipynb") and finding.cell is None:
        _add_error(runs[path], f"the JSON output gives no cell for a notebook finding at line {finding.line}")
        return
    runs[path].findings.append(finding)
    for related in raw.get("related") or ():
        elsewhere = by_name.get(os.path.normpath(str(related.get("path", ""))))
        if elsewhere is not None and isinstance(related.get("line"), int):
            runs[elsewhere].findings.append(dataclasses.replace(
                finding, path=elsewhere, cell=related.get("cell"), line=related["line"], related=True))


def _path_of(message: str, by_name: dict[str, str]) -> Optional[str]:
    """The labelled path an error message is about (it starts with `path:`), the longest that fits."""
    fits = [name for name in by_name if message.startswith(name + ":")]
    return by_name[max(fits, key=len)] if fits else None


def _names_a_file(message: str) -> bool:
    """The error message is about one source file (it starts with `path.py:` or `path.ipynb:`)."""
    return message.split(": ", 1)[0].split(":", 1)[0].lower().endswith((".py", ".pyi", ".ipynb"))


def _add_error(run: FileRun, message: str) -> None:
    run.error = message if run.error is None else f"{run.error}; {message}"


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else "nothing on standard error"
