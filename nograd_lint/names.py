"""What the tool knows about torch and frameworks, kept as data.

Everything name-based that the analysis and the rules rely on lives here, so that a new alias, a
new framework hook or a new evaluation word is a one-line change.
"""
from __future__ import annotations

import enum
import re


class GradContext(str, enum.Enum):
    """The torch callables that change the gradient mode."""

    NO_GRAD = "no_grad"
    ENABLE_GRAD = "enable_grad"
    INFERENCE_MODE = "inference_mode"
    SET_GRAD_ENABLED = "set_grad_enabled"


# Qualified name -> which grad-mode callable it is. Every public spelling torch exposes.
GRAD_CONTEXTS: dict[str, GradContext] = {}
for _module in ("torch", "torch.autograd", "torch.autograd.grad_mode"):
    GRAD_CONTEXTS[f"{_module}.no_grad"] = GradContext.NO_GRAD
    GRAD_CONTEXTS[f"{_module}.enable_grad"] = GradContext.ENABLE_GRAD
    GRAD_CONTEXTS[f"{_module}.set_grad_enabled"] = GradContext.SET_GRAD_ENABLED
    GRAD_CONTEXTS[f"{_module}.inference_mode"] = GradContext.INFERENCE_MODE

# Framework callables that disable gradients around a block (`with eval_mode(net):`) or a function
# (`@smart_inference_mode()`), found by reading their source. The NG3 rules ignore them: they only
# judge torch's own context managers. Value: "disabled" or "inference".
FRAMEWORK_GRAD_DISABLERS: dict[str, str] = {
    "monai.networks.utils.eval_mode": "disabled",  # eval() plus torch.no_grad()
    "monai.networks.eval_mode": "disabled",
    "ultralytics.utils.torch_utils.smart_inference_mode": "inference",
}

# Model classes whose `__call__` already runs without gradients (their predict path is decorated).
MODELS_WITHOUT_GRAD = frozenset(
    {"ultralytics.YOLO", "ultralytics.YOLOWorld", "ultralytics.YOLOE", "ultralytics.RTDETR", "ultralytics.SAM",
     "ultralytics.FastSAM", "ultralytics.NAS", "ultralytics.models.YOLO", "ultralytics.models.RTDETR",
     "ultralytics.models.SAM", "ultralytics.models.FastSAM", "ultralytics.models.NAS",
     "transformers.pipeline", "transformers.pipelines.pipeline"}
)

# Functions that need a graph: calling them on outputs computed without gradients fails.
BACKWARD_FUNCTIONS = frozenset(
    {"torch.autograd.backward", "torch.autograd.grad", "torch.autograd.functional.jacobian",
     "torch.autograd.functional.hessian", "torch.autograd.functional.vjp",
     "torch.autograd.functional.jvp", "torch.autograd.functional.hvp"}
)
# Methods whose call is a backward pass on the receiver (`loss.backward()`).
BACKWARD_METHODS = frozenset({"backward"})
# `accelerator.backward(loss)`, `fabric.backward(loss)`, `manual_backward(loss)`: a backward of the argument.
BACKWARD_ARGUMENT_METHODS = frozenset({"backward", "manual_backward"})

# Optimizer calls that make a function a training step.
OPTIMIZER_METHODS = frozenset({"step", "zero_grad"})
OPTIMIZER_RECEIVER = re.compile(r"(^|_)(opt|optim|optimizer|optimiser|optimizers|solver)s?\d*(_|$)", re.I)

# Calls that show the code wants gradients on purpose (saliency maps, adversarial examples).
GRADIENT_WANTING_METHODS = frozenset({"requires_grad_", "retain_grad", "register_hook"})
GRADIENT_WANTING_KEYWORDS = frozenset({"requires_grad"})

