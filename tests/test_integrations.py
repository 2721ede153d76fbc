"""The setups documented in README.md and docs/integrations.md, run for real: the README's pre-commit
configuration in a real pre-commit run on Python files and a notebook, ruff keeping `# noqa: NG...`
with `lint.external`, the flake8, VS Code and PyCharm settings, and the GitHub workflows' commands."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from frontend_files.helpers import (BIN, EVALUATE, EVALUATE_FIXED, REPO, environment, finding, fix_description, run,
                                    script, write)
from frontend_files.notebooks import EVAL_ACROSS_CELLS, VALIDATE, notebook, notebook_finding
from test_precommit import SKIP_OFFLINE, copy_project, git, pre_commit, registry_reachable, status_lines

from nograd_lint import __version__
from nograd_lint.io.config import Settings
from nograd_lint.io.notebooks import Notebook

INTEGRATIONS = REPO / "docs" / "integrations.md"
SCORE = """\
import torch


def score_model(model, batch):
    return model(batch).sum().item()
"""
NOQA = "import torch\n\nx = torch.ones(1)  # noqa: NG101\n"
# The README's example.
EVAL_PY = """\
import torch


def evaluate(model, loader):
    model.eval()
    correct = 0
    for x, y in loader:
        correct += (model(x).argmax(1) == y).sum().item()
    return correct / len(loader.dataset)
"""


def snippets(path: Path, heading: str) -> list[tuple[str, str]]:
    """(language, text) of each fenced block in the section of a Markdown file under `heading`."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    level = heading.split(" ")[0]
    inside = fenced = False
    blocks: list[tuple[str, str]] = []
    for line in lines:
        if line.startswith("```"):
            if fenced:
                fenced = False
                continue
            fenced = True
            if inside:
                blocks.append((line[3:].strip(), ""))
            continue
        if fenced:
            if inside:
                blocks[-1] = (blocks[-1][0], blocks[-1][1] + line)
            continue
        if line.startswith("#"):
            this_level = line.split(" ")[0]
            if line.rstrip("\n") == heading:
                inside = True
            elif inside and len(this_level) <= len(level):
                break
    if not blocks:
        raise AssertionError(f"no code blocks under {heading!r} in {path.name}")
    return blocks


def snippet(path: Path, heading: str, language: str, index: int = 0) -> str:
    return [text for lang, text in snippets(path, heading) if lang == language][index]


PUBLIC_URL = "https://github.com/nograd-lint/nograd-lint"


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """A clone of this repository as it would be released: committed and tagged `v{version}`."""
    root = tmp_path_factory.mktemp("release")
    if os.environ.get(SKIP_OFFLINE) == "1" and not registry_reachable(root):
        pytest.skip(f"{SKIP_OFFLINE}=1 and the package registry is unreachable")
    clone = root / "nograd-lint"
    copy_project(clone)
    git("init", "-q", cwd=clone)
    git("add", "-A", cwd=clone)
    git("commit", "-q", "-m", "release", cwd=clone)
    git("tag", f"v{__version__}", cwd=clone)
    return clone


def test_readme_install_from_git_at_the_release_tag(released, tmp_path):
    """The README's `pip install git+...@vX.Y.Z`, pointed at the tagged clone, installs this version."""
    install = snippet(REPO / "README.md", "## Installing", "bash").splitlines()[0]
    assert install.startswith(f'pip install "git+{PUBLIC_URL}@v{__version__}"'), install
    assert f"\n## {__version__} " in (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    url = install.split('"')[1].replace(PUBLIC_URL, released.as_uri())
    target = tmp_path / "site"
    # Build with this environment's setuptools when it has one (else pip fetches it).
    isolation = [] if importlib.util.find_spec("setuptools") is None else ["--no-build-isolation"]
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", *isolation,
                           "--target", str(target), url], capture_output=True, text=True, env=environment(),
                          timeout=600)
    assert done.returncode == 0, done.stderr
    metadata = next(target.glob("nograd_lint-*.dist-info")) / "METADATA"
    assert f"\nVersion: {__version__}\n" in metadata.read_text(encoding="utf-8")
    assert (target / "nograd_lint" / "frontends" / "server.py").is_file()


