"""Where nograd-lint's time goes: its steps timed inside one run of the command, in this process.

    python benchmarks/phases.py FILE_OR_DIR ...      # as `nograd-lint --isolated --select NG -j 1 -q`
    python benchmarks/speed.py TREE --phases         # the same on the speed benchmark's sample

Each step is a function of the analysis (see STEPS). The CPU time a step spends *inside itself*
is counted: time spent in a step it calls (building a module it imports, summarising a helper)
goes to that step, so the rows add up to the run. Each row is split by whom the step worked
for: a file of the run (`checked`), a project module read for what a checked file imports
(`imported`), or the run itself (the pre-pass, links between files, reporting). The cache is off,
as in the benchmark. Timing adds a little to every call: compare rows, not runs.
"""
from __future__ import annotations

import contextlib
import importlib
import io
import os
import sys
import time
from pathlib import Path
from typing import Callable, Union

RUN, CHECKED, IMPORTED = "run", "checked", "imported"
# (defining module, attribute, label, for whom: None when it is for the module being looked up)
STEPS = (
    ("nograd_lint.io.files", "could_report", "pre-pass (ast parse and signals)", RUN),
    ("nograd_lint.analysis.project", "Project.imported_files", "links between the run's files", RUN),
    ("nograd_lint.analysis.project", "Project.entry", "module lookups", None),
    ("nograd_lint.io.bare_trees", "bare_or_none", "trees built from ast (parse and build)", None),
    ("nograd_lint.io.sources", "parse", "libcst parse", None),
    ("nograd_lint.analysis.gradmode", "analyze", "fact walk", None),
    ("nograd_lint.analysis.gradgate", "GradGate.may_be_grad_context", "grad-context gate", None),
    ("nograd_lint.analysis.project", "Project._phase_one", "phase 1 (classes, summaries, top level)", None),
    # only modules read for their imports are summarised on demand, or defer bodies
    ("nograd_lint.analysis.demand", "OnDemand.summarise", "summaries asked for", IMPORTED),
    ("nograd_lint.analysis.deferred", "DeferredBodies.expand", "deferred bodies built and walked", IMPORTED),
    ("nograd_lint.analysis.summaries", "ModuleModel.build_contexts", "phase 2 (callers' contexts)", CHECKED),
)


class ExclusiveClock:
    """CPU seconds spent inside each (step, for whom), nested calls taken out of their callers."""

    def __init__(self) -> None:
        self.seconds: dict[tuple[str, str], float] = {}
        self.calls: dict[tuple[str, str], int] = {}
        self._stack: list[list] = []  # [label, whom, start, seconds of nested steps]

    def whom(self) -> str:
        """For whom the innermost module lookup works (the run when none is open)."""
        for label, whom, _, _ in reversed(self._stack):
            if label == "module lookups":
                return whom
        return RUN

    def timed(self, function: Callable, label: str, whom: Union[str, Callable, None] = None) -> Callable:
        """`function` timed as `label`, for `whom` (a name, a function of the call's arguments, or
        None: for whom the innermost module lookup works)."""
        def step(*args, **kwargs):
            key = (label, whom if isinstance(whom, str) else whom(args) if whom is not None else self.whom())
            self._stack.append([label, key[1], time.process_time(), 0.0])
            try:
                return function(*args, **kwargs)
            finally:
                _, _, start, nested = self._stack.pop()
                spent = time.process_time() - start
                self.seconds[key] = self.seconds.get(key, 0.0) + spent - nested
                self.calls[key] = self.calls.get(key, 0) + 1
                if self._stack:
                    self._stack[-1][3] += spent
        return step


def _entry_whom(args: tuple) -> str:
    project, path = args[0], Path(os.path.abspath(args[1]))
    return CHECKED if path in project.checked else IMPORTED


def _install(clock: ExclusiveClock) -> list[str]:
    """Wrap each step, everywhere nograd_lint refers to it; the names not found in this version."""
    missing = []
    for module_name, attribute, label, whom in STEPS:
        owner = importlib.import_module(module_name)
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        if owner is None or not hasattr(owner, name):
            missing.append(f"{module_name}.{attribute}")
            continue
        original = getattr(owner, name)
        timed = clock.timed(original, label, _entry_whom if attribute == "Project.entry" else whom)
        setattr(owner, name, timed)
        for module in list(sys.modules.values()):  # `from .bare_trees import bare_or_none` made more references
            if getattr(module, "__name__", "").startswith("nograd_lint") and getattr(module, name, None) is original:
                setattr(module, name, timed)
    return missing


def _modules_read(files: list) -> tuple[int, int]:
    """(project modules read for what the files import, their lines)."""
    from nograd_lint.analysis.project import _PROJECTS
    given = {Path(os.path.abspath(path)) for path in files}
    modules = lines = 0
    for project in _PROJECTS.values():
        for path in project.analysed():
            if path not in given and path not in project.checked:
                modules += 1
                with open(path, "rb") as handle:
                    lines += handle.read().count(b"\n")
    return modules, lines


def phases(files: list) -> str:
    """Run nograd-lint over `files` in this process with its steps timed; the table, as text."""
    os.environ["NOGRAD_LINT_NO_CACHE"] = "1"
    from nograd_lint.frontends.cli import lint_main

    clock = ExclusiveClock()
    missing = _install(clock)
    start = time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        lint_main(["--isolated", "--select", "NG", "-j", "1", "-q", *map(str, files)])
    total = time.process_time() - start
    imported, lines = _modules_read(files)
    out = [f"in-process, cache off: {total:.2f} cpu s for {len(files):,} files and {imported} project modules "
           f"they import ({lines:,} lines)",
           f"  {'step (cpu s inside it)':42} {CHECKED:>9} {IMPORTED:>9} {RUN:>9} {'calls':>8}"]
    for _, _, label, _ in STEPS:
        row = [clock.seconds.get((label, whom), 0.0) for whom in (CHECKED, IMPORTED, RUN)]
        calls = sum(count for (step, _), count in clock.calls.items() if step == label)
        if calls:
            out.append(f"  {label:42} {row[0]:9.2f} {row[1]:9.2f} {row[2]:9.2f} {calls:8,}")
    other = total - sum(clock.seconds.values())
    out.append(f"  {'the rest (rules, reporting, start of run)':42} {'':9} {'':9} {other:9.2f}")
    if missing:
        out.append(f"  not found in this version (not timed): {', '.join(missing)}")
    return "\n".join(out)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__.split("\n\n")[1])
    print(phases(sys.argv[1:]))
