"""The `ast` pre-pass only skips files that no enabled rule could report: with and without it, every
rule case, example and end-to-end script gives the same findings."""
from pathlib import Path

import pytest

from nograd_lint.io.config import Settings
from nograd_lint.diagnostics import Confidence
from nograd_lint.linter import lint_source, relevant_rules
from nograd_lint.analysis.prefilter import Signals, signals_of
from nograd_lint.analysis.project import project_for

ROOT = Path(__file__).parent.parent
FILES = sorted([*ROOT.glob("tests/cases/*/*.py"), *ROOT.glob("tests/cases_v2/*/*.py"), *ROOT.glob("examples/*.py"),
                *ROOT.glob("tests/e2e/*.py")])
EVERYTHING = Settings(select=("NG",), min_confidence=Confidence.LOW)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_prefilter_loses_nothing(path: Path):
    source = path.read_bytes()
    with_filter = lint_source(source, path.name, EVERYTHING, prefilter=True)
    without = lint_source(source, path.name, EVERYTHING, prefilter=False)
    assert [(d.code, d.line, d.column) for d in with_filter] == [(d.code, d.line, d.column) for d in without]


def test_files_without_signals_are_skipped():
    source = "import os\n\n\ndef tidy(path):\n    return os.path.normpath(path)\n"
    assert signals_of(source) == Signals()
    assert lint_source(source, "tidy.py", EVERYTHING) == []


def test_signals_of_an_evaluation_loop():
    signals = signals_of("def validate(model, val_loader):\n    for x in val_loader:\n        model(x)\n")
    assert signals.evaluation and signals.forward and not signals.backward and not signals.parameter_loop



@pytest.mark.parametrize("source, forward", [
    # a field of a base class in another file, called in evaluation code: a module may be
    ("class Ancestral(Sampler):\n    def inference_step(self, x):\n        return self.denoiser(x).detach()\n", True),
    # a method of the file, called from evaluation code: not a forward pass by itself
    ("class Tool:\n    def scale(self, x):\n        return x * 2\n\n    def predict(self, x):\n"
     "        return self.scale(x)\n", False),
    # a TestCase's own methods
    ("class TestPad(TestCase):\n    def test_pad(self):\n        self.assertEqual(pad([1]), [1, 0])\n", False),
    # outside evaluation code, an unknown field call is not enough
    ("class Writer:\n    def write(self, rows):\n        self.sink(rows)\n", False),
])
def test_a_field_called_in_evaluation_code_may_be_a_forward_pass(source, forward):
    assert signals_of(source).forward is forward


# Correct uses of grad contexts: no grad-context rule (NG203, NG3) can fire.
CORRECT_CONTEXTS = """\
import torch


@torch.no_grad()
def predict(model, batch):
    return model(batch).argmax(1)


def train_step(model, batch, optimizer):
    loss = model(batch).sum()
    loss.backward()
    optimizer.step()
    with torch.no_grad():
        ema = [p.detach().clone() for p in model.parameters()]
    return ema
"""
def test_correct_grad_contexts_leave_the_grad_context_rules_out():
    signals = signals_of(CORRECT_CONTEXTS)
    assert signals.grad_context and signals.backward
    assert not any([signals.nested_context, signals.uncalled_context, signals.bare_context_call,
                    signals.leaking_statement, signals.stored_context, signals.yield_in_context,
                    signals.thread_in_context, signals.async_decorated, signals.inference_training])
    # An evaluation name with a forward pass, a backward pass under a grad-mode word: those stay
    # (NG207 with any backward pass: the helper that leaks may be in another module; NG208 with any
    # grad context: the optimizer or the unfreezing may be in a base class of another module; NG210,
    # like NG201, with a grad context and a backward pass; NG211 with any backward pass).
    assert [rule.code for rule in relevant_rules(CORRECT_CONTEXTS, EVERYTHING)] == ["NG101", "NG201", "NG202",
                                                                                    "NG204", "NG207", "NG208",
                                                                                    "NG210", "NG211"]


@pytest.mark.parametrize(("source", "signal"), [
    ("from torch import no_grad as ng\n\ndef f(model, x):\n    ng()\n    return model(x)\n", "bare_context_call"),
    ("import torch\nng = torch.no_grad\n\ndef f(model, x):\n    with ng:\n        return model(x)\n",
     "uncalled_context"),
    ("import torch\n\ndef f():\n    torch.set_grad_enabled(False)\n", "leaking_statement"),
    ("import torch\nctx = torch.no_grad()\n\ndef f(x):\n    with ctx:\n        return x\n", "stored_context"),
    ("import torch\n\ndef f(xs):\n    with torch.no_grad():\n        yield from xs\n", "yield_in_context"),
    ("import torch\n\nasync def f(x):\n    @torch.no_grad()\n    async def g():\n        pass\n", "async_decorated"),
    ("import torch\n\ndef maybe_no_grad():\n    return torch.no_grad()\n\n@torch.no_grad()\ndef f(x):\n"
     "    with maybe_no_grad():\n        return x\n", "nested_context"),
    ("import threading, torch\n\n@torch.inference_mode()\ndef f(model):\n    threading.Thread(target=model).start()\n",
     "thread_in_context"),
    ("import torch\n\nwith torch.inference_mode():\n    loss.backward()\n", "inference_training"),
    ("import torch\nfrom helpers import *\n\n@make_nograd_func\ndef f(model, x):\n    with torch.no_grad():\n"
     "        return model(x)\n", "nested_context"),
])
def test_context_signals_see_aliases_and_wrappers(source, signal):
    assert getattr(signals_of(source), signal)


def test_a_file_that_backpropagates_counts_the_contexts_of_the_project_modules_it_imports(tmp_path: Path):
    """A training file that names no grad-mode context is checked by the backward rules when a
    project module it imports, or one that module imports, names one (its values may come back
    without a graph or as inference tensors); not when none does, nor without the project."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'rl'\n")
    (tmp_path / "model.py").write_text("import torch\n\n\n@torch.inference_mode()\ndef sample(m, x):\n    return m(x)\n")
    (tmp_path / "engine.py").write_text("from model import sample\n\n\ndef rollout(m, x):\n    return sample(m, x)\n")
    (tmp_path / "plain.py").write_text("def double(x):\n    return x * 2\n")
    training = "from {} import {}\n\n\ndef step(m, x, opt):\n    m({}(m, x)).sum().backward()\n    opt.step()\n"
    settings = Settings(select=("NG204",))
    for module, name, expected in (("engine", "rollout", ["NG204"]), ("plain", "double", [])):
        path = tmp_path / f"train_{module}.py"
        source = training.format(module, name, name)
        path.write_text(source)
        assert [rule.code for rule in relevant_rules(source, settings, path=str(path))] == expected
        assert relevant_rules(source, settings) == []
        assert relevant_rules(source, Settings(select=("NG204",), project=False), path=str(path)) == []
    project = project_for(str(tmp_path / "train_engine.py"))
    with project.recording() as reads:  # the modules read decide the answer: a kept result depends on them
        assert project.imports_grad_code(tmp_path / "train_engine.py")
    assert {str(tmp_path / "engine.py"), str(tmp_path / "model.py")} <= set(reads.modules)
