"""What the analysis reads of the project modules a checked file imports (analysis/project.py,
summaries.py, demand.py): their functions are summarised and their classes' fields found only when
asked for, so a module only an unused class needs is never analysed; what is used reads as it
would have if everything had been read. Real files in a temporary project, one file checked."""
from __future__ import annotations

from pathlib import Path

from frontend_files.helpers import write

from nograd_lint.analysis.project import project_for
from nograd_lint.io.config import Settings
from nograd_lint.io.deep import call_deep
from nograd_lint.io.files import lint_path

# `Unused` builds a `backbones.Backbone` in `__init__`; `Scorer` holds a linear layer.
MODELS = """\
import torch
from torch import nn

from backbones import Backbone


class Unused(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = Backbone()


class Scorer(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(x)
"""
BACKBONES = """\
from torch import nn


class Backbone(nn.Module):
    def forward(self, x):
        return x
"""
# runs a `Scorer` forward, which reads its field `head`: its fields are found from `__init__`
REPORT = """\
import torch
from models import Scorer


def report(batches):
    scorer = Scorer()
    scorer.eval()
    out = []
    for x in batches:
        out.append(scorer(x).argmax(1).tolist())
    return out
"""


def _project(root: Path, checked: str) -> Path:
    write(root, "pyproject.toml", "")
    write(root, "models.py", MODELS)
    write(root, "backbones.py", BACKBONES)
    return write(root, "report.py", checked)


def _analysed(path: Path) -> list[str]:
    return sorted(module.name for module in project_for(path).analysed())


def test_a_module_only_an_unused_class_needs_is_not_analysed(tmp_path):
    path = _project(tmp_path, REPORT)
    result = call_deep(lint_path, str(path), Settings())
    assert [(d.code, d.line, d.column) for d in result.diagnostics] == [("NG101", 10, 20)]
    assert _analysed(path) == ["models.py"]


def test_the_fields_of_a_used_class_read_what_its_init_needs(tmp_path):
    path = _project(tmp_path, REPORT.replace("Scorer", "Unused").replace("scorer(x)", "scorer.backbone(x)"))
    call_deep(lint_path, str(path), Settings())
    assert _analysed(path) == ["backbones.py", "models.py"]


def test_a_module_edited_between_two_analyses_is_read_again(tmp_path):
    """One process (an editor, flake8) analyses the file, the imported module changes on disk, and
    the next analysis reads it as it is now: modules found up to date are kept for one analysis."""
    path = _project(tmp_path, REPORT)
    first = call_deep(lint_path, str(path), Settings())
    assert [(d.code, d.line) for d in first.diagnostics] == [("NG101", 10)]
    write(tmp_path, "models.py", MODELS.replace("class Scorer(nn.Module):", "class Scorer:  # a plain object now"))
    second = call_deep(lint_path, str(path), Settings())
    assert [(d.code, d.line) for d in second.diagnostics] == []
    write(tmp_path, "models.py", MODELS)
    third = call_deep(lint_path, str(path), Settings())
    assert [(d.code, d.line) for d in third.diagnostics] == [("NG101", 10)]


REGISTRY_EVALUATION = """\
import torch
import zoo


def score(model, batches):
    model.eval()
    return [torch.sigmoid(model.infer(x)).mean().item() for x in batches]
"""
SEGMENTER = """\
from torch import nn


class Segmenter(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Conv2d(3, 1, 1)

    def infer(self, images):
        return self.body(images)
"""


def test_a_method_of_a_registry_model_is_read_from_the_one_imported_class_that_defines_it(tmp_path):
    """`model.infer(x)` on a model of unknown class (a registry builds it): the package the file
    imports re-exports `segmenter`, whose one class defines `infer`; the unrelated `transforms`
    module it also imports has no `def infer(` and is never analysed."""
    write(tmp_path, "pyproject.toml", "")
    write(tmp_path, "zoo/__init__.py", "from . import segmenter, transforms\n")
    write(tmp_path, "zoo/segmenter.py", SEGMENTER)
    write(tmp_path, "zoo/transforms.py", "import torch\n\n\ndef flip(x):\n    return torch.flip(x, (-1,))\n")
    path = write(tmp_path, "score.py", REGISTRY_EVALUATION)
    result = call_deep(lint_path, str(path), Settings())
    assert [(d.code, d.line, d.column) for d in result.diagnostics] == [("NG101", 7, 27)]
    assert "transforms.py" not in _analysed(path) and "segmenter.py" in _analysed(path)
    # a second `infer`: no one class is guessed, but `infer` of a model the code put in eval mode
    # runs it whichever class it is (`INFERENCE_VERBS`); a method of another verb stays unknown
    write(tmp_path, "zoo/transforms.py", SEGMENTER.replace("Segmenter", "Cropper"))
    again = call_deep(lint_path, str(path), Settings())
    assert [(d.code, d.line, d.column) for d in again.diagnostics] == [("NG101", 7, 27)]
    write(tmp_path, "score.py", REGISTRY_EVALUATION.replace("model.infer(x)", "model.export(x)"))
    assert call_deep(lint_path, str(path), Settings()).diagnostics == []


# `track` reads `meter.update` and `meter.total`: only `Meter`'s code spells both
METERS = MODELS + """

class Meter:
    def __init__(self):
        self.total = 0.0

    def update(self, value):
        self.total += value


def track(meter, losses):
    for loss in losses:
        meter.update(loss.item())
    return meter.total
"""
TRACKING = """\
import torch
from models import Meter, track


def train(model, batches, opt):
    losses = []
    for x in batches:
        loss = model(x).sum()
        loss.backward()
        opt.step()
        losses.append(loss)
    return track(Meter(), losses)
"""


def test_a_class_whose_code_spells_none_of_the_attributes_read_is_not_read_for_its_fields(tmp_path):
    """The parameter `meter` of an imported helper is typed by the one class whose methods and
    fields cover what the helper reads on it; `Unused`'s code spells no `total`, so its `__init__`
    is never interpreted for its fields, and the module its fields would have needed is not read."""
    write(tmp_path, "pyproject.toml", "")
    write(tmp_path, "models.py", METERS)
    write(tmp_path, "backbones.py", BACKBONES)
    path = write(tmp_path, "train.py", TRACKING)
    call_deep(lint_path, str(path), Settings())
    assert _analysed(path) == ["models.py"]
    model = next(entry.model for entry in project_for(path)._entries.values() if entry.path.name == "models.py")
    assert model.classes["Meter"]._pending_fields is None and model.classes["Unused"]._pending_fields is not None
