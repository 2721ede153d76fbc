"""Issue 2's promise, end to end: a realistic script with evaluation mistakes is reported with exact
codes and lines by `nograd-lint` and by `flake8`, and `nograd-fix --unsafe-fixes` turns it into code
that parses, runs with the same results, and no longer records gradients (measured on real torch)."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nograd_lint.verify.pipeline import Options, verify_file

SCRIPT = Path(__file__).parent / "e2e" / "train_and_evaluate.py"
EXPECTED = [("NG101", 18, 18), ("NG102", 35, 27), ("NG101", 39, 41)]


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def _findings(stdout: str) -> list[tuple[str, int, int]]:
    found = []
    for line in stdout.splitlines():
        location, _, rest = line.partition(": ")
        _, row, column = location.rsplit(":", 2)
        found.append((rest.split()[0], int(row), int(column)))
    return found


@pytest.fixture()
def script(tmp_path: Path) -> Path:
    target = tmp_path / "train_and_evaluate.py"
    shutil.copy(SCRIPT, target)
    return target


def test_nograd_lint_and_flake8_report_the_same_findings(script: Path):
    lint = _run("-m", "nograd_lint", script.name, cwd=script.parent)
    assert lint.returncode == 1, lint.stderr
    assert _findings(lint.stdout) == EXPECTED
    flake8 = _run("-m", "flake8", "--select", "NG", script.name, cwd=script.parent)
    assert flake8.returncode == 1, flake8.stderr
    assert _findings(flake8.stdout) == EXPECTED
    assert [line.split(": ", 1)[1] for line in flake8.stdout.splitlines()] == \
           [line.split(": ", 1)[1] for line in lint.stdout.splitlines()]


def test_fixed_script_parses_runs_and_records_no_gradients(script: Path, tmp_path: Path):
    fix = _run("-m", "nograd_lint", "fix", "--unsafe-fixes", script.name, cwd=script.parent)
    assert fix.returncode == 0, fix.stdout + fix.stderr
    fixed = script.read_text()
    ast.parse(fixed)
    assert "@torch.no_grad()\ndef evaluate(model, loader):" in fixed
    assert "            total_loss += loss.detach()\n" in fixed  # the total is returned: keep a tensor
    assert "        with torch.no_grad():\n            for x, y in val_loader:\n" in fixed
    again = _run("-m", "nograd_lint", script.name, cwd=script.parent)
    assert again.returncode == 0 and again.stdout == ""

    # The harness runs the original and the fixed script in fresh processes on real torch.
    result = verify_file(SCRIPT, Options(repeat=1, warmup=0, memory_runs=1, threads=1))
    assert result.passed is True, result.reason
    assert sorted(result.rules) == ["NG101", "NG102"]
    assert [(v.label, v.status) for v in result.verdicts] == [
        ("NG101:18", "passed"), ("NG102:35", "passed"), ("NG101:39", "passed"),
        ("all 3 fixes", "passed")]
    # Alone, an NG101 fix leaves the returned history's graph to the NG102 fix.
    assert "graph returned 134 -> 134 nodes (the rest is left to the other fixes)" in \
        result.verdicts[0].reason
    assert result.before.error is None and result.after.error is None
    assert result.before.outputs_require_grad is True and result.after.outputs_require_grad is False
    assert result.comparison.equal
    assert result.before.saved_bytes > 0
    assert result.after.saved_bytes < result.before.saved_bytes
