"""A run over several files analyses together the files that could have findings and the files
linked to them by imports between files of the run (project.analyse_together): a file no rule
needs still passes the grad mode of its callers on; a file linked to none is never read."""
from __future__ import annotations

import functools
import shutil
from pathlib import Path

from frontend_files.helpers import EVALUATE_WINDOWS, lint, parse_counting_hooks, parses_counted, run, script, write

from nograd_lint.analysis.project import _TOGETHER, analyse_together, prepared_module, project_for
from nograd_lint.io.config import Settings
from nograd_lint.io.deep import call_deep
from nograd_lint.io.files import could_report

INFERENCE = Path(__file__).parent / "cases_v2" / "projects" / "helper_guarded_elsewhere" / "vision_tools" / "inference.py"
# Runs `predict` (inference.py) on a batch; no rule could report anything here.
BATCHING = "from .inference import predict\n\n\ndef classify(model, images):\n    return predict(model, images).argmax(1)\n"
EVALUATE = """\
import torch

from .batching import classify


def accuracy(model, loader):
    correct = 0
    with torch.no_grad():
        for images, labels in loader:
            correct += (classify(model, images) == labels).sum().item()
    return correct / len(loader.dataset)
"""
SIZES = "def area(width, height):\n    return width * height\n"  # imports nothing, imported by nothing
PREDICT_FINDING = ("vision_tools/inference.py:7:14: NG101 `predict` runs forward passes with gradients enabled (it "
                   "calls `model.eval()`; its callers (`classify`) throw the graph away; its name is `predict`); "
                   "disable them with `torch.no_grad()`")


def vision_tools(root: Path) -> list[str]:
    write(root, "pyproject.toml", "")
    write(root, "vision_tools/__init__.py", "")
    shutil.copy(INFERENCE, root / "vision_tools" / "inference.py")
    write(root, "vision_tools/batching.py", BATCHING)
    write(root, "vision_tools/evaluate.py", EVALUATE)
    write(root, "vision_tools/sizes.py", SIZES)
    return sorted(str(path) for path in (root / "vision_tools").glob("*.py"))


def test_a_file_no_rule_needs_passes_its_callers_grad_mode_on(tmp_path):
    """evaluate.py runs `classify` (batching.py) under no_grad, and `classify` runs `predict`
    (inference.py): `predict` starts with gradients disabled. batching.py could have no finding,
    yet it is analysed with the others; sizes.py is linked to no file that could have one."""
    files = vision_tools(tmp_path)
    prefilter = functools.partial(could_report, settings=Settings())
    assert {Path(path).name: prefilter(path)[0] for path in files} == {
        "__init__.py": False, "batching.py": False, "evaluate.py": True, "inference.py": True, "sizes.py": False}
    call_deep(analyse_together, files, prefilter)
    project = project_for(files[0])
    assert sorted(path.name for path in project.analysed()) == ["batching.py", "evaluate.py", "inference.py"]
    ran = lint("--no-cache", cwd=tmp_path)
    assert (ran.code, ran.out, ran.err) == (0, "", "No findings in 5 files.\n")
    # without the no_grad in evaluate.py, `predict` runs with gradients on
    write(tmp_path, "vision_tools/evaluate.py", EVALUATE.replace("    with torch.no_grad():\n        for", "    if True:\n        for"))
    ran = lint("--no-cache", cwd=tmp_path)
    assert (ran.code, ran.out.splitlines()) == (1, [PREDICT_FINDING])


def test_files_linked_to_none_that_could_have_findings_are_never_read(tmp_path):
    """A run of files no rule could report in reads none of them; with inference.py, which could
    have findings and imports none of them, it reads inference.py alone."""
    files = vision_tools(tmp_path)
    prefilter = functools.partial(could_report, settings=Settings())
    quiet = [path for path in files if path.endswith(("__init__.py", "sizes.py"))]
    call_deep(analyse_together, quiet, prefilter)
    project = project_for(files[0])
    assert project.analysed() == []
    call_deep(analyse_together, [str(tmp_path / "vision_tools" / "inference.py"), *quiet], prefilter)
    assert [path.name for path in project.analysed()] == ["inference.py"]


