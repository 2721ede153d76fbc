"""`nograd-verify` after a plain `pip install nograd-lint` (no `verify` extra): one line saying
what to install, exit 2; `--version` works. Checked in a real virtual environment without the
system's packages: a wheel of this checkout installed by pip, and exactly the distributions the
plain install pulls in (the dependencies pyproject.toml lists and theirs), linked from this environment
because nothing is downloaded here. Skipped, with the reason, where that cannot be built."""
import importlib.metadata
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXTRA_LINE = 'nograd-verify: needs %s, not installed: pip install "nograd-lint[verify]"\n'


def _run(*command, **kwargs):
    return subprocess.run([str(c) for c in command], capture_output=True, text=True,
                          timeout=300, **kwargs)


def _closure(names):
    """The distributions `names` require, recursively, for this Python (no extras)."""
    from packaging.requirements import Requirement

    seen, todo = {}, list(names)
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        seen[key] = importlib.metadata.distribution(name)
        for text in seen[key].requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen.values()


def _plain_requirements():
    """The names of the distributions pyproject.toml says a plain install needs here."""
    import tomllib

    from packaging.requirements import Requirement

    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    requirements = [Requirement(text) for text in listed]
    return [r.name for r in requirements if r.marker is None or r.marker.evaluate()]


def _link(distributions, site: Path) -> None:
    """Make `distributions` (installed here) importable in `site`, as pip would lay them out."""
    for dist in distributions:
        base = Path(dist.locate_file(""))
        for top in {Path(str(f)).parts[0] for f in dist.files or []} - {"..", "__pycache__"}:
            target = site / top
            if not target.exists():
                target.symlink_to(base / top)


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """(nograd-verify, python) of an environment holding only what a plain install brings."""
    tmp = tmp_path_factory.mktemp("plain")
    source = tmp / "source"  # a copy, so that building writes nothing into the checkout
    shutil.copytree(ROOT / "nograd_lint", source / "nograd_lint",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    wheel = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                 "--no-index", "-q", "-w", tmp / "dist", source)
    if wheel.returncode:
        pytest.skip("cannot build a wheel of nograd-lint offline here: %s"
                    % wheel.stderr.strip().splitlines()[-1:])
    venv = tmp / "venv"
    made = _run(sys.executable, "-m", "venv", "--without-pip", venv)
    if made.returncode:
        pytest.skip("cannot create a virtual environment: %s" % made.stderr.strip())
    python = venv / "bin" / "python"
    installed = _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
                     "--no-index", "-q", *sorted((tmp / "dist").glob("*.whl")))
    if installed.returncode:
        pytest.skip("cannot install the wheel offline: %s" % installed.stderr.strip())
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
                .stdout.strip())
    try:
        _link(_closure(_plain_requirements()), site)
    except importlib.metadata.PackageNotFoundError as exc:
        pytest.skip("a dependency of the plain install is missing here: %s" % exc)
    return venv / "bin" / "nograd-verify", python, site


def test_a_plain_install_says_what_to_install(plain, tmp_path):
    script, python, site = plain
    absent = _run(python, "-c", "import importlib.util as u; "
                  "print([n for n in ('torch', 'rich') if u.find_spec(n)])")
    assert absent.stdout.strip() == "[]"  # really a plain install
    lint = _run(python, "-m", "nograd_lint", "--version")
    assert lint.returncode == 0, lint.stderr  # the linter itself works there
    target = tmp_path / "eval.py"
    target.write_text("def main():\n    pass\n")
    proc = _run(script, target, cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", EXTRA_LINE % "torch and rich")
    version = _run(script, "--version")
    assert (version.returncode, version.stdout) == (0, "nograd-verify (nograd-lint) 0.1.0\n")
    # With rich but still without torch (the child would die importing it): the same line.
    _link(_closure(["rich"]), site)
    proc = _run(script, target, cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", EXTRA_LINE % "torch")
