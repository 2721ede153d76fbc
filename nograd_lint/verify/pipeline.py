"""Verification of one file, start to end: static checks, runs of both versions, verdict."""
from __future__ import annotations

import dataclasses
import tempfile
import tokenize
from pathlib import Path
from typing import Any, Callable, Iterable, List, Optional, Sequence

from .examples import declared_rules, main_problem
from .fixcheck import LintError, lint_and_fix
from .judge import judge, judge_claims
from .records import Result
from .runner import ChildError, Worker, compare_outputs, interleaved_times

Step = Callable[[str], None]


@dataclasses.dataclass
class Options:
    """How to verify: timing repeats, fix safety, per-run timeout, linter settings."""

    repeat: int = 5
    warmup: int = 2
    unsafe_fixes: bool = False  # examples (files with a declaration) always allow unsafe fixes
    timeout: float = 600.0
    threads: Optional[int] = None  # torch threads in the children (None: torch's default)
    settings: Any = None


def _quiet(_: str) -> None:
    pass


def display_name(path: Path) -> str:
    """`path` relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _reason(fixed_facts: List[str], claim_facts: List[str]) -> str:
    parts = ["verified: " + ", ".join(fixed_facts)] if fixed_facts else []
    if claim_facts:
        parts.append("no automatic fix: verified the finding's claim: " + ", ".join(claim_facts))
    return "; ".join(parts)


def run_and_judge(name: str, original: Path, fixed: Optional[Path], rules: List[str],
                  options: Options, workdir: Path, step: Step = _quiet,
                  unfixable: Sequence[str] = ()) -> Result:
    """Run both versions in fresh processes, time them interleaved, and judge `rules`.

    Both children start (import torch, load the script) in parallel; the measured first runs
    happen one after the other, so neither competes for cores with the other. With
    `fixed=None` only the original is measured (a file with nothing to fix, or whose rules have
    no automatic fix). The codes in `unfixable` are judged by their claim on the original alone.
    """
    cwd = original.resolve().parent
    step("starting")
    workers = [Worker("before", original.resolve(), workdir, cwd, threads=options.threads,
                      timeout=options.timeout)]
    if fixed is not None:
        workers.append(Worker("after", fixed.resolve(), workdir, cwd, extra_paths=[cwd],
                              threads=options.threads, timeout=options.timeout))
    try:
        records = []
        for worker in workers:
            step("measuring %s" % worker.label)
            records.append(worker.measure())
        before = records[0]
        after = records[1] if fixed is not None else None
        result = Result(example=name, rules=rules, status="passed", reason="",
                        before=before, after=after, unfixable=list(unfixable))
        if not before.ran:
            result.status = "error"
            result.reason = "cannot run the original: %s" % before.load_error
            return result
        if after is None and not unfixable:
            return result
        failures, claim_facts = judge_claims(list(unfixable), before)
        fixed_facts: List[str] = []
        if after is not None:
            if after.ran and not (before.error and after.error):
                step("timing")
                runs = interleaved_times(workers, options.repeat, options.warmup)
                before.times, after.times = ([r["seconds"] for r in rs] for rs in runs)
                if not (before.error or after.error):
                    result.time_ratios = [a / b for a, b in zip(after.times, before.times) if b > 0]
                    result.comparison = compare_outputs(workers[0], before, after)
            fixable = [code for code in rules if code not in unfixable]
            fails, fixed_facts = judge(fixable, before, after, result.comparison)
            failures += fails
        result.checks = fixed_facts + claim_facts
        if failures:
            result.status, result.reason = "failed", "; ".join(failures)
        else:
            result.reason = _reason(fixed_facts, claim_facts)
        return result
    except ChildError as exc:  # a worker died or hung while timing
        return Result(example=name, rules=rules, status="error", reason=str(exc))
    finally:
        for worker in workers:
            worker.close()


def _read_source(path: Path) -> str:
    with tokenize.open(path) as fh:  # honours a coding cookie and a BOM
        return fh.read()


def verify_file(path: Path, options: Options, step: Step = _quiet) -> Result:
    """Lint, fix, run and judge one file."""
    name = display_name(path)
    try:
        source = _read_source(path)
    except (OSError, SyntaxError, UnicodeDecodeError) as exc:
        return Result(example=name, rules=[], status="error", reason="cannot read: %s" % exc)
    problem = main_problem(source, path.name)
    if problem:
        return Result(example=name, rules=[], status="error", reason=problem)
    declared = declared_rules(source)
    unsafe = options.unsafe_fixes or declared is not None
    step("linting")
    try:
        check = lint_and_fix(source, str(path), declared, unsafe, options.settings)
    except LintError as exc:
        return Result(example=name, rules=[], status="error", reason=str(exc))
    nothing_to_fix = not check.found and declared is None
    with tempfile.TemporaryDirectory(prefix="nograd-verify-") as tmp:
        workdir = Path(tmp)
        fixed: Optional[Path] = None
        if check.changed:
            (workdir / "fixed").mkdir()
            fixed = workdir / "fixed" / path.name
            fixed.write_text(check.fixed_source, encoding="utf-8")
        # Without a fix only the original runs: it is still measured, and a file that cannot
        # run is still reported as unusable.
        result = run_and_judge(name, path, fixed, check.targets, options, workdir, step,
                               check.unfixable)
    result.declared = declared or []
    result.found = check.found
    result.fix_applied = check.changed
    result.fixes = check.applied
    result.unsafe_fixes = check.unsafe_applied
    result.unsafe_allowed = unsafe
    if result.status == "error":
        return result
    if nothing_to_fix:
        result.status, result.reason = "nothing to fix", "nothing to fix: the linter reports nothing"
        if result.before is not None and result.before.error:
            result.reason += " (main() raised %s)" % result.before.error
    elif check.problems:
        runtime = [result.reason] if result.status == "failed" else []
        result.status, result.reason = "failed", "; ".join(check.problems + runtime)
    elif fixed is None and set(check.targets) - set(check.unfixable):
        result.status, result.reason = "failed", "no fix was applied"
    return result


def verify_paths(files: Iterable[Path], options: Options,
                 on_start: Callable[[Path], Step] = lambda p: _quiet,
                 on_done: Callable[[Result], None] = lambda r: None) -> List[Result]:
    """Verify each file in turn (never in parallel: timing runs need a quiet machine)."""
    results = []
    for path in files:
        result = verify_file(Path(path), options, on_start(Path(path)))
        on_done(result)
        results.append(result)
    return results
