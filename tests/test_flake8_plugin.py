"""The flake8 plugin, run through the real `flake8` command: registration, exact positions, `# noqa`,
options on the command line and in flake8's configuration files, opinionated rules off by default."""
from __future__ import annotations

import json

import pytest
from flake8.main.application import Application
from flake8.style_guide import Decision
from frontend_files.helpers import (EVALUATE, KIT_NETS, KIT_SCORE, MIXED, finding, flake8, lint, mixed_findings,
                                    parse_counting_hooks, parses_counted, run, script, write)

from nograd_lint import __version__
from nograd_lint.io.config import Settings
from nograd_lint.rules import all_rules

# A graph thrown away in a loop is alone a low-confidence sign: the cache tests show such findings.
LOW = ("--select", "NG", "--nograd-min-confidence", "low")

SCORE = """\
import torch


def score_batch(model, batch):
    return model(batch).sum().item()
"""
# `enable_grad` inside a no_grad function: NG401, an opinionated rule that is off by default.
OPINIONATED = """\
import torch


@torch.no_grad()
def attribution(model, x):
    with torch.enable_grad():
        x.requires_grad_(True)
        return model(x)
"""


def test_flake8_lists_the_plugin(tmp_path):
    ran = flake8("--version", cwd=tmp_path)
    assert ran.code == 0 and f"nograd-lint: {__version__}" in " ".join(ran.out.split())


def test_exact_codes_lines_and_columns_match_nograd_lint(tmp_path):
    write(tmp_path, "m.py", MIXED)
    write(tmp_path, "e.py", EVALUATE)
    ran = flake8("--select", "NG", "m.py", "e.py", cwd=tmp_path)
    assert ran.lines == [finding("e.py", EVALUATE, "NG101", 8, 21)] + mixed_findings("m.py")
    assert (ran.code, ran.err) == (1, "")
    assert ran.out == lint("e.py", "m.py", cwd=tmp_path).out  # flake8 prints the plugin's 0-based column + 1
    # Other plugins keep working beside it; a code narrows within the plugin.
    narrowed = flake8("--select", "NG101,F", "m.py", cwd=tmp_path)
    assert narrowed.lines == ["m.py:1:1: F401 'torch' imported but unused", mixed_findings("m.py")[0]]


def test_noqa_comments(tmp_path):
    source = MIXED.replace(".sum().item()\n", ".sum().item()  # noqa: NG101\n").replace(
        "total_loss += loss\n", "total_loss += loss  # noqa: E501\n").replace(
        "p -= lr * p.grad\n", "p -= lr * p.grad  # noqa\n")
    write(tmp_path, "m.py", source)
    ran = flake8("--select", "NG", "m.py", cwd=tmp_path)
    assert (ran.code, ran.lines) == (1, [finding("m.py", source, "NG102", 19, 23)])
    assert flake8("--select", "NG", "--disable-noqa", "m.py", cwd=tmp_path).lines == mixed_findings("m.py")


def test_options_on_the_command_line(tmp_path):
    write(tmp_path, "s.py", SCORE)
    assert flake8("--select", "NG", "s.py", cwd=tmp_path).lines == []
    named = flake8("--select", "NG", "--nograd-evaluation-names", "score_batch,other", "s.py", cwd=tmp_path)
    names = Settings(evaluation_names=("score_batch", "other"))
    assert named.lines == [finding("s.py", SCORE, "NG101", 5, 12, names)]
    inference = flake8("--select", "NG", "--nograd-evaluation-names=score_batch",
                       "--nograd-fix-context=inference_mode", "s.py", cwd=tmp_path)
    assert inference.lines == [finding("s.py", SCORE, "NG101", 5, 12,
                                       Settings(evaluation_names=("score_batch",), fix_context="inference_mode"))]
    assert inference.lines[0].endswith("`torch.inference_mode()`")
    high = flake8("--select", "NG", "--nograd-evaluation-names=score_batch", "--nograd-min-confidence=high", "s.py",
                  cwd=tmp_path)
    assert (high.code, high.lines) == (0, [])  # judged by the name alone: medium confidence
    bad = flake8("--nograd-min-confidence=sure", "s.py", cwd=tmp_path)
    assert bad.code == 2 and bad.err_lines[-1] == (
        "flake8: error: argument --nograd-min-confidence: invalid choice: 'sure' (choose from 'low', 'medium', 'high')")


