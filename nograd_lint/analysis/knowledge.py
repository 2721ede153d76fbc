"""What the tool knows about torch and frameworks, kept as data.

Everything name-based that the analysis and the rules rely on lives here, so that a new alias, a
new framework hook or a new evaluation word is a one-line change.
"""
from __future__ import annotations

import enum
import functools
import os
import re
from typing import Sequence

from .tensor_api import TENSOR_METHODS


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

# Compilers of a function or module: what they return runs it in the grad mode of whoever calls
# it (`self.step = torch.compile(self.step)` keeps the method's callers its callers).
COMPILERS = frozenset({"torch.compile"})

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
# learn2learn's `MAML.adapt(loss)` / `MetaSGD.adapt(loss)`: a gradient step of a cloned learner,
# `torch.autograd.grad` of the loss it is given (read so in modules that import learn2learn).
META_LEARNING_PACKAGE = "learn2learn"
META_LEARNING_ADAPT = "adapt"

# Optimizer calls that make a function a training step.
OPTIMIZER_METHODS = frozenset({"step", "zero_grad"})
OPTIMIZER_RECEIVER = re.compile(r"(^|_)(opt|optim|optimizer|optimiser|optimizers|solver)s?\d*(_|$)", re.I)

# Calls that show the code wants gradients on purpose (saliency maps, adversarial examples).
GRADIENT_WANTING_METHODS = frozenset({"requires_grad_", "retain_grad", "register_hook"})
# Of those, the ones that only prepare for a backward pass that may never come (a hook that fires
# in it, a gradient kept by it): a callee that calls them alone (a model builder registering
# gradient all-reduce hooks) does not make its caller want gradients.
GRADIENT_HOOK_METHODS = frozenset({"retain_grad", "register_hook"})
# Registering these on a module makes its forward pass report what each layer does (a FLOP or
# parameter counter): a pass run for them alone reads nothing from the outputs.
FORWARD_HOOK_METHODS = frozenset({"register_forward_hook", "register_forward_pre_hook"})
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
# (snake_case and camelCase are split): `evaluate_model`, `runValidation`, `test`, `predict_batch`,
# `greedy_decode`, `beam_search` (decoding for outputs; `decode` alone is also a training step),
# `do_detect` (a detector run for its boxes).
EVALUATION_WORDS = frozenset(
    {"eval", "evaluate", "evaluation", "evaluator", "validate", "validation", "val", "valid",
     "test", "testing", "predict", "prediction", "predictions", "infer", "inference", "generate",
     "generation", "sample", "sampling", "greedy", "beam", "detect"}
)
# First words of a module method that runs the model for its outputs (`model.predict(x)`,
# `net.infer_batch(x)`): read as a forward pass of a module the code put in eval mode, whose
# class is not known.
INFERENCE_VERBS = frozenset({"predict", "infer", "inference", "generate", "sample", "decode", "translate",
                             "detect", "classify", "segment", "recognize", "transcribe"})
# Words that veto the evaluation reading of a name (`train_and_evaluate`, `test_time_augmentation`
# builders...). A function that trains is judged by what it does, not its name.
NON_EVALUATION_WORDS = frozenset({"train", "training", "fit", "backward", "optimize", "optimise"})

# The last word of a name that reads as a simulation environment an agent acts in (`env`,
# `self.eval_env`, `test_envs`): its `step(action)` reads the action's values and returns its
# own data (observations, rewards), no graph of the agent's.
ENVIRONMENT_NAME = re.compile(r"(^|_)(env|envs|environment|environments)$", re.I)
# Libraries whose environments return the tensordict they are given, the policy's outputs
# (with their graphs) in it: `td = env.step(policy(td))`.
TENSORDICT_PACKAGES = frozenset({"torchrl", "tensordict"})

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
# The last word of a name that reads as a data transform, not a network (`self._transform`,
# `augment`): a module of that name put in eval mode is no sign of evaluation (many have no weights).
TRANSFORM_WORDS = frozenset(
    {"transform", "transforms", "augment", "augmentation", "augmentations", "preprocess", "preprocessor",
     "postprocess", "postprocessor", "processor", "collate", "collator", "normalizer", "tokenizer"}
)
# Words that make a name an action on a model rather than the model (`build_model`, `get_net`).
# Methods of `str` that no nn.Module has: `module.startswith(prefix)` is a name, not a model.
STRING_METHODS = frozenset({
    "startswith", "endswith", "split", "rsplit", "splitlines", "strip", "lstrip", "rstrip", "lower", "upper",
    "casefold", "format", "format_map", "join", "encode", "removeprefix", "removesuffix", "partition",
    "rpartition", "rfind", "rindex", "ljust", "rjust", "center", "zfill", "expandtabs", "translate",
})
# First words of method names that keep their arguments (`gp.set_train_data(targets=y)`).
STORING_VERBS = frozenset({"set", "add", "register", "store", "put", "push", "insert", "assign"})
# First words of a module method that trains on what it is given (`net.train_step(loss, optim)`);
# not `update`, which metrics use for predictions (`accuracy.update(preds, y)`).
TRAINING_VERBS = frozenset({"train", "fit", "learn", "optimize", "optimise", "backward", "backprop", "minimize",
                            "minimise"})
