"""What code is doing: which calls are forward passes, training steps and mode switches, what a
function does directly and through its in-module helpers, and the signs that it evaluates."""
from __future__ import annotations

import dataclasses
from typing import Optional, Sequence

import libcst as cst

from . import knowledge
from .gradmode import CallFact, FileAnalysis, FunctionInfo, LoopInfo, Mode, Span, call_sites, callees, is_passed_around
from .imports import dotted_name
from .knowledge import looks_like_model

# -- single calls -----------------------------------------------------------------------------

def is_backward(call: CallFact) -> bool:
    """`loss.backward()`, `torch.autograd.grad(...)`, `accelerator.backward(loss)`."""
    if call.qualified in knowledge.BACKWARD_FUNCTIONS:
        return True
    method = call.method
    if method in knowledge.BACKWARD_METHODS:
        return True
    return method in knowledge.BACKWARD_ARGUMENT_METHODS and bool(call.node.args)


def is_optimizer_call(call: CallFact) -> bool:
    """`optimizer.step()`, `opt.zero_grad()`, `model.zero_grad()`, `scaler.step(optimizer)`."""
    method = call.method
    if method == "zero_grad":
        return True
    if method != "step" or call.receiver is None:
        return False
    receiver = dotted_name(call.receiver) or ""
    if knowledge.OPTIMIZER_RECEIVER.search(receiver.rpartition(".")[2]):
        return True
    return any(knowledge.OPTIMIZER_RECEIVER.search((dotted_name(arg.value) or "").rpartition(".")[2])
               for arg in call.node.args)


def wants_gradients(call: CallFact) -> bool:
    """Calls that show the code needs gradients on purpose, or sets the mode itself."""
    if call.method in knowledge.GRADIENT_WANTING_METHODS:
        return True
    if call.qualified in knowledge.GRAD_CONTEXTS and knowledge.GRAD_CONTEXTS[call.qualified] in (
            knowledge.GradContext.ENABLE_GRAD, knowledge.GradContext.SET_GRAD_ENABLED):
        return True
    for arg in call.node.args:
        if (arg.keyword is not None and arg.keyword.value in knowledge.GRADIENT_WANTING_KEYWORDS
                and not (isinstance(arg.value, cst.Name) and arg.value.value == "False")):
            return True
    return False


def mode_switch(call: CallFact) -> Optional[tuple[str, str]]:
    """`("eval", "model")` for `model.eval()` or `model.train(False)`; `("train", ...)` for `.train()`."""
    if call.receiver is None or call.method not in (knowledge.EVAL_METHOD, knowledge.TRAIN_METHOD):
        return None
    receiver = dotted_name(call.receiver)
    if receiver is None or call.qualified is not None:
        return None
    if call.method == knowledge.EVAL_METHOD:
        return ("eval", receiver) if not call.node.args else None
    args = call.node.args
    if not args:
        return ("train", receiver)
    value = args[0].value
    if isinstance(value, cst.Name) and value.value in ("True", "False"):
        return ("train" if value.value == "True" else "eval", receiver)
    return ("unknown", receiver)


def forward_callee(call: CallFact, evaled: frozenset[str], not_models: frozenset[str] = frozenset()) -> Optional[str]:
    """The model a call runs forward (`model(x)`, `self.model.forward(x)`), else None.

    `not_models` are names known to be something else: functions defined in the module,
    parameters defaulting to a function, instances of framework models that disable gradients.
    """
    callee = call.callee
    if callee is None or call.qualified is not None:
        return None
    if call.method in knowledge.FORWARD_METHODS:
        callee = callee.rpartition(".")[0]
    if callee in not_models:
        return None
    if callee == "self" or callee in evaled or looks_like_model(callee):
        return callee
    head, _, last = callee.rpartition(".")
    if head in evaled and last.startswith("forward"):
        return head  # `net.forward_features(x)` of a model put in eval mode
    return None


def not_models(analysis: FileAnalysis, scope: Optional[FunctionInfo]) -> frozenset[str]:
    """Names in `scope` whose call is not a forward pass we should judge (see `forward_callee`)."""
    key = ("not_models", id(scope))
    if key in analysis.cache:
        return analysis.cache[key]
    found = {function.name for function in analysis.functions if function.class_name is None}
    if scope is not None:
        params = scope.node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            default = param.default
            if isinstance(default, cst.Attribute) or (
                    isinstance(default, cst.Name) and default.value not in ("None", "True", "False")):
                found.add(param.name.value)  # `decoder=decode_tokens`: a function, not a model
    for assign in analysis.assigns:
        value = assign.value
        if isinstance(value, cst.Call) and analysis.imports.resolve(value.func) in knowledge.MODELS_WITHOUT_GRAD:
            node = assign.node
            targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else []
            found.update(dotted for t in targets if (dotted := dotted_name(t)) is not None)
    result = analysis.cache[key] = frozenset(found)
    return result


