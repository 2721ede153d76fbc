"""Configuration: `[tool.nograd-lint]` in pyproject.toml (found from the paths' common parent
upward), its errors, and how select/ignore and excludes combine."""
from __future__ import annotations

from pathlib import Path

from frontend_files.helpers import EVALUATE, MIXED, finding, fix, fix_description, lint, mixed_findings, write

from nograd_lint.io.config import Settings, find_config, is_excluded

SCORE = """\
import torch


def score_batch(model, batch):
    return model(batch).sum().item()
"""
SCORE_AND_EVALUATE = SCORE + "\n\n" + EVALUATE.replace("import torch\n\n\n", "")


def pyproject(directory: Path, table: str) -> Path:
    return write(directory, "pyproject.toml", f'[project]\nname = "demo"\n\n[tool.nograd-lint]\n{table}\n')


def test_select_ignore_and_extend_select_from_pyproject(tmp_path):
    write(tmp_path, "m.py", MIXED)
    ng101, ng102, ng103 = mixed_findings("m.py")
    for table, expected in {
        'select = ["NG101", "NG103"]': [ng101, ng103],
        'ignore = ["NG1"]\nextend-select = ["NG102"]': [ng102],
        'select = "NG102, NG103"\nignore = "NG103"': [ng102],
    }.items():
        pyproject(tmp_path, table)
        ran = lint("m.py", cwd=tmp_path)
        assert ran.lines == expected, table
    # The command line adds to the file: `--ignore` replaces the file's `ignore`.
    pyproject(tmp_path, 'ignore = ["NG101"]')
    assert lint("--ignore", "NG102", "m.py", cwd=tmp_path).lines == [ng101, ng103]
    assert lint("--isolated", "m.py", cwd=tmp_path).lines == [ng101, ng102, ng103]


def test_fix_context_evaluation_names_and_min_confidence(tmp_path):
    write(tmp_path, "src/m.py", SCORE_AND_EVALUATE)
    pyproject(tmp_path, 'fix-context = "inference_mode"\nevaluation-names = ["score_batch"]')
    settings = Settings(fix_context="inference_mode", evaluation_names=("score_batch",))
    ran = lint("src", cwd=tmp_path)
    assert ran.lines == [finding("src/m.py", SCORE_AND_EVALUATE, "NG101", 5, 12, settings),
                         finding("src/m.py", SCORE_AND_EVALUATE, "NG101", 12, 21, settings)]
    assert ran.lines[0].endswith("disable them with `torch.inference_mode()`")
    # The name alone is medium confidence: `min-confidence = "high"` drops it.
    pyproject(tmp_path, 'fix-context = "inference_mode"\nevaluation-names = ["score_batch"]\nmin-confidence = "high"')
    assert lint("src", cwd=tmp_path).lines == [finding("src/m.py", SCORE_AND_EVALUATE, "NG101", 12, 21, settings)]
    fixed = fix("src/m.py", cwd=tmp_path)
    assert fixed.lines == [f"src/m.py:13:21: NG101 fixed: {fix_description(SCORE_AND_EVALUATE, 'NG101', 12, settings)}"]
    assert "\n@torch.inference_mode()\ndef evaluate(" in (tmp_path / "src/m.py").read_text()


def test_excludes_from_pyproject_are_relative_to_its_directory(tmp_path):
    pyproject(tmp_path, 'extend-exclude = ["generated", "src/legacy/*.py"]')
    for name in ("src/model.py", "src/generated/a.py", "src/legacy/old.py", "src/legacy/keep/new.py"):
        write(tmp_path, name, EVALUATE)
    # Run from a subdirectory; `*` also matches `/`, as in fnmatch.
    assert lint(".", cwd=tmp_path / "src").lines == [finding("model.py", EVALUATE, "NG101", 8, 21)]
    pyproject(tmp_path, 'exclude = ["model.py"]')  # replaces the defaults
    write(tmp_path, "src/build/b.py", EVALUATE)
    ran = lint("src/build", "src/model.py", cwd=tmp_path)
    assert ran.lines == [finding("src/build/b.py", EVALUATE, "NG101", 8, 21)]


