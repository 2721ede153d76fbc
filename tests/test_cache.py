"""Results kept between runs of `nograd-lint` (io/cache.py, io/freshness.py, io/kept.py): the
real command in subprocesses, on real projects in temporary folders. A run with the cache reports
exactly what a run without it reports, whatever changed in between."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from frontend_files.helpers import EVALUATE, KIT_NETS, KIT_SCORE, run, script, write

PROJECTS = Path(__file__).parent / "cases_v2" / "projects"
GITIGNORE = "# Made by nograd-lint: its cache, never committed.\n*\n"


def lint(cwd: Path, *args: str, **env: str):
    return run([script("nograd-lint"), *args], cwd, **env)


def cold_and_warm(cwd: Path, *args: str):
    """A run without the cache, then one with it (kept results, or analysed and kept): the same
    output, exit code and summary."""
    cold = lint(cwd, "--no-cache", *args)
    warm = lint(cwd, *args)
    assert (warm.code, warm.out, warm.err) == (cold.code, cold.out, cold.err)
    return warm


def entries(cache: Path) -> dict[Path, int]:
    """Each kept entry and its inode (an entry written again is a new file)."""
    return {path: path.stat().st_ino for path in cache.rglob("*.json")}


def project(tmp_path: Path, name: str) -> Path:
    copy = tmp_path / name
    shutil.copytree(PROJECTS / name, copy)
    return copy


def test_a_second_run_reports_the_kept_results_exactly(tmp_path):
    root = project(tmp_path, "helper_unguarded_elsewhere")
    write(root, "vision_tools/broken.py", "def f(:\n")
    write(root, "vision_tools/eval_loop.py", EVALUATE)
    for args in ([], ["--output-format", "json"], ["--output-format", "sarif"], ["--statistics"]):
        first = lint(root, *args)
        kept = entries(root / ".nograd_cache")
        second = lint(root, *args)
        assert (second.code, second.out, second.err) == (first.code, first.out, first.err)
        assert entries(root / ".nograd_cache") == kept  # read, not written again
        assert (second.code, second.out, second.err) == (lambda r: (r.code, r.out, r.err))(lint(root, "--no-cache", *args))
    text = lint(root)
    assert text.code == 2 and text.out.splitlines() == [
        "vision_tools/eval_loop.py:8:21: NG101 `evaluate` runs forward passes with gradients enabled (it calls "
        "`model.eval()`; it throws the graph of every batch away; its name is `evaluate`); disable them with "
        "`torch.no_grad()`",
        "vision_tools/inference.py:7:14: NG101 `predict` runs forward passes with gradients enabled (it calls "
        "`model.eval()`; its callers (`confusion`) throw the graph away; its name is `predict`); disable them "
        "with `torch.no_grad()`"]
    assert text.err.splitlines()[0].startswith("nograd-lint: error: vision_tools/broken.py:1:")
    assert (root / ".nograd_cache" / ".gitignore").read_text() == GITIGNORE
    # Two output formats that need each fix's edits, two that do not: two entries.
    assert len(entries(root / ".nograd_cache")) == 2


def test_kept_results_name_every_file_the_run_and_its_imports_read(tmp_path):
    root = project(tmp_path, "helper_unguarded_elsewhere")
    lint(root, "vision_tools/evaluate.py")
    [entry] = entries(root / ".nograd_cache")
    record = json.loads(entry.read_text())
    package = root / "vision_tools"
    assert list(record["files"]) == [str(package / "evaluate.py")]
    assert set(record["modules"]) == {str(package / "inference.py")}  # what evaluate.py imports
    assert record["roots"] == {str(package / "evaluate.py"): str(root)}
    assert record["probes"][str(package / "inference.py")] == "file"
    assert record["probes"][str(root / "src")] == ""  # no src layout


HELPER_CALLED_ELSEWHERE = "vision_tools/inference.py:7:14: NG101 `predict` runs forward passes with gradients " \
                          "enabled (it calls `model.eval()`; its callers (`{}`) throw the graph away; its name is " \
                          "`predict`); disable them with `torch.no_grad()`"


def test_a_caller_in_another_module_changes_the_finding_as_on_a_cold_run(tmp_path):
    """`predict` (inference.py) is called only under no_grad, from evaluate.py and cli.py: silent.
    The caller in evaluate.py loses its no_grad, then gets it back: the finding in inference.py
    comes and goes on the run with the cache as on the run without."""
    root = project(tmp_path, "helper_guarded_elsewhere")
    evaluate = root / "vision_tools" / "evaluate.py"
    guarded = evaluate.read_text()
    assert lint(root).out == "" and cold_and_warm(root).out == ""
    evaluate.write_text(guarded.replace("    with torch.no_grad():\n        for", "    if True:\n        for"))
    assert cold_and_warm(root).out.splitlines() == [HELPER_CALLED_ELSEWHERE.format("accuracy")]
    evaluate.write_text(guarded)
    assert cold_and_warm(root).out == ""


def test_a_new_caller_in_a_file_that_did_not_call_changes_the_finding(tmp_path):
    """A file of the run that starts calling the helper without no_grad changes the helper's
    finding, though nothing the helper's own module reads changed (files checked in two processes
    after the run analysed them together in the first)."""
    root = project(tmp_path, "helper_guarded_elsewhere")
    write(root, "vision_tools/plots.py", "import torch\n\n\ndef histogram(values):\n    return torch.histc(values)\n")
    assert cold_and_warm(root, "-j", "2").out == ""
    write(root, "vision_tools/plots.py", "from .inference import predict\n\n\ndef labels(model, images):\n"
                                         "    return predict(model, images).argmax(1).tolist()\n")
    assert cold_and_warm(root, "-j", "2").out.splitlines() == [HELPER_CALLED_ELSEWHERE.format("labels")]
    [entry] = entries(root / ".nograd_cache")
    # every module of the package, the empty `__init__.py` too: whether a model of no known class
    # may need gradients depends on whether any file of the run defines a network whose `forward`
    # takes them, so every file the run checks is read for it
    assert sorted(Path(path).name for path in json.loads(entry.read_text())["modules"]) == [
        "__init__.py", "cli.py", "evaluate.py", "inference.py", "plots.py"]


SCORE_FINDING = "kit/score.py:8:20: NG101 `labels` runs forward passes with gradients enabled ({}it throws the " \
                "graph of every batch away); disable them with `torch.no_grad()`"


def test_one_file_follows_the_modules_it_imports(tmp_path):
    """A run over one file reads what it imports: the finding names what `build` (nets.py) does."""
    write(tmp_path, "pyproject.toml", "")
    write(tmp_path, "kit/__init__.py", "")
    write(tmp_path, "kit/score.py", KIT_SCORE)
    write(tmp_path, "kit/nets.py", KIT_NETS)
    assert cold_and_warm(tmp_path, "kit/score.py").out.splitlines() == [
        SCORE_FINDING.format("it calls `net.eval()`; ")]
    # without the eval sign, the finding rests on the values read from each step's outputs
    write(tmp_path, "kit/nets.py", KIT_NETS.replace("return net.eval()", "return net"))
    assert cold_and_warm(tmp_path, "kit/score.py").out.splitlines() == [
        "kit/score.py:8:20: NG101 `labels` runs forward passes with gradients enabled (it reads values from the "
        "outputs of every step and throws their graphs away); disable them with `torch.no_grad()`"]
    # and without the module: `build` returns something unknown, which may record nothing
    write(tmp_path, "kit/nets.py", KIT_NETS.replace("return net.eval()", "return object()"))
    assert cold_and_warm(tmp_path, "kit/score.py", "--min-confidence", "low").out == ""


def test_a_module_that_appears_where_an_import_looked_is_read(tmp_path):
    """`kit.nets` does not exist at first (score.py's `build` is unknown: no finding); once it does,
    the run over score.py alone reads it, though no file the first run read changed."""
    write(tmp_path, "pyproject.toml", "")
    write(tmp_path, "kit/__init__.py", "")
    write(tmp_path, "kit/score.py", KIT_SCORE)
    assert cold_and_warm(tmp_path, "kit/score.py").out == ""
    write(tmp_path, "kit/nets.py", KIT_NETS)
    assert cold_and_warm(tmp_path, "kit/score.py").out.splitlines() == [
        SCORE_FINDING.format("it calls `net.eval()`; ")]


def test_changed_settings_are_analysed_again(tmp_path):
    root = project(tmp_path, "helper_unguarded_elsewhere")
    assert cold_and_warm(root).code == 1
    assert cold_and_warm(root, "--ignore", "NG101").code == 0
    assert cold_and_warm(root).code == 1
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.nograd-lint]\nignore = ["NG1"]\n')
    assert cold_and_warm(root).code == 0
    pyproject.write_text(pyproject.read_text().replace('ignore = ["NG1"]', 'min-confidence = "high"'))
    assert cold_and_warm(root).out.count("NG101") == 1


def test_a_corrupt_cache_is_passed_over_and_written_again(tmp_path):
    root = project(tmp_path, "helper_unguarded_elsewhere")
    first = lint(root)
    [entry] = entries(root / ".nograd_cache")
    for corrupt in ("{", '{"files": 3}', "[]", '{"results": []}', ""):
        entry.write_text(corrupt)
        again = lint(root)
        assert (again.code, again.out, again.err) == (first.code, first.out, first.err)
        assert json.loads(entry.read_text())["results"]  # written again, whole
    record = json.loads(entry.read_text())
    entry.write_text(json.dumps({**record, "results": [{"path": 3}] * len(record["results"])}))
    again = lint(root)
    assert (again.code, again.out, again.err) == (first.code, first.out, first.err)


def test_an_unwritable_cache_is_passed_over_silently(tmp_path):
    root = project(tmp_path, "helper_unguarded_elsewhere")
    cold = lint(root, "--no-cache")
    (root / ".nograd_cache").write_text("a file where the cache folder would go\n")
    for _ in range(2):
        done = lint(root)
        assert (done.code, done.out, done.err) == (cold.code, cold.out, cold.err)
    blocked = root / "elsewhere"
    blocked.write_text("")
    done = lint(root, "--cache-dir", "elsewhere/cache")
    assert (done.code, done.out, done.err) == (cold.code, cold.out, cold.err)


def test_no_cache_writes_nothing(tmp_path):
    root = project(tmp_path, "helper_unguarded_elsewhere")
    before = sorted(root.rglob("*"))
    lint(root, "--no-cache")
    lint(root, NOGRAD_LINT_NO_CACHE="1")
    lint(root, "--no-cache", "--cache-dir", "c")
    assert sorted(root.rglob("*")) == before


def test_where_the_cache_goes(tmp_path):
    root = project(tmp_path, "helper_unguarded_elsewhere")
    package = root / "vision_tools"
    lint(package, "report.py")  # from inside the project: its root
    assert (root / ".nograd_cache" / ".gitignore").is_file() and not (package / ".nograd_cache").exists()
    lint(root, "--cache-dir", "option")
    assert (root / "option" / ".gitignore").read_text() == GITIGNORE
    lint(root, "--cache-dir", "option2", NOGRAD_LINT_CACHE_DIR=str(tmp_path / "variable"))  # the option wins
    assert (root / "option2").is_dir() and not (tmp_path / "variable").exists()
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.nograd-lint]\ncache-dir = "build/nograd"\n')
    lint(package, "report.py")  # relative to the pyproject.toml, whatever the current directory
    assert (root / "build" / "nograd" / ".gitignore").is_file()
    lint(root, NOGRAD_LINT_CACHE_DIR=str(tmp_path / "variable"))  # the variable wins over the file
    assert (tmp_path / "variable" / ".gitignore").is_file()
    outside = tmp_path / "loose"
    write(outside, "e.py", EVALUATE)
    lint(outside, "e.py")  # no project root above (the temporary folder has none): the current directory
    assert (outside / ".nograd_cache" / ".gitignore").is_file()


@pytest.mark.parametrize("value", [3, "", ["a"]])
def test_a_bad_cache_dir_setting_is_an_error(tmp_path, value):
    write(tmp_path, "pyproject.toml", f"[tool.nograd-lint]\ncache-dir = {json.dumps(value)}\n")
    write(tmp_path, "e.py", EVALUATE)
    done = lint(tmp_path, "e.py")
    assert done.code == 2 and done.out == ""
    assert done.err == (f"nograd-lint: error: {tmp_path / 'pyproject.toml'}: [tool.nograd-lint]: cache-dir must be "
                        f"a folder's path, not {value!r}\n")


# One process imports the linter once, then forks a fresh child for each run (a cold cache each
# time, and nothing the parent read): an audit hook in the child records every .py file opened.
AUDIT = """
import json, os, sys
from pathlib import Path
opened = set()
finding_roots = []
def audit(event, args):
    if event == "open" and isinstance(args[0], str) and args[0].endswith(".py") and not finding_roots:
        opened.add(str(Path(args[0]).resolve()))
# What finding a project's root reads (a script folder's imports) is not recorded: a kept result
# is reused only while the root of each file it checked is found where it was (`roots`).
from nograd_lint.analysis import project
def root_from(*args, _found=project.root_from):
    finding_roots.append(True)
    try:
        return _found(*args)
    finally:
        finding_roots.pop()
project.root_from = root_from
from nograd_lint.frontends.cli import lint_main
root = Path.cwd().resolve()
sys.addaudithook(audit)
for number, paths in enumerate(json.loads(sys.argv[1])):
    cache = Path(sys.argv[2], f"c{number}")
    child = os.fork()
    if child == 0:
        status = 1
        try:
            lint_main(["-j", "1", "-q", "--cache-dir", str(cache), *paths])
        except SystemExit:
            pass
        try:
            [entry] = list(cache.rglob("*.json"))
            record = json.loads(entry.read_text())
            Path(cache, "seen").write_text(json.dumps({
                "opened": sorted(p for p in opened if p.startswith(str(root))),
                "recorded": sorted(set(record["files"]) | set(record["modules"]))}))
            status = 0
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
    os.waitpid(child, 0)
"""


@pytest.mark.parametrize("name", sorted(p.name for p in PROJECTS.iterdir()))
def test_every_file_the_analysis_opens_is_recorded(tmp_path, name):
    """An audit hook sees every file Python opens while nograd-lint checks a project, as a whole
    and file by file: each is in the record, so no change to it can go unnoticed."""
    root = project(tmp_path, name)
    runs = [["."]] + [[str(path.relative_to(root))] for path in sorted(root.rglob("*.py"))]
    done = run([str(Path(script("nograd-lint")).with_name("python")), "-c", AUDIT, json.dumps(runs), str(tmp_path)], root)
    assert "Traceback" not in done.err, done.err
    for number, paths in enumerate(runs):
        seen = json.loads((tmp_path / f"c{number}" / "seen").read_text())
        assert seen["opened"] and set(seen["opened"]) <= set(seen["recorded"]), paths



def test_a_kept_result_repeats_the_notes_of_its_file(tmp_path):
    """A file read with a note (an unknown coding cookie) gets the same note on a warm run."""
    write(tmp_path, "pyproject.toml", "")
    write(tmp_path, "cookie.py", ("# -*- coding: future_fstrings -*-\n" + EVALUATE).encode("utf-8"))
    lint(tmp_path, "cookie.py")  # kept
    warm = cold_and_warm(tmp_path, "cookie.py")
    assert warm.err.splitlines()[0] == ("nograd-lint: note: cookie.py: unknown encoding 'future_fstrings' in its "
                                        "coding cookie; read as UTF-8")


def test_a_module_outside_the_run_that_starts_re_exporting_a_checked_function_is_read_again(tmp_path):
    """plots.py (no rule could report in it) calls `predict` from the package's `__init__.py`,
    which is not checked. While that is its own function, plots.py is linked to nothing and never
    analysed; once it re-exports inference.py's `predict`, plots.py is that function's caller: the
    kept run read `__init__.py` to decide, so it is not reused."""
    root = project(tmp_path, "helper_guarded_elsewhere")
    write(root, "vision_tools/__init__.py", "def predict(model, images):\n    return model(images)\n")
    write(root, "vision_tools/plots.py", "from vision_tools import predict\n\n\ndef labels(model, images):\n"
                                         "    return predict(model, images).argmax(1).tolist()\n")
    checked = ["vision_tools/cli.py", "vision_tools/evaluate.py", "vision_tools/inference.py", "vision_tools/plots.py"]
    assert cold_and_warm(root, *checked).out == ""
    write(root, "vision_tools/__init__.py", "from .inference import predict\n")
    assert cold_and_warm(root, *checked).out.splitlines() == [HELPER_CALLED_ELSEWHERE.format("labels")]


def test_a_module_added_beside_a_file_checked_alone_is_read(tmp_path):
    """`renderer_normals_need_gradients_of_a_network_it_is_handed` without `models/fields.py`:
    the renderer's `sdf_network.gradient(pts)` is of no known class, and the validation render is
    reported. Once the file appears beside the renderer (no file the first run read changed, but
    the folder's listing did), the run over the script alone reads it: the render needs
    gradients, silent."""
    copy = project(tmp_path, "renderer_normals_need_gradients_of_a_network_it_is_handed")
    fields = (copy / "models" / "fields.py").read_text(encoding="utf-8")
    (copy / "models" / "fields.py").unlink()
    (copy / "runner.py").write_text((copy / "runner.py").read_text(encoding="utf-8").replace(
        "from models.fields import ColorNetwork, SDFNetwork\n", "from models.nets import ColorNetwork, SDFNetwork\n"),
        encoding="utf-8")
    (copy / "models" / "nets.py").write_text(fields.replace("    def gradient(self, x):\n", "    def unused(self, x):\n")
                                             .replace("torch.autograd.grad(y, x, torch.ones_like(y), create_graph=True)[0]", "y"),
                                             encoding="utf-8")
    first = cold_and_warm(copy, "--min-confidence", "low", "runner.py")
    assert [line.split(" ")[:2] for line in first.out.splitlines()] == [["runner.py:26:19:", "NG101"]]
    (copy / "models" / "fields.py").write_text(fields, encoding="utf-8")
    assert cold_and_warm(copy, "--min-confidence", "low", "runner.py").out == ""
