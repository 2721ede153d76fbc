"""A fix never names `torch` where it is not the torch module: it adds a real `import torch` when
torch is imported only for type checkers or only at the end of the file, and offers no fix when
module-level `torch` may be something else. Each fixed file is then imported and run on torch."""
from __future__ import annotations

import subprocess
import sys

from frontend_files.helpers import environment, fix, write

BODY = """

def evaluate(model, x):
    model.eval()
    return model(x).sum().item()
"""
TYPE_CHECKING_ONLY = "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import torch\n\n" + BODY
AT_THE_END = BODY.lstrip("\n") + "\n\nimport torch\n"
FALLBACK = "try:\n    import torch\nexcept ImportError:\n    torch = None\n\n" + BODY
NOT_THE_MODULE = "import torch\n\ntorch = object()\n\n" + BODY
LOCAL_ONLY = "def load():\n    import torch\n    return torch\n\n" + BODY

RUN = """\
import importlib, sys, torch
for name in sys.argv[1:]:
    module = importlib.import_module(name)
    print(name, module.evaluate(torch.nn.Linear(2, 1), torch.ones(1, 2)) is not None)
"""


def test_fixes_bind_torch_before_the_decorator_runs(tmp_path):
    write(tmp_path, "type_checking_only.py", TYPE_CHECKING_ONLY)
    write(tmp_path, "at_the_end.py", AT_THE_END)
    write(tmp_path, "local_only.py", LOCAL_ONLY)
    ran = fix("type_checking_only.py", "at_the_end.py", "local_only.py", cwd=tmp_path)
    assert (ran.code, ran.err_lines) == (0, ["Fixed 3 findings in 3 files; 0 remaining."])
    assert (tmp_path / "type_checking_only.py").read_text() == "import torch\n" + TYPE_CHECKING_ONLY.replace(
        "\ndef evaluate", "\n@torch.no_grad()\ndef evaluate")
    assert (tmp_path / "at_the_end.py").read_text() == "import torch\n\n\n@torch.no_grad()\n" + AT_THE_END
    assert (tmp_path / "local_only.py").read_text() == "import torch\n\n\n" + LOCAL_ONLY.replace(
        "\ndef evaluate", "\n@torch.no_grad()\ndef evaluate")
    done = subprocess.run([sys.executable, "-c", RUN, "type_checking_only", "at_the_end", "local_only"],
                          cwd=tmp_path, capture_output=True, text=True, env=environment(), timeout=300)
    assert (done.returncode, done.stdout) == (0, "type_checking_only True\nat_the_end True\nlocal_only True\n")


def test_no_fix_where_torch_may_be_something_else(tmp_path):
    write(tmp_path, "fallback.py", FALLBACK)
    write(tmp_path, "not_the_module.py", NOT_THE_MODULE)
    ran = fix("fallback.py", "not_the_module.py", cwd=tmp_path)
    assert (ran.code, ran.err_lines) == (1, ["Fixed 0 findings in 0 files; 2 remaining (2 without an automatic fix)."])
    assert (tmp_path / "fallback.py").read_text() == FALLBACK
    assert (tmp_path / "not_the_module.py").read_text() == NOT_THE_MODULE
