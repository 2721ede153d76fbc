"""NG209: a loss module whose `forward` computes its value from its inputs with gradients disabled."""
from __future__ import annotations

from typing import Iterable, Optional

import libcst as cst

from ..analysis import knowledge
from ..analysis.contexts import explicit
from ..analysis.evaluation import has_parameters
from ..analysis.gradmode import FileAnalysis, FunctionInfo, GradState, Origin
from ..analysis.imports import dotted_name
from ..analysis.interpret import PASS_THROUGH, ScopeResult
from ..analysis.lattice import Graph, Kind, Value
from ..analysis.prefilter import Signals
from ..analysis.summaries import ModuleModel, model_of
from ..diagnostics import Confidence
from ..io.config import Settings
from .base import Finding
from .common import ContextRule, context_text
from .ng2_trained import disabling_decorator, keeps_gradients_off, required_parameters, set_in
from .registry import register


@register
class LossWithoutGradients(ContextRule):
    """
    ## What it does
    Finds a loss module (an `nn.Module` subclass named `...Loss` or `..._loss`, or derived from
    one) whose `forward` computes a value it returns from its inputs only under `torch.no_grad()`,
    `torch.inference_mode()` or `torch.set_grad_enabled(False)`, written in the `forward` (a
    `with` block or a decorator): a perceptual or feature loss that runs its frozen feature
    network on both the prediction and the target "to save memory". The same in the `__call__`
    of another class with `Loss` in its name (`LossSum(extractor)` used as a criterion), and in
    a module-level function named `..._loss` or `loss_...` that takes at least two inputs and
    iterates none of them (`perceptual_loss(sr, hr, vgg)`; a network it is given and calls is no
    input, it is what the loss runs; a `val_loss(model, loader)` that loops over its loader is an
    evaluation helper, not read).

    A loss that computes only its target's branch without gradients (`with torch.no_grad():
    target = self.features(hr)`, and `self.features(sr)` outside) is correct and not reported;
    so is one whose value also depends on a network with parameters run with gradients on (a
    discriminator), or on an input outside the block.

    ## Why is this bad
    A loss exists to be differentiated with respect to its inputs. Computed with gradients
    disabled, its value carries no graph back to the prediction: added to other losses, it
    contributes nothing to the gradients (training runs, the term is silently ignored); used
    alone, `backward()` raises `RuntimeError: element 0 of tensors does not require grad and
    does not have a grad_fn`. A frozen feature network does not need `no_grad` to stay frozen:
    its parameters that do not require grad get no gradient anyway, while the gradient still
    flows through it to the prediction.

    ## Example
    ```python
    class FeatureLoss(nn.Module):
        def forward(self, sr, hr):
            with torch.inference_mode():
                features_sr = self.encoder(sr)
                features_hr = self.encoder(hr)
            return F.l1_loss(features_sr, features_hr)
    ```

    ## Use instead
    ```python
    class FeatureLoss(nn.Module):
        def forward(self, sr, hr):
            with torch.no_grad():
                features_hr = self.encoder(hr)
            return F.l1_loss(self.encoder(sr), features_hr)
    ```

    ## Fix safety
    There is no automatic fix: which input is the prediction (to run with gradients) and which
    the target (which may stay under `no_grad`) is the author's knowledge.

    ## Known limits
    Each `return` is read alone: a branch that cuts the graph (the default kernel of a distance
    loss averaged under `no_grad`) is reported even when another branch keeps it. A loss module is
    recognised by its class's name or a base class's name ending in `loss`, in any case
    (a class whose own name and written bases do not end in `Loss`, derived from one through a
    base class of another module, is not read); a loss written as a function is read only at
    module level, by its name, and not when the name reads as evaluation (`eval_loss`). The
    inputs are the parameters without a default. A block set in a helper method the
    `forward` calls is not followed. A `forward` decorated with `@torch.inference_mode()` is
    NG206's. Confidence is medium: the class's name says it is a loss.
    """

    code = "NG209"
    name = "loss-without-gradients"
    summary = "A loss module computes its value from its inputs with gradients disabled, so it trains nothing."
    fix_availability = "none"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.grad_context and signals.loss_class

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        model = model_of(analysis)
        for function in _loss_functions(analysis, model):
            if not keeps_gradients_off(analysis, model, function):
                continue
            inputs = set(required_parameters(function)) - {"self"} - _called_names(analysis, function)
            state = _cutting_state(analysis, model, function, inputs) if inputs else None
            if state is None:
                continue
            spelled = ", ".join(f"`{name}`" for name in sorted(inputs))
            message = (f"`{function.display_name}` computes the loss from {spelled} under "
                       f"`{context_text(analysis, state)}`, so the value it returns carries no graph back to them: "
                       "added to other losses it contributes no gradient, alone its `backward()` raises RuntimeError; "
                       "run the prediction's branch with gradients enabled (a frozen network still passes the "
                       "gradient through)")
            yield Finding(state.node.item if state.origin is Origin.WITH else state.node, message, None,
                          Confidence.MEDIUM)