def test_unknown_keys_and_bad_values_exit_two_with_a_clear_message(tmp_path):
    write(tmp_path, "m.py", MIXED)
    path = tmp_path / "pyproject.toml"
    known = ("select, extend-select, ignore, fix-context, evaluation-names, min-confidence, exclude, extend-exclude, "
             "notebooks, respect-gitignore, per-file-ignores, extend-per-file-ignores, project, cache-dir, "
             "torch-version")
    for table, message in {
        'selekt = ["NG1"]': f"unknown option(s) selekt (known: {known})",
        'select = 5': "select must be a list of rule codes or prefixes, not 5",
        'select = ["E501"]': "select: 'E501' is not a rule code or prefix like NG101 or NG1",
        'ignore = ["NG999"]': "ignore: 'NG999' matches no rule (see --list-rules)",
        'fix-context = "enable_grad"': "fix-context must be one of no_grad, inference_mode, not 'enable_grad'",
        'min-confidence = "sure"': "min-confidence must be low, medium or high, not 'sure'",
        'evaluation-names = [1, 2]': "evaluation-names must be a list of strings, not [1, 2]",
        'notebooks = "no"': "notebooks must be true or false, not 'no'",
        'extend-exclude = {a = 1}': "extend-exclude must be a list of strings, not {'a': 1}",
        'respect-gitignore = 1': "respect-gitignore must be true or false, not 1",
        'torch-version = 2.0': "torch-version must be a torch version such as \"2.0\" or \"1.13\", not 2.0",
        'per-file-ignores = ["tests/*"]': "per-file-ignores must be a table of file patterns to lists of codes, "
                                          "not ['tests/*']",
        'per-file-ignores = {"tests/*" = ["E501"]}': "per-file-ignores.'tests/*': 'E501' is not a rule code or prefix "
                                                     "like NG101 or NG1",
        'extend-per-file-ignores = {"*.ipynb" = "NG9"}': "extend-per-file-ignores.'*.ipynb': 'NG9' matches no rule "
                                                         "(see --list-rules)",
    }.items():
        pyproject(tmp_path, table)
        ran = lint("m.py", cwd=tmp_path)
        assert (ran.code, ran.out, ran.err) == (2, "", f"nograd-lint: error: {path}: [tool.nograd-lint]: {message}\n")
    pyproject(tmp_path, 'extend-exclude = {a = 1}')
    fixed = fix("m.py", cwd=tmp_path)
    assert (fixed.code, fixed.out, fixed.err) == (
        2, "", f"nograd-fix: error: {path}: [tool.nograd-lint]: "
               "extend-exclude must be a list of strings, not {'a': 1}\n")
    assert (tmp_path / "m.py").read_text() == MIXED
    path.write_text("[tool.nograd-lint]\nselect = [\n")
    ran = lint("m.py", cwd=tmp_path)
    assert ran.code == 2 and ran.err.startswith(f"nograd-lint: error: {path}: cannot read: ")


def test_a_broken_pyproject_that_never_names_the_table_is_passed_over(tmp_path):
    """Another tool's section with a TOML error (an unclosed `\'\'\'` in `[tool.black]`) cannot
    configure nograd-lint: the run goes on with the settings above it (here the defaults), and
    nograd-fix too; a broken file that names the table stays an error."""
    project = tmp_path / "project"
    write(project, "pyproject.toml", "[tool.black]\nexclude = \'\'\'\n/(\n  \\.git\n")
    write(project, "m.py", MIXED)
    ran = lint("m.py", cwd=project)
    assert (ran.code, ran.lines) == (1, mixed_findings("m.py"))
    pyproject(tmp_path, 'select = ["NG103"]')  # the repository's settings around it apply
    assert lint("m.py", cwd=project).lines == [finding("m.py", MIXED, "NG103", 25, 9)]
    fixed = fix("m.py", cwd=project)
    assert fixed.code == 0 and (project / "m.py").read_text() != MIXED
    write(project, "pyproject.toml", "[tool.black]\nline-length = 100\n[tool.nograd-lint\n")
    broken = lint("m.py", cwd=project)
    assert broken.code == 2 and broken.err.startswith(f"nograd-lint: error: {project / 'pyproject.toml'}: cannot read: ")


