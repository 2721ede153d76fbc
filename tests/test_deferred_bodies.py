"""Function bodies of imported project modules, built and walked when first needed
(analysis/deferred.py): what is walked, and that every answer is the one a whole walk gives. Real
files in a temporary project for the runs; real `ast`-built trees for the walks."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from frontend_files.helpers import write

import nograd_lint.analysis.project as project_module
from nograd_lint.analysis.deferred import deferral
from nograd_lint.analysis.gradmode import FACT_LISTS, analyze
from nograd_lint.analysis.project import project_for
from nograd_lint.io.bare_trees import bare_module
from nograd_lint.io.config import Settings
from nograd_lint.io.deep import call_deep
from nograd_lint.io.files import lint_path

HELPERS = """\
import torch
from torch import nn

SCALE = {}


def used(model, x):
    def inner(y):
        return model(y) * SCALE.get("k", 1)
    return inner(x)


def unused(model, x):
    return model(x).sum()


class Runner:
    def __init__(self, model):
        self.model = model

    def run(self, x):
        return used(self.model, x)

    def idle(self):
        return 0


def train_step(model, optimizer, x):
    loss = model(x).sum()
    loss.backward()
    optimizer.step()


if __name__ == "__main__":
    with torch.no_grad():
        train_step(nn.Linear(2, 2), None, torch.ones(2))
"""
CHECKED = """\
import torch
from helpers import Runner, used


def predict(model, loader):
    model.eval()
    out = []
    for x in loader:
        out.append(used(model, x).argmax(1).tolist())
    return out


def score(model, loader):
    model.eval()
    runner = Runner(model)
    return [runner.run(x).argmax(1).tolist() for x in loader]
"""


def _project(root: Path) -> tuple[Path, Path]:
    write(root, "pyproject.toml", "")
    helpers = write(root, "helpers.py", HELPERS)
    return write(root, "report.py", CHECKED), helpers


def _findings(path: Path) -> list[tuple]:
    result = call_deep(lint_path, str(path), Settings())
    return [(d.code, d.line, d.column, d.confidence, d.message) for d in result.diagnostics]


def _by_name(analysis, name: str):
    return next(f for f in analysis.functions if f.name == name)


def test_only_the_bodies_the_checked_file_needs_are_walked(tmp_path):
    checked, helpers = _project(tmp_path)
    assert [finding[:3] for finding in _findings(checked)] == [("NG101", 9, 20), ("NG101", 16, 13)]
    analysis = project_for(checked).entry(helpers).analysis
    walked = {f.name: bool(f.node.body.body) for f in analysis.functions}
    assert walked == {"used": True, "inner": True, "unused": False, "__init__": True, "run": True,
                      "idle": False, "train_step": False}
    assert analysis.bodies is not None  # some bodies are still deferred


def test_findings_are_those_of_imported_modules_walked_whole(tmp_path, monkeypatch):
    checked, _ = _project(tmp_path / "deferred")
    deferred = _findings(checked)
    monkeypatch.setattr(project_module, "deferral", lambda text: None)
    checked, _ = _project(tmp_path / "whole")
    assert _findings(checked) == deferred


ORDERED = """\
import torch
from torch import nn


def decorate(fn):
    return fn


@decorate
def first(model, x, scale=torch.ones(1)):
    try:
        out = model(x)
    except (ValueError, make_error(x)):
        out = None
    def nested(y):
        with torch.no_grad():
            return model(y)
    return nested(out) if out is not None else scale