MODEL_VERBS = frozenset(
    {"create", "build", "load", "get", "make", "init", "initialize", "setup", "set", "save", "prepare",
     "wrap", "to", "compile", "export", "freeze", "unfreeze", "copy", "print", "summarize", "register",
     "restore", "update", "reset", "is", "has", "check", "convert", "instantiate", "construct", "new",
     "fetch", "download", "named", "num", "count", "apply", "replace", "clone", "train", "eval", "test",
     "flatten", "split", "fuse", "quantize", "prune", "trace", "script", "parallelize", "shard", "patch",
     "unwrap", "extract", "find", "run", "call", "evaluate", "validate", "predict", "infer", "sample",
     # an inference API (`model.inference(x)`, `net.detect(img)`) may disable gradients itself: read
     # as the model's forward only on a module the code put in eval mode (see INFERENCE_VERBS)
     "generate", "inference", "detect", "classify", "segment", "recognize", "transcribe", "compute", "calc", "calculate", "configure", "enable", "disable", "attach", "detach",
     "merge", "unmerge", "inject", "cast", "move", "send", "broadcast", "sync", "average", "swap", "dump",
     "describe", "show", "plot", "visualize", "log", "inspect", "verify", "list", "iter", "walk",
     "traverse", "map", "filter", "deepcopy", "share", "tie", "untie", "scale", "reshape", "resize",
     "teardown", "warmup", "transform", "random", "dummy", "fake", "mock", "default", "data",
     "resolve", "lookup", "select", "choose", "pick", "locate", "ensure", "assign", "unwrapped",
     # input preparation a pretrained model's own code offers (`model.process_images(images, cfg)`)
     "process", "preprocess", "postprocess", "tokenize", "detokenize",
     # container methods of `nn.ModuleList`/`nn.ModuleDict`/`nn.Sequential`
     "append", "extend", "insert", "pop", "remove", "add", "keys", "values", "items", "clear", "index"}
)
# torch losses of a prediction and a target (the second positional argument, or `target=`; torch's
# signatures are checked in tests/test_torch_facts.py). Pair losses whose inputs are all trained
# (`cosine_embedding_loss`, `margin_ranking_loss`, `triplet_margin_loss`) are not among them.
TARGET_LOSS_FUNCTIONS = frozenset({
    "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "kl_div", "poisson_nll_loss", "gaussian_nll_loss", "soft_margin_loss",
    "multilabel_soft_margin_loss"})
TARGET_LOSS_CLASSES = frozenset({
    "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss",
    "KLDivLoss", "PoissonNLLLoss", "GaussianNLLLoss", "SoftMarginLoss", "MultiLabelSoftMarginLoss"})
# Target losses that do not save their target for the backward pass (they compute with
# `input - target`): an inference tensor may be their target (checked in test_torch_facts.py).
# `KLDivLoss` may be built with `log_target=True`, which does not save it either.
TARGET_NOT_SAVED = frozenset({"l1_loss", "L1Loss", "gaussian_nll_loss", "GaussianNLLLoss", "KLDivLoss"})
# Callees that compute a loss (a scalar with a graph): `criterion(...)`, `F.cross_entropy(...)`.
# The names of the project's own mode switches (`model.val_start()`, `net.set_eval_mode()`): only
# methods so named are read for whether they put their object's modules in eval mode.
EVAL_SWITCH_NAME = re.compile(r"(^|_)(eval|val|valid|validation|test|testing|infer|inference)(_|$)", re.I)
LOSS_CALLEE = re.compile(r"(loss|criterion|(^|_)crit($|_)|cross_entropy|(^|_)nll|kl_div)", re.I)
# Model methods that run a forward pass.
FORWARD_METHODS = frozenset({"forward"})

# Methods that put a model in evaluation or training mode.
EVAL_METHOD = "eval"
TRAIN_METHOD = "train"

# -- What frameworks already do about gradients ---------------------------------------------------
# Found by reading each framework's source; every entry names the file and line that shows it
# (paths inside the package, as released: lightning 2.6.6, pytorch-lightning 1.9.5, pytorch-ignite
# 0.5.5, monai 1.6.1, torchtnt 0.2.4, fastai 2.8.12, transformers 4.57.1, trl 1.16.0,
# sentence-transformers 6.2.0, ultralytics 8.4.190, avalanche-lib 0.6.0, pyro-ppl 1.9.2).
# docs/frameworks.md has the table, and what each framework leaves to the user.

# Framework callables that disable gradients around a block (`with eval_mode(net):`) or a function
# (`@smart_inference_mode()`). The NG3 rules ignore them: they only judge torch's own context
# managers. Value: "disabled" or "inference".
FRAMEWORK_GRAD_DISABLERS: dict[str, str] = {
    # monai/networks/utils.py:454-481: @contextmanager, sets eval() and yields inside `with torch.no_grad()`
    "monai.networks.utils.eval_mode": "disabled",
    "monai.networks.eval_mode": "disabled",  # monai/networks/__init__.py:21 re-exports it
    # ultralytics/utils/torch_utils.py:89-109: decorates with torch.inference_mode (`mode=False`: no_grad)
    "ultralytics.utils.torch_utils.smart_inference_mode": "inference",
    # lightning/pytorch/loops/utilities.py:157-180: runs a loop's `run` under inference_mode or no_grad
    "lightning.pytorch.loops.utilities._no_grad_context": "disabled",
    "pytorch_lightning.loops.utilities._no_grad_context": "disabled",
}