def test_configuration_is_found_from_the_common_parent_of_the_paths(tmp_path):
    project = tmp_path / "project"
    pyproject(project, 'select = ["NG103"]')
    write(project, "pkg/sub/m.py", MIXED)
    write(project, "pkg/other/e.py", EVALUATE)
    # A pyproject.toml without the table (a sub-package's own) is passed over.
    write(project, "pkg/pyproject.toml", '[project]\nname = "pkg"\n')
    only_ng103 = [finding("m.py", MIXED, "NG103", 25, 9)]
    assert lint("m.py", cwd=project / "pkg/sub").lines == only_ng103
    # From outside the project, the paths still lead to its settings.
    outside = lint("project/pkg/sub/m.py", "project/pkg/other/e.py", cwd=tmp_path)
    assert outside.lines == [finding("project/pkg/sub/m.py", MIXED, "NG103", 25, 9)]
    # Standard input: the settings of the project `--stdin-filename` names.
    stdin = lint("-", "--stdin-filename", "project/pkg/sub/m.py", cwd=tmp_path, stdin=MIXED.encode())
    assert stdin.lines == [finding("project/pkg/sub/m.py", MIXED, "NG103", 25, 9)]
    # `--config` names the file; `--isolated` reads none.
    other = pyproject(tmp_path / "elsewhere", 'select = ["NG101"]')
    chosen = lint("--config", str(other), "m.py", cwd=project / "pkg/sub")
    assert chosen.lines == [finding("m.py", MIXED, "NG101", 8, 21)]
    assert lint("--isolated", "m.py", cwd=project / "pkg/sub").lines == mixed_findings("m.py")
    assert find_config(["pkg/sub/m.py", "pkg/other"], cwd=project) == project / "pyproject.toml"
    assert find_config(["-"], cwd=project / "pkg") == project / "pyproject.toml"
    assert find_config(["x.py"], cwd=tmp_path / "elsewhere") == other


def test_selection_precedence():
    on = Settings().is_enabled
    assert on("NG101", True) and not on("NG401", False)
    assert not Settings(select=("NG2",)).is_enabled("NG101", True)
    assert Settings(ignore=("NG1",), extend_select=("NG101",)).is_enabled("NG101", True)
    assert Settings(select=("NG101",), ignore=("NG10",)).is_enabled("NG101", True)
    assert not Settings(select=("NG1",), ignore=("NG101",)).is_enabled("NG101", True)
    assert not Settings(ignore=("NG",)).is_enabled("NG101", True)
    # A rule that is off by default needs a selector more precise than `NG`, or ALL.
    assert not Settings(select=("NG",)).is_enabled("NG401", False)
    assert Settings(select=("NG",)).is_enabled("NG101", True)
    assert Settings(extend_select=("NG4",)).is_enabled("NG401", False)
    assert Settings(select=("NG401",)).is_enabled("NG401", False)
    assert Settings(select=("ALL",)).is_enabled("NG401", False)
    assert not Settings(select=("ALL",), ignore=("NG4",)).is_enabled("NG401", False)


def test_exclude_patterns(tmp_path):
    patterns = ("build", "*_pb2.py", "tests/fixtures", "src/*/gen/*.py")
    excluded = ["build/a.py", "src/build/a.py", "pkg/x_pb2.py", "tests/fixtures/a.py", "tests/fixtures/deep/b.py",
                "src/pkg/gen/a.py", "./build/a.py"]
    kept = ["src/builder/a.py", "pkg/x_pb3.py", "other/tests/fixtures/a.py", "src/pkg/gen.py",
            "tests/fixtures_more/a.py"]
    assert [p for p in excluded + kept if is_excluded(tmp_path / p, patterns, tmp_path)] == excluded
    # In a walk, only the last component is matched by name (the walk checked the ones above).
    assert not is_excluded(tmp_path / "build/a.py", ("build",), tmp_path, name_only=True)
    assert is_excluded(tmp_path / "build/a.py", ("tests/fixtures", "build/*"), tmp_path, name_only=True)
