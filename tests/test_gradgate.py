"""gradgate.py: "could this imported project name be a grad-mode context?", answered from the
module's text when it can, else from its `ast`; never "no" where the analysis finds a meaning."""
from __future__ import annotations

import ast
from typing import Optional

import pytest
from frontend_files.helpers import write

from nograd_lint.analysis.gradgate import _UNPARSED, _import_bindings, import_statements
from nograd_lint.analysis.gradmode import Mode
from nograd_lint.analysis.project import Project

WRAPPERS = "import torch\n\n\ndef no_grad_eval():\n    return torch.no_grad()\n"
# Re-exports the wrapper inside a parenthesised import with a comment, and defines a helper.
TOOLS = "from .wrappers import (  # grad helpers\n    no_grad_eval as quiet,\n)\n\n\ndef scale(x):\n    return x * 2\n"
PLAIN = "def scale(x, factor=(1, 2)):\n    return x * factor[0]\n"
# Import statements in each shape: names in parentheses with comments, after a backslash, several
# on a line; `unit` and `shift` follow a comma and a parenthesis outside any import.
SHAPES = ("from .tools import (  # helpers ) still a comment\n    scale as resize,\n    # gap, kept\n"
          "    unused\n)\nimport os.path as \\\n    osp, sys; from .plain import \\\n    scale\n"
          "def grow(x, unit):\n    return resize(x) + (shift)\n")


def gate_of(root):
    write(root, "pyproject.toml", "")
    write(root, "kit/__init__.py", "")
    write(root, "kit/wrappers.py", WRAPPERS)
    write(root, "kit/tools.py", TOOLS)
    write(root, "kit/plain.py", PLAIN)
    write(root, "kit/shapes.py", SHAPES)
    project = Project(root)
    return project, project._gate


def test_a_name_no_import_can_bind_in_a_module_naming_no_context_is_answered_unparsed(tmp_path):
    project, gate = gate_of(tmp_path)
    assert gate.may_be_grad_context("kit.plain.scale") is False
    assert gate.may_be_grad_context("kit.plain.missing.deeper") is False
    assert gate._modules[tmp_path / "kit" / "plain.py"]._parsed is _UNPARSED
    # `factor` follows a comma, but in no import statement
    assert gate.may_be_grad_context("kit.plain.factor") is False
    assert gate._modules[tmp_path / "kit" / "plain.py"]._parsed is _UNPARSED


def test_names_an_import_statement_may_bind_are_read_with_ast(tmp_path):
    project, gate = gate_of(tmp_path)
    shapes = gate._modules.get(tmp_path / "kit" / "shapes.py")
    for name in ("unit", "shift", "grow", "helpers", "gap", "kept", "path"):
        assert gate.may_be_grad_context(f"kit.shapes.{name}") is False
    assert gate._modules[tmp_path / "kit" / "shapes.py"]._parsed is _UNPARSED
    assert shapes is None  # read once asked
    assert gate._modules[tmp_path / "kit" / "shapes.py"]._bindable == {
        "scale", "resize", "unused", "os", "osp", "sys"}
    assert gate.may_be_grad_context("kit.shapes.resize") is False  # bound to `kit.tools.scale`
    assert gate._modules[tmp_path / "kit" / "shapes.py"]._parsed is not _UNPARSED


def test_re_exports_and_modules_that_name_a_context_are_read_with_ast(tmp_path):
    project, gate = gate_of(tmp_path)
    assert gate.may_be_grad_context("kit.tools.quiet") is True  # bound by the import to the wrapper
    assert gate.may_be_grad_context("kit.tools.scale") is False
    assert gate.may_be_grad_context("kit.wrappers.no_grad_eval") is True
    assert project.grad_meaning("kit.tools.quiet") == "disabled"  # what the analysis finds
    assert project.grad_meaning("kit.tools.scale") is None


def _bindings(text: str) -> Optional[dict]:
    tree = import_statements(text.encode())
    return _import_bindings(tree, "kit") if tree is not None else None


