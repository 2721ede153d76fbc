"""Framework knowledge (`knowledge.py`): what frameworks run without gradients, and what they leave to overrides.

Each fact is checked twice: a realistic snippet gives exactly the expected findings, and the same
snippet with the framework's import swapped for an unknown library (the control) gives what the
linter would say without the fact, so a test fails when the table entry stops mattering. The
table-driven tests then cover every spelling in every table. docs/frameworks.md cites the sources.
"""
from __future__ import annotations

import dataclasses
import re

import pytest

from nograd_lint.analysis import knowledge
from nograd_lint.io.config import Settings
from nograd_lint.diagnostics import Confidence
from nograd_lint.linter import lint_source

LOW = Settings(min_confidence=Confidence.LOW)


def findings(source: str, settings: Settings | None = None) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in lint_source(source, "snippet.py", settings)]


def unknown_library(source: str) -> str:
    """The control: every `from <framework> import ...` line imports from a library we know nothing about."""
    return re.sub(r"^from [\w.]+ import", "from mylib import", source, flags=re.M)


@dataclasses.dataclass(frozen=True)
class Fact:
    id: str
    source: str
    expected: list  # findings with the framework
    control: list  # findings when the framework is unknown
    settings: Settings | None = None


FACTS = [
    Fact("lightning_module_hooks", """\
import torch.nn.functional as F
import lightning.pytorch as pl


class LitClassifier(pl.LightningModule):
    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone

    def validation_step(self, batch, batch_idx):
        x, y = batch
        self.backbone.eval()
        logits = self.backbone(x)
        self.log("val_loss", F.cross_entropy(logits, y))

    def on_validation_epoch_end(self):
        self.backbone.eval()
        sample = self.backbone(self.example_input_array)
        self.logger.experiment.add_histogram("logits", sample, self.current_epoch)
""", [], [], None),
    Fact("lightning_callback_hook", """\
import torch
from lightning.pytorch.callbacks import Callback


class ReconstructionLogger(Callback):
    def on_validation_batch_end(self, trainer, pl_module, outputs, batch, batch_idx, dataloader_idx=0):
        x, _ = batch
        pl_module.eval()
        reconstruction = pl_module(x)
        trainer.logger.experiment.add_images("reconstruction", reconstruction, trainer.global_step)
""", [], []),  # a class with a base: Lightning's hook names are trusted even when the base is unknown
    Fact("lightning_prediction_writer", """\
import torch
from lightning.pytorch.callbacks import BasePredictionWriter


class EmbeddingWriter(BasePredictionWriter):
    def __init__(self, encoder, output_dir):
        super().__init__(write_interval="batch")
        self.encoder = encoder
        self.output_dir = output_dir

    def write_on_batch_end(self, trainer, pl_module, prediction, batch_indices, batch, batch_idx, dataloader_idx):
        self.encoder.eval()
        embedding = self.encoder(batch)
        torch.save(embedding, f"{self.output_dir}/{batch_idx}.pt")
""", [], [("NG101", 13, 21)]),
    Fact("torchtnt_eval_unit", """\
import torch
from torchtnt.framework.unit import EvalUnit


class ClassifierEval(EvalUnit):
    def __init__(self, module):
        super().__init__()
        self.module = module
        self.correct = 0

    def eval_step(self, state, data):
        inputs, targets = data
        self.module.eval()
        outputs = self.module(inputs)
        self.correct += (outputs.argmax(1) == targets).sum().item()
""", [], [("NG101", 14, 19)]),
    Fact("torchtnt_auto_unit", """\
import torch
from torchtnt.framework import AutoUnit


class SegmentationUnit(AutoUnit):
    def compute_loss(self, state, data):
        inputs, targets = data
        outputs = self.module(inputs)
        return torch.nn.functional.cross_entropy(outputs, targets), outputs

    def on_eval_step_end(self, state, data, step, loss, outputs):
        inputs, _ = data
        self.module.eval()
        flipped = self.module(inputs.flip(-1))
        self.metric.update(flipped.argmax(1))
""", [], [("NG101", 14, 19)]),
    Fact("torchtnt_callback", """\
import torch
from torchtnt.framework.callback import Callback


class SampleLogger(Callback):
    def __init__(self, model, probe):
        self.model = model
        self.probe = probe

    def on_eval_end(self, state, unit):
        self.model.eval()
        preds = self.model(self.probe)
        print(preds.argmax(1).tolist())
""", [], [("NG101", 12, 17)]),
    Fact("ignite_metric_update", """\
import torch
from ignite.metrics import Metric


class FeatureDistance(Metric):
    def __init__(self, feature_model, output_transform=lambda x: x):
        self.feature_model = feature_model
        super().__init__(output_transform=output_transform)

    def reset(self):
        self._total = 0.0

    def update(self, output):
        y_pred, y = output
        self.feature_model.eval()
        distance = (self.feature_model(y_pred) - self.feature_model(y)).norm()
        self._total += distance.item()

    def compute(self):
        return self._total
""", [], [("NG101", 16, 21)]),
    # Ignite calls an Engine's process function as it is (ignite/engine/engine.py:1269): no wrapping.
    Fact("ignite_custom_engine_function", """\
import torch
from ignite.engine import Engine


def build_evaluator(model):
    def evaluation_step(engine, batch):
        model.eval()
        x, y = batch
        y_pred = model(x)
        return y_pred, y

    return Engine(evaluation_step)
""", [("NG101", 9, 18)], [("NG101", 9, 18)]),
    Fact("fastai_callback_after_validate", """\
import torch
from fastai.callback.core import Callback


class ShowSamples(Callback):
    def __init__(self, samples):
        self.samples = samples

    def after_validate(self):
        self.learn.model.eval()
        preds = self.learn.model(self.samples)
        print(preds.argmax(dim=1).tolist())
""", [], [("NG101", 11, 17)]),
    Fact("hf_prediction_step_override", """\
import torch
from transformers import Trainer


class ContrastiveTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        outputs = model(**inputs)
        return (outputs.loss, outputs) if return_outputs else outputs.loss

    def prediction_step(self, model, inputs, prediction_loss_only, ignore_keys=None):
        inputs = self._prepare_inputs(inputs)
        outputs = model(**inputs)
        return outputs.loss.detach(), outputs.logits.detach(), inputs.get("labels")
""", [("NG101", 12, 19)], []),  # compute_loss also trains: never reported
    Fact("hf_prediction_step_guarded", """\
import torch
from transformers import Trainer


class ContrastiveTrainer(Trainer):
    def prediction_step(self, model, inputs, prediction_loss_only, ignore_keys=None):
        inputs = self._prepare_inputs(inputs)
        with torch.no_grad():
            outputs = model(**inputs)
        return outputs.loss.detach(), outputs.logits.detach(), inputs.get("labels")
""", [], []),
    Fact("hf_evaluation_loop_override", """\
import torch
from transformers.trainer import Trainer


class RankingTrainer(Trainer):
    def evaluation_loop(self, dataloader, description, prediction_loss_only=None, ignore_keys=None,
                        metric_key_prefix="eval"):
        model = self.model
        scores = []
        for inputs in dataloader:
            inputs = self._prepare_inputs(inputs)
            scores.append(model(**inputs).logits.float().cpu())
        return self.compute_ranking_metrics(torch.cat(scores), metric_key_prefix)
""", [("NG101", 12, 27)], []),
    Fact("hf_trainer_callback_on_evaluate", """\
import torch
from transformers import TrainerCallback


class SampleCallback(TrainerCallback):
    def __init__(self, probe):
        self.probe = probe

    def on_evaluate(self, args, state, control, **kwargs):
        model = kwargs["model"]
        logits = model(**self.probe).logits
        print(logits.argmax(-1).tolist())
""", [("NG101", 11, 18)], []),
    Fact("trl_prediction_step_override", """\
import torch
from trl import SFTTrainer


class MaskedSFTTrainer(SFTTrainer):
    def prediction_step(self, model, inputs, prediction_loss_only, ignore_keys=None):
        outputs = model(**inputs)
        return outputs.loss.detach(), None, None
""", [("NG101", 7, 19)], []),
    Fact("sentence_transformers_trainer_override", """\
import torch
from sentence_transformers import SentenceTransformerTrainer


class PairTrainer(SentenceTransformerTrainer):
    def prediction_step(self, model, inputs, prediction_loss_only, ignore_keys=None):
        features = self.collect_features(inputs)
        embeddings = [model(feature)["sentence_embedding"] for feature in features]
        return torch.nn.functional.cosine_similarity(*embeddings).mean().detach(), None, None
""", [("NG101", 8, 23)], []),
    # `encode` is @torch.inference_mode() (sentence_transformer/model.py:751) and is no forward call.
    Fact("sentence_transformers_encode", """\
import torch
from sentence_transformers import SentenceTransformer

encoder_model = SentenceTransformer("all-MiniLM-L6-v2")


def evaluate_retrieval(queries, corpus):
    query_embeddings = encoder_model.encode(queries, convert_to_tensor=True)
    corpus_embeddings = encoder_model.encode(corpus, convert_to_tensor=True)
    return (query_embeddings @ corpus_embeddings.T).argmax(dim=1).tolist()
""", [], []),
    Fact("monai_eval_mode", """\
import torch
from monai.networks import eval_mode


def validate(net, val_loader):
    scores = []
    with eval_mode(net):
        for images, labels in val_loader:
            scores.append((net(images).argmax(1) == labels).float().mean().item())
    return sum(scores) / len(scores)
""", [], [("NG101", 9, 28)]),
    Fact("ultralytics_smart_inference_mode", """\
import torch
from ultralytics.utils.torch_utils import smart_inference_mode


@smart_inference_mode()
def predict_batch(model, images):
    model.eval()
    return model(images).argmax(1).tolist()
""", [], [("NG101", 8, 12)]),
    Fact("ultralytics_yolo_instance", """\
import torch
from ultralytics import YOLO

detector = YOLO("yolov8n.pt")


def inference(images):
    detector.eval()
    return [detector(image)[0].boxes.xyxy.tolist() for image in images]
""", [], [("NG101", 9, 13)]),
    # Calling the result of a call is never read as a forward pass, whatever the class.
    Fact("ultralytics_yolo_called_directly", """\
import torch
from ultralytics import YOLO


def inference(image):
    return YOLO("yolov8n.pt")(image)
""", [], []),
    Fact("ultralytics_predictor_override", """\
import torch
from ultralytics.models.yolo.detect import DetectionPredictor


class TTAPredictor(DetectionPredictor):
    def inference(self, im, *args, **kwargs):
        self.model.eval()
        flipped = self.model(im.flip(-1), *args, **kwargs)
        return self.model(im, *args, **kwargs), flipped
""", [], [("NG101", 8, 19)]),
    Fact("transformers_pipeline_instance", """\
import torch
from transformers import pipeline

classifier_model = pipeline("sentiment-analysis")


def predict_sentiment(texts):
    return [result["label"] for result in classifier_model(texts)]
""", [], [("NG101", 8, 43)], LOW),
    Fact("transformers_pipeline_forward", """\
import torch
from transformers import Pipeline


class EmbeddingPipeline(Pipeline):
    def _sanitize_parameters(self, **kwargs):
        return {}, {}, {}

    def preprocess(self, text):
        return self.tokenizer(text, return_tensors="pt")

    def _forward(self, model_inputs):
        self.model.eval()
        return self.model(**model_inputs).last_hidden_state.mean(dim=1)

    def postprocess(self, embedding):
        return embedding.tolist()
""", [], [("NG101", 14, 16)], LOW),
    Fact("avalanche_plugin", """\
import torch
from avalanche.core import SupervisedPlugin


class TeacherAgreement(SupervisedPlugin):
    def __init__(self, teacher):
        super().__init__()
        self.teacher = teacher
        self.agreement = []

    def after_eval_forward(self, strategy, **kwargs):
        self.teacher.eval()
        teacher_preds = self.teacher(strategy.mb_x).argmax(1)
        self.agreement.append((teacher_preds == strategy.mb_output.argmax(1)).float().mean().item())
""", [], [("NG101", 13, 25)]),
    Fact("pyro_predictive", """\
import torch
from pyro.infer import Predictive


def predict_posterior(model, guide, x_test):
    predictive_model = Predictive(model, guide=guide, num_samples=500)
    return predictive_model(x_test)["obs"].mean(0).tolist()
""", [], []),  # without pyro only names say `predictive_model` is a model: low confidence, not shown
]