# Model classes whose instances, when called, already run without gradients.
MODELS_WITHOUT_GRAD = frozenset(
    # ultralytics/engine/model.py:143-171 `Model.__call__` -> `predict` (:491-568) -> the predictor's
    # `stream_inference`, decorated @smart_inference_mode() (ultralytics/engine/predictor.py:320).
    {f"{module}.{model}"
     for module in ("ultralytics", "ultralytics.models")
     for model in ("YOLO", "YOLOWorld", "YOLOE", "RTDETR", "SAM", "FastSAM", "NAS")}
    | {"ultralytics.models.yolo.YOLO", "ultralytics.models.yolo.YOLOWorld", "ultralytics.models.yolo.YOLOE",
       "ultralytics.models.yolo.model.YOLO", "ultralytics.models.yolo.model.YOLOWorld",
       "ultralytics.models.yolo.model.YOLOE", "ultralytics.models.rtdetr.RTDETR", "ultralytics.models.sam.SAM",
       "ultralytics.models.fastsam.FastSAM", "ultralytics.models.nas.NAS"}
    # transformers/pipelines/base.py:1365-1374: `Pipeline.forward` runs `_forward` inside
    # `get_inference_context()` (torch.no_grad, :1362); `__call__` (:1405) reaches it through `run_single`.
    | {"transformers.pipeline", "transformers.pipelines.pipeline"}
    # pyro/infer/predictive.py:89: `_predictive` wraps the model (and guide, :272) in torch.no_grad();
    # `Predictive.forward` (:254) calls it.
    | {"pyro.infer.Predictive", "pyro.infer.predictive.Predictive"}
)

# Lightning hooks that run without gradients: a method with this name in a class with a base class
# (a LightningModule or Callback, maybe defined elsewhere) is covered.
# lightning/pytorch/loops/evaluation_loop.py:119 and prediction_loop.py:103: `run()` is
# @_no_grad_context (loops/utilities.py:157: inference_mode, or no_grad on gloo/XLA/FSDP); the steps
# go through strategies/strategy.py:401-438. pytorch_lightning 1.9.5: trainer.py:1225/1243/1275 and
# loops/epoch/training_epoch_loop.py:307 run the loops under _evaluation_context/no_grad; the `*_end`
# hooks are called in loops/epoch/evaluation_epoch_loop.py:240 and loops/dataloader/evaluation_loop.py:287.
HOOKS_WITHOUT_GRAD = frozenset(
    {"validation_step", "test_step", "predict_step", "validation_step_end", "test_step_end",
     "validation_epoch_end", "test_epoch_end"}
)
# Every `on_validation_*`, `on_test_*`, `on_predict_*` hook, of LightningModules and Callbacks alike
# (evaluation_loop.py:329-379 and :428-456, prediction_loop.py:244-269 and :341-386 call
# `_call_callback_hooks` and `_call_lightning_module_hook` inside `run()`), except
# `on_validation_model_zero_grad`: the training loop calls it before `val_loop.run()`, with
# gradients on (loops/training_epoch_loop.py:404).
HOOK_WITHOUT_GRAD_PATTERN = re.compile(r"^on_(validation|test|predict)_(?!model_zero_grad$)\w+$")

# Hooks of other frameworks, by the base class that makes them hooks: base class qualified name (as
# imported) -> the methods the framework runs without gradients.
_TNT_EVAL = frozenset({"eval_step", "on_eval_start", "on_eval_epoch_start", "on_eval_epoch_end", "on_eval_end",
                       "get_next_eval_batch"})
_TNT_PREDICT = frozenset({"predict_step", "on_predict_start", "on_predict_epoch_start", "on_predict_epoch_end",
                          "on_predict_end", "get_next_predict_batch"})
