"""Verification of one target, start to end: static checks, runs of every version, verdicts."""
from __future__ import annotations

import dataclasses
import tempfile
import threading
import tokenize
from pathlib import Path
from typing import Any, Callable, Iterable, List, Optional, Sequence, Tuple

from .examples import declared_rules
from .fixcheck import LintError, Plan, lint_and_fix
from .judge import judge, judge_claims
from .outputs import ATOL, RTOL
from .records import Comparison, FixVerdict, Result, RunRecord
from .runner import ChildError
from .targets import Target, target_problem
from .versions import Versions

Step = Callable[[str], None]
# Parsing and linting are done one target at a time, also when targets are verified from
# several threads: CPython 3.11 can fail building `ast` trees in two threads at once
# ("SystemError: AST constructor recursion depth mismatch").
_STATIC = threading.Lock()


@dataclasses.dataclass
class Options:
    """How to verify: runs and repeats, which fixes, seeding, tolerances, limits."""

    repeat: int = 5  # timed rounds
    warmup: int = 2  # untimed calls per version before them
    memory_runs: int = 3  # fresh processes per version whose first, plain call measures memory
    safe_only: bool = False  # apply only safe fixes
    seed: Optional[int] = 0  # None: no seeding
    rtol: float = RTOL
    atol: float = ATOL
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


def _time(versions: Versions, records: List[RunRecord], verdicts: List[FixVerdict],
          options: Options, step: Step) -> None:
    """Interleaved timed rounds of every version that ran; per-round ratios for each fix."""
    if sum(r.ran for r in records) < 2 or options.repeat < 1:
        return
    step("timing")
    versions.time(records, options.repeat, options.warmup)
    before = records[0]
    for index, verdict in enumerate(verdicts, start=1):
        after = records[index]
        if after.ran and not (before.error or after.error):
            verdict.time_ratios = [a / b for a, b in zip(after.times, before.times) if b > 0]


def _judge_fix(verdict: FixVerdict, before: RunRecord, after: RunRecord,
               comparison: Optional[Comparison], called: str, partial: bool) -> None:
    verdict.after, verdict.comparison = after, comparison
    failures, facts = judge(verdict.codes, before, after, comparison, called, partial)
    verdict.checks = facts
    if failures:
        verdict.status, verdict.reason = "failed", "; ".join(failures)
    else:
        verdict.status, verdict.reason = "passed", "verified: " + ", ".join(facts)


def _claim_verdicts(codes: Sequence[str], before: RunRecord, called: str) -> List[FixVerdict]:
    verdicts = []
    for code in codes:
        verdict = FixVerdict([code], [], "none", "no automatic fix")
        failures, facts = judge_claims([code], before, called)
        verdict.checks = facts
        if failures:
            verdict.status, verdict.reason = "failed", "; ".join(failures)
        else:
            verdict.status = "passed"
            verdict.reason = "no automatic fix: verified the finding's claim: " + ", ".join(facts)
        verdicts.append(verdict)
    return verdicts


def run_and_judge(name: str, target: Target, fixed: Sequence[Tuple[FixVerdict, Path]],
                  rules: List[str], options: Options, workdir: Path, step: Step = _quiet,
                  unfixable: Sequence[str] = ()) -> Result:
    """Run the original and every fixed version in fresh processes and judge each fix.

    The children start in parallel (importing torch); the measured calls happen one after
    the other, so none competes for cores with another. Without fixed versions only the
    original runs, once (a file with nothing to fix, or whose rules have no automatic fix):
    the codes in `unfixable` are judged by their claim on it.
    """
    files = [target.path] + [path for _, path in fixed]
    result = Result(example=name, rules=rules, status="passed", reason="",
                    function=target.function)
    step("starting")
    versions = Versions(files, target.function, target.path.resolve().parent, workdir, options,
                        options.memory_runs if fixed else 1)
    try:
        records = versions.first_runs(step)
        before = result.before = records[0]
        if not before.ran:
            result.status = "error"
            result.reason = "cannot run the original: %s" % before.load_error
            return result
        verdicts = [verdict for verdict, _ in fixed]
        versions.memory_runs(records, step)
        _time(versions, records, verdicts, options, step)
        for verdict, after in zip(verdicts, records[1:]):
            comparison = None
            if after.ran and not (before.error or after.error):
                comparison = versions.compare(before, after)
            _judge_fix(verdict, before, after, comparison, _called(target),
                       partial=len(verdicts) > 1 and not verdict.together)
        result.verdicts = verdicts + _claim_verdicts(unfixable, before, _called(target))
        return result
    except ChildError as exc:  # a worker died or hung after its first call
        result.status, result.reason = "error", str(exc)
        if result.before is not None:
            result.before.output = exc.output
        return result
    finally:
        versions.close()