def test_a_re_export_in_a_module_outside_the_run_links_the_files_it_joins(tmp_path):
    """plots.py imports `predict` from the package, whose `__init__.py` (not checked in this run)
    re-exports it from inference.py, and runs it with gradients on: it is analysed with the others
    (though no rule could report in it), and `predict` is reported for the graphs its callers drop."""
    files = vision_tools(tmp_path)
    write(tmp_path, "vision_tools/__init__.py", "from .inference import predict\n")
    write(tmp_path, "vision_tools/evaluate.py", EVALUATE.replace(".batching import classify", ".inference import predict")
          .replace("classify(model, images)", "predict(model, images).argmax(1)"))
    write(tmp_path, "vision_tools/plots.py", "from vision_tools import predict\n\n\ndef labels(model, images):\n"
                                             "    return predict(model, images).argmax(1).tolist()\n")
    checked = [str(tmp_path / "vision_tools" / name) for name in ("evaluate.py", "inference.py", "plots.py")]
    assert could_report(checked[2], Settings())[0] is False
    call_deep(analyse_together, checked, functools.partial(could_report, settings=Settings()))
    project = project_for(files[0])
    # `__init__.py` is read for what plots.py imports from it
    assert sorted(path.name for path in project.analysed()) == ["__init__.py", "evaluate.py", "inference.py", "plots.py"]
    ran = lint("--no-cache", *(str(Path(path).relative_to(tmp_path)) for path in checked), cwd=tmp_path)
    assert (ran.code, ran.out.splitlines()) == (1, [PREDICT_FINDING.replace("`classify`", "`labels`")])


def test_a_grad_mode_passes_through_a_middle_file_whatever_the_files_are_named(tmp_path):
    """The middle file named `pipeline.py` sorts after inference.py, its callee: entry modes are
    still settled callers first (evaluate.py, then pipeline.py, then inference.py), so `predict`
    starts with gradients disabled as it does when the middle file is `batching.py`."""
    vision_tools(tmp_path)
    (tmp_path / "vision_tools" / "batching.py").rename(tmp_path / "vision_tools" / "pipeline.py")
    write(tmp_path, "vision_tools/evaluate.py", EVALUATE.replace(".batching import", ".pipeline import"))
    ran = lint("--no-cache", cwd=tmp_path)
    assert (ran.code, ran.out, ran.err) == (0, "", "No findings in 5 files.\n")


def test_a_checked_file_is_linted_with_the_very_tree_the_run_analysed(tmp_path):
    """`prepared_module`: the same bytes give the tree analysed together (found by their digest,
    without generating its code), the same text too; changed bytes give none (parsed again)."""
    files = vision_tools(tmp_path)
    call_deep(analyse_together, files, functools.partial(could_report, settings=Settings()))
    inference = str(tmp_path / "vision_tools" / "inference.py")
    analysed = _TOGETHER[Path(inference)][1].module
    data = Path(inference).read_bytes()
    assert prepared_module(inference, data) is analysed
    assert prepared_module(inference, data.decode()) is analysed
    assert prepared_module(inference, data + b"\n") is None
    assert prepared_module(str(tmp_path / "vision_tools" / "sizes.py"), SIZES.encode()) is None  # not analysed