_TNT_CALLBACK = frozenset(
    {f"on_{phase}_{event}" for phase in ("eval", "predict")
     for event in ("start", "epoch_start", "get_next_batch_end", "step_start", "step_end", "epoch_end", "end")}
)
_FASTAI_CALLBACK = frozenset({"before_validate", "after_validate", "after_cancel_validate"})
_ULTRALYTICS_PREDICTOR = frozenset({"preprocess", "pre_transform", "inference", "postprocess", "write_results"})
_ULTRALYTICS_VALIDATOR = frozenset(
    {"preprocess", "postprocess", "init_metrics", "update_metrics", "match_predictions", "finalize_metrics",
     "gather_stats", "get_stats", "print_results", "plot_val_samples", "plot_predictions", "pred_to_json",
     "eval_json"}
)
_AVALANCHE_PLUGIN = frozenset(
    {f"{when}_eval{what}" for when in ("before", "after")
     for what in ("", "_exp", "_iteration", "_forward", "_dataset_adaptation")}
)
_AVALANCHE_TEMPLATE = frozenset(
    {"eval_epoch", "_eval_exp", "eval_dataset_adaptation"}
    | {f"_{when}_eval{what}" for when in ("before", "after")
       for what in ("", "_exp", "_iteration", "_forward", "_dataset_adaptation")}
)
FRAMEWORK_HOOKS: dict[str, frozenset[str]] = {
    # torchtnt/framework/evaluate.py:106: `_evaluate_impl` is @torch.no_grad() and calls the unit's
    # hooks and eval_step (:125-182); fit runs evaluation through it too (framework/train.py:228, :262).
    "torchtnt.framework.unit.EvalUnit": _TNT_EVAL,
    "torchtnt.framework.EvalUnit": _TNT_EVAL,
    # torchtnt/framework/predict.py:106: `_predict_impl` is @torch.inference_mode().
    "torchtnt.framework.unit.PredictUnit": _TNT_PREDICT,
    "torchtnt.framework.PredictUnit": _TNT_PREDICT,
    # torchtnt/framework/auto_unit.py:379: AutoUnit is an EvalUnit and a PredictUnit; its eval_step
    # (:664) and predict_step (:701) call on_eval_step_end/on_predict_step_end; `compute_loss` also
    # serves train_step (:564), so it is not a hook.
    "torchtnt.framework.auto_unit.AutoUnit": _TNT_EVAL | _TNT_PREDICT | {"on_eval_step_end", "on_predict_step_end"},
    "torchtnt.framework.AutoUnit": _TNT_EVAL | _TNT_PREDICT | {"on_eval_step_end", "on_predict_step_end"},
    # torchtnt/framework/auto_unit.py:281, :332-349.
    "torchtnt.framework.auto_unit.AutoPredictUnit": _TNT_PREDICT | {"on_predict_step_end"},
    "torchtnt.framework.AutoPredictUnit": _TNT_PREDICT | {"on_predict_step_end"},
    # torchtnt/framework/callback.py:100-152, called by the handler inside _evaluate_impl/_predict_impl.
    "torchtnt.framework.callback.Callback": _TNT_CALLBACK,
    "torchtnt.framework.Callback": _TNT_CALLBACK,
    # lightning/pytorch/callbacks/prediction_writer.py:144-163: called from on_predict_batch_end and
    # on_predict_epoch_end, inside the prediction loop's run().
    "lightning.pytorch.callbacks.BasePredictionWriter": frozenset({"write_on_batch_end", "write_on_epoch_end"}),
    "pytorch_lightning.callbacks.BasePredictionWriter": frozenset({"write_on_batch_end", "write_on_epoch_end"}),
    # ignite/metrics/metric.py:439: `iteration_completed` is @torch.no_grad() and calls `update` (:485-487).
    "ignite.metrics.Metric": frozenset({"update"}),
    "ignite.metrics.metric.Metric": frozenset({"update"}),
    # fastai/learner.py:253: `_do_epoch_validate` runs `_with_events(all_batches, 'validate')` in
    # torch.no_grad(); the batch events (before_batch, after_pred...) also run in training, with grad.
    "fastai.callback.core.Callback": _FASTAI_CALLBACK,
    "fastai.learner.Callback": _FASTAI_CALLBACK,
    "fastai.basics.Callback": _FASTAI_CALLBACK,
    "fastai.callback.all.Callback": _FASTAI_CALLBACK,
    # transformers/pipelines/base.py:1365-1374: `_forward` runs inside `get_inference_context()`.
    "transformers.Pipeline": frozenset({"_forward"}),
    "transformers.pipelines.Pipeline": frozenset({"_forward"}),
    "transformers.pipelines.base.Pipeline": frozenset({"_forward"}),
    # avalanche/training/templates/base.py:176 and base_sgd.py:216: `eval` is @torch.no_grad(); it
    # runs the template's eval hooks (base_sgd.py:267-278) and the plugins' (avalanche/core.py:203-314).
    **{f"avalanche.core.{plugin}": _AVALANCHE_PLUGIN for plugin in ("BasePlugin", "BaseSGDPlugin", "SupervisedPlugin")},
    "avalanche.training.plugins.SupervisedPlugin": _AVALANCHE_PLUGIN,
    **{f"avalanche.training.templates.{template}": _AVALANCHE_TEMPLATE
       for template in ("BaseTemplate", "BaseSGDTemplate", "SupervisedTemplate")},
}
# A ComfyUI node: a class whose `FUNCTION = "name"` names the method the graph executor runs, with
# the inputs its `INPUT_TYPES` classmethod declares. execution.py `PromptExecutor.execute` runs the
# whole prompt, every node's method through `get_output_data`/`map_node_over_list`, inside
# `torch.inference_mode()`. Nodes are found by that shape, not by a base class (they have none).
COMFY_NODE_FUNCTION = "FUNCTION"
COMFY_NODE_INPUTS = "INPUT_TYPES"
# ultralytics/engine/predictor.py:320: `stream_inference` is @smart_inference_mode() and calls
# preprocess/pre_transform/inference/postprocess/write_results (:382-418); engine/validator.py:151:
# `BaseValidator.__call__` is @smart_inference_mode() and calls the validator methods (:255-290).
_ULTRALYTICS_TASKS = {"detect": "Detection", "segment": "Segmentation", "pose": "Pose", "classify": "Classification",
                      "obb": "OBB"}
