"""`nograd-lint` run as an installed command on real files: output, ordering, exit codes, walking,
selection, rule listing and docs, parallel runs, standard input, `python -m nograd_lint`."""
from __future__ import annotations

import sys

from frontend_files.helpers import (CLEAN, EVALUATE, MIXED, REPO, evaluate_finding, fix_description, lint,
                                    mixed_findings, run, script, write)

from nograd_lint import __version__
from nograd_lint.rules import all_rules


def test_findings_sorted_by_path_line_column_with_summary(tmp_path):
    write(tmp_path, "pkg/b.py", EVALUATE)
    write(tmp_path, "pkg/a.py", MIXED)
    write(tmp_path, "pkg/clean.py", CLEAN)
    ran = lint("pkg/b.py", "pkg", cwd=tmp_path)  # a file named twice is checked once
    assert ran.lines == mixed_findings("pkg/a.py") + [evaluate_finding("pkg/b.py")]
    assert ran.err_lines == ["Found 4 findings in 3 files checked. 3 fixable with nograd-fix, "
                             "1 more with nograd-fix --unsafe-fixes."]
    assert ran.code == 1


def test_clean_files_exit_zero(tmp_path):
    write(tmp_path, "clean.py", CLEAN)
    write(tmp_path, "notes.py", "print('no torch here')\n")
    ran = lint(".", cwd=tmp_path)
    assert (ran.code, ran.out, ran.err) == (0, "", "No findings in 2 files.\n")


def test_quiet_prints_findings_only(tmp_path):
    write(tmp_path, "a.py", EVALUATE)
    ran = lint("-q", "a.py", cwd=tmp_path)
    assert (ran.code, ran.out, ran.err) == (1, evaluate_finding("a.py") + "\n", "")


def test_unparsable_files_are_reported_and_the_others_still_checked(tmp_path):
    write(tmp_path, "a_broken.py", "import torch\n\ndef evaluate(model:\n    pass\n")
    write(tmp_path, "b_plain_broken.py", "x = (1,\n")  # skipped by the text pre-filter, still parsed
    write(tmp_path, "c.py", EVALUATE)
    write(tmp_path, "d_undecodable.py", b"import torch\nname = '\xff'\n")
    write(tmp_path, "e_unknown_encoding.py", b"# -*- coding: klingon -*-\nimport torch\ndef f(:\n")
    ran = lint(".", cwd=tmp_path)
    assert ran.lines == [evaluate_finding("c.py")]
    assert ran.err_lines == [
        "nograd-lint: error: a_broken.py:3:13: cannot parse: '(' was never closed",
        "nograd-lint: error: b_plain_broken.py:1:5: cannot parse: '(' was never closed",
        "nograd-lint: error: d_undecodable.py: cannot decode: 'utf-8' codec can't decode byte 0xff "
        "in position 0: invalid start byte",
        "nograd-lint: note: e_unknown_encoding.py: unknown encoding 'klingon' in its coding cookie; read as UTF-8",
        "nograd-lint: error: e_unknown_encoding.py:3:7: cannot parse: invalid syntax",
        "Found 1 finding in 5 files checked. 1 fixable with nograd-fix. 4 files could not be checked.",
    ]
    assert ran.code == 2


def test_missing_path_is_an_error_and_the_rest_is_checked(tmp_path):
    write(tmp_path, "a.py", EVALUATE)
    ran = lint("a.py", "missing.py", cwd=tmp_path)
    assert ran.lines == [evaluate_finding("a.py")]
    assert ran.err_lines == ["nograd-lint: error: missing.py: no such file or directory",
                             "Found 1 finding in 1 file checked. 1 fixable with nograd-fix. "
                             "1 file could not be checked."]
    assert ran.code == 2


def test_usage_errors_exit_two(tmp_path):
    write(tmp_path, "a.py", EVALUATE)
    unknown = lint("--frobnicate", "a.py", cwd=tmp_path)
    assert (unknown.code, unknown.err_lines[-1]) == (2, "nograd-lint: error: unrecognized arguments: --frobnicate")
    jobs = lint("-j", "-1", "a.py", cwd=tmp_path)
    assert (jobs.code, jobs.err_lines[-1]) == (
        2, "nograd-lint: error: argument -j/--jobs: must be a whole number >= 0, not '-1'")
    typo = lint("--extend-select", "NG999", "a.py", cwd=tmp_path)
    assert (typo.code, typo.out, typo.err) == (
        2, "", "nograd-lint: error: --extend-select: 'NG999' matches no rule (see --list-rules)\n")
    shape = lint("--select", "E501", "a.py", cwd=tmp_path)
    assert (shape.code, shape.err) == (
        2, "nograd-lint: error: --select: 'E501' is not a rule code or prefix like NG101 or NG1\n")
    mixed = lint("-", "a.py", cwd=tmp_path)
    assert (mixed.code, mixed.err_lines[-1]) == (
        2, "nograd-lint: error: '-' (standard input) cannot be combined with other paths")