# -- what a scope does ----------------------------------------------------------------------------

@dataclasses.dataclass(eq=False)
class Activity:
    """The calls a function (or the module's top level) makes directly, sorted by role."""

    scope: Optional[FunctionInfo]
    training: list[CallFact]
    wants_grad: list[CallFact]
    switches: list[tuple[CallFact, str, str]]  # (call, "eval"/"train"/"unknown", model)
    forwards: list[tuple[CallFact, str]]  # (call, model)

    @property
    def evaled_models(self) -> frozenset[str]:
        return frozenset(model for _, kind, model in self.switches if kind == "eval")

    def in_span(self, span: Span) -> "Activity":
        inside = lambda call: span.contains(call.index)  # noqa: E731
        return Activity(self.scope, [c for c in self.training if inside(c)],
                        [c for c in self.wants_grad if inside(c)],
                        [s for s in self.switches if inside(s[0])],
                        [f for f in self.forwards if inside(f[0])])


def activity_of(analysis: FileAnalysis, scope: Optional[FunctionInfo]) -> Activity:
    """What a scope does directly, plus calls of in-module helpers that run a forward pass."""
    key = ("activity", id(scope))
    if key in analysis.cache:
        return analysis.cache[key]
    calls, switches, forwards = _direct(analysis, scope)
    seen = {id(call) for call, _ in forwards}
    for call in calls:
        if id(call) in seen:
            continue
        for helper in callees(analysis, call):
            helper_forwards = [(c, m) for c, m in _direct(analysis, helper)[2]
                               if analysis.state_of(c).mode is Mode.ENABLED and not c.in_lambda]
            if helper is scope or not helper_forwards:
                continue
            in_loop = any(loop.function is scope for loop in call.loops)
            if in_loop or not _own_evidence(analysis, helper):
                forwards.append((call, helper_forwards[0][1]))  # `self._predict_batch(x)` runs `self.network`
                break
    forwards.sort(key=lambda pair: pair[0].index)
    training = [c for c in calls if is_backward(c) or is_optimizer_call(c)
                or any(helper is not scope and _trains(analysis, helper) for helper in callees(analysis, c))]
    activity = Activity(scope, training,
                        [c for c in calls if wants_gradients(c)], switches, forwards)
    analysis.cache[key] = activity
    return activity


def _direct(analysis: FileAnalysis, scope: Optional[FunctionInfo]):
    """(calls, mode switches, forward passes) written in the scope itself."""
    key = ("direct", id(scope))
    if key not in analysis.cache:
        calls = list(analysis.facts_in(analysis.calls, scope))
        switches = [(call, *switch) for call in calls if (switch := mode_switch(call)) is not None]
        evaled = (frozenset(model for _, kind, model in switches if kind == "eval") | _module_evaled(analysis)
                  | class_evaled(analysis, scope) | module_objects(analysis))
        excluded = not_models(analysis, scope)
        forwards = [(call, model) for call in calls if (model := forward_callee(call, evaled, excluded)) is not None]
        analysis.cache[key] = (calls, switches, forwards)
    calls, switches, forwards = analysis.cache[key]
    return calls, switches, list(forwards)


def _trains(analysis: FileAnalysis, function: FunctionInfo, depth: int = 0) -> bool:
    """Does a function (or a helper it calls, three levels deep) run backward or an optimizer step?"""
    key = ("trains", id(function))
    if key not in analysis.cache:
        analysis.cache[key] = False  # a recursive call does not make it train
        calls = _direct(analysis, function)[0]
        trains = any(is_backward(c) or is_optimizer_call(c) for c in calls) or (depth < 3 and any(
            helper is not function and _trains(analysis, helper, depth + 1) for c in calls for helper in callees(analysis, c)))
        analysis.cache[key] = trains
    return analysis.cache[key]