FRAMEWORK_HOOKS.update(
    {"ultralytics.engine.predictor.BasePredictor": _ULTRALYTICS_PREDICTOR,
     "ultralytics.engine.validator.BaseValidator": _ULTRALYTICS_VALIDATOR}
)
for _task, _name in _ULTRALYTICS_TASKS.items():
    for _module in (f"ultralytics.models.yolo.{_task}", f"ultralytics.models.yolo.{_task}.predict"):
        FRAMEWORK_HOOKS[f"{_module}.{_name}Predictor"] = _ULTRALYTICS_PREDICTOR
    for _module in (f"ultralytics.models.yolo.{_task}", f"ultralytics.models.yolo.{_task}.val"):
        FRAMEWORK_HOOKS[f"{_module}.{_name}Validator"] = _ULTRALYTICS_VALIDATOR

# Base classes whose subclasses' methods are plain methods, not hooks a framework calls.
PLAIN_BASES = frozenset({"object", "torch.nn.Module", "nn.Module", "torch.nn.modules.module.Module", "Module",
                         "ABC", "abc.ABC", "typing.Generic", "Generic"})

# Methods a framework calls WITH gradients on, that users override to evaluate: an override must
# disable gradients itself. Base class qualified name -> method names.
# transformers/trainer.py:4421 `evaluate` -> `evaluation_loop` (:4589) -> `self.prediction_step(...)`
# (:4685, legacy `prediction_loop` :5299), none under a grad context; only the default
# `prediction_step` wraps the forward in torch.no_grad() (:4878). `compute_loss` is not listed: it
# runs in training (:4020) and, inside that no_grad, in evaluation (:4902).
_TRAINER_EVALUATION = frozenset({"prediction_step", "evaluation_loop", "prediction_loop", "evaluate", "predict"})
HOOKS_WITH_GRAD: dict[str, frozenset[str]] = {
    "transformers.Trainer": _TRAINER_EVALUATION,
    "transformers.trainer.Trainer": _TRAINER_EVALUATION,
    # transformers/trainer_seq2seq.py:257: its prediction_step guards its own forward (:343);
    # generate() is @torch.no_grad() (generation/utils.py:2233).
    "transformers.Seq2SeqTrainer": _TRAINER_EVALUATION,
    "transformers.trainer_seq2seq.Seq2SeqTrainer": _TRAINER_EVALUATION,
    # transformers/trainer.py:4519, :4584, :4718: on_evaluate, on_predict and on_prediction_step are
    # called from evaluate/predict/evaluation_loop, with gradients on.
    "transformers.TrainerCallback": frozenset({"on_evaluate", "on_predict", "on_prediction_step"}),
    "transformers.trainer_callback.TrainerCallback": frozenset({"on_evaluate", "on_predict", "on_prediction_step"}),
}
# trl/trainer/base_trainer.py:64: every trl trainer is a transformers Trainer; SFTTrainer
# (sft_trainer.py:1681), DPOTrainer (dpo_trainer.py:1714), GRPOTrainer (grpo_trainer.py:3296),
# KTOTrainer (kto_trainer.py:1665), RLOOTrainer (rloo_trainer.py:1865) wrap their own
# prediction_step in torch.no_grad(); RewardTrainer keeps Trainer's.
for _trainer in ("SFTTrainer", "DPOTrainer", "GRPOTrainer", "KTOTrainer", "RLOOTrainer", "RewardTrainer"):
    HOOKS_WITH_GRAD[f"trl.{_trainer}"] = _TRAINER_EVALUATION
    HOOKS_WITH_GRAD[f"trl.trainer.{_trainer}"] = _TRAINER_EVALUATION
# sentence_transformers/base/trainer.py:89: `BaseTrainer(Trainer)` keeps Trainer's prediction_step;
# its evaluation_loop (:640) calls the evaluator (:677) with gradients on.
for _module, _trainer in (("sentence_transformers", "SentenceTransformerTrainer"),
                          ("sentence_transformers.trainer", "SentenceTransformerTrainer"),
                          ("sentence_transformers.sentence_transformer.trainer", "SentenceTransformerTrainer"),
                          ("sentence_transformers.cross_encoder", "CrossEncoderTrainer"),
                          ("sentence_transformers.sparse_encoder", "SparseEncoderTrainer")):
    HOOKS_WITH_GRAD[f"{_module}.{_trainer}"] = _TRAINER_EVALUATION
