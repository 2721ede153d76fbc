"""What a long-lived host keeps between analyses: an editor checks a buffer on every change, and
flake8 checks file after file in one process; past analyses of a file must not stay alive."""
from __future__ import annotations

import gc

from frontend_files.helpers import EVALUATE, write

from nograd_lint.analysis.gradmode import FileAnalysis
from nograd_lint.frontends.documents import check_text
from nograd_lint.io.config import Settings


def _live_analyses(path: str) -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is FileAnalysis and o.path == path)  # type(): isinstance reads `__class__`, which some lazy objects warn about


def test_a_buffer_checked_again_and_again_keeps_no_past_analysis(tmp_path):
    write(tmp_path, "pyproject.toml", "")
    write(tmp_path, "helpers.py", "import torch\n\n\ndef run(model, x):\n    return model(x)\n")
    path = str(write(tmp_path, "evaluate.py", "from helpers import run\n" + EVALUATE))
    for edit in range(12):
        result = check_text("from helpers import run\n" + EVALUATE + "\n" * edit, path, Settings())
        assert [d.code for d in result.diagnostics] == ["NG101"]
    assert _live_analyses(path) == 0
