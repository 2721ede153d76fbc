"""Habits of ruff and flake8 users, run as the installed commands: `.` by default, `.gitignore`,
`per-file-ignores`, `--exit-zero`, `--statistics`, `nograd-lint --fix`, `-j` one per CPU, a
progress bar on a terminal, and subcommands that never shadow a path."""
from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys

import pytest
from frontend_files.helpers import (CLEAN, EVALUATE, EVALUATE_FIXED, MIXED, MIXED_SAFE_FIXED, environment, finding,
                                    fix, fix_description, lint, mixed_findings, script, write)

from nograd_lint.frontends.cli import _lint_arguments, _Run
from nograd_lint.io.config import load_settings
from nograd_lint.io.files import cpus
from nograd_lint.rules import all_rules

NAMES = {rule.code: rule.name for rule in all_rules()}


def test_no_path_checks_the_current_directory(tmp_path):
    write(tmp_path, "a.py", EVALUATE)
    write(tmp_path, "pkg/m.py", MIXED)
    ran = lint(cwd=tmp_path)
    assert (ran.code, ran.lines) == (1, [finding("a.py", EVALUATE, "NG101", 8, 21), *mixed_findings("pkg/m.py")])
    assert ran.out == lint(".", cwd=tmp_path).out
    fixed = fix(cwd=tmp_path)
    assert fixed.code == 1 and (tmp_path / "a.py").read_text() == EVALUATE_FIXED


def test_gitignore_is_respected_in_walks(tmp_path):
    write(tmp_path, ".gitignore", "generated/\n*_pb2.py\n!keep_pb2.py\n/top.py\n")
    write(tmp_path, "sub/.gitignore", "local.py\n")
    for name in ("a.py", "generated/g.py", "x_pb2.py", "keep_pb2.py", "top.py", "sub/top.py", "sub/local.py",
                 "sub/b.py"):
        write(tmp_path, name, EVALUATE)
    expected = ["a.py", "keep_pb2.py", "sub/b.py", "sub/top.py"]
    ran = lint(".", cwd=tmp_path)
    assert [line.split(":")[0] for line in ran.lines] == expected
    # Off on the command line or in pyproject.toml; a file named explicitly is always checked.
    every = lint("--no-respect-gitignore", ".", cwd=tmp_path)
    assert len(every.lines) == 8
    assert lint("generated/g.py", cwd=tmp_path).lines == [finding("generated/g.py", EVALUATE, "NG101", 8, 21)]
    write(tmp_path, "pyproject.toml", "[tool.nograd-lint]\nrespect-gitignore = false\n")
    assert len(lint(".", cwd=tmp_path).lines) == 8
    assert len(lint("--respect-gitignore", ".", cwd=tmp_path).lines) == 4


def test_an_allow_list_gitignore_keeps_every_folder_and_the_files_it_re_includes(tmp_path):
    # `*` ignores everything, `!*/` takes the folders back (not what is in them), `!*.*` the files
    # with an extension: git ignores no `.py` file here, whatever the depth.
    write(tmp_path, ".gitignore", "*\n!*/\n!*.*\n")
    for name in ("a.py", "pkg/b.py", "pkg/deep/c.py", "pkg/LICENSE"):
        write(tmp_path, name, EVALUATE)
    ran = lint(".", cwd=tmp_path)
    assert [line.split(":")[0] for line in ran.lines] == ["a.py", "pkg/b.py", "pkg/deep/c.py"]
    write(tmp_path, ".gitignore", "*\n!*/\n")  # folders back, files not: nothing to check
    assert lint(".", cwd=tmp_path).lines == []


def test_gitignore_rules_from_above_the_walked_folder_up_to_the_repository(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True, env=environment())
    write(tmp_path, "repo/.gitignore", "scratch*\n")
    write(tmp_path, "repo/.git/info/exclude", "private/\n")
    write(tmp_path, ".gitignore", "*.py\n")  # outside the repository: not read
    for name in ("src/a.py", "src/scratch.py", "src/private/p.py"):
        write(tmp_path / "repo", name, EVALUATE)
    ran = lint("src", cwd=tmp_path / "repo")
    assert [line.split(":")[0] for line in ran.lines] == ["src/a.py"]