@pytest.mark.parametrize("fact", FACTS, ids=[f.id for f in FACTS])
def test_fact(fact):
    assert findings(fact.source, fact.settings) == fact.expected


@pytest.mark.parametrize("fact", FACTS, ids=[f.id for f in FACTS])
def test_fact_control(fact):
    assert findings(unknown_library(fact.source), fact.settings) == fact.control


# -- Lightning: hook names -------------------------------------------------------------------------

# The hooks Lightning 2.6.6 declares (core/hooks.py:50-257, core/module.py:766-930,
# callbacks/callback.py:124-226) that run inside the evaluation and prediction loops, and the
# Lightning 1.x names (pytorch_lightning 1.9.5) that were removed in 2.0.
LIGHTNING_HOOKS_WITHOUT_GRAD = [
    "validation_step", "test_step", "predict_step",
    "validation_step_end", "test_step_end", "validation_epoch_end", "test_epoch_end",
    "on_validation_start", "on_validation_end", "on_test_start", "on_test_end", "on_predict_start",
    "on_predict_end", "on_validation_batch_start", "on_validation_batch_end", "on_test_batch_start",
    "on_test_batch_end", "on_predict_batch_start", "on_predict_batch_end", "on_validation_model_eval",
    "on_validation_model_train", "on_test_model_eval", "on_test_model_train", "on_predict_model_eval",
    "on_validation_epoch_start", "on_validation_epoch_end", "on_test_epoch_start", "on_test_epoch_end",
    "on_predict_epoch_start", "on_predict_epoch_end",
]