def _loss_functions(analysis: FileAnalysis, model: ModuleModel) -> Iterable[FunctionInfo]:
    """What computes a loss in this module: the `forward` of a loss module, the `__call__` of
    another class named for a loss, and a function named for one (`perceptual_loss`, `loss_sum`)
    that takes a prediction and a target and loops over none of its inputs (not an evaluation
    helper that returns a validation loss: it iterates its loader)."""
    for cls in model.classes.values():
        method = ("forward" if cls.is_loss else None) if cls.is_module else (
            "__call__" if "loss" in knowledge.class_name_words(cls.name) else None)
        function = cls.methods.get(method) if method else None
        if function is not None and function.class_name == cls.name:
            yield function
    for function in analysis.functions:
        name = function.name.lower()
        if (function.class_name is None and function.parent is None
                and (knowledge.names_a_loss(name) or name.startswith("loss_"))
                and not knowledge.is_evaluation_name(function.name) and len(required_parameters(function)) >= 2
                and not _iterates_an_input(analysis, function)):
            yield function


def _called_names(analysis: FileAnalysis, function: FunctionInfo) -> set[str]:
    """The names `function` calls (`fe(output)`: a feature network given as a parameter is no input
    of the loss, it is what the loss runs)."""
    return {call.callee for call in analysis.facts_in(analysis.calls, function) if call.callee and "." not in call.callee}


def _iterates_an_input(analysis: FileAnalysis, function: FunctionInfo) -> bool:
    """`for x, y in loader:`, `for i, batch in enumerate(tqdm(loader))`: a loop over an input itself."""
    inputs = set(required_parameters(function))
    return any(loop.function is function and loop.iter_node is not None and not inputs.isdisjoint(_iterated(loop.iter_node))
               for loop in analysis.loops)


def _iterated(node: cst.BaseExpression) -> set[str]:
    """The names a `for` iterates: `loader` of `loader`, `enumerate(tqdm(loader))`, `zip(a, b)`."""
    if isinstance(node, cst.Name):
        return {node.value}
    if isinstance(node, cst.Call) and (dotted_name(node.func) or "").rpartition(".")[2] in PASS_THROUGH:
        return {name for arg in node.args for name in _iterated(arg.value)}
    return set()


def _cutting_state(analysis: FileAnalysis, model: ModuleModel, forward: FunctionInfo,
                   inputs: set[str]) -> Optional[GradState]:
    """The disabling context written in `forward` under which every input reaches a value it
    returns, when none reaches that value with a graph and no module with parameters runs with
    gradients on for it; else None. Each `return` is read alone: one branch (the default
    `kernel_type`) may cut the graph while another keeps it."""
    results = model.results_of(forward)
    if not results or not all(result.returns for result in results):
        return None
    for fact in analysis.facts_in(analysis.returns, forward):
        if fact.value is None or fact.is_yield:
            continue
        values = [result.values.get(id(fact.value)) for result in results]
        states = [_state(analysis, model, forward, result, value, inputs) if value is not None else None
                  for result, value in zip(results, values)]
        if states[0] is not None and all(state is states[0] for state in states):
            return states[0]
    return None


def _state(analysis: FileAnalysis, model: ModuleModel, forward: FunctionInfo, result: ScopeResult,
           returned: Value, inputs: set[str]) -> Optional[GradState]:
    if returned.kind is Kind.PYTHON:
        return None
    if any(token.id in returned.sources and has_parameters(token.module) for token in result.forwards):
        return None  # a module with parameters runs with gradients on for it (a discriminator)
    decorator = disabling_decorator(analysis, model, forward)  # `@torch.inference_mode()` is NG206's
    if decorator is not None:
        # decorated: everything it computes has no graph; it must compute the value from its inputs
        computed = (returned.params & inputs) | _fed_inputs(model, returned.fed_without_grad, inputs)
        return decorator if returned.graph is Graph.NO and computed == inputs else None
    state = returned.nograd_state
    if (returned.graph is Graph.NO and returned.nograd is not None and returned.params >= inputs
            and state is not None and state.origin is Origin.WITH and explicit(analysis, state) is not None
            and set_in(analysis, state, forward)):
        return state  # every input reaches the value through arithmetic done under the block
    if returned.params & inputs:
        return None  # an input reaches the value with its graph
    found: Optional[GradState] = None
    for node_id in returned.fed_without_grad:
        fact = model.calls_by_node.get(node_id)
        state = analysis.state_of(fact) if fact is not None else None
        if state is None or not state.mode.disables_grad or explicit(analysis, state) is None \
                or not set_in(analysis, state, forward) or (found is not None and state is not found):
            return None
        found = state
    fed = _fed_inputs(model, returned.fed_without_grad, inputs)
    return found if found is not None and fed == inputs else None


def _fed_inputs(model: ModuleModel, calls: frozenset, inputs: set[str]) -> set[str]:
    """The inputs given to the calls (ids of call nodes) made with gradients disabled."""
    fed: set[str] = set()
    for node_id in calls:
        fact = model.calls_by_node.get(node_id)
        for arg in fact.node.args if fact is not None else ():
            root = (dotted_name(arg.value) or "").split(".")[0]
            if root in inputs:
                fed.add(root)
    return fed
