"""NG206: a module's `forward` (or `__call__`, or a forward hook) decorated with
`@torch.inference_mode()`, whose inference-tensor outputs break the training of a model using it."""
from __future__ import annotations

from typing import Iterable, Optional

import libcst as cst

from ..analysis.gradmode import ContextUse, FileAnalysis, FunctionInfo, Mode, class_of
from ..analysis.imports import dotted_name
from ..analysis.interpret import ScopeResult
from ..analysis.knowledge import GradContext
from ..analysis.summaries import ClassModel, ModuleModel, model_of
from ..diagnostics import Confidence, Fix, FixSafety
from ..fixes import edits
from ..io.config import Settings
from ..analysis.prefilter import Signals
from .base import Finding
from .common import ContextRule, code_of
from .registry import register

HOOK_REGISTRATIONS = frozenset({"register_forward_pre_hook", "register_forward_hook"})


@register
class InferenceModeForward(ContextRule):
    """
    ## What it does
    Finds the `forward` of an `nn.Module` subclass, a class's `__call__`, or a forward hook that
    returns a value, decorated with `@torch.inference_mode()`: a preprocessing layer, a frozen
    feature extractor or a normalising pre-hook that someone made "as fast as possible".

    Confidence is high when a function or module of the file that trains (runs a backward pass or
    an optimizer step) runs the module, directly or through the modules that contain it; medium
    when the module is part of another module of the file, when a function that trains or a
    module's method calls the decorated `__call__`, or, for a forward hook, when the file trains a
    model; low otherwise (a validation callback with its own `__call__` that merely lives in a
    training file reads as one). A module that nothing in its file contains or trains reads the same as a serving
    wrapper, where `inference_mode` is right: it is only reported at `--min-confidence low`.

    ## Why is this bad
    Everything computed under inference mode is an inference tensor, and autograd cannot save an
    inference tensor for backward. In a model that is trained, the first trainable layer after
    the decorated module (a `Linear`, a convolution) saves its input for the weight's gradient,
    and the forward pass raises `RuntimeError: Inference tensors cannot be saved for backward`.
    `@torch.no_grad()` gives the frozen module the same forward pass without gradients, and its
    outputs are normal tensors the trainable layers after it can use.

    ## Example
    ```python
    class Standardize(nn.Module):
        @torch.inference_mode()
        def forward(self, x):
            return (x - self.mean) / self.std
    ```

    ## Use instead
    ```python
    class Standardize(nn.Module):
        @torch.no_grad()
        def forward(self, x):
            return (x - self.mean) / self.std
    ```

    ## Fix safety
    The fix replaces `inference_mode` with `no_grad` in the decorator (`@torch.inference_mode()`
    becomes `@torch.no_grad()`, with the module's own spelling of torch; an argument `True` is
    dropped, as `no_grad` takes none). It is **safe**: both modes compute the same values without
    recording a graph; the outputs are normal tensors instead of inference tensors, so code that
    worked goes on working, and a training step that raised now runs. Only code that asks
    `tensor.is_inference()` can tell the difference, besides the view and version-counter
    tracking that inference mode skips and no_grad keeps.

    ## Known limits
    A forward whose body is a `with torch.inference_mode():` block, and `inference_mode(flag)`
    with a runtime flag, are not reported. A module whose output only feeds frozen layers would
    not fail. Models built with `nn.Sequential(...)` around the module, or trained in another
    file, give medium or low confidence.
    """

    code = "NG206"
    name = "inference-mode-forward"
    summary = "A module's `forward` runs under `@torch.inference_mode()`, so a model that contains it cannot train."
    fix_availability = "safe"


    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.inference_mode

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        hooks = _hook_functions(analysis)
        for function in analysis.functions:
            use = _inference_decorator(function)
            if use is None:
                continue
            model = model_of(analysis)
            cls = model.classes.get(function.class_name) if function.class_name else None
            if id(function) in hooks and function.has_return_value:
                what = f"the forward hook `{function.name}`"
            elif cls is not None and function.name == "__call__":
                what = f"`{cls.name}.__call__`"
            elif cls is not None and function.name == "forward" and cls.is_module:
                what = f"`{cls.name}.forward`"
            else:
                continue
            confidence, why = _evidence(model, cls if function.name in ("forward", "__call__") else None, function)
            yield Finding(use.node, _message(analysis, what, use, why), _fix(analysis, use), confidence)


def _inference_decorator(function: FunctionInfo) -> Optional[ContextUse]:
    """The innermost grad-mode decorator, when it turns inference mode on."""
    if function.is_async or not function.decorator_uses:
        return None
    use = function.decorator_uses[-1]
    return use if use.kind is GradContext.INFERENCE_MODE and use.mode is Mode.INFERENCE else None


