"""nograd-verify on users' own scripts (real torch, real subprocesses): unsafe fixes tried and
judged one by one, seeding and tolerances, functions as targets, and a clear message for every
way a script can fail."""
import dataclasses
import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from nograd_lint.verify.cli import build_parser, exit_code, options_from  # noqa: E402
from nograd_lint.verify.pipeline import run_and_judge, verify_target  # noqa: E402
from nograd_lint.verify.records import FixVerdict  # noqa: E402
from nograd_lint.verify.targets import Target, UsageError, discover, target_problem  # noqa: E402
from test_verify import FAST, FAST_ARGS, run_cli  # noqa: E402

CASES = Path(__file__).resolve().parent / "verify_cases"


def _fixed(*paths):
    """(verdict, path) pairs for hand-written "fixed" versions judged as NG101 fixes."""
    return [(FixVerdict(["NG101"], [1], "unsafe", "hand-written"), CASES / p) for p in paths]


# --- what a user runs: no flags, an unsafe fix, unseeded inputs, no main() -----------------

def test_a_users_unsafe_eval_function_is_verified_without_flags(tmp_path):
    report = tmp_path / "r.json"
    proc = run_cli("user_eval.py::evaluate_all", "--json", report, *FAST_ARGS, cwd=CASES)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[1].split() == ["user_eval.py::evaluate_all", "passed"]
    assert lines[2].split()[:2] == ["NG101:14", "unsafe"] and lines[2].split()[-1] == "passed"
    [entry] = json.loads(report.read_text())
    assert entry["function"] == "evaluate_all" and entry["unsafe_fixes"] == ["NG101"]
    [verdict] = entry["verdicts"]
    assert (verdict["safety"], verdict["status"], verdict["outputs_match"]) == ("unsafe", "passed", True)
    # what the unsafe fix changes is shown: the scores no longer require grad
    assert verdict["output_changes"] == ["return value: requires_grad True -> False"]
    assert verdict["reason"] == ("verified: same outputs (return value: requires_grad True -> "
                                 "False), no graph kept, saved for backward 201.0 KiB -> 0 B")


def test_safe_only_skips_the_unsafe_fix():
    result = verify_target(Target(CASES / "user_eval.py", "evaluate_all"),
                           dataclasses.replace(FAST, safe_only=True))
    assert (result.status, result.passed, exit_code([result])) == ("skipped", True, 0)
    [verdict] = result.verdicts
    assert (verdict.label, verdict.safety, verdict.status) == ("NG101:14", "unsafe", "skipped")
    assert verdict.reason == "unsafe fix, not applied (--safe-only)" and verdict.after is None
    assert result.problems == []


def test_each_fix_is_judged_on_its_own_and_all_together():
    result = verify_target(Target(CASES / "two_fixes.py"), FAST)
    assert result.status == "passed", result.reason
    ng101, ng102, together = result.verdicts
    assert [(v.label, v.safety, v.status) for v in result.verdicts] == [
        ("NG101:14", "safe", "passed"), ("NG102:21", "safe", "passed"),  # argmax outputs carry no graph
        ("all 3 fixes", "safe", "passed")]  # with `.item()` summed, report_loss() evaluates: a third fix
    before = result.before
    # The no_grad fix removes what predict() saves; the loss printout still saves its part.
    assert 0 < ng101.after.saved_bytes < before.saved_bytes
    assert ng101.after.held_peak_bytes == before.held_peak_bytes
    # The .item() fix saves as much, but no longer holds every batch's graph at once.
    assert ng102.after.saved_bytes == before.saved_bytes
    assert ng102.after.held_peak_bytes < before.held_peak_bytes / 3
    assert ng102.after.graph_nodes_kept < before.graph_nodes_kept / 10
    assert together.after.saved_bytes == 0  # both functions run under no_grad: nothing is saved
    assert together.after.held_peak_bytes < before.held_peak_bytes / 3
    assert all(v.comparison.equal for v in result.verdicts)
    assert "largest graph kept by report_loss()" in ng102.reason
    assert "largest graph kept" not in ng101.reason


# --- randomness, tolerances, dtypes ------------------------------------------------------

def test_without_a_seed_unseeded_scripts_differ():
    result = verify_target(Target(CASES / "user_eval.py", "evaluate_all"),
                           dataclasses.replace(FAST, seed=None))
    assert result.status == "failed"
    assert result.reason.startswith("outputs differ: return value: max |diff| ")


def test_outputs_are_compared_with_tolerance_and_dtype(tmp_path):
    result = run_and_judge("tolerance", Target(CASES / "tolerance_original.py"),
                           _fixed("tolerance_close.py", "tolerance_float64.py"), ["NG101"],
                           FAST, tmp_path)
    close, wider = result.verdicts
    assert close.comparison.detail == (
        "['scores']: max |diff| 0.002 exceeds rtol=0.0001, atol=1e-06")
    assert wider.comparison.detail == "['scores']: dtype float32 vs float64"
    assert close.status == wider.status == "failed"


def test_rtol_and_atol_are_options(tmp_path):
    args = build_parser().parse_args(["x.py", "--rtol", "0.01", "--atol", "0", "--seed", "7",
                                      *FAST_ARGS])
    options = options_from(args)
    assert (options.rtol, options.atol, options.seed) == (0.01, 0.0, 7)
    result = run_and_judge("tolerance", Target(CASES / "tolerance_original.py"),
                           _fixed("tolerance_close.py"), ["NG101"], options, tmp_path)
    assert result.verdicts[0].comparison.equal is True
    assert result.verdicts[0].comparison.detail == "outputs match (rtol=0.01, atol=0)"


