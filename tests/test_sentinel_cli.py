"""`nograd-verify --watch`: real programs in real subprocesses on real torch, cross-checked with
the real linter. The scripts in sentinel_cases/ are written in the style of public evaluation
and training code; every call site they waste a graph at is one the linter misses today."""
import json
from pathlib import Path

import pytest

pytest.importorskip("torch")

from test_verify import ROOT, run_cli  # noqa: E402

CASES = Path("tests") / "sentinel_cases"
EXAMPLES = Path("examples")
FINDINGS, USAGE = 1, 2

EXPECTED = {
    "callback_validation.py": [
        "tests/sentinel_cases/callback_validation.py:12:13: eval-mode forward of Sequential ran 3 "
        "times with gradients on; no backward used their graphs; 68.0 KB saved for backward; "
        "nograd-lint misses it",
        "tests/sentinel_cases/callback_validation.py:16:40: eval-mode forward of Sequential ran 3 "
        "times with gradients on; no backward used their graphs; 68.0 KB saved for backward; "
        "nograd-lint misses it",
        "2 call sites built graphs no backward used (136.0 KB saved for backward); nograd-lint "
        "reports 0 on the line, 0 in the function, 0 at a caller, misses 2.",
    ],
    "distill_frozen_teacher.py": [
        "tests/sentinel_cases/distill_frozen_teacher.py:41:16: forward of frozen Sequential ran 6 "
        "times on inputs that carry a graph; no backward used their graphs; 96.0 KB saved for "
        "backward; nograd-lint misses it",
        "1 call site built graphs no backward used (96.0 KB saved for backward); nograd-lint "
        "reports 0 on the line, 0 in the function, 0 at a caller, misses 1; 1 call site whose "
        "graphs a backward used (not findings).",
    ],
    "eval_task_registry.py": [
        "tests/sentinel_cases/eval_task_registry.py:58:22: eval-mode forward of MLPEncoder ran 4 "
        "times with gradients on; no backward used their graphs; 44.0 KB saved for backward; "
        "nograd-lint misses it",
        "tests/sentinel_cases/eval_task_registry.py:30:16: eval-mode forward of Sequential ran 4 "
        "times with gradients on; no backward used their graphs; 40.0 KB saved for backward; "
        "nograd-lint misses it",
        "2 call sites built graphs no backward used (84.0 KB saved for backward); nograd-lint "
        "reports 0 on the line, 0 in the function, 0 at a caller, misses 2.",
    ],
    "saliency_report.py": [
        "tests/sentinel_cases/saliency_report.py:37:12: eval-mode forward of SmallConvNet ran 4 "
        "times with gradients on; no backward used their graphs; 38.0 KB saved for backward; "
        "nograd-lint misses it",
        "1 call site built graphs no backward used (38.0 KB saved for backward); nograd-lint "
        "reports 0 on the line, 0 in the function, 0 at a caller, misses 1; 2 call sites whose "
        "graphs a backward used (not findings).",
    ],
}


def report_lines(stdout):
    """The sentinel's lines (the programs print their own results first)."""
    return [line for line in stdout.splitlines()
            if line.startswith(str(CASES)) or line.startswith(str(EXAMPLES))
            or "call site" in line or line.startswith("No wasted graphs")]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_realistic_script_reports_what_the_linter_misses(name):
    done = run_cli("--watch", CASES / name)
    assert done.returncode == FINDINGS, done.stderr
    assert report_lines(done.stdout) == EXPECTED[name]


def test_a_finding_the_linter_reports_at_a_caller_and_one_on_the_line():
    done = run_cli("--watch", EXAMPLES / "ng307_thread_pool_in_no_grad.py")
    assert done.returncode == FINDINGS, done.stderr
    assert report_lines(done.stdout)[0] == (
        "examples/ng307_thread_pool_in_no_grad.py:17:12: eval-mode forward of Sequential ran 4 "
        "times with gradients on; no backward used their graphs; 192.0 KB saved for backward; "
        "nograd-lint reports NG307 at a caller, examples/ng307_thread_pool_in_no_grad.py:24 in "
        "`predict.<locals>.<lambda>`")


def test_program_arguments_json_output_and_a_json_file(tmp_path):
    out = tmp_path / "report.json"
    done = run_cli("--format", "json", "--json", out, "--watch", CASES / "eval_task_registry.py",
                   "--tasks", "retrieval")
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
    assert finding["lint"] == {"status": "missed", "codes": [], "lines": []}
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
    # The linter misses it: the output leaves main(), which lowers its confidence below the
    # default bar.
    done = run_cli("--format", "table", "--watch", "probe.py::main", cwd=tmp_path)
    assert done.returncode == FINDINGS, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].strip() == "nograd sentinel: graphs no backward used"
    row = next(line for line in lines if "probe.py:8:12" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")] == [
        "probe.py:8:12", "main", "eval-mode", "Linear", "1", "128 B", "missed"]


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