# In-place tensor methods: on a leaf parameter outside no_grad they raise.
INPLACE_METHODS = frozenset(
    {"add_", "sub_", "mul_", "div_", "copy_", "zero_", "fill_", "clamp_", "clamp_min_",
     "clamp_max_", "addcmul_", "addcdiv_", "lerp_", "mul_", "neg_", "sqrt_", "pow_",
     "normal_", "uniform_", "masked_fill_", "index_add_", "scatter_", "exp_", "abs_", "sign_",
     "copysign_", "t_", "set_", "renorm_"}
)
# Attribute calls that give the parameters of a module.
PARAMETER_METHODS = frozenset({"parameters", "named_parameters"})

# Words in a function name that mean evaluation. Matched against the name's words
# (snake_case and camelCase are split): `evaluate_model`, `runValidation`, `test`, `predict_batch`.
EVALUATION_WORDS = frozenset(
    {"eval", "evaluate", "evaluation", "evaluator", "validate", "validation", "val", "valid",
     "test", "testing", "predict", "prediction", "predictions", "infer", "inference", "generate",
     "generation", "sample", "sampling"}
)
# Words that veto the evaluation reading of a name (`train_and_evaluate`, `test_time_augmentation`
# builders...). A function that trains is judged by what it does, not its name.
NON_EVALUATION_WORDS = frozenset({"train", "training", "fit", "backward", "optimize", "optimise"})

# Names of data loaders that feed evaluation: `val_loader`, `test_dl`, `eval_dataloader`.
EVALUATION_LOADER = re.compile(
    r"(^|_)(val|valid|validation|eval|evaluation|test|testing|holdout|dev)(_?(data)?_?(loader|dl|dataloader|iter|set|ds|dataset|batches|data))?$",
    re.I,
)

# The last word of a name that reads as a model whose call is a forward pass: `model`,
# `self.net`, `teacher_model`, `model_ema`, `net2`. Matched against the last word only, so that
# `model.named_modules` or `strategy.model_adaptation` are not forward passes.
MODEL_WORDS = frozenset(
    {"model", "net", "network", "module", "encoder", "decoder", "backbone", "classifier", "generator",
     "discriminator", "critic", "actor", "policy", "teacher", "student", "transformer", "unet", "resnet",
     "vae", "autoencoder", "detector", "segmenter", "mlp", "cnn", "rnn", "lstm", "gru", "ema", "embedder",
     "predictor", "regressor", "ddp"}
)
# Words that make a name an action on a model rather than the model (`build_model`, `get_net`).
MODEL_VERBS = frozenset(
    {"create", "build", "load", "get", "make", "init", "initialize", "setup", "set", "save", "prepare",
     "wrap", "to", "compile", "export", "freeze", "unfreeze", "copy", "print", "summarize", "register",
     "restore", "update", "reset", "is", "has", "check", "convert", "instantiate", "construct", "new",
     "fetch", "download", "named", "num", "count", "apply", "replace", "clone", "train", "eval", "test",
     "flatten", "split", "fuse", "quantize", "prune", "trace", "script", "parallelize", "shard", "patch",
     "unwrap", "extract", "find", "run", "call", "evaluate", "validate", "predict", "infer", "sample",
     "generate", "compute", "calc", "calculate", "configure", "enable", "disable", "attach", "detach",
     "merge", "unmerge", "inject", "cast", "move", "send", "broadcast", "sync", "average", "swap", "dump",
     "describe", "show", "plot", "visualize", "log", "inspect", "verify", "list", "iter", "walk",
     "traverse", "map", "filter", "deepcopy", "share", "tie", "untie", "scale", "reshape", "resize",
     "teardown", "warmup", "transform", "random", "dummy", "fake", "mock", "default", "data"}
)
# Callees that compute a loss (a scalar with a graph): `criterion(...)`, `F.cross_entropy(...)`.
LOSS_CALLEE = re.compile(r"(loss|criterion|(^|_)crit($|_)|cross_entropy|(^|_)nll|kl_div)", re.I)
# Model methods that run a forward pass.
FORWARD_METHODS = frozenset({"forward"})