def _own_evidence(analysis: FileAnalysis, function: FunctionInfo) -> bool:
    """Does a helper read as evaluation by what it does (`.eval()`, an evaluation loader, callers
    that put its model in eval mode)? Its name alone does not count: `infer` may serve training."""
    _, switches, forwards = _direct(analysis, function)
    evaled = {model for _, kind, model in switches if kind == "eval"}
    return (any(runs_evaled(model, evaled) for _, model in forwards)
            or any(loop.function is function and is_evaluation_loader(loop) for loop in analysis.loops)
            or evaluating_caller(analysis, function, {m for _, m in forwards}) is not None)


def runs_evaled(model: str, evaled) -> bool:
    """`net.encoder` runs part of `net`: put `net` in eval mode and it counts."""
    return any(model == e or model.startswith(e + ".") for e in evaled)


def class_evaled(analysis: FileAnalysis, scope: Optional[FunctionInfo]) -> frozenset[str]:
    """Models a class puts in eval mode in `__init__` and never trains: `self.model.eval()`."""
    if scope is None or scope.class_name is None:
        return frozenset()
    key = ("class_evaled", scope.class_name)
    if key not in analysis.cache:
        methods = [f for f in analysis.functions if f.class_name == scope.class_name]
        evaled: set[str] = set()
        trains = False
        for method in methods:
            for call in analysis.facts_in(analysis.calls, method):
                switch = mode_switch(call)
                if switch and switch[0] == "eval" and method.name == "__init__" and switch[1].startswith("self."):
                    evaled.add(switch[1])
                elif (switch and switch[0] != "eval") or is_backward(call) or is_optimizer_call(call):
                    trains = True
        analysis.cache[key] = frozenset() if trains else frozenset(evaled)
    return analysis.cache[key]


MODULE_ONLY_METHODS = frozenset({"parameters", "named_parameters", "state_dict", "load_state_dict",
                                 "modules", "named_modules", "children", "named_children", "zero_grad"})


def module_objects(analysis: FileAnalysis) -> frozenset[str]:
    """Names the file treats as `nn.Module`s: `probe.parameters()`, `head.state_dict()`."""
    key = "module_objects"
    if key not in analysis.cache:
        analysis.cache[key] = frozenset(
            receiver for call in analysis.calls
            if call.method in MODULE_ONLY_METHODS and call.receiver is not None
            and (receiver := dotted_name(call.receiver)) is not None and receiver not in ("self", "cls"))
    return analysis.cache[key]


def _module_evaled(analysis: FileAnalysis) -> frozenset[str]:
    """Models put in eval mode at module level (a script's `model.eval()`)."""
    key = "module_evaled"
    if key not in analysis.cache:
        analysis.cache[key] = frozenset(
            switch[1] for call in analysis.facts_in(analysis.calls, None)
            if (switch := mode_switch(call)) is not None and switch[0] == "eval")
    return analysis.cache[key]


def is_evaluation_name(name: str, extra: Sequence[str] = ()) -> bool:
    words = set(knowledge.split_words(name))
    if name in extra or words & set(extra):
        return True
    return bool(words & knowledge.EVALUATION_WORDS) and not words & knowledge.NON_EVALUATION_WORDS


def is_evaluation_loader(loop: LoopInfo) -> bool:
    if not loop.iter_name:
        return False
    return bool(knowledge.EVALUATION_LOADER.search(loop.iter_name.rpartition(".")[2]))


def recording_forwards(analysis: FileAnalysis, calls) -> list[CallFact]:
    """Forward passes that record gradients where they are written (a lambda's body runs later,
    wherever the lambda is called, so it does not count)."""
    return [call for call, _ in calls if analysis.state_of(call).mode is Mode.ENABLED and not call.in_lambda]


def evaluating_caller(analysis: FileAnalysis, function: FunctionInfo, models: set[str]) -> Optional[str]:
    """Evidence from the callers: every in-module call comes, outside any loop, right after the
    caller put one of the models this function runs in eval mode."""
    sites = call_sites(analysis).get(function, [])
    if not sites or is_passed_around(analysis, function):
        return None
    for site in sites:
        if site.function is None or any(loop.function is site.function for loop in site.loops):
            return None
        _, switches, _ = _direct(analysis, site.function)
        before = [s for s in switches if s[0].index < site.index]
        if not before or before[-1][1] != "eval" or not any(runs_evaled(m, {before[-1][2]}) for m in models):
            return None
    return f"`{sites[0].function.name}` calls `{_last_eval(analysis, sites[0])}.eval()` before calling it"


def _last_eval(analysis: FileAnalysis, site: CallFact) -> str:
    _, switches, _ = _direct(analysis, site.function)
    return [s for s in switches if s[0].index < site.index][-1][2]