def _hook_functions(analysis: FileAnalysis) -> set[int]:
    """Functions registered as forward hooks or pre-hooks: `m.register_forward_pre_hook(f)`."""
    by_name = {}
    for function in analysis.functions:
        by_name.setdefault((function.class_name, function.name), function)
    found = set()
    for call in analysis.calls:
        if call.method not in HOOK_REGISTRATIONS or not call.node.args:
            continue
        argument = dotted_name(call.node.args[0].value) or ""
        owner, _, name = argument.rpartition(".")
        key = (None, name) if not owner else (class_of(call.function), name) if owner == "self" and call.function else None
        if key in by_name:
            found.add(id(by_name[key]))
    return found


def _results(model: ModuleModel) -> list[ScopeResult]:
    results = [model.module_result] if model.module_result is not None else []
    for summary in model.summaries.values():
        results.extend(model.results_of(summary.function) or [summary.result])
    return results


def _containers(model: ModuleModel, cls: ClassModel) -> list[ClassModel]:
    """The module classes that hold `cls` as a field or run it in a method, directly or through
    other such classes; not those whose own `forward` already disables gradients."""
    direct: dict[int, set[int]] = {}
    for other in model.classes.values():
        forward = other.methods.get("forward")
        if forward is not None and forward.decorator_state is not None and forward.decorator_state.mode.disables_grad:
            continue
        held = {id(value.ref) for value in other.fields.values() if isinstance(value.ref, ClassModel)}
        for method in other.methods.values():
            summary = model.summary_of(method)
            if summary is not None:
                held |= {id(t.module.ref) for t in summary.result.tokens.values() if isinstance(t.module.ref, ClassModel)}
        for key in held:
            direct.setdefault(key, set()).add(id(other))
    by_id = {id(c): c for c in model.classes.values()}
    found, todo = [], [id(cls)]
    while todo:
        for key in direct.get(todo.pop(), ()):
            if key != id(cls) and by_id[key] not in found:
                found.append(by_id[key])
                todo.append(key)
    return found


def training_scope(model: ModuleModel, cls: ClassModel) -> Optional[ScopeResult]:
    """A scope that trains and runs `cls`, or a module class that contains it."""
    wanted = {id(cls)} | {id(c) for c in _containers(model, cls)}
    for result in _results(model):
        if result.training and any(id(t.module.ref) in wanted for t in result.tokens.values()):
            return result
    return None


def _evidence(model: ModuleModel, cls: Optional[ClassModel], function: FunctionInfo) -> tuple[Confidence, str]:
    """How sure we are that a model that is trained runs the decorated code: a module class is
    judged by what trains or contains it; a transform (`__call__`) by what calls it (a validation
    callback that happens to live in a training file is not a transform); a hook by whether the
    file trains."""
    if cls is not None and cls.is_module:
        trained = training_scope(model, cls)
        if trained is not None:
            where = f"`{trained.scope.name}`" if trained.scope is not None else "the module's top level"
            return Confidence.HIGH, f"{where} trains a model that runs it"
        containers = _containers(model, cls)
        if containers:
            return Confidence.MEDIUM, f"it is part of `{containers[0].name}`"
    elif cls is not None:
        caller = _caller_of(model, function)
        if caller is not None:
            return Confidence.MEDIUM, caller
    elif any(result.training for result in _results(model)):
        return Confidence.MEDIUM, "this file trains a model"
    return Confidence.LOW, "a model that contains it may be trained elsewhere"


def _caller_of(model: ModuleModel, function: FunctionInfo) -> Optional[str]:
    """Why a transform's `__call__` feeds a trained model: a scope that trains calls it, or a
    module's method does; None when nothing in the file is seen calling it."""
    module_methods = {id(method) for other in model.classes.values() if other.is_module for method in other.methods.values()}
    for result in _results(model):
        if not any(called is function for _, called, _, _ in result.outgoing):
            continue
        if result.training:
            where = f"`{result.scope.name}`" if result.scope is not None else "the module's top level"
            return f"{where} trains a model and calls it"
        if result.scope is not None and id(result.scope) in module_methods:
            return f"`{result.scope.name}` of a module calls it"
    return None


def _message(analysis: FileAnalysis, what: str, use: ContextUse, why: str) -> str:
    return (f"{what} runs under `@{code_of(analysis, use.node)}`: its outputs are inference tensors, which autograd "
            "cannot save for backward, so the trainable layers after it raise RuntimeError (Inference tensors "
            f"cannot be saved for backward) when a model using it is trained ({why}); use `@torch.no_grad()`, "
            "the same forward pass without gradients with normal tensors")


def _fix(analysis: FileAnalysis, use: ContextUse) -> Optional[Fix]:
    spelled = edits.torch_callable(analysis.module, "no_grad")
    if spelled is None:
        return None
    text = f"{spelled[0]}()" if use.called else spelled[0]
    return Fix(FixSafety.SAFE, f"use `@{text}` instead of `@{code_of(analysis, use.node)}`",
               edits.replace(use.node, cst.parse_expression(text), spelled[1]), anchor=use.node)
