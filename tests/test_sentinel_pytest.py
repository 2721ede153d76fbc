"""`pytest --nograd-sentinel`: the plugin, installed through its `pytest11` entry point, in real
pytest runs in subprocesses on a small project written here."""
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points

import pytest

pytest.importorskip("torch")

PROJECT_TESTS = textwrap.dedent('''\
    import torch
    from torch import nn


    def predict(model, batch):
        return model(batch)


    def test_wasteful_prediction():
        model = nn.Sequential(nn.Linear(8, 4), nn.ReLU()).eval()
        assert predict(model, torch.ones(2, 8)).shape == (2, 4)


    def test_training_step():
        model = nn.Linear(8, 4)
        model(torch.ones(2, 8)).sum().backward()
        assert model.weight.grad is not None


    def test_saliency():
        model = nn.Linear(8, 4).eval()
        image = torch.ones(2, 8, requires_grad=True)
        model(image)[:, 1].sum().backward()
        assert image.grad is not None


    def test_evaluation_without_gradients():
        model = nn.Linear(8, 4).eval()
        with torch.no_grad():
            assert predict(model, torch.ones(2, 8)).requires_grad is False
    ''')

FINDING = ("tests/test_project.py:6:12: eval-mode forward of Sequential ran once with gradients "
           "on; no backward used its graph; 96 B saved for backward")
REPORT = [
    "=" * 31 + " nograd sentinel " + "=" * 32,
    FINDING + "; in tests/test_project.py::test_wasteful_prediction; nograd-lint misses it",
    "1 call site built graphs no backward used (96 B saved for backward); nograd-lint reports 0 "
    "on the line, 0 in the function, 0 at a caller, misses 1.",
]


@pytest.fixture
def project(tmp_path):
    # The cross-check honours the project's configuration: without NG101 the linter misses it.
    (tmp_path / "pyproject.toml").write_text('[tool.nograd-lint]\nignore = ["NG101"]\n')
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_project.py").write_text(PROJECT_TESTS)
    return tmp_path


def run_pytest(cwd, *args):
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                           "-W", "ignore::DeprecationWarning", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=300)


def section(stdout):
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if " nograd sentinel " in line)
    return lines[start:start + 3]


def test_the_plugin_is_registered_with_a_pytest11_entry_point():
    (entry,) = [e for e in entry_points(group="pytest11") if e.name == "nograd_sentinel"]
    assert entry.value == "nograd_lint.sentinel.pytest_plugin"


def test_warn_mode_prints_the_report_and_warns_the_wasteful_test(project):
    done = run_pytest(project, "--nograd-sentinel", "tests")  # a bare flag before a path
    assert done.returncode == 0, done.stdout + done.stderr
    assert section(done.stdout) == REPORT
    assert "4 passed, 1 warning" in done.stdout.splitlines()[-1]
    assert "tests/test_project.py::test_wasteful_prediction" in done.stdout  # the warning's test
    assert "SentinelWarning: nograd sentinel: graphs no backward used:" in done.stdout


def test_error_mode_fails_exactly_the_wasteful_test(project):
    done = run_pytest(project, "--nograd-sentinel=error", "-rf", "tests")
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    failure = lines.index("nograd sentinel: graphs no backward used:")
    assert lines[failure - 1].strip("_ ") == "test_wasteful_prediction"
    assert lines[failure + 1] == "  " + FINDING
    assert "FAILED tests/test_project.py::test_wasteful_prediction" in done.stdout
    assert "1 failed, 3 passed" in lines[-1]


def test_xdist_workers_send_their_findings_to_the_report(project):
    done = run_pytest(project, "--nograd-sentinel=warn", "-n", "2", "tests")
    assert done.returncode == 0, done.stdout + done.stderr
    assert section(done.stdout) == REPORT


def test_without_the_option_the_plugin_does_nothing_and_imports_no_torch(tmp_path):
    (tmp_path / "test_plain.py").write_text(
        "import sys\n\n\ndef test_torch_not_imported():\n    assert 'torch' not in sys.modules\n")
    done = run_pytest(tmp_path, "test_plain.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "nograd sentinel" not in done.stdout


def test_a_bad_mode_is_a_usage_error(tmp_path):
    done = run_pytest(tmp_path, "--nograd-sentinel=loud")
    assert done.returncode == 4
    assert "--nograd-sentinel takes warn or error, not 'loud'" in done.stderr