def _read_source(path: Path) -> str:
    with tokenize.open(path) as fh:  # honours a coding cookie and a BOM
        return fh.read()


def _skipped(plan: Plan) -> FixVerdict:
    return FixVerdict(plan.codes, plan.lines, plan.safety, plan.description, status="skipped",
                      reason=plan.skipped)


def _summary(result: Result, problems: List[str]) -> Tuple[str, str]:
    """(status, reason) of a target from its static problems and its verdicts."""
    failed = [v for v in result.verdicts if v.status in ("failed", "not run")]
    ran = [v for v in result.verdicts if v.status != "skipped"]
    many = len(ran) > 1
    parts = ["%s: %s" % (v.label, v.reason) if many else v.reason for v in (failed or ran)]
    if problems or failed:
        return "failed", "; ".join(problems + parts)
    if not ran:
        return "skipped", "; ".join("%s: %s" % (v.label, v.reason) for v in result.verdicts)
    return "passed", "; ".join(parts)


def verify_target(target: Target, options: Options, step: Step = _quiet) -> Result:
    """Lint, fix, run and judge one target."""
    path = target.path
    name = display_name(path)
    step("linting")
    try:
        with _STATIC:
            source = _read_source(path)
            problem = target_problem(source, path.name, target.function)
            if problem:
                raise LintError(problem)
            declared = declared_rules(source)
            check = lint_and_fix(source, str(path), declared, not options.safe_only,
                                 options.settings)
    except (OSError, SyntaxError, UnicodeDecodeError) as exc:
        return Result(example=name, rules=[], status="error", reason="cannot read: %s" % exc,
                      function=target.function)
    except LintError as exc:
        return Result(example=name, rules=[], status="error", reason=str(exc),
                      function=target.function)
    with tempfile.TemporaryDirectory(prefix="nograd-verify-") as tmp:
        workdir = Path(tmp)
        fixed = []
        for index, plan in enumerate(check.runnable, start=1):
            folder = workdir / ("fix%d" % index)
            folder.mkdir()
            (folder / path.name).write_text(plan.source, encoding="utf-8")
            verdict = FixVerdict(plan.codes, plan.lines, plan.safety, plan.description,
                                 together=plan.together)
            fixed.append((verdict, folder / path.name))
        result = run_and_judge(name, target, fixed, check.targets, options, workdir, step,
                               check.unfixable)
    skipped = [_skipped(p) for p in check.plans if p.source is None]
    result.verdicts = [v for v, _ in fixed if not v.together] + skipped + [
        v for v in result.verdicts if v.safety == "none"] + [v for v, _ in fixed if v.together]
    result.declared = declared or []
    result.found = check.found
    result.problems = check.problems
    result.safe_only = options.safe_only
    if result.status == "error":
        return result
    if not check.found and declared is None:
        result.status, result.reason = "nothing to fix", "nothing to fix: the linter reports nothing"
        if result.before is not None and result.before.error:
            result.reason += " (%s raised %s)" % (_called(target), result.before.error)
        return result
    result.status, result.reason = _summary(result, check.problems)
    return result


def _called(target: Target) -> str:
    return "%s()" % target.function


def verify_paths(targets: Iterable[Target], options: Options,
                 on_start: Callable[[Target], Step] = lambda t: _quiet,
                 on_done: Callable[[Result], None] = lambda r: None) -> List[Result]:
    """Verify each target in turn (never in parallel: timing runs need a quiet machine)."""
    results = []
    for target in targets:
        result = verify_target(target, options, on_start(target))
        on_done(result)
        results.append(result)
    return results


def verify_file(path: Path, options: Options, step: Step = _quiet) -> Result:
    """Verify `main()` of the script at `path`."""
    return verify_target(Target(Path(path).resolve()), options, step)