# sentence_transformers/base/evaluation/evaluator.py:27 (`SentenceEvaluator = BaseEvaluator`, :101):
# custom evaluators implement `__call__`; the trainer calls it with gradients on (base/trainer.py:677,
# util/distributed.py:196 does not change them), which is why label_accuracy.py:74 guards its own
# forward. `model.encode` is @torch.inference_mode() (sentence_transformer/model.py:751). Not read
# yet: the analysis skips every `__call__` (see docs/frameworks.md).
for _evaluator in ("sentence_transformers.evaluation.SentenceEvaluator",
                   "sentence_transformers.evaluation.SentenceEvaluator.SentenceEvaluator",
                   "sentence_transformers.base.evaluation.SentenceEvaluator",
                   "sentence_transformers.base.evaluation.BaseEvaluator",
                   "sentence_transformers.sentence_transformer.evaluation.SentenceEvaluator"):
    HOOKS_WITH_GRAD[_evaluator] = frozenset({"__call__"})

# Callables that run a function passed to them without gradients: qualified name -> the keyword
# arguments that name it. Not read by the analysis yet (see docs/frameworks.md): a function defined
# in the module and passed here could start in the disabled mode.
CALLABLE_ARGUMENTS_WITHOUT_GRAD: dict[str, frozenset[str]] = {
    # ignite/engine/__init__.py:685-691 (:747-754 with amp): evaluate_step runs prepare_batch,
    # model_fn, model_transform and output_transform inside torch.no_grad().
    "ignite.engine.create_supervised_evaluator": frozenset({"prepare_batch", "model_fn", "model_transform",
                                                            "output_transform"}),
    # peft/tuners/lora/corda.py:56: @torch.no_grad(); run_model() runs in calib_cov_distribution (:122, :204).
    "peft.tuners.lora.corda.preprocess_corda": frozenset({"run_model"}),
    # peft/tuners/lora/eva.py:556 and :654: @torch.no_grad(); forward_fn runs at :375/:449.
    "peft.get_eva_state_dict": frozenset({"forward_fn"}),
    "peft.initialize_lora_eva_weights": frozenset({"forward_fn"}),
    "peft.tuners.lora.eva.get_eva_state_dict": frozenset({"forward_fn"}),
    "peft.tuners.lora.eva.initialize_lora_eva_weights": frozenset({"forward_fn"}),
}

# Calls whose results are plain Python values, not tensors that carry a graph.
PYTHON_VALUE_METHODS = frozenset(
    {"item", "tolist", "size", "numel", "dim", "ndimension", "nelement", "__len__", "keys",
     "format", "join", "items"}
)
PYTHON_VALUE_FUNCTIONS = frozenset(
    {"float", "int", "bool", "str", "len", "round", "repr", "format", "range", "abs", "divmod",
     "isinstance", "print"}
)
# Of those, the builtins that give a tensor back for a tensor (`abs(x)` is `x.__abs__()`).
TENSOR_KEEPING_BUILTINS = frozenset({"abs", "round", "divmod"})
# Wrappers that run a module on several devices: they define no method of the module they wrap
# (`DataParallel(net).infer(x)` raises), so a method they lack is the wrapped module's.
PARALLEL_WRAPPERS = frozenset({"torch.nn.DataParallel", "torch.nn.parallel.DataParallel",
                               "torch.nn.parallel.DistributedDataParallel",
                               "torch.nn.parallel.distributed.DistributedDataParallel"})

# Packages whose calls make plain Python or array values, never a tensor or a module: what an
# sklearn encoder, a pandas frame or a scipy routine gives holds no graph.
PLAIN_VALUE_PACKAGES = ("numpy.", "math.", "json.", "os.", "logging.", "wandb.", "matplotlib.", "sklearn.",
                        "pandas.", "scipy.")

# Evaluation metrics of predictions against references, as functions (`sentence_bleu(hyp, refs)`,
# `f1_score(y, pred)`): code that scores a model's outputs with one evaluates it.
METRIC_FUNCTION_PREFIXES = ("sklearn.metrics.", "nltk.translate.bleu_score.", "sacrebleu.", "jiwer.",
                            "rouge_score.", "torchmetrics.functional.", "scipy.stats.pearsonr",
                            "scipy.stats.spearmanr", "scipy.stats.kendalltau")

# Functions whose arguments are only read for display or logging.
LOGGING_FUNCTIONS = frozenset({"print", "log", "info", "debug", "warning", "write", "set_postfix",
                               "set_description", "add_scalar", "log_metrics", "log_dict"})




def names_a_loss(class_name: str) -> bool:
    """`PerceptualLoss`, `MMD_loss`, `nn.MSELoss`: a class named for the loss it computes."""
    return class_name.lower().endswith("loss")


def is_test_file(path: str) -> bool:
    """pytest's default file patterns, and files under a `tests`/`test` directory."""
    base = os.path.basename(path)
    return base.startswith("test_") or base.endswith("_test.py") or base == "conftest.py" or in_test_folder(path)


def in_test_folder(path: str) -> bool:
    """The file is under a `tests`, `test` or `testing` directory."""
    return any(part in ("tests", "test", "testing") for part in path.replace("\\", "/").split("/")[:-1])


_CASE_CHANGE = re.compile(r"([a-z0-9])([A-Z])")  # (compiled once: names are split by the ten thousand)
_ACRONYM_END = re.compile(r"([A-Z]+)([A-Z][a-z])")