@pytest.mark.parametrize("config", ["setup.cfg", "tox.ini", ".flake8"])
def test_options_from_flake8_configuration_files(tmp_path, config):
    write(tmp_path, "s.py", SCORE)
    write(tmp_path, config, "[flake8]\nselect = NG\nnograd-evaluation-names = score_batch, other\n"
                            "nograd-fix-context = inference_mode\n")
    ran = flake8("s.py", cwd=tmp_path)
    settings = Settings(evaluation_names=("score_batch", "other"), fix_context="inference_mode")
    assert (ran.code, ran.lines) == (1, [finding("s.py", SCORE, "NG101", 5, 12, settings)])
    if config != "setup.cfg":
        return  # the other files are read the same way
    write(tmp_path, config,
          "[flake8]\nselect = NG\nnograd-evaluation-names = score_batch\nnograd-min-confidence = high\n")
    assert flake8("s.py", cwd=tmp_path).lines == []
    write(tmp_path, config, "[flake8]\nnograd-fix-context = enable_grad\n")
    bad = flake8("s.py", cwd=tmp_path)
    assert (bad.code, bad.out, bad.err) == (
        2, "", "flake8: error: nograd-lint: fix-context must be one of no_grad, inference_mode, not 'enable_grad'\n")


def test_options_are_documented_in_help(tmp_path):
    ran = flake8("--help", cwd=tmp_path)
    assert ran.code == 0
    for option in ("--nograd-evaluation-names", "--nograd-fix-context {no_grad,inference_mode}",
                   "--nograd-min-confidence {low,medium,high}"):
        assert option in ran.out


def test_opinionated_rules_are_off_unless_selected_precisely(tmp_path):
    off = sorted(rule.code for rule in all_rules() if not rule.default_enabled)
    assert "NG401" in off
    write(tmp_path, "o.py", OPINIONATED)
    expected = [finding("o.py", OPINIONATED, "NG401", 6, 10, Settings(select=("NG401",)))]
    assert flake8("o.py", cwd=tmp_path).lines == []
    assert flake8("--select", "NG", "o.py", cwd=tmp_path).lines == []
    assert flake8("--extend-select", "NG4", "o.py", cwd=tmp_path).lines == expected
    assert flake8("--select", "NG401", "o.py", cwd=tmp_path).lines == expected
    # A configuration that sets `ignore =` drops flake8's default ignore list; NG401 stays off.
    write(tmp_path, "setup.cfg", "[flake8]\nignore = E501\n")
    assert flake8("o.py", cwd=tmp_path).lines == []
    # The same rule in nograd-lint.
    assert lint("o.py", cwd=tmp_path).lines == []
    assert lint("--select", "NG", "o.py", cwd=tmp_path).lines == []
    assert lint("--extend-select", "NG4", "o.py", cwd=tmp_path).lines == expected