def hooks_source(methods, import_line: str = "import math", base: str = "object") -> tuple[str, dict]:
    """A class whose methods each evaluate a model, and the finding each would give if judged."""
    lines = ["import torch", import_line, "", "", f"class Probe({base}):"]
    forward = {}
    for method in methods:
        lines += [f"    def {method}(self, *args, **kwargs):", "        self.model.eval()"]
        forward[method] = ("NG101", len(lines) + 1, 18)
        lines += ["        scores = self.model(self.probe)", "        print(scores.argmax(1).tolist())", ""]
    return "\n".join(lines), forward


def is_lightning_name(method: str) -> bool:
    return method in knowledge.HOOKS_WITHOUT_GRAD or bool(knowledge.HOOK_WITHOUT_GRAD_PATTERN.match(method))


def test_lightning_hooks_in_lightning_module():
    source, _ = hooks_source(LIGHTNING_HOOKS_WITHOUT_GRAD, "import lightning.pytorch as pl", "pl.LightningModule")
    assert findings(source) == []


def test_lightning_hooks_in_callback():
    source, _ = hooks_source(LIGHTNING_HOOKS_WITHOUT_GRAD, "from pytorch_lightning import Callback", "Callback")
    assert findings(source) == []


def test_lightning_hook_names_on_plain_class_are_plain_methods():
    source, forward = hooks_source(LIGHTNING_HOOKS_WITHOUT_GRAD)
    # `test_step` of a class that is no test class (and no LightningModule) is a plain method too
    assert findings(source) == [forward[m] for m in LIGHTNING_HOOKS_WITHOUT_GRAD]