def split_words(name: str) -> list[str]:
    """Split `evaluateModel`/`run_validation` into lower-case words."""
    spaced = _CASE_CHANGE.sub(r"\1_\2", name)
    return [word.lower() for word in spaced.split("_") if word]


def may_be_project_method(method: str) -> bool:
    """A method name a call on a value of unknown kind may run as a project class's (see
    `Interpreter.unknown_object_method`): no tensor's or string's, no special method."""
    return not (method.startswith("__") or method in TENSOR_METHODS or method in STRING_METHODS)


def class_name_words(name: str) -> list[str]:
    """Split a class's name into lower-case words, acronyms apart (`SACAgent`: sac, agent)."""
    return split_words(_ACRONYM_END.sub(r"\1_\2", name))


COUNT_PREFIXES = frozenset({"n", "num", "nb", "number", "cnt", "count"})
COUNT_SUFFIXES = frozenset({"count", "counts", "cnt", "size", "len", "length"})


@functools.lru_cache(maxsize=1 << 12)  # the same few keys, read at every subscript
def names_a_count(key: str) -> bool:
    """`"n_exs"`, `"num_samples"`, `"batch_size"`, `"token_count"`: a key that holds how many items
    there are. A count is an integer or a comparison's sum: it never carries a graph."""
    words = split_words(key)
    return bool(words) and (words[0] in COUNT_PREFIXES or words[-1] in COUNT_SUFFIXES)


def looks_like_transform(dotted: str) -> bool:
    """`self._transform`, `train_augment`: a name that reads as a data transform."""
    words = split_words(dotted.rpartition(".")[2])
    return bool(words) and words[-1] in TRANSFORM_WORDS


@functools.lru_cache(maxsize=1 << 16)  # asked of each call's callee at each interpretation
def names_an_optimizer(name: str) -> bool:
    """`opt`, `optimizer`, `g_optim`: a (last) name that reads as an optimizer's (`OPTIMIZER_RECEIVER`)."""
    return OPTIMIZER_RECEIVER.search(name) is not None


@functools.lru_cache(maxsize=1 << 16)  # asked of each call's callee at each interpretation
def names_a_loss_callee(name: str) -> bool:
    """`criterion`, `cross_entropy`, `loss_fn`: a (last) name that reads as a loss's (`LOSS_CALLEE`)."""
    return LOSS_CALLEE.search(name) is not None


@functools.lru_cache(maxsize=1 << 16)  # asked of the same few names again and again
def looks_like_model(dotted: str) -> bool:
    """`model`, `self.net`, `teacher_model`, `netG`, `net_d`: a name whose call reads as a
    forward pass."""
    last = dotted.rpartition(".")[2]
    if not last or last[0].isupper() or re.search(r"[A-Z][a-z]", last):
        return False  # a class (`Net`, `nnUNetPredictor`): calling it builds a model
    words = split_words(last)
    if not words or words[0] in MODEL_VERBS:
        return False
    while len(words) > 1 and len(words[-1]) == 1:
        words = words[:-1]  # a GAN's `netG` and `netD_A` name which network, not what it is
    return words[-1].rstrip("0123456789") in MODEL_WORDS


# -- What values torch and common libraries make ------------------------------------------------
# torch's own module class: annotated so (`model: nn.Module`), a value is of a class not known.
PLAIN_MODULE_CLASSES = frozenset({"torch.nn.Module", "torch.nn.modules.module.Module", "torch.nn.modules.Module"})
# Base classes whose subclasses are nn.Modules: calling an instance is a forward pass.
MODULE_BASES = frozenset({
    "torch.nn.Module", "torch.nn.modules.module.Module", "torch.nn.modules.Module",
    "lightning.LightningModule", "lightning.pytorch.LightningModule", "lightning.pytorch.core.LightningModule",
    "pytorch_lightning.LightningModule", "pytorch_lightning.core.LightningModule",
    "transformers.PreTrainedModel", "transformers.modeling_utils.PreTrainedModel",
})
# torch.nn containers and layers are modules too: every class in these packages.
MODULE_PACKAGES = ("torch.nn.", "torch.nn.modules.")
# torch.nn containers: an element of one is a module of a class they do not say.
MODULE_CONTAINERS = frozenset(f"{package}{name}" for package in ("torch.nn.", "torch.nn.modules.container.")
                              for name in ("ModuleList", "ModuleDict", "Sequential"))
# torch.nn layers without parameters: fed a tensor without a graph, their forward records nothing.
PARAMETER_FREE_LAYERS = frozenset(f"torch.nn.{name}" for name in (
    "ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh",
    "Softmax", "Softmax2d", "LogSoftmax", "Softmin", "Softplus", "Softsign", "Hardtanh", "Hardswish",
    "Hardsigmoid", "Threshold", "Tanhshrink", "Softshrink", "Hardshrink", "LogSigmoid", "GLU",
    "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout",
    "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "LPPool1d", "LPPool2d", "Upsample",
    "UpsamplingNearest2d", "UpsamplingBilinear2d", "Flatten", "Unflatten", "Identity",
    "PixelShuffle", "PixelUnshuffle", "ChannelShuffle", "Fold", "Unfold", "ZeroPad2d",
    "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d",
    "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d",
    "CosineSimilarity", "PairwiseDistance"))