# Methods that put a model in evaluation or training mode.
EVAL_METHOD = "eval"
TRAIN_METHOD = "train"

# Framework hooks that the framework already runs without gradients: a method with this name in a
# class is covered. Lightning runs its evaluation loops under no_grad/inference_mode.
HOOKS_WITHOUT_GRAD = frozenset(
    {"validation_step", "test_step", "predict_step", "validation_step_end", "test_step_end",
     "validation_epoch_end", "test_epoch_end"}
)
# Hooks of other frameworks, by the base class that makes them hooks (found in their sources):
# TorchTNT runs `EvalUnit.eval_step` and `PredictUnit.predict_step` under inference mode.
FRAMEWORK_HOOKS: dict[str, frozenset[str]] = {
    "torchtnt.framework.unit.EvalUnit": frozenset({"eval_step", "on_eval_step_end"}),
    "torchtnt.framework.EvalUnit": frozenset({"eval_step", "on_eval_step_end"}),
    "torchtnt.framework.unit.PredictUnit": frozenset({"predict_step"}),
    "torchtnt.framework.PredictUnit": frozenset({"predict_step"}),
}
# Base classes whose subclasses' methods are plain methods, not hooks a framework calls.
PLAIN_BASES = frozenset({"object", "torch.nn.Module", "nn.Module", "torch.nn.modules.module.Module", "Module",
                         "ABC", "abc.ABC", "typing.Generic", "Generic"})
# Methods a framework calls WITH gradients on, so an override must disable them itself: a Hugging
# Face `Trainer.prediction_step` override replaces the one that wraps the forward in no_grad.
HOOKS_WITH_GRAD: dict[str, frozenset[str]] = {
    "transformers.Trainer": frozenset({"prediction_step"}),
    "transformers.trainer.Trainer": frozenset({"prediction_step"}),
    "transformers.Seq2SeqTrainer": frozenset({"prediction_step"}),
    "transformers.trainer_seq2seq.Seq2SeqTrainer": frozenset({"prediction_step"}),
}
# Lightning also runs every `on_validation_*`, `on_test_*` and `on_predict_*` hook inside its
# evaluation loop, which is decorated to disable gradients.
HOOK_WITHOUT_GRAD_PATTERN = re.compile(r"^on_(validation|test|predict)_\w+$")

# Calls whose results are plain Python values, not tensors that carry a graph.
PYTHON_VALUE_METHODS = frozenset(
    {"item", "tolist", "size", "numel", "dim", "ndimension", "nelement", "__len__", "keys",
     "format", "join", "items"}
)
PYTHON_VALUE_FUNCTIONS = frozenset(
    {"float", "int", "bool", "str", "len", "round", "repr", "format", "range", "abs", "divmod",
     "isinstance", "print"}
)

# Functions whose arguments are only read for display or logging.
LOGGING_FUNCTIONS = frozenset({"print", "log", "info", "debug", "warning", "write", "set_postfix",
                               "set_description", "add_scalar", "log_metrics", "log_dict"})

# pytest collects functions named like this, in files named like this.
PYTEST_FUNCTION = re.compile(r"^test_")
PYTEST_CLASS = re.compile(r"^Test")

# Text that a file must contain to be worth parsing (the cheap pre-filter).
PREFILTER_WORDS = ("torch", "grad", "eval", "backward", "inference")


def split_words(name: str) -> list[str]:
    """Split `evaluateModel`/`run_validation` into lower-case words."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [word.lower() for word in spaced.split("_") if word]


def looks_like_model(dotted: str) -> bool:
    """`model`, `self.net`, `teacher_model`: a name whose call reads as a forward pass."""
    last = dotted.rpartition(".")[2]
    if not last or last[0].isupper() or re.search(r"[A-Z][a-z]", last):
        return False  # a class (`Net`, `nnUNetPredictor`): calling it builds a model
    words = split_words(last)
    if not words or words[0] in MODEL_VERBS:
        return False
    return words[-1].rstrip("0123456789") in MODEL_WORDS