def test_per_file_ignores_as_in_ruff(tmp_path):
    write(tmp_path, "pyproject.toml", """\
[tool.nograd-lint]
extend-select = ["NG101"]
per-file-ignores = { "tests/**/*.py" = ["NG1"], "__init__.py" = ["ALL"], "!src/**" = ["NG103"] }
extend-per-file-ignores = { "*.ipynb" = ["NG101"], "src/{legacy,old}/*" = ["NG102"] }
""")
    for name in ("tests/unit/m.py", "tests/m.py", "pkg/__init__.py", "other/m.py", "src/legacy/m.py", "src/m.py"):
        write(tmp_path, name, MIXED)
    ran = lint(".", cwd=tmp_path)
    ng101, ng102, ng103 = (line.split(":", 1)[1] for line in mixed_findings("m.py"))
    assert ran.lines == [f"other/m.py:{ng101}", f"other/m.py:{ng102}",
                         f"src/legacy/m.py:{ng101}", f"src/legacy/m.py:{ng103}",
                         f"src/m.py:{ng101}", f"src/m.py:{ng102}", f"src/m.py:{ng103}"]
    # From another directory the patterns still start from the pyproject.toml's folder.
    inside = lint("legacy/m.py", cwd=tmp_path / "src")
    assert (inside.code, inside.lines) == (1, [f"legacy/m.py:{ng101}", f"legacy/m.py:{ng103}"])
    settings = load_settings(tmp_path / "pyproject.toml")
    assert settings.for_path(tmp_path / "tests" / "m.py").file_ignore == ("NG1", "NG103")
    assert settings.for_path(tmp_path / "src" / "m.py") is settings


def test_exit_zero(tmp_path):
    write(tmp_path, "m.py", MIXED)
    ran = lint("--exit-zero", "m.py", cwd=tmp_path)
    assert (ran.code, ran.lines) == (0, mixed_findings("m.py"))
    write(tmp_path, "broken.py", "x = (\n")
    assert lint("--exit-zero", "m.py", "broken.py", cwd=tmp_path).code == 2  # a file that cannot be checked
    fixed = fix("--exit-zero", "m.py", cwd=tmp_path)
    assert fixed.code == 0 and (tmp_path / "m.py").read_text() == MIXED_SAFE_FIXED


def test_statistics(tmp_path):
    write(tmp_path, "m.py", MIXED)
    write(tmp_path, "e.py", EVALUATE)
    write(tmp_path, "f.py", EVALUATE.replace("\ndef evaluate", "\nasync def evaluate"))
    ran = lint("--statistics", ".", cwd=tmp_path)
    assert ran.out == (f"3\tNG101\t[*] {NAMES['NG101']}\n"
                       f"1\tNG102\t[ ] {NAMES['NG102']}\n"
                       f"1\tNG103\t[*] {NAMES['NG103']}\n")
    assert (ran.code, ran.err) == (1, "Found 5 findings in 3 files checked. 3 fixable with nograd-fix, "
                                      "1 more with nograd-fix --unsafe-fixes.\n")
    as_json = lint("--statistics", "--output-format", "json", ".", cwd=tmp_path)
    assert json.loads(as_json.out) == [
        {"code": "NG101", "name": NAMES["NG101"], "count": 3, "fixable": 2},
        {"code": "NG102", "name": NAMES["NG102"], "count": 1, "fixable": 0},
        {"code": "NG103", "name": NAMES["NG103"], "count": 1, "fixable": 1}]
    assert lint("--statistics", "--output-format", "sarif", ".", cwd=tmp_path).err_lines[-1] == (
        "nograd-lint: error: --statistics prints text or json")


