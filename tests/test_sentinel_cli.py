"""`nograd-verify --watch`: real programs in real subprocesses on real torch, cross-checked with
the real linter (the cross-check's verdicts themselves: test_sentinel_crosscheck.py)."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

from test_verify import ROOT, run_cli  # noqa: E402

CASES = Path("tests") / "sentinel_cases"
EXAMPLES = Path("examples")
FINDINGS, USAGE = 1, 2

def report_lines(stdout):
    """The sentinel's lines (the programs print their own results first)."""
    return [line for line in stdout.splitlines()
            if line.startswith(str(CASES)) or line.startswith(str(EXAMPLES))
            or "call site" in line or line.startswith("No wasted graphs")]


def test_a_finding_the_linter_reports_at_a_caller():
    done = run_cli("--watch", EXAMPLES / "ng307_thread_pool_in_no_grad.py")
    assert done.returncode == FINDINGS, done.stderr
    # The pool's threads race the sentinel's per-thread bookkeeping: 3 or 4 of the 4 forward
    # passes are seen (48 KiB saved each); everything else in the line is exact.
    line = report_lines(done.stdout)[0]
    runs = int(re.search(r"ran (\d+) times", line).group(1))
    assert runs in (3, 4), line
    assert line == (
        f"examples/ng307_thread_pool_in_no_grad.py:17:12: eval-mode forward of Sequential ran {runs} "
        f"times with gradients on; no backward used their graphs; {48 * runs:.1f} KiB saved for backward; "
        "nograd-lint reports NG307 at a caller, examples/ng307_thread_pool_in_no_grad.py:24 in "
        "`predict.<locals>.<lambda>`")


def test_program_arguments_json_output_and_a_json_file(tmp_path):
    out = tmp_path / "report.json"
    done = run_cli("--no-lint", "--format", "json", "--json", out, "--watch",
                   CASES / "eval_task_registry.py", "--tasks", "retrieval")
    assert done.returncode == FINDINGS, done.stderr
    printed = done.stdout[done.stdout.index("{\n"):]  # after the program's own print
    data = json.loads(printed)
    assert json.loads(out.read_text()) == data
    assert (data["target"], data["exit_code"], data["used"]) == (
        str(CASES / "eval_task_registry.py"), 0, [])
    (finding,) = data["findings"]  # --tasks retrieval reached the program: one task ran
    assert {k: finding[k] for k in ("line", "column", "function", "kind", "modules", "forwards",
                                    "saved_bytes", "used", "finding", "unmeasured")} == {
        "line": 30, "column": 16, "function": "MLPEncoder.embed", "kind": "eval",
        "modules": ["Sequential"], "forwards": 4, "saved_bytes": 40960, "used": False,
        "finding": True, "unmeasured": 0}
    assert finding["path"] == str(ROOT / CASES / "eval_task_registry.py")
    assert finding["lint"] is None  # --no-lint
    assert [c[1:] for c in finding["callers"]] == [
        [62, "Evaluator.task_retrieval.<locals>.<listcomp>"], [62, "Evaluator.task_retrieval"],
        [71, "Evaluator.run"],
        [81, "main"], [87, "<module>"]]


def test_a_function_target_and_the_table(tmp_path):
    script = tmp_path / "probe.py"
    script.write_text(
        "import torch\n"
        "\n"
        "\n"
        "def main():\n"
        "    model = torch.nn.Linear(8, 2).eval()\n"
        "    with torch.no_grad():\n"
        "        model(torch.ones(4, 8))\n"
        "    return model(torch.ones(4, 8))\n")
    done = run_cli("--no-lint", "--format", "table", "--watch", "probe.py::main", cwd=tmp_path)
    assert done.returncode == FINDINGS, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].strip() == "nograd sentinel: graphs no backward used"
    row = next(line for line in lines if "probe.py:8:12" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")] == [
        "probe.py:8:12", "main", "eval-mode", "Linear", "1", "128 B", "-"]


def test_a_program_that_fails_is_reported_with_its_own_traceback(tmp_path):
    script = tmp_path / "crash.py"
    script.write_text(
        "import torch\n"
        "\n"
        "model = torch.nn.Linear(8, 2).eval()\n"
        "scores = model(torch.ones(4, 8))\n"
        "raise SystemExit('bad scores: %d' % len(scores))\n")
    done = run_cli("--watch", "crash.py", cwd=tmp_path)
    assert done.returncode == USAGE
    assert done.stderr.splitlines() == ["bad scores: 4", "nograd-verify: crash.py: exited with status 1"]
    assert done.stdout.splitlines()[0].startswith("crash.py:4:10: eval-mode forward of Linear ran once")
    script.write_text("import torch\n\n\ndef helper():\n    raise ValueError('no data')\n\n\nhelper()\n")
    done = run_cli("--watch", "crash.py", cwd=tmp_path)
    assert done.returncode == USAGE
    assert done.stderr.splitlines() == [
        "Traceback (most recent call last):",
        '  File "crash.py", line 8, in <module>',
        "    helper()",
        '  File "crash.py", line 5, in helper',
        "    raise ValueError('no data')",
        "ValueError: no data",
        "nograd-verify: crash.py: ValueError: no data",
    ]
    assert done.stdout == "No wasted graphs: no forward with gradients on left a graph unused.\n"


@pytest.mark.parametrize("args, message", [
    (["--watch"], "nograd-verify: --watch needs a TARGET (script.py or path.py::function)"),
    (["--watch", "missing.py"], "nograd-verify: missing.py: no such file"),
    (["--watch", "examples/ng101_eval_loop_cnn.py::9lives"],
     "nograd-verify: examples/ng101_eval_loop_cnn.py::9lives: expected path.py::function, and "
     "'9lives' is not a function name"),
])
def test_usage_errors(args, message):
    done = run_cli(*args)
    assert done.returncode == USAGE
    assert done.stderr.splitlines() == [message, "usage: nograd-verify [OPTIONS] --watch TARGET [ARGS...]"]
    assert done.stdout == ""


def test_a_function_that_needs_arguments_cannot_be_a_target():
    done = run_cli("--watch", "examples/ng101_eval_loop_cnn.py::evaluate")
    assert done.returncode == USAGE
    assert done.stderr.splitlines()[-1] == (
        "nograd-verify: examples/ng101_eval_loop_cnn.py::evaluate: ng101_eval_loop_cnn.py::evaluate() "
        "takes arguments (model, loader, criterion); the target is called with none")


def test_help_and_the_verify_parser_mentions_watch():
    done = run_cli("--watch", "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: nograd-verify [OPTIONS] --watch TARGET [ARGS...]")
    assert "--include DIR" in done.stdout
    done = run_cli("--help")
    assert "--watch TARGET" in done.stdout


def test_the_package_imports_without_importing_torch():
    code = ("import sys\n"
            "import nograd_lint.sentinel, nograd_lint.sentinel.cli, nograd_lint.sentinel.child\n"
            "import nograd_lint.sentinel.crosscheck, nograd_lint.sentinel.report\n"
            "import nograd_lint.verify.cli\n"
            "print('torch' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (0, "False\n", "")