def test_opinionated_rules_are_on_flake8s_default_ignore_list(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    off = sorted(rule.code for rule in all_rules() if not rule.default_enabled)
    app = Application()
    app.initialize(["o.py"])
    assert app.options.extended_default_ignore == off
    assert {code: app.guide.decider.decision_for(code) for code in off} == dict.fromkeys(off, Decision.Ignored)
    # flake8 alone would report them for `--select NG`: why the plugin also checks the selectors.
    app = Application()
    app.initialize(["--select", "NG", "o.py"])
    assert app.guide.decider.decision_for(off[0]) is Decision.Selected


def test_statistics_count_each_code_under_its_rule_summary(tmp_path):
    write(tmp_path, "m.py", MIXED)
    write(tmp_path, "e.py", EVALUATE)
    summary = {rule.code: rule.summary for rule in all_rules()}
    ran = flake8("--select", "NG", "--statistics", "e.py", "m.py", cwd=tmp_path)
    assert ran.lines == [
        f"e.py:8:21: NG101 {summary['NG101']}", f"m.py:8:21: NG101 {summary['NG101']}",
        f"m.py:19:23: NG102 {summary['NG102']}", f"m.py:25:9: NG103 {summary['NG103']}",
        f"2     NG101 {summary['NG101']}", f"1     NG102 {summary['NG102']}", f"1     NG103 {summary['NG103']}"]


@pytest.mark.parametrize(("argv", "codes"), [
    (["--select", "E"], None),
    (["--select", "E,F", "--ignore", "NG"], None),
    (["--select", "NG1"], ("NG101", "NG102", "NG103", "NG104")),
    (["--extend-select", "NG4", "--ignore", "NG2,NG3,NG1"], ("NG401",)),
])
def test_only_the_rules_flake8_can_report_run(tmp_path, monkeypatch, argv, codes):
    from nograd_lint.frontends.flake8_plugin import NogradChecker

    monkeypatch.chdir(tmp_path)
    app = Application()
    app.initialize([*argv, "o.py"])
    settings = NogradChecker.settings
    assert (settings.select if settings is not None else None) == codes


def test_findings_are_kept_by_content_settings_and_code(tmp_path):
    write(tmp_path, "e.py", EVALUATE)
    expected = [finding("e.py", EVALUATE, "NG101", 8, 21)]
    assert flake8("--select", "NG", "e.py", cwd=tmp_path).lines == expected
    cache = tmp_path / ".nograd_cache"  # no project root above: the current directory
    assert (cache / ".gitignore").read_text() == "# Made by nograd-lint: its cache, never committed.\n*\n"
    [entry] = [path for path in cache.rglob("*.json")]
    # The next run reads the entry instead of analysing the file: planted text shows it.
    record = json.loads(entry.read_text())
    assert record["results"] == [[8, 20, expected[0].split(": ", 1)[1]]]
    entry.write_text(json.dumps({**record, "results": [[8, 20, "NG101 planted"]]}))
    assert flake8("--select", "NG", "e.py", cwd=tmp_path).lines == ["e.py:8:21: NG101 planted"]
    # Other settings, an entry of another shape, a changed file: analysed again.
    assert flake8("--select", "NG", "--nograd-min-confidence", "high", "e.py", cwd=tmp_path).lines == expected
    entry.write_text('{"not": "a record"}')
    assert flake8("--select", "NG", "e.py", cwd=tmp_path).lines == expected
    write(tmp_path, "e.py", "\n" + EVALUATE)
    assert flake8("--select", "NG", "e.py", cwd=tmp_path).lines == [
        finding("e.py", "\n" + EVALUATE, "NG101", 9, 21)]
    # Turned off, or moved.
    write(tmp_path, "off/e.py", EVALUATE)
    off = run([script("flake8"), "--select", "NG", "e.py"], tmp_path / "off", NOGRAD_LINT_NO_CACHE="1")
    assert off.lines == expected and not (tmp_path / "off" / ".nograd_cache").exists()
    moved = run([script("flake8"), "--select", "NG", "e.py"], tmp_path / "off", NOGRAD_LINT_CACHE_DIR=str(tmp_path / "c"))
    assert moved.lines == expected and (tmp_path / "c" / ".gitignore").is_file()
    assert not (tmp_path / "off" / ".nograd_cache").exists()


def test_the_plugin_knows_every_rule_code_and_the_opinionated_ones():
    from nograd_lint.frontends.flake8_plugin import OFF_BY_DEFAULT, RULE_CODES

    assert RULE_CODES == tuple(rule.code for rule in all_rules())
    assert OFF_BY_DEFAULT == {rule.code for rule in all_rules() if not rule.default_enabled}


# flake8 in one process; then: was libcst (the analysis) imported, and what did flake8 print?
IMPORTED = """
import sys
from flake8.main.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("libcst imported" if "libcst" in sys.modules else "libcst not imported")
"""


@pytest.mark.parametrize("select, imported, reported", [
    ("E,W", "libcst not imported", []),
    ("E,W,NG", "libcst imported", ["score.py:6:12: NG101"]),
])
def test_a_flake8_run_that_selects_no_ng_code_never_imports_the_analysis(tmp_path, select, imported, reported):
    write(tmp_path, "score.py", SCORE.replace("return model", "model.eval()\n    return model"))
    ran = run([script("python"), "-c", IMPORTED, "--isolated", "--select", select, "score.py"], tmp_path)
    *lines, last = ran.out.splitlines()
    assert (last, [line.split(" `")[0] for line in lines]) == (imported, reported)


def test_kept_findings_follow_the_modules_a_file_imports(tmp_path):
    """flake8 checks one file at a time, with what it imports from its project: the finding in
    score.py names what `build` in nets.py does, and changes with it on a run with the cache as on
    a run without."""
    write(tmp_path, "pyproject.toml", "")
    write(tmp_path, "kit/__init__.py", "")
    write(tmp_path, "kit/nets.py", KIT_NETS)
    write(tmp_path, "kit/score.py", KIT_SCORE)

    def both() -> list[str]:
        cold = run([script("flake8"), *LOW, "kit/score.py"], tmp_path, NOGRAD_LINT_NO_CACHE="1")
        warm = flake8(*LOW, "kit/score.py", cwd=tmp_path)
        assert warm.lines == cold.lines and warm.code == cold.code
        return warm.lines

    message = "NG101 `labels` runs forward passes with gradients enabled ({}it throws the graph of every batch " \
              "away); disable them with `torch.no_grad()`"
    assert flake8(*LOW, "kit/score.py", cwd=tmp_path).lines == [
        "kit/score.py:8:20: " + message.format("it calls `net.eval()`; ")]
    assert (tmp_path / ".nograd_cache").is_dir()  # at the project root
    assert both() == ["kit/score.py:8:20: " + message.format("it calls `net.eval()`; ")]
    write(tmp_path, "kit/nets.py", KIT_NETS.replace("return net.eval()", "return net"))
    assert both() == ["kit/score.py:8:20: NG101 `labels` runs forward passes with gradients enabled (it reads values "
                      "from the outputs of every step and throws their graphs away); disable them with "
                      "`torch.no_grad()`"]
    write(tmp_path, "kit/nets.py", KIT_NETS)
    assert both() == ["kit/score.py:8:20: " + message.format("it calls `net.eval()`; ")]


def test_kept_findings_follow_what_imported_modules_import(tmp_path):
    """score.py -> nets.py -> layers.py, checked in one flake8 process after other.py, whose
    analysis read nets.py and layers.py first: a change to layers.py still reaches score.py."""
    write(tmp_path, "pyproject.toml", "")
    write(tmp_path, "kit/__init__.py", "")
    write(tmp_path, "kit/layers.py", "def frozen(net):\n    return net.eval()\n")
    write(tmp_path, "kit/nets.py", KIT_NETS.replace("import torch\n", "import torch\n\nfrom kit.layers import frozen\n")
          .replace("return net.eval()", "return frozen(net)"))
    write(tmp_path, "kit/other.py", KIT_SCORE)
    write(tmp_path, "kit/score.py", KIT_SCORE)
    argv = [*LOW, "-j", "1", "kit/other.py", "kit/score.py"]

    def both() -> list[str]:
        cold = run([script("flake8"), *argv], tmp_path, NOGRAD_LINT_NO_CACHE="1")
        warm = flake8(*argv, cwd=tmp_path)
        assert warm.lines == cold.lines and warm.code == cold.code
        return warm.lines

    # `frozen(net)` hands back the network it puts in eval mode, whatever mode the caller's was in
    message = ": NG101 `labels` runs forward passes with gradients enabled (it calls `net.eval()`; it throws " \
              "the graph of every batch away); disable them with `torch.no_grad()`"
    assert both() == ["kit/other.py:8:20" + message, "kit/score.py:8:20" + message]
    write(tmp_path, "kit/layers.py", "def frozen(net):\n    return net\n")
    assert both() == []


CLEAN = """\
import torch


def train_step(model, optimizer, x, y):
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
"""
CELLS = "# %%\n" + SCORE.replace("return model", "model.eval()\n    return model")


@pytest.mark.parametrize("name, source, parses, reported", [
    ("clean.py", CLEAN, 0, ""),
    ("score.py", SCORE.replace("return model", "model.eval()\n    return model"), 1, "score.py:6:12: NG101"),
    ("cells.py", CELLS, 1, "cells.py:7:12: NG101"),
])
def test_only_files_with_findings_are_parsed_with_libcst(tmp_path, name, source, parses, reported):
    """The plugin first analyses the tree built from flake8's own `ast` tree; a file with
    findings (or with `# %%` cells, which that tree cannot show) is then parsed with libcst."""
    hooks = parse_counting_hooks(tmp_path / "hooks")
    write(tmp_path, name, source)
    ran = run([script("flake8"), "--select", "NG", "--jobs=1", name], tmp_path,
              PYTHONPATH=str(hooks), NOGRAD_LINT_NO_CACHE="1")
    assert parses_counted(hooks) == parses
    assert ran.out.split(" `")[0] == reported