def test_nograd_lint_fix_is_nograd_fix(tmp_path):
    write(tmp_path, "m.py", MIXED)
    diff = lint("--diff", "m.py", cwd=tmp_path)
    assert (diff.code, diff.out) == (1, fix("--diff", "m.py", cwd=tmp_path).out)
    ran = lint("--fix", "m.py", cwd=tmp_path)
    assert ran.lines == [f"m.py:9:21: NG101 fixed: {fix_description(MIXED, 'NG101', 8)}",
                         finding("m.py", MIXED_SAFE_FIXED, "NG102", 20, 23),
                         f"m.py:27:13: NG103 fixed: {fix_description(MIXED, 'NG103', 25)}"]
    assert ran.code == 1 and (tmp_path / "m.py").read_text() == MIXED_SAFE_FIXED
    unsafe = lint("--fix", "--unsafe-fixes", "m.py", cwd=tmp_path)
    assert unsafe.code == 0 and "total_loss += loss.detach()" in (tmp_path / "m.py").read_text()
    for argv, message in ((["--unsafe-fixes", "m.py"], "--unsafe-fixes and --exit-non-zero-on-fix go with --fix or --diff"),
                          (["--fix", "--output-format", "json", "m.py"],
                           "--fix and --diff print text: leave out --output-format and --statistics")):
        usage = lint(*argv, cwd=tmp_path)
        assert (usage.code, usage.err_lines[-1]) == (2, f"nograd-lint: error: {message}")


def test_jobs_default_to_one_process_per_cpu(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _Run([], "nograd-lint", "", _lint_arguments).args.jobs == 0  # 0: one per CPU
    assert cpus() == len(os.sched_getaffinity(0))
    for index in range(9):
        write(tmp_path, f"m{index}.py", [EVALUATE, MIXED, CLEAN][index % 3])
    default, serial = lint(".", cwd=tmp_path), lint("-j", "1", ".", cwd=tmp_path)
    assert (default.code, default.out, default.err) == (serial.code, serial.out, serial.err)


def _on_a_terminal(argv: list[str], cwd) -> tuple[int, str, str]:
    """Run with standard error on a pseudo-terminal; (exit status, stdout, what the terminal got)."""
    controller, terminal = pty.openpty()
    done = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=terminal,
                          env=environment(), timeout=300)
    os.close(terminal)
    screen = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        screen += chunk
    os.close(controller)
    return done.returncode, done.stdout.decode(), screen.decode().replace("\r\n", "\n")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")
def test_progress_bar_on_a_terminal(tmp_path):
    for index in range(3):
        write(tmp_path, f"m{index}.py", CLEAN)
    write(tmp_path, "e.py", EVALUATE)
    code, out, screen = _on_a_terminal([script("nograd-lint"), "--progress", "-j", "1", "."], tmp_path)
    assert (code, out) == (1, finding("e.py", EVALUATE, "NG101", 8, 21) + "\n")
    bar = "\r[" + "#" * 40 + "] 4/4 files"
    clear = "\r\x1b[K"
    # Frames overwrite each other in place (at most ten a second); the last one is drawn, then
    # cleared before the summary.
    summary = "Found 1 finding in 4 files checked. 1 fixable with nograd-fix.\n"
    assert screen.endswith(f"{bar}{clear}{summary}"), screen
    assert re.fullmatch(r"(\r\[#* *\] [1-4]/4 files(\r\x1b\[K)?)+", screen[:-len(summary)]), screen
    # A short run on a terminal shows none; output that is not a terminal never does.
    code, _, screen = _on_a_terminal([script("nograd-lint"), "-j", "1", "m0.py"], tmp_path)
    assert (code, screen) == (0, "No findings in 1 file.\n")
    assert lint(".", cwd=tmp_path).err == "Found 1 finding in 4 files checked. 1 fixable with nograd-fix.\n"


@pytest.mark.parametrize("name", ["rules", "rule", "server"])
def test_subcommands_never_shadow_a_path(tmp_path, name):
    write(tmp_path, f"{name}/check.py", EVALUATE)
    argv = [name, "NG101"] if name == "rule" else [name]
    ran = lint(*argv, cwd=tmp_path)
    if name == "rule":  # `rule` is a folder and `NG101` no path
        assert (ran.code, ran.lines) == (2, [finding("rule/check.py", EVALUATE, "NG101", 8, 21)])
        assert ran.err_lines[0] == "nograd-lint: error: NG101: no such file or directory"
    else:
        assert (ran.code, ran.lines) == (1, [finding(f"{name}/check.py", EVALUATE, "NG101", 8, 21)])
    # Without the folder, they are subcommands.
    assert lint("rules", cwd=tmp_path / name).out.startswith("code    name")
    assert lint("rule", "NG101", cwd=tmp_path / name).out.startswith("# NG101: ")
