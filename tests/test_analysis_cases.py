"""The cases of the project-wide analysis (tests/cases_v2, see its README): exact findings of every
single-file case, and of every multi-file project linted as a whole."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from casefiles import EXPECT, all_cases
from nograd_lint.linter import lint_source

ROOT = Path(__file__).parent / "cases_v2"
# Cases whose analysis is still being built (issue #13): they must fail until it lands (strict).
PENDING = {
}


def _marked(items, name_of):
    return [pytest.param(item, id=name_of(item), marks=pytest.mark.xfail(reason=PENDING[name_of(item)], strict=True))
            if name_of(item) in PENDING else pytest.param(item, id=name_of(item)) for item in items]


CASES = _marked(all_cases(ROOT), lambda c: c.id)
PROJECTS = _marked(sorted(p for p in (ROOT / "projects").iterdir() if p.is_dir()), lambda p: p.name)


def _family_findings(case, source, settings):
    prefix = case.family[:3]
    return [(d.code, d.line, d.column) for d in lint_source(source, case.path.name, settings)
            if d.code.startswith(prefix)]


@pytest.mark.parametrize("case", CASES)
def test_findings(case):
    assert _family_findings(case, case.source, case.settings()) == case.expected()


def _expected_in(project: Path) -> list[tuple[str, str, int, int]]:
    found = []
    for path in sorted(project.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = EXPECT.search(line)
            if match:
                for item in match.group("items").split(","):
                    code, column = item.strip().split("@")
                    found.append((str(path.relative_to(project)), code, number, int(column)))
    return sorted(found)


@pytest.mark.parametrize("project", PROJECTS)
def test_project(project, tmp_path):
    # `nograd-lint DIR` as a user runs it, on a copy (no cache or byte code left in the repository)
    copy = tmp_path / project.name
    shutil.copytree(project, copy)
    done = subprocess.run([str(Path(sys.executable).parent / "nograd-lint"), "--output-format", "json", "."],
                          cwd=copy, capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    found = sorted((d["path"], d["code"], d["line"], d["column"]) for d in json.loads(done.stdout)["findings"])
    assert found == _expected_in(project)


def test_inference_method_logged_in_training_reported_at_the_call_when_its_module_is_not_checked(tmp_path):
    """`inference_method_logged_in_training_loop`, with only the training script checked (an
    editor, flake8, `nograd-lint train.py`): the generator's `infer` is read for its summary but
    not judged, so the call that drops its outputs' graphs is reported, at medium confidence."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "projects" / "inference_method_logged_in_training_loop", copy)
    done = subprocess.run([str(Path(sys.executable).parent / "nograd-lint"), "--output-format", "json",
                           "vocoder/train.py"], cwd=copy, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    found = [(d["path"], d["code"], d["line"], d["column"], d["confidence"]) for d in json.loads(done.stdout)["findings"]]
    assert found == [("vocoder/train.py", "NG101", 29, 17, "medium")]


def test_class_resolved_through_an_import_cycle_checks_both_files(tmp_path):
    """`class_resolved_through_an_import_cycle`, with the two files that make the cycle checked
    in this order: resolving `Detector`'s base reads `engine.py`, whose method builds a
    `Detector` while that class is being resolved. Both files are checked, without an error."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "projects" / "class_resolved_through_an_import_cycle", copy)
    done = subprocess.run([str(Path(sys.executable).parent / "nograd-lint"), "--output-format", "json",
                           "pkg/annotate.py", "pkg/engine.py"], cwd=copy, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["findings"] == [] and report["errors"] == []


def test_import_time_grad_off_files_on_their_own():
    """The single-file part of `import_time_grad_off` (its project-wide part is pending): the
    library module that disables gradients at import time is NG304 at the cause; the script that
    does the same (it has a `__main__` guard) and the importer are silent."""
    project = ROOT / "projects" / "import_time_grad_off"
    found = {path: [(d.code, d.line, d.column) for d in lint_source(path.read_bytes(), path.name)]
             for path in sorted(project.rglob("*.py"))}
    assert {str(path.relative_to(project)): codes for path, codes in found.items()} == {
        "featlib/__init__.py": [], "featlib/extract.py": [("NG304", 5, 1)], "featlib/probe.py": [],
        "scripts/embed_folder.py": []}


def test_calls_are_followed_two_modules_deep_and_class_ancestry_all_the_way(tmp_path):
    """A checked file's analysis reads the modules it imports from (1) and theirs (2); a module
    three imports away is analysed only because a class there is an ancestor of a class the code
    reached builds. The bases of a class nothing uses are never looked up (`other.py`)."""
    from nograd_lint.analysis.project import project_for
    from nograd_lint.frontends.cli import lint_main
    sources = {
        "pyproject.toml": "[project]\nname = 'chain'\n",
        "main.py": "import torch\n\nfrom one import first\n\n\ndef go(net, x):\n    net.eval()\n"
                   "    with torch.no_grad():\n        return first(net(x))\n",
        "one.py": "from two import second\n\n\ndef first(x):\n    return second(x)\n",
        "two.py": "from three import third\nfrom blocks import Block\nfrom other import Other\n\n\n"
                  "def second(x):\n    return third(Stack()(x))\n\n\n"
                  "class Stack(Block):\n    pass\n\n\nclass Unused(Other):\n    pass\n",
        "other.py": "import torch\n\n\nclass Other(torch.nn.Module):\n    pass\n",
        "three.py": "def third(x):\n    return x\n",
        "blocks.py": "from base import Base\n\n\nclass Block(Base):\n    pass\n",
        "base.py": "import torch\n\n\nclass Base(torch.nn.Module):\n    pass\n",
    }
    for name, text in sources.items():
        (tmp_path / name).write_text(text)
    assert lint_main(["--no-cache", "-q", "-j", "1", str(tmp_path / "main.py")]) == 0
    analysed = {path.name for path in project_for(tmp_path / "main.py").analysed()}
    assert analysed == {"one.py", "two.py", "blocks.py", "base.py"}


@pytest.mark.parametrize("command", ["nograd-lint", "flake8"])
def test_a_script_checked_alone_finds_the_differentiating_network_beside_the_renderer(command, tmp_path):
    """`renderer_normals_need_gradients_of_a_network_it_is_handed`, with the script checked alone
    (flake8 checks a file at a time, an editor its buffer): the network whose `gradient` the
    renderer calls is in a file the run does not check, found on disk beside the renderer. The
    render loop needs gradients: nothing is reported, as when the whole project is checked."""
    script = "runner.py"
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "projects" / "renderer_normals_need_gradients_of_a_network_it_is_handed", copy)
    if command == "flake8":
        arguments = ["--select", "NG", "--nograd-min-confidence", "low", script]
    else:
        arguments = ["--no-cache", "--min-confidence", "low", "--output-format", "json", script]
    done = subprocess.run([str(Path(sys.executable).parent / command), *arguments], cwd=copy,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    if command == "flake8":
        assert done.stdout == ""
    else:
        report = json.loads(done.stdout)
        assert (report["findings"], report["errors"]) == ([], [])


@pytest.mark.parametrize("name", ["helper_guarded_in_main", "script_folder_helper_result_kept"])
def test_the_training_file_alone_sees_that_the_helper_is_guarded_in_its_own_module(name, tmp_path):
    """Checking only the training file, the evaluation module is read for what it exports, not
    checked: its own guarded call under `__main__` still tells that the helper evaluates."""
    copy = tmp_path / name
    shutil.copytree(ROOT / "projects" / name, copy)
    done = subprocess.run([str(Path(sys.executable).parent / "nograd-lint"), "--no-cache", "--output-format", "json",
                           "fit.py"], cwd=copy, capture_output=True, text=True)
    found = sorted((d["path"], d["code"], d["line"], d["column"]) for d in json.loads(done.stdout)["findings"])
    assert found == [e for e in _expected_in(ROOT / "projects" / name) if e[0] == "fit.py"]


def test_a_held_network_is_followed_into_a_class_of_a_module_read_for_its_imports(tmp_path):
    """Checking only `experiments.py`, `Trainer` comes from a module read on demand, whose
    methods are never summarised: the network its constructor call passes is what
    `trainer.model` holds, unless a method of the class stores the field again."""
    name = "trainer_holds_the_network_from_another_module"
    copy = tmp_path / name
    shutil.copytree(ROOT / "projects" / name, copy)
    done = subprocess.run([str(Path(sys.executable).parent / "nograd-lint"), "--no-cache", "--output-format", "json",
                           "experiments.py"], cwd=copy, capture_output=True, text=True)
    found = sorted((d["path"], d["code"], d["line"], d["column"]) for d in json.loads(done.stdout)["findings"])
    assert found == [("experiments.py", "NG101", 10, 22)]
    assert done.returncode == 1


def test_fields_a_base_class_method_stores_in_a_module_read_for_its_imports(tmp_path):
    """Checking `node.py` and `metrics.py` only, `BaseTask` comes from a module read on demand:
    the network its `build_network` stores in `self.gnn` (called from the subclass's `__init__`)
    is a field of the subclass, as when `base.py` is checked too."""
    name = "network_stored_by_a_base_class_method"
    copy = tmp_path / name
    shutil.copytree(ROOT / "projects" / name, copy)
    done = subprocess.run([str(Path(sys.executable).parent / "nograd-lint"), "--no-cache", "--output-format", "json",
                           "graphtasks/node.py", "graphtasks/metrics.py"], cwd=copy, capture_output=True, text=True)
    found = sorted((d["path"], d["code"], d["line"], d["column"]) for d in json.loads(done.stdout)["findings"])
    assert found == [("graphtasks/metrics.py", "NG101", 5, 15)]
    assert done.returncode == 1


def test_a_notebook_beside_its_package_is_analysed_with_it(tmp_path):
    """No project marker: a notebook that imports a package next to it has that folder as its
    root, as a script does, so the model its package builds is known to be a module."""
    (tmp_path / "kit").mkdir()
    (tmp_path / "kit" / "__init__.py").write_text("")
    (tmp_path / "kit" / "nets.py").write_text(
        "from torch import nn\n\n\ndef build():\n    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))\n")
    cells = [["import torch\n", "from kit.nets import build\n"], ["net = build()\n"],
             ["found = []\n", "for x in torch.randn(10, 3, 4):\n", "    _, pred = net(x).max(1)\n",
              "    found.append(pred.tolist())\n"]]
    notebook = {"cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {},
                           "outputs": [], "source": source} for i, source in enumerate(cells)],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "score.ipynb").write_text(json.dumps(notebook, indent=1))
    done = subprocess.run([str(Path(sys.executable).parent / "nograd-lint"), "--no-cache", "--output-format", "json",
                           "score.ipynb"], cwd=tmp_path, capture_output=True, text=True)
    found = [(d["cell"], d["line"], d["column"], d["code"]) for d in json.loads(done.stdout)["findings"]]
    assert found == [(3, 3, 15, "NG101")]


def test_an_accumulation_of_a_reported_evaluation_is_reported_alone_without_ng101():
    """One finding per wasted graph: the samples kept after each epoch are NG101's region (its
    `no_grad` fixes the list too); with NG101 not selected, NG102 reports the list."""
    from nograd_lint.io.config import Settings

    source = (ROOT / "NG101" / "script_epoch_loop_samples_in_eval.py").read_text(encoding="utf-8")

    def found(settings):
        return [(d.code, d.line, d.column) for d in lint_source(source, "samples.py", settings)]

    assert found(Settings()) == [("NG101", 34, 17)]
    assert found(Settings(select=("NG102",))) == [("NG102", 35, 20)]


def test_a_loop_detached_after_it_is_a_rollout_only_when_it_steps_an_environment():
    """The message names a loop whose outputs are kept and detached after it a rollout when it
    acts in an environment (`env.step(action)`), and only a loop otherwise (a value estimate
    over sampled actions)."""
    def first_message(name):
        path = ROOT / "NG101" / name
        return [d.message for d in lint_source(path.read_text(encoding="utf-8"), path.name) if d.code == "NG101"][0]

    assert first_message("rollout_kept_until_detached_after_the_loop.py").startswith("this rollout loop runs")
    assert first_message("value_estimate_loop_detached_after_it.py").startswith("this loop runs")


def test_an_element_named_like_a_split_is_not_evidence_of_evaluation():
    """`for key, val in outputs.items(): for image in val:` iterates a value, not a validation
    split: the finding rests on the graphs thrown away, and says so alone."""
    path = ROOT / "NG101" / "element_named_val_is_no_split.py"
    messages = [d.message for d in lint_source(path.read_text(encoding="utf-8"), path.name) if d.code == "NG101"]
    assert messages == ["`main` runs forward passes with gradients enabled (it reads values from the outputs of every "
                        "step and throws their graphs away); disable them with `torch.no_grad()`"]


def test_a_passed_optimizer_is_named_as_the_training_function_spells_it():
    """NG211's message names the optimizer stepped after the backward pass as the function that
    steps it calls it (`optim`), though its caller built and passed it as `optimizer`."""
    path = ROOT / "NG211" / "new_leaf_trained_by_a_passed_optimizer.py"
    [message] = [d.message for d in lint_source(path.read_text(encoding="utf-8"), path.name) if d.code == "NG211"]
    assert "(trained here: `optim` is stepped after the backward pass)" in message