def test_readme_pre_commit_config_in_a_real_pre_commit_run_on_python_and_notebooks(released, tmp_path_factory):
    root = tmp_path_factory.mktemp("readme-pre-commit")
    config = snippet(REPO / "README.md", "### pre-commit", "yaml")
    assert config == snippet(INTEGRATIONS, "## pre-commit", "yaml")  # one documented setup
    assert f"\n    rev: v{__version__}\n" in config  # the release tag, used as written
    local, count = re.subn(r"(?m)^(\s*- repo: )(.*)$", lambda m: m.group(1) + released.as_posix(), config)
    assert count == 1 and PUBLIC_URL in config

    user = root / "user"
    user.mkdir()
    git("init", "-q", cwd=user)
    data = notebook(VALIDATE)
    write(user, "model.py", EVALUATE)
    write(user, "notebooks/eval.ipynb", data)
    write(user, "notes.txt", "model.eval() is not torch.no_grad()\n")
    write(user, ".pre-commit-config.yaml", local)
    git("add", "-A", cwd=user)
    home = root / "home"

    code, output = pre_commit("run", "--all-files", cwd=user, home=home)
    assert code == 1, output
    assert status_lines(output) == {"nograd-lint": "Failed", "nograd-fix": "Failed"}
    assert f"\n{finding('model.py', EVALUATE, 'NG101', 8, 21)}\n" in output
    assert f"\n{notebook_finding('notebooks/eval.ipynb', data, 'NG101', 2, 2, 11)}\n" in output
    assert "\nFound 2 findings in 2 files checked. 2 fixable with nograd-fix.\n" in output
    assert f"\nmodel.py:9:21: NG101 fixed: {fix_description(EVALUATE, 'NG101', 8)}\n" in output
    assert ("\nnotebooks/eval.ipynb:cell 2:3:15: NG101 fixed: wrap the loop in `with torch.no_grad():`\n"
            in output)
    assert (user / "model.py").read_text() == EVALUATE_FIXED
    fixed = (user / "notebooks" / "eval.ipynb").read_bytes()
    assert Notebook.from_bytes(fixed).cells[1].source == (
        "with torch.no_grad():\n    for x in val_loader:\n        print(model(x).sum().item())")

    git("add", "-A", cwd=user)
    code, output = pre_commit("run", "--all-files", cwd=user, home=home)
    assert code == 0, output
    assert status_lines(output) == {"nograd-lint": "Passed", "nograd-fix": "Passed"}


def test_hooks_cover_python_and_jupyter_files():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert {hook["id"]: hook["types_or"] for hook in hooks} == {
        "nograd-lint": ["python", "jupyter"], "nograd-fix": ["python", "jupyter"]}


def _ruff(*args: str, cwd: Path):
    return run([script("ruff"), "check", "--no-cache", "--output-format", "concise", *args], cwd)


def test_ruff_keeps_nograd_noqa_comments_with_the_documented_external_setting(tmp_path):
    # Without the setting, ruff's invalid-rule-code check reports the code and --fix deletes it.
    write(tmp_path, "bare/a.py", NOQA)
    reported = _ruff("--isolated", "--select", "RUF100,RUF102", "a.py", cwd=tmp_path / "bare")
    assert reported.code == 1
    assert reported.out.splitlines()[0] == "a.py:3:20: RUF102 [*] Invalid rule code in `# noqa`: NG101"
    removed = _ruff("--isolated", "--select", "RUF100,RUF102", "--fix", "a.py", cwd=tmp_path / "bare")
    assert removed.code == 0
    assert (tmp_path / "bare" / "a.py").read_text() == "import torch\n\nx = torch.ones(1)\n"
    # With the documented pyproject.toml snippet, ruff keeps it.
    setting = snippet(INTEGRATIONS, "## ruff", "toml")
    assert setting == '[tool.ruff.lint]\nexternal = ["NG"]\n'
    write(tmp_path, "configured/pyproject.toml", setting)
    path = write(tmp_path, "configured/a.py", NOQA)
    kept = _ruff("--select", "RUF100,RUF102", "--fix", "a.py", cwd=tmp_path / "configured")
    assert (kept.code, kept.out) == (0, "All checks passed!\n")
    assert path.read_text() == NOQA


def test_flake8_configuration_snippet(tmp_path):
    write(tmp_path, "setup.cfg", snippet(INTEGRATIONS, "## flake8", "ini"))
    write(tmp_path, "s.py", SCORE)
    write(tmp_path, "eval.ipynb", notebook(VALIDATE))  # flake8 reads Python files only
    ran = run([script("flake8"), "."], tmp_path)
    settings = Settings(evaluation_names=("score_model", "rank"))
    # flake8's own checks run beside the plugin's.
    assert (ran.code, ran.lines) == (1, ["./s.py:1:1: F401 'torch' imported but unused",
                                         f"./{finding('s.py', SCORE, 'NG101', 5, 12, settings)}"])
    command = snippet(INTEGRATIONS, "## flake8", "console")
    assert command == "$ flake8 --select NG src/\n"