def test_directory_walk_skips_default_excludes(tmp_path):
    for name in (".git/hooks/a.py", ".venv/lib/a.py", "venv/a.py", "build/lib/a.py", "dist/a.py",
                 "__pycache__/a.py", ".tox/a.py", "node_modules/a.py", ".mypy_cache/a.py",
                 "src/pkg/site-packages/a.py"):
        write(tmp_path, name, EVALUATE)
    write(tmp_path, "src/pkg/model.py", EVALUATE)
    write(tmp_path, "src/pkg/stubs.pyi", "def f() -> None: ...\n")
    write(tmp_path, "src/pkg/notes.txt", EVALUATE)  # not Python: not walked
    write(tmp_path, "src/pkg/script", EVALUATE)
    ran = lint(".", cwd=tmp_path)
    assert ran.lines == [evaluate_finding("src/pkg/model.py")]
    assert ran.err == "Found 1 finding in 2 files checked. 1 fixable with nograd-fix.\n"
    # Named explicitly, a file is checked whatever its name or directory.
    explicit = lint("src/pkg/script", "build/lib/a.py", cwd=tmp_path)
    assert explicit.lines == [evaluate_finding("build/lib/a.py"), evaluate_finding("src/pkg/script")]
    # A directory named explicitly is walked even when its own name is excluded.
    inside = lint("build", cwd=tmp_path)
    assert inside.lines == [evaluate_finding("build/lib/a.py")]


def test_exclude_options(tmp_path):
    write(tmp_path, "src/model.py", EVALUATE)
    write(tmp_path, "src/generated/model_pb2.py", EVALUATE)
    write(tmp_path, "tests/fixtures/case.py", EVALUATE)
    write(tmp_path, "tests/test_model.py", EVALUATE)
    write(tmp_path, "build/model.py", EVALUATE)
    ran = lint("--extend-exclude", "*_pb2.py,tests/fixtures", ".", cwd=tmp_path)
    assert ran.lines == [evaluate_finding("src/model.py"), evaluate_finding("tests/test_model.py")]
    # `--exclude` replaces the defaults: build/ is walked again.
    replaced = lint("--exclude", "tests", ".", cwd=tmp_path)
    assert replaced.lines == [evaluate_finding("build/model.py"), evaluate_finding("src/generated/model_pb2.py"),
                              evaluate_finding("src/model.py")]
    # Configured patterns also drop files named explicitly (pre-commit passes file names).
    named = lint("--extend-exclude", "tests/fixtures", "tests/fixtures/case.py", "src/model.py", cwd=tmp_path)
    assert named.lines == [evaluate_finding("src/model.py")]
    assert named.err == "Found 1 finding in 1 file checked. 1 fixable with nograd-fix.\n"


def test_select_ignore_and_extend_select_by_code_or_prefix(tmp_path):
    write(tmp_path, "mixed.py", MIXED)
    ng101, ng102, ng103 = mixed_findings("mixed.py")
    cases = {
        ("--select", "NG101"): [ng101],
        ("--select", "NG102,NG103"): [ng102, ng103],
        ("--select", "NG1", "--ignore", "NG102"): [ng101, ng103],
        ("--ignore", "NG1"): [],
        ("--ignore", "NG1", "--extend-select", "NG103"): [ng103],  # the longer prefix wins
        ("--select", "ALL", "--ignore", "ng101"): [ng102, ng103],
    }
    for options, expected in cases.items():
        ran = lint(*options, "mixed.py", cwd=tmp_path)
        assert (ran.lines, ran.code) == (expected, 1 if expected else 0), options


def test_list_rules_and_rules_subcommand(tmp_path):
    listed = lint("--list-rules", cwd=tmp_path)
    assert listed.code == 0 and listed.err == ""
    width = max(len(rule.name) for rule in all_rules())
    assert listed.lines[0] == "code    name" + " " * (width - 2) + "default  fix        summary"
    assert listed.lines[1] == ("NG101   evaluation-with-gradients" + " " * (width - 23) + "on       sometimes  "
                               "Evaluation code runs forward passes with gradients enabled.")
    rows = [line.split()[:4] for line in listed.lines[1:]]
    assert rows == [[rule.code, rule.name, "on" if rule.default_enabled else "off", rule.fix_availability]
                    for rule in all_rules()]
    assert {row[3] for row in rows} <= {"safe", "unsafe", "sometimes", "none"}
    subcommand = lint("rules", cwd=tmp_path)
    assert (subcommand.code, subcommand.out, subcommand.err) == (0, listed.out, "")