class Trainer(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(2, 2)

    @torch.no_grad()
    def evaluate(self, loader):
        for x in loader:
            yield self.net(x)

    def fit(self, loader, optimizer):
        for x in loader:
            loss = self.net(x).sum()
            loss.backward()
            optimizer.step()
        return [first(self.net, x) for x in loader]


for epoch in range(3):
    def per_epoch(model):
        return model(torch.ones(2))
    per_epoch(nn.Linear(2, 2))

with torch.no_grad():
    first(nn.Linear(2, 2), torch.ones(2))
"""


def _described(analysis) -> dict[str, list[tuple]]:
    """Each fact list as what its facts say, in its order (the trees differ: nodes cannot be compared)."""
    def function(fact):
        return fact.function.name if fact.function is not None else None

    def detail(name, fact):
        return {"functions": lambda: (fact.name, fact.class_name, fact.parent.name if fact.parent else None,
                                      fact.entry.mode, fact.entry.origin, fact.is_generator, fact.has_return_value),
                "loops": lambda: (fact.iter_name, sorted(fact.target_names), fact.function and fact.function.name),
                "calls": lambda: (fact.callee, fact.qualified, function(fact), analysis.state_of(fact).mode,
                                  [loop.iter_name for loop in fact.loops]),
                "assigns": lambda: (sorted(fact.targets), function(fact), fact.augmented),
                "name_uses": lambda: (fact.name, function(fact), analysis.state_of(fact).mode),
                "withs": lambda: (len(fact.uses), function(fact)),
                "returns": lambda: (fact.is_yield, function(fact), analysis.state_of(fact).mode)}[name]()
    return {name: [detail(name, fact) for fact in getattr(analysis, name)] for name in FACT_LISTS}


def _ast_def(text: str):
    return next(node for node in ast.parse(text).body if isinstance(node, ast.FunctionDef))


def _analysed(text: str, defer: bool):
    bare = bare_module(text, defer=deferral(text) if defer else None)
    return analyze(bare.module, "module.py", bare=bare)


def test_walking_every_deferred_body_gives_the_lists_of_one_walk_in_its_order():
    whole = _analysed(ORDERED, defer=False)
    deferred = _analysed(ORDERED, defer=True)
    assert whole.bodies is None and deferred.bodies is not None
    assert [f.name for f in deferred.functions] == ["decorate", "first", "__init__", "evaluate", "fit",
                                                    "per_epoch"]
    _by_name(deferred, "fit").ensure_body()  # one body first, out of source order
    assert _by_name(deferred, "fit").node.body.body and not _by_name(deferred, "first").node.body.body
    deferred.bodies.expand_all()
    assert deferred.bodies is None
    assert _described(deferred) == _described(whole)
    for fact in deferred.calls:  # each fact inside the statement span of its function
        if fact.function is not None:
            assert fact.function.span.contains(fact.index)


def test_a_query_by_name_walks_the_bodies_that_mention_it_and_answers_as_a_whole_walk():
    whole = _analysed(ORDERED, defer=False)
    deferred = _analysed(ORDERED, defer=True)
    def calls(analysis):
        return [(c.callee, c.function and c.function.name) for c in analysis.calls_named("first")]
    assert calls(deferred) == calls(whole) == [("first", "fit"), ("first", None)]
    walked = {f.name for f in deferred.functions if f.node.body.body}
    assert walked == {"fit", "first", "nested"}  # `first` mentions its own name: its decorator's target
    assert [(u.name, u.function and u.function.name) for u in deferred.uses_of("scale")] == \
        [(u.name, u.function and u.function.name) for u in whole.uses_of("scale")]
    # `per_epoch` holds the word only inside a longer name: its body is not walked for it
    assert [u.function for u in deferred.uses_of("epoch")] == [u.function for u in whole.uses_of("epoch")] == [None]
    assert not _by_name(deferred, "per_epoch").node.body.body


def test_a_query_for_calls_of_an_attribute_walks_the_bodies_where_the_name_follows_a_dot():
    text = ("class Net:\n    def to(self, device):\n        return self\n\n"
            "    def fit(self):\n        # move it to the device\n        return 1\n\n"
            "    def move(self):\n        return self.\\\n            to(0)\n\n"
            "    def spread(self):\n        return (self.\n                # then\n                to(1))\n")
    whole = _analysed(text, defer=False)
    deferred = _analysed(text, defer=True)
    def calls(analysis):
        return [(c.callee, c.function.name) for c in analysis.calls_named("self.to")]
    assert calls(deferred) == calls(whole) == [("self.to", "move"), ("self.to", "spread")]
    assert {f.name for f in deferred.functions if f.node.body.body} == {"move", "spread"}  # not `def to` nor a comment


@pytest.mark.parametrize("body, deferred", [
    ("    return model(x)\n", True),
    ("    import torch.nn.functional as F\n    return F.relu(model(x))\n", False),  # binds for the module
    ("    class Local:\n        pass\n    return model(x)\n", False),
    ("    # import nothing, from the docstring's point of view\n    return model(x)\n", True),
])
def test_a_body_that_binds_names_for_the_whole_module_is_walked_with_it(body, deferred):
    text = f"def run(model, x):\n{body}"
    assert deferral(text)(_ast_def(text)) is deferred
    for newline in ("\r\n", "\r"):  # lines counted as CPython counts them
        other = "import torch\n\n" + text.replace("\n", newline)
        assert deferral(other)(_ast_def(other)) is deferred


def test_functions_that_may_be_grad_wrappers_are_walked_with_the_module():
    text = "import torch\n\ndef maybe_no_grad(flag):\n    return torch.no_grad() if flag else None\n"
    assert deferral(text)(_ast_def(text)) is False
    analysis = _analysed(text, defer=True)
    assert analysis.bodies is None and analysis.grad_exports == {"maybe_no_grad": "disabled"}


@pytest.mark.parametrize("text", [
    "import torch\n\ndef setup(fn):\n    return torch.no_grad()(fn)\n",  # wraps a function: read from every call
    "from ignite.engine import create_supervised_evaluator\n\ndef build(model):\n"
    "    return create_supervised_evaluator(model, model_fn=step)\n",  # hands one to a framework
    "def pick(command):\n    match command:\n        case 1:\n            return 1\n",  # not built from `ast`
    "def pick(command):\n    match(command):\n        case 1:\n            return 1\n",
])
def test_modules_whose_bodies_decide_module_wide_facts_are_walked_whole(text):
    assert deferral(text) is None


@pytest.mark.parametrize("line", [
    "match = re.match(pattern, name)", "match.group(1)", "match: int = 0", "match", "match  # a comment",
    "match the shapes of the inputs.",  # a docstring's line
])
def test_a_line_that_cannot_open_a_match_statement_keeps_bodies_deferred(line):
    text = f'def pick(name):\n    """Pick.\n\n    {line}\n    """\n    {line}\n    return name\n'
    assert deferral(text) is not None


@pytest.mark.parametrize("header", [
    "match (\n        command\n    ):", "match \\\n        command:", 'match f(")",\n        x):',
    'match """\n    text""":', "match [a, b]:", "match -x:",
])
def test_a_match_statement_whose_header_runs_on_keeps_the_module_whole(header):
    text = f"def pick(command, a, b, x):\n    {header}\n        case _:\n            return 1\n"
    assert any(isinstance(node, ast.Match) for node in ast.walk(ast.parse(text)))
    assert deferral(text) is None


def test_the_index_of_facts_by_function_grows_with_each_body_walked():
    whole = _analysed(ORDERED, defer=True)
    whole.bodies.expand_all()
    deferred = _analysed(ORDERED, defer=True)

    def calls_of(analysis, name):
        return [(c.callee, c.index - _by_name(analysis, name).span.start)
                for c in analysis.facts_in(analysis.calls, _by_name(analysis, name))]
    assert calls_of(deferred, "__init__") == calls_of(whole, "__init__")  # the index is built here
    assert calls_of(deferred, "fit") == calls_of(whole, "fit")  # and extended by `fit`'s body
    assert calls_of(deferred, "fit") == [(None, 2), ("self.net", 2), ("loss.backward", 3), ("optimizer.step", 4),
                                         ("first", 5)]  # `(...).sum()` has no name
    assert len(deferred.calls) < len(whole.calls)  # other bodies are still deferred