def test_lightning_hook_table_matches_the_list():
    assert all(is_lightning_name(method) for method in LIGHTNING_HOOKS_WITHOUT_GRAD)
    assert knowledge.HOOKS_WITHOUT_GRAD <= set(LIGHTNING_HOOKS_WITHOUT_GRAD)


def test_lightning_zero_grad_hook_runs_with_gradients():
    """The training loop calls it before entering the validation loop (training_epoch_loop.py:404)."""
    source, forward = hooks_source(["on_validation_model_zero_grad"], "import lightning.pytorch as pl",
                                   "pl.LightningModule")
    assert findings(source) == [forward["on_validation_model_zero_grad"]]


# -- every entry of every table --------------------------------------------------------------------

def import_line(qualified: str) -> tuple[str, str]:
    module, _, name = qualified.rpartition(".")
    return f"from {module} import {name}", name


@pytest.mark.parametrize("base", sorted(knowledge.FRAMEWORK_HOOKS))
def test_framework_hooks(base):
    line, name = import_line(base)
    methods = sorted(knowledge.FRAMEWORK_HOOKS[base])
    source, _ = hooks_source(methods, line, name)
    assert findings(source) == []
    # Lightning's names are trusted in any class with a base: TorchTNT's predict hooks share them.
    control, forward = hooks_source(methods, "from mylib import Base", "Base")
    assert findings(control) == [forward[m] for m in methods if not is_lightning_name(m)]


