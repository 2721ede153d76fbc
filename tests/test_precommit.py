"""A real `pre-commit` run of this repository's `.pre-commit-hooks.yaml` on a temporary git repository.

pre-commit installs the hooks' package (and libcst, flake8) from the package registry into its own
environment. Where the registry cannot be reached, set NOGRAD_SKIP_PRECOMMIT_OFFLINE=1: the test is
then skipped, but only after a probe confirms that the registry is unreachable.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from frontend_files.helpers import EVALUATE, EVALUATE_FIXED, REPO, environment, fix_description, finding, script

SKIP_OFFLINE = "NOGRAD_SKIP_PRECOMMIT_OFFLINE"
GIT_IDENTITY = dict(GIT_AUTHOR_NAME="test", GIT_AUTHOR_EMAIL="test@example.invalid",
                    GIT_COMMITTER_NAME="test", GIT_COMMITTER_EMAIL="test@example.invalid")
IGNORED = {".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "build", "dist"}


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args], cwd=cwd,
                          env=environment(**GIT_IDENTITY), capture_output=True, text=True, check=True)
    return done.stdout


def copy_project(target: Path) -> None:
    """The files a commit of the working tree would hold (what pre-commit clones)."""
    try:
        names = git("ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=REPO).split("\0")
    except (subprocess.CalledProcessError, OSError):  # not a git checkout (an unpacked sdist)
        def ignored(_: str, found: list[str]) -> list[str]:
            return [n for n in found if n in IGNORED or n.endswith(".egg-info") or n.startswith(".venv")]

        shutil.copytree(REPO, target, ignore=ignored)
        return
    for name in filter(None, names):
        if (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)


def registry_reachable(tmp_path: Path) -> bool:
    probe = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-cache-dir", "--timeout", "15",
                            "--retries", "0", "--dest", str(tmp_path / "probe"), "libcst"],
                           capture_output=True, env=environment())
    return probe.returncode == 0


def pre_commit(*args: str, cwd: Path, home: Path) -> tuple[int, str]:
    done = subprocess.run([script("pre-commit"), *args, "--color", "never"], cwd=cwd, capture_output=True, text=True,
                          env=environment(PRE_COMMIT_HOME=str(home), **GIT_IDENTITY), timeout=600)
    return done.returncode, done.stdout + done.stderr


def status_lines(output: str) -> dict[str, str]:
    """`{hook id: Passed/Failed}` from pre-commit's `name.....Status` lines."""
    return {m.group(1): m.group(2) for m in re.finditer(r"^(nograd-\w+)\.+(Passed|Failed)$", output, re.M)}


def test_hooks_in_a_real_pre_commit_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("pre-commit")
    if os.environ.get(SKIP_OFFLINE) == "1" and not registry_reachable(root):
        pytest.skip(f"{SKIP_OFFLINE}=1 and the package registry is unreachable")
    hooks = root / "hooks"
    copy_project(hooks)
    git("init", "-q", cwd=hooks)
    git("add", "-A", cwd=hooks)
    git("commit", "-q", "-m", "hooks", cwd=hooks)
    rev = git("rev-parse", "HEAD", cwd=hooks).strip()

    user = root / "user"
    user.mkdir()
    git("init", "-q", cwd=user)
    (user / "model.py").write_text(EVALUATE)
    (user / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks.as_posix()}\n    rev: {rev}\n    hooks:\n"
        "      - id: nograd-lint\n      - id: nograd-fix\n")
    git("add", "-A", cwd=user)
    home = root / "home"

    code, output = pre_commit("run", "--all-files", "nograd-lint", cwd=user, home=home)
    assert code == 1, output
    assert status_lines(output) == {"nograd-lint": "Failed"}
    assert "- hook id: nograd-lint\n- exit code: 1\n" in output
    assert f"\n{finding('model.py', EVALUATE, 'NG101', 8, 21)}\n" in output
    assert "\nFound 1 finding in 1 file checked. 1 fixable with nograd-fix.\n" in output
    assert (user / "model.py").read_text() == EVALUATE

    code, output = pre_commit("run", "--all-files", "nograd-fix", cwd=user, home=home)
    assert code == 1, output
    assert status_lines(output) == {"nograd-fix": "Failed"}
    assert "- hook id: nograd-fix\n- exit code: 1\n- files were modified by this hook\n" in output
    assert f"\nmodel.py:9:21: NG101 fixed: {fix_description(EVALUATE, 'NG101', 8)}\n" in output
    assert (user / "model.py").read_text() == EVALUATE_FIXED

    git("add", "-A", cwd=user)
    code, output = pre_commit("run", "--all-files", cwd=user, home=home)
    assert code == 0, output
    assert status_lines(output) == {"nograd-lint": "Passed", "nograd-fix": "Passed"}
    assert (user / "model.py").read_text() == EVALUATE_FIXED
