"""benchmarks/phases.py: a real run of nograd-lint, in a subprocess, with each step's own CPU time
split between the checked file and the project module it imports."""
import re
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "phases.py"
MODELS = """\
from torch import nn


class Scorer(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(x)


def unused_helper(x):
    return x + 1
"""
REPORT = """\
from models import Scorer


def report(batches):
    scorer = Scorer()
    scorer.eval()
    return [scorer(x).argmax(1).tolist() for x in batches]
"""


def _rows(output: str) -> dict[str, list[str]]:
    rows = {}
    for line in output.splitlines()[2:]:
        label, _, figures = re.match(r"  (.{42}) (.*)", line).group(1, 0, 2)
        rows[label.strip()] = figures.split()
    return rows


def test_phases_splits_the_run_between_the_checked_file_and_what_it_imports(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "models.py").write_text(MODELS)
    report = tmp_path / "report.py"
    report.write_text(REPORT)
    done = subprocess.run([sys.executable, str(SCRIPT), str(report)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert re.match(r"in-process, cache off: \d+\.\d\d cpu s for 1 files and 1 project modules they "
                    r"import \(14 lines\)$", first), first
    calls = {label: figures[-1] for label, figures in _rows(done.stdout).items()}
    # one file checked alone: parsed with libcst; the module it imports built from `ast`, and the
    # `forward` of its class summarised (whether calling a `Scorer` records a graph depends on it)
    assert calls == {"module lookups": "1", "trees built from ast (parse and build)": "1", "libcst parse": "1",
                     "fact walk": "2", "grad-context gate": "2", "phase 1 (classes, summaries, top level)": "2",
                     "summaries asked for": "1", "deferred bodies built and walked": "2",
                     "phase 2 (callers' contexts)": "1",
                     "the rest (rules, reporting, start of run)": calls["the rest (rules, reporting, start of run)"]}


def _burn(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_step_counts_only_the_time_spent_inside_itself():
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        from phases import CHECKED, ExclusiveClock, RUN
    finally:
        sys.path.remove(str(SCRIPT.parent))
    clock = ExclusiveClock()
    inner = clock.timed(lambda: _burn(0.2), "inner")
    lookup = clock.timed(lambda: inner(), "module lookups", lambda args: CHECKED)
    outer = clock.timed(lambda: (_burn(0.05), lookup()), "outer", RUN)
    outer()
    assert set(clock.seconds) == {("outer", RUN), ("module lookups", CHECKED), ("inner", CHECKED)}
    assert clock.seconds[("inner", CHECKED)] >= 0.2
    assert 0.05 <= clock.seconds[("outer", RUN)] < 0.15
    assert clock.seconds[("module lookups", CHECKED)] < 0.1