# --- NG102 judged on what is kept during the run ------------------------------------------

def test_an_ng102_fix_that_keeps_the_graphs_fails(tmp_path):
    script = CASES / "loss_printout.py"  # the unfixed file as "fixed"
    fixed = [(FixVerdict(["NG102"], [11], "safe", "none"), script)]
    result = run_and_judge("ng102", Target(script), fixed, ["NG102"], FAST, tmp_path)
    # 20 graphs of Tanh, Mul and Sum, joined by Add nodes, sharing weight's AccumulateGrad;
    # each holds its random input and tanh's output (16 KiB each).
    assert result.before.graph_nodes_kept == 20 * 4 + 1
    assert result.before.held_peak_bytes == 20 * 2 * 4096 * 4
    assert result.verdicts[0].status == "failed"
    assert result.verdicts[0].reason == (
        "the fixed version keeps as much during the run (largest graph kept by main(): 81 -> "
        "81 nodes; held for backward at peak 640.0 KiB -> 640.0 KiB)")


# --- targets, and every way a script can fail ---------------------------------------------

def test_targets_are_files_or_functions(tmp_path):
    script = CASES / "user_eval.py"
    assert discover([str(script) + "::evaluate_all"]) == [Target(script, "evaluate_all")]
    assert str(Target(script, "evaluate_all")).endswith("user_eval.py::evaluate_all")
    with pytest.raises(UsageError, match="names a function in a file, not a directory"):
        discover([str(CASES) + "::main"])
    with pytest.raises(UsageError, match="after :: comes a function name"):
        discover([str(script) + "::not a name"])
    with pytest.raises(UsageError, match="missing.py: no such file or directory"):
        discover([str(tmp_path / "missing.py")])


@pytest.mark.parametrize("source, function, problem", [
    ("def evaluate_all():\n    pass\n", "main",
     "s.py defines no main() function, which the harness calls with no arguments; name a "
     "function that takes none instead: s.py::evaluate_all"),
    ("def main(args, *, device):\n    pass\ndef run(): pass\n", "main",
     "s.py: main() takes arguments (args, device); the harness calls it with none; name a "
     "function that takes none instead: s.py::run"),
    ("def evaluate(model):\n    pass\n", "main",
     "s.py defines no main() function, which the harness calls with no arguments; it defines "
     "no function that takes none"),
    ("async def main():\n    pass\n", "main",
     "s.py: main() is async; the harness calls a plain function"),
    ("def main(x=1, *args, **kw):\n    pass\n", "main", None),
    ("from helpers import main\n", "main", None),
    ("x = (\n", "main", "s.py does not parse: '(' was never closed (line 1)"),
    ("def main():\n    pass\n", "evaluate", "s.py defines no function evaluate() at module level"),
    ("class Trainer:\n    pass\n", "Trainer.run", None),
])
def test_static_target_problems(source, function, problem):
    assert target_problem(source, "s.py", function) == problem


def test_every_failure_is_explained_with_the_scripts_own_words(tmp_path):
    report = tmp_path / "r.json"
    proc = run_cli("argparse_required.py", "exits_at_import.py", "raises_both.py",
                   "import_fails.py", "main_takes_args.py", "reads_stdin.py",
                   "user_eval.py::inputs", "argparse_main.py", "--json", report, *FAST_ARGS,
                   cwd=CASES)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    entries = {(Path(e["example"]).name, e["function"]): e for e in json.loads(report.read_text())}
    out = proc.stdout

    argparse_failure = entries["argparse_required.py", "main"]
    assert argparse_failure["status"] == "failed"
    assert argparse_failure["reason"] == (
        "main() raises the same error in both versions: SystemExit: 2 (it printed: "
        "argparse_required.py: error: the following arguments are required: --data); the "
        "harness calls it with no command-line arguments")
    assert "usage: argparse_required.py [-h] --data DATA" in out  # its output, shown

    exits = entries["exits_at_import.py", "main"]
    assert exits["status"] == "error"
    assert exits["reason"] == ("cannot run the original: the child process exited with code 3 "
                               "while starting: loading the configuration failed")

    both = entries["raises_both.py", "main"]
    assert both["reason"].startswith("main() raises the same error in both versions: "
                                     "RuntimeError: shape '[5, -1]' is invalid")
    assert "    return probabilities.view(5, -1)  # 32 * 3 values" in out  # the traceback

    assert entries["import_fails.py", "main"]["reason"] == (
        "cannot run the original: ModuleNotFoundError: No module named "
        "'nograd_verify_missing_dependency'")
    assert "    import nograd_verify_missing_dependency" in out
    assert entries["main_takes_args.py", "main"]["reason"] == (
        "main_takes_args.py: main() takes arguments (args); the harness calls it with none; "
        "name a function that takes none instead: main_takes_args.py::run")
    assert entries["reads_stdin.py", "main"]["reason"] == (
        "nothing to fix: the linter reports nothing (main() raised EOFError: EOF when reading "
        "a line)")
    assert entries["user_eval.py", "inputs"]["reason"] == (
        "cannot run the original: user_eval.py: inputs is a Tensor, not a function")
    # argparse in main() with defaults only: the harness passes no command-line arguments
    assert entries["argparse_main.py", "main"]["status"] == "passed"
    assert "Traceback" not in proc.stderr


def test_a_target_that_does_not_return_in_time(tmp_path):
    result = verify_target(Target(CASES / "sleeps.py"), dataclasses.replace(FAST, timeout=2))
    assert result.status == "error"
    assert result.reason == ("cannot run the original: no answer within 2s while calling "
                             "main() (--timeout)")