def test_only_the_checked_files_with_findings_are_parsed_with_libcst(tmp_path):
    """A run reads its files from trees built from `ast`; the file with a finding is read again
    with libcst (its finding placed, its callers in the other file kept), the others never are;
    a file with `# %%` cells is parsed with libcst from the start."""
    hooks = parse_counting_hooks(tmp_path / "hooks")
    project = tmp_path / "project"
    write(project, "pyproject.toml", "[project]\nname = 'cams'\n")
    write(project, "helper.py", "import torch\n\n\ndef detect(model, image):\n    model.eval()\n"
                                "    return model(image).argmax(1).tolist()\n")
    write(project, "callers.py", "import torch\nfrom helper import detect\n\n\ndef camera(model, frames):\n"
                                 "    for frame in frames:\n        print(detect(model, frame))\n")
    write(project, "train.py", "import torch\n\n\ndef step(model, opt, x, y):\n"
                               "    torch.nn.functional.mse_loss(model(x), y).backward()\n    opt.step()\n")
    ran = run([script("nograd-lint"), "--no-cache", "-j", "1", "."], project, PYTHONPATH=str(hooks))
    assert (ran.code, ran.out.split(" `")[0], parses_counted(hooks)) == (1, "helper.py:6:12: NG101", 1)
    write(project, "cells.py", "# %%\nimport torch\n\n\ndef step(model, opt, x, y):\n"
                               "    torch.nn.functional.mse_loss(model(x), y).backward()\n    opt.step()\n")
    ran = run([script("nograd-lint"), "--no-cache", "-j", "1", "."], project, PYTHONPATH=str(hooks))
    assert (ran.code, ran.out.split(" `")[0], parses_counted(hooks)) == (1, "helper.py:6:12: NG101", 1 + 2)


# A helper of the project whose only caller is a notebook of the run.
SCORING_FINDING = ("scoring.py:7:19: NG101 `evaluate_windows` runs forward passes with gradients enabled (its callers "
                   "(the notebook `analysis.ipynb`) throw the graph away; its name is `evaluate_windows`); disable them "
                   "with `torch.no_grad()`")
MODEL = "model = torch.nn.Sequential(torch.nn.Linear(8, 2), torch.nn.Linear(2, 8))"


def _analysis_notebook(*cells: str) -> bytes:
    from frontend_files.notebooks import code, notebook
    return notebook([code("import torch\nfrom scoring import evaluate_windows"), *map(code, cells)])


def test_a_notebook_of_the_run_is_a_caller_of_the_project_helpers_it_runs(tmp_path):
    """scoring.py's helper (named as evaluation) returns its scores to its callers; the notebook is
    its only caller and detaches them for numpy: the helper is reported at medium, and the finding
    names the notebook. Twins: a notebook that runs it under no_grad, one that backpropagates the
    scores, and a run without the notebook (its name alone: nothing at medium)."""
    write(tmp_path, "pyproject.toml", "")
    write(tmp_path, "scoring.py", EVALUATE_WINDOWS)
    detached = "scores = evaluate_windows(model, loader)\nvalues = torch.cat(scores).detach().cpu().numpy()"
    write(tmp_path, "analysis.ipynb", _analysis_notebook(MODEL, detached))
    ran = lint("--no-cache", "--min-confidence", "medium", cwd=tmp_path)
    assert (ran.code, ran.lines) == (1, [SCORING_FINDING])
    ran = lint("--no-cache", "--min-confidence", "medium", "scoring.py", cwd=tmp_path)
    assert (ran.code, ran.lines) == (0, [])

    guarded = "with torch.no_grad():\n    scores = evaluate_windows(model, loader)\nvalues = torch.cat(scores).cpu().numpy()"
    write(tmp_path, "analysis.ipynb", _analysis_notebook(MODEL, guarded))
    ran = lint("--no-cache", "--min-confidence", "low", cwd=tmp_path)
    assert (ran.code, ran.lines) == (0, [])

    trained = "scores = evaluate_windows(model, loader)\ntorch.cat(scores).mean().backward()\noptimizer.step()"
    write(tmp_path, "analysis.ipynb", _analysis_notebook(MODEL, trained))
    ran = lint("--no-cache", "--min-confidence", "low", cwd=tmp_path)
    assert (ran.code, ran.lines) == (0, [])


def test_an_unreadable_notebook_in_the_run_fails_alone(tmp_path):
    """A notebook that is not JSON is no caller: its own check reports it, the others are judged."""
    write(tmp_path, "pyproject.toml", "")
    write(tmp_path, "scoring.py", EVALUATE_WINDOWS)
    write(tmp_path, "broken.ipynb", "{not json")
    ran = lint("--no-cache", "--min-confidence", "medium", cwd=tmp_path)
    assert (ran.code, ran.out) == (2, "")
    assert ran.err == ("nograd-lint: error: broken.ipynb: not a readable notebook: invalid JSON at line 1, column 2\n"
                       "No findings in 2 files. 1 file could not be checked.\n")