def test_explain_and_rule_subcommand_print_the_docs_page(tmp_path):
    page = (REPO / "docs" / "rules" / "NG101.md").read_text(encoding="utf-8")
    assert page.startswith("# NG101: evaluation-with-gradients\n")
    for argv in (["--explain", "NG101"], ["rule", "ng101"]):
        ran = lint(*argv, cwd=tmp_path)
        assert (ran.code, ran.out, ran.err) == (0, page, ""), argv
    unknown = lint("rule", "NG999", cwd=tmp_path)
    assert (unknown.code, unknown.out, unknown.err) == (
        2, "", "nograd-lint: error: unknown rule 'NG999'; see --list-rules\n")
    bare = lint("rule", cwd=tmp_path)
    assert (bare.code, bare.err_lines[-1]) == (2, "nograd-lint: error: rule: give a rule code, as in "
                                                  "`nograd-lint rule NG101`")


def test_parallel_jobs_give_identical_output(tmp_path):
    for index in range(12):
        write(tmp_path, f"m{index:02}.py", [EVALUATE, MIXED, CLEAN][index % 3])
    write(tmp_path, "m99_broken.py", "import torch\nx = (\n")
    serial = lint(".", cwd=tmp_path)
    assert serial.code == 2 and len(serial.lines) == 4 * 4
    parallel = lint("-j", "2", ".", cwd=tmp_path)
    assert (parallel.code, parallel.out, parallel.err) == (serial.code, serial.out, serial.err)


def test_noqa_comments(tmp_path):
    source = MIXED.replace(
        "(model(x).argmax(1) == y).sum().item()", "(model(x).argmax(1) == y).sum().item()  # noqa: E501"
    ).replace("total_loss += loss\n", "total_loss += loss  # NOQA:NG1\n").replace(
        "p -= lr * p.grad\n", "p -= lr * p.grad  # noqa\n")
    write(tmp_path, "mixed.py", source)
    ran = lint("mixed.py", cwd=tmp_path)
    assert ran.lines == mixed_findings("mixed.py")[:1]  # E501 does not cover NG101
    write(tmp_path, "mixed.py", source.replace("# noqa: E501", "# noqa: E501, NG101"))
    assert lint("mixed.py", cwd=tmp_path).code == 0


def test_standard_input(tmp_path):
    ran = lint("-", "--stdin-filename", "src/model.py", cwd=tmp_path, stdin=EVALUATE.encode())
    assert (ran.code, ran.out) == (1, evaluate_finding("src/model.py") + "\n")
    assert ran.err == "Found 1 finding in 1 file checked. 1 fixable with nograd-fix.\n"
    anonymous = lint("-", cwd=tmp_path, stdin=EVALUATE.encode())
    assert anonymous.out == evaluate_finding("<stdin>") + "\n"
    broken = lint("-", cwd=tmp_path, stdin=b"import torch\nx = (\n")
    assert (broken.code, broken.out, broken.err_lines[0]) == (
        2, "", "nograd-lint: error: <stdin>:2:5: cannot parse: '(' was never closed")
    excluded = lint("-", "--stdin-filename", "gen/model.py", "--extend-exclude", "gen", cwd=tmp_path,
                    stdin=EVALUATE.encode())
    assert (excluded.code, excluded.out) == (0, "")


def test_python_dash_m_and_console_scripts_agree(tmp_path):
    write(tmp_path, "a.py", EVALUATE)
    by_script = lint("a.py", cwd=tmp_path)
    by_module = run([sys.executable, "-m", "nograd_lint", "a.py"], tmp_path)
    assert (by_module.code, by_module.out, by_module.err) == (by_script.code, by_script.out, by_script.err)
    check = run([sys.executable, "-m", "nograd_lint", "fix", "--check", "a.py"], tmp_path)
    assert (check.code, check.out) == (1, f"a.py:8:21: NG101 would fix: {fix_description(EVALUATE, 'NG101', 8)}\n")
    version = run([script("nograd-lint"), "--version"], tmp_path)
    assert (version.code, version.out) == (0, f"nograd-lint {__version__}\n")
    fix_version = run([script("nograd-fix"), "--version"], tmp_path)
    assert (fix_version.code, fix_version.out) == (0, f"nograd-fix {__version__}\n")