def test_import_statements_are_read_from_the_text_alone_when_no_statement_can_hide():
    text = ('"""Helpers: we import the weights, then\n\n    from kit.wrappers import no_grad_eval\n"""\n'
            "import os.path as osp  # import nothing else\nfrom . import (tools,  # see tools\n    plain)\n"
            "def run():\n    from .wrappers import no_grad_eval as quiet\n    return quiet\n")
    # the docstring's example counts too: more bindings than the module makes, never fewer
    assert _bindings(text) == {"no_grad_eval": {"kit.wrappers.no_grad_eval"}, "osp": {"os.path"},
                               "tools": {"kit.tools"}, "plain": {"kit.plain"},
                               "quiet": {"kit.wrappers.no_grad_eval"}}
    assert _bindings(text) == {**_import_bindings(ast.parse(text), "kit"),
                               "no_grad_eval": {"kit.wrappers.no_grad_eval"}}


@pytest.mark.parametrize("statement", [
    "try: from .wrappers import no_grad_eval\nexcept ImportError: pass\n",
    "if True: import torch\n",
    "x = 1; import torch\n",
    "x = 1; from .wrappers import \\\n    no_grad_eval\n",
    "from .wrappers import (no_grad_eval,  # a comment with a parenthesis )\n    other)\n",
])
def test_a_module_whose_text_may_hide_an_import_statement_is_parsed_whole(statement):
    assert import_statements(statement.encode()) is None


CYCLE_A = "from kit.cycle_b import helper\n"
CYCLE_B = "from kit.cycle_a import helper\nfrom kit.wrappers import no_grad_eval\n"


def test_an_import_cycle_is_a_context_only_where_a_module_on_it_defines_one(tmp_path):
    project, gate = gate_of(tmp_path)
    write(tmp_path, "kit/cycle_a.py", CYCLE_A)
    write(tmp_path, "kit/cycle_b.py", CYCLE_B)
    write(tmp_path, "kit/cycle_c.py", "from kit.cycle_c import no_grad_eval\nfrom kit.cycle_b import no_grad_eval\n")
    assert gate.may_be_grad_context("kit.cycle_a.helper") is False
    assert project.grad_meaning("kit.cycle_a.helper") is None
    assert gate.may_be_grad_context("kit.cycle_c.no_grad_eval") is True  # through `cycle_b`
    assert project.grad_meaning("kit.cycle_c.no_grad_eval") == "disabled"


QUIET = "import torch\n\n\nclass frozen(torch.no_grad):\n    pass\n"
USES_QUIET = "from kit.quiet import frozen\n\nCTX = frozen()\n\n\ndef run(model, x):\n    with CTX:\n        return model(x)\n"


def test_a_context_value_made_from_a_project_context_counts_in_a_module_that_names_none(tmp_path):
    project, _ = gate_of(tmp_path)
    write(tmp_path, "kit/quiet.py", QUIET)
    path = write(tmp_path, "kit/uses_quiet.py", USES_QUIET)
    assert b"no_grad" not in path.read_bytes()
    analysis = project.entry(path, depth=0).analysis
    [call] = analysis.calls_named("model")
    assert analysis.state_of(call).mode is Mode.DISABLED


def test_a_module_edited_between_two_analyses_is_read_again(tmp_path):
    """Within one analysis a module's text is read once; the next analysis sees the file as it is."""
    project, gate = gate_of(tmp_path)
    assert gate.may_be_grad_context("kit.plain.scale") is False
    write(tmp_path, "kit/plain.py", "import torch\n\n\nclass scale(torch.no_grad):\n    pass\n")
    project.forget_paths()  # what each analysis starts with
    assert gate.may_be_grad_context("kit.plain.scale") is True
    write(tmp_path, "kit/plain.py", PLAIN)
    project.forget_paths()
    assert gate.may_be_grad_context("kit.plain.scale") is False