# Classes of those packages that are not modules.
NOT_MODULES = frozenset({"torch.nn.Parameter", "torch.nn.parameter.Parameter", "torch.nn.functional",
                         "torch.nn.init", "torch.nn.utils", "torch.nn.ParameterList", "torch.nn.ParameterDict"})


def is_torch_module_class(qualified: str) -> bool:
    """A class of torch.nn that is a module (`torch.nn.Linear`, `torch.nn.DataParallel`)."""
    return (qualified.startswith(MODULE_PACKAGES) and qualified.rpartition(".")[2][:1].isupper()
            and qualified not in NOT_MODULES)


OPTIMIZER_BASES = frozenset({"torch.optim.Optimizer", "torch.optim.optimizer.Optimizer"})
OPTIMIZER_PACKAGES = ("torch.optim.",)
# Calls that return a model (an nn.Module): qualified name prefixes and exact names.
MODEL_FACTORY_PREFIXES = ("torchvision.models.", "timm.create_model", "torch.hub.load", "segmentation_models_pytorch.")
# `torch.hub.load(repo, entry)` entry points that give no model: huggingface's hubconf has
# `tokenizer` and `config` beside its `model*` ones, and hubs publish processors and vocabularies.
HUB_ENTRIES_NOT_MODELS = re.compile(r"tokeni[sz]er|config|processor|feature_extractor|vocab", re.IGNORECASE)
# Learned metrics that are networks: LPIPS (lpips 0.1.4, `lpips/lpips.py`) builds its backbone
# frozen and its linear heads with parameters that require gradients, and puts itself in eval
# mode (`eval_mode=True`): a call records a graph, however its inputs were made.
NETWORK_METRICS = frozenset({"lpips.LPIPS", "lpips.lpips.LPIPS"})
# Loaders of TorchScript and exported programs: what they return is a module.
SCRIPTED_MODULE_LOADERS = frozenset({"torch.jit.load", "torch.export.load"})
MODEL_FACTORY_METHODS = frozenset({"from_pretrained", "load_from_checkpoint"})
# A library module's `from_pretrained` class methods that give models: the class's package.
PRETRAINED_PACKAGES = ("transformers.", "diffusers.", "peft.", "sentence_transformers.", "open_clip.")
# Classes of those packages that `from_pretrained` loads and that are no modules: tokenizers,
# processors, configs, noise schedulers, and pipelines (whose `__call__` runs without gradients).
NOT_MODEL_WORDS = ("Tokenizer", "Processor", "FeatureExtractor", "Config", "Scheduler", "Pipeline")


def is_pretrained_model_class(qualified: str) -> bool:
    """`transformers.AutoModel`: a model class of a pretrained-model library (not
    `transformers.AutoTokenizer` or `PreTrainedTokenizerBase`)."""
    name = qualified.rpartition(".")[2]
    return qualified.startswith(PRETRAINED_PACKAGES) and not any(word in name for word in NOT_MODEL_WORDS)


# Methods of library models that already run without gradients (transformers' GenerationMixin.generate is
# decorated with @torch.no_grad(): transformers/generation/utils.py, `def generate`).
GRAD_FREE_MODEL_METHODS = frozenset({"generate"})
LIGHTNING_PACKAGES = ("lightning.", "pytorch_lightning.")
# Packages whose presence makes a file PyTorch code (directly or through a framework).
TORCH_PACKAGES = frozenset({"torch", "torchvision", "torchaudio", "torchtext", "lightning", "pytorch_lightning",
                            "transformers", "accelerate", "timm", "ignite", "monai", "fastai", "torch_geometric",
                            "peft", "diffusers", "sentence_transformers", "ultralytics", "pyro", "gpytorch",
                            "botorch", "kornia", "torchrl", "torchtnt", "dgl", "detectron2", "mmcv", "mmengine",
                            "einops", "functorch", "tensordict", "torchmetrics", "skorch", "pytorch_metric_learning"})
# Packages of other array frameworks: a file using only these is not PyTorch code.
OTHER_FRAMEWORKS = frozenset({"tensorflow", "keras", "jax", "flax", "mxnet", "paddle", "mindspore", "oneflow",
                              "sklearn", "xgboost", "lightgbm"})


def is_evaluation_name(name: str, extra: Sequence[str] = ()) -> bool:
    words = set(split_words(name))
    if name in extra or words & set(extra):
        return True
    return bool(words & EVALUATION_WORDS) and not words & NON_EVALUATION_WORDS


def may_name_grad_wrapper(name: str) -> bool:
    """`smart_inference_mode`, `maybe_no_grad`, `torch_eval`: a function whose name says it may
    return or apply a grad-mode context (the only ones `gradmode.local_grad_wrappers` reads; their
    bodies are never deferred). `evaluate` and its kin are too many to read for it."""
    lowered = name.lower()
    return "grad" in lowered or "inference" in lowered or _EVAL_NOT_EVALUATE.search(lowered) is not None


_EVAL_NOT_EVALUATE = re.compile(r"eval(?!uat)")