def test_vs_code_settings_snippet(tmp_path):
    extension = json.loads(snippet(INTEGRATIONS, "## VS Code", "json"))  # a local extension's package.json
    assert extension["main"] == "extension.js" and "onLanguage:python" in extension["activationEvents"]
    assert '{ command: "nograd-lint", args: ["server"] }' in snippet(INTEGRATIONS, "## VS Code", "js")
    settings = json.loads(snippet(INTEGRATIONS, "## VS Code", "json", 1))
    assert settings["flake8.importStrategy"] == "fromEnvironment"  # the flake8 that has the plugin
    write(tmp_path, "e.py", EVALUATE)
    ran = run([script("flake8"), *settings["flake8.args"], "e.py"], tmp_path)
    assert (ran.code, ran.lines) == (1, ["e.py:1:1: F401 'torch' imported but unused",
                                         finding("e.py", EVALUATE, "NG101", 8, 21)])


def test_pycharm_external_tool(tmp_path):
    text = INTEGRATIONS.read_text(encoding="utf-8").split("## PyCharm", 1)[1]
    fields = dict(re.findall(r"^\| (\w[\w ]*?) \| `([^`]*)` \|$", text, re.M))
    assert fields["Program"] == "$PyInterpreterDirectory$/flake8"
    write(tmp_path, "e.py", EVALUATE)
    program = fields["Program"].replace("$PyInterpreterDirectory$", str(BIN))
    arguments = fields["Arguments"].replace("$FilePath$", str(tmp_path / "e.py")).split()
    ran = run([program, *arguments], tmp_path)
    # An output filter is a regular expression with macros for the file, line and column.
    pattern = fields["Output filters"].replace("$FILE_PATH$", "(?P<file>.+?)").replace(
        "$LINE$", r"(?P<line>\d+)").replace("$COLUMN$", r"(?P<column>\d+)")
    match = re.fullmatch(pattern, ran.lines[0])
    assert match is not None and (match["file"], match["line"], match["column"]) == (str(tmp_path / "e.py"), "8", "21")


def _run_steps(workflow: str, cwd: Path) -> list[subprocess.CompletedProcess]:
    """Run the workflow's `nograd-lint` commands with bash, as a GitHub runner would."""
    steps = yaml.safe_load(workflow)["jobs"]["nograd-lint"]["steps"]
    commands = [step["run"] for step in steps if "run" in step and step["run"].startswith("nograd-lint")]
    assert commands
    env = environment(PATH=f"{BIN}:{environment()['PATH']}")
    return [subprocess.run(["bash", "-e", "-c", command], cwd=cwd, env=env, capture_output=True, text=True)
            for command in commands]


def test_github_code_scanning_workflow(tmp_path):
    workflow = snippet(INTEGRATIONS, "## GitHub code scanning", "yaml")
    steps = yaml.safe_load(workflow)["jobs"]["nograd-lint"]["steps"]
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    write(tmp_path, "src/e.py", EVALUATE)
    [done] = _run_steps(workflow, tmp_path)
    assert done.returncode == 0, done.stderr  # findings do not fail the step
    log = json.loads((tmp_path / upload["with"]["sarif_file"]).read_text())
    [result] = log["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/e.py"
    write(tmp_path, "src/broken.py", "x = (\n")
    [failed] = _run_steps(workflow, tmp_path)
    assert failed.returncode != 0  # a file that cannot be checked fails it


def test_github_annotations_workflow(tmp_path):
    workflow = snippet(INTEGRATIONS, "### GitHub annotations", "yaml")
    write(tmp_path, "e.py", EVALUATE)
    [done] = _run_steps(workflow, tmp_path)
    message = finding("e.py", EVALUATE, "NG101", 8, 21).split(" NG101 ", 1)[1]
    assert done.stdout == f"::warning file=e.py,line=8,col=21,endLine=8,endColumn=29,title=NG101::{message}\n"
    assert done.returncode == 1


def test_documented_outputs_are_what_the_commands_print(tmp_path):
    write(tmp_path, "eval.py", EVAL_PY)
    write(tmp_path, "eval.ipynb", notebook(EVAL_ACROSS_CELLS))
    documented_runs = [("### JSON", "json", ["--output-format", "json", "eval.py"]),
                       ("### GitHub annotations", "console", ["--output-format", "github", "eval.py"]),
                       ("## Jupyter notebooks", "console", ["eval.ipynb"])]
    for heading, language, argv in documented_runs:
        documented = snippet(INTEGRATIONS, heading, language)
        ran = run([script("nograd-lint"), *argv], tmp_path)
        if language == "console":
            assert documented == f"$ nograd-lint {' '.join(argv)}\n{ran.out}", heading
        else:
            assert json.loads(documented) == json.loads(ran.out), heading
