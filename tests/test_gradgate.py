"""gradgate.py: "could this imported project name be a grad-mode context?", answered from the
module's text when it can, else from its `ast`; never "no" where the analysis finds a meaning."""
from __future__ import annotations

from frontend_files.helpers import write

from nograd_lint.analysis.gradgate import _UNPARSED
from nograd_lint.analysis.project import Project

WRAPPERS = "import torch\n\n\ndef no_grad_eval():\n    return torch.no_grad()\n"
# Re-exports the wrapper inside a parenthesised import with a comment, and defines a helper.
TOOLS = "from .wrappers import (  # grad helpers\n    no_grad_eval as quiet,\n)\n\n\ndef scale(x):\n    return x * 2\n"
PLAIN = "def scale(x, factor=(1, 2)):\n    return x * factor[0]\n"


def gate_of(root):
    write(root, "pyproject.toml", "")
    write(root, "kit/__init__.py", "")
    write(root, "kit/wrappers.py", WRAPPERS)
    write(root, "kit/tools.py", TOOLS)
    write(root, "kit/plain.py", PLAIN)
    project = Project(root)
    return project, project._gate


def test_a_name_no_import_can_bind_in_a_module_naming_no_context_is_answered_unparsed(tmp_path):
    project, gate = gate_of(tmp_path)
    assert gate.may_be_grad_context("kit.plain.scale") is False
    assert gate.may_be_grad_context("kit.plain.missing.deeper") is False
    assert gate._modules[tmp_path / "kit" / "plain.py"]._parsed is _UNPARSED
    # `factor` follows a comma: it could be an import's name, so the module is parsed to know
    assert gate.may_be_grad_context("kit.plain.factor") is False
    assert gate._modules[tmp_path / "kit" / "plain.py"]._parsed is not _UNPARSED


def test_re_exports_and_modules_that_name_a_context_are_read_with_ast(tmp_path):
    project, gate = gate_of(tmp_path)
    assert gate.may_be_grad_context("kit.tools.quiet") is True  # bound by the import to the wrapper
    assert gate.may_be_grad_context("kit.tools.scale") is False
    assert gate.may_be_grad_context("kit.wrappers.no_grad_eval") is True
    assert project.grad_meaning("kit.tools.quiet") == "disabled"  # what the analysis finds
    assert project.grad_meaning("kit.tools.scale") is None