def overrides_source(methods, import_line: str, base: str, guarded: bool = False) -> tuple[str, list]:
    """A class overriding each method with a forward pass whose output it returns, and the findings
    each unguarded override gives."""
    lines = ["import torch", import_line, "", "", f"class Custom({base}):"]
    expected = []
    for method in methods:
        lines.append(f"    def {method}(self, model, inputs, *args, **kwargs):")
        if guarded:
            lines += ["        with torch.no_grad():", "            return model(**inputs)", ""]
        else:
            expected.append(("NG101", len(lines) + 1, 16))
            lines += ["        return model(**inputs)", ""]
    return "\n".join(lines), expected


OVERRIDDEN = [base
              for base, methods in sorted(knowledge.HOOKS_WITH_GRAD.items())]


@pytest.mark.parametrize("base", OVERRIDDEN)
def test_overrides_must_disable_gradients(base):
    line, name = import_line(base)
    methods = sorted(knowledge.HOOKS_WITH_GRAD[base])
    source, expected = overrides_source(methods, line, name)
    assert findings(source) == expected
    assert findings(overrides_source(methods, line, name, guarded=True)[0]) == []
    # Without the base class, a forward pass whose output is returned is only a guess.
    assert findings(overrides_source(methods, "from mylib import Base", "Base")[0]) == []


# How each grad-disabling callable is used: as a context manager, a decorator factory, a decorator.
DISABLER_USAGE = {
    "monai.networks.utils.eval_mode": "with",
    "monai.networks.eval_mode": "with",
    "ultralytics.utils.torch_utils.smart_inference_mode": "decorator_factory",
    "lightning.pytorch.loops.utilities._no_grad_context": "decorator",
    "pytorch_lightning.loops.utilities._no_grad_context": "decorator",
}


def disabler_source(qualified: str) -> str:
    line, name = import_line(qualified)
    usage = DISABLER_USAGE[qualified]
    body = "    {0}model.eval()\n    {0}return model(images).argmax(1).tolist()\n"
    if usage == "with":
        return f"{line}\n\n\ndef predict(model, images):\n    with {name}(model):\n" + body.format("    ")
    decorator = f"@{name}()" if usage == "decorator_factory" else f"@{name}"
    return f"{line}\n\n\n{decorator}\ndef predict(model, images):\n" + body.format("")


def test_every_disabler_has_a_usage():
    assert set(DISABLER_USAGE) == set(knowledge.FRAMEWORK_GRAD_DISABLERS)


@pytest.mark.parametrize("qualified", sorted(knowledge.FRAMEWORK_GRAD_DISABLERS))
def test_framework_grad_disabler(qualified):
    source = disabler_source(qualified)
    assert findings(source) == []
    column = 16 if DISABLER_USAGE[qualified] == "with" else 12
    assert findings(unknown_library(source)) == [("NG101", 7, column)]


MODEL_TEMPLATE = """\
{import_line}

detector = {name}("weights")


def run_inference(images):
    detector.eval()
    for image in images:
        print(detector(image))
"""


@pytest.mark.parametrize("qualified", sorted(knowledge.MODELS_WITHOUT_GRAD))
def test_model_without_grad(qualified):
    line, name = import_line(qualified)
    source = MODEL_TEMPLATE.format(import_line=line, name=name)
    assert findings(source) == []
    assert findings(unknown_library(source)) == [("NG101", 9, 15)]


CALLABLE_TEMPLATE = """\
{import_line}


def predict_fn(model, x):
    model.eval()
    return model(x).argmax(dim=1)


def build(model, data):
    return {name}(model, data, {keyword}=predict_fn)
"""
CALLABLE_PAIRS = sorted((f, k) for f, keywords in knowledge.CALLABLE_ARGUMENTS_WITHOUT_GRAD.items() for k in keywords)


@pytest.mark.parametrize("qualified,keyword", CALLABLE_PAIRS)
def test_function_passed_to_a_framework_that_disables_gradients(qualified, keyword):
    line, name = import_line(qualified)
    assert findings(CALLABLE_TEMPLATE.format(import_line=line, name=name, keyword=keyword)) == []


def test_function_passed_to_an_unknown_callable_is_judged():
    source = CALLABLE_TEMPLATE.format(import_line="from mylib import build_evaluator", name="build_evaluator",
                                      keyword="model_fn")
    assert findings(source) == [("NG101", 6, 12)]
