"""What code is doing: which calls are forward passes, training steps, mode switches, and which
functions, loops and script blocks evaluate a model."""
from __future__ import annotations

import dataclasses
import os
import re
from typing import Optional, Sequence

import libcst as cst

from . import names
from .diagnostics import Confidence
from .gradmode import CallFact, FileAnalysis, FunctionInfo, LoopInfo, Mode, Span
from .imports import dotted_name
from .values import escapes_function

# -- single calls -----------------------------------------------------------------------------

def is_backward(call: CallFact) -> bool:
    """`loss.backward()`, `torch.autograd.grad(...)`, `accelerator.backward(loss)`."""
    if call.qualified in names.BACKWARD_FUNCTIONS:
        return True
    method = call.method
    if method in names.BACKWARD_METHODS:
        return True
    return method in names.BACKWARD_ARGUMENT_METHODS and bool(call.node.args)


def is_optimizer_call(call: CallFact) -> bool:
    """`optimizer.step()`, `opt.zero_grad()`, `model.zero_grad()`, `scaler.step(optimizer)`."""
    method = call.method
    if method == "zero_grad":
        return True
    if method != "step" or call.receiver is None:
        return False
    receiver = dotted_name(call.receiver) or ""
    if names.OPTIMIZER_RECEIVER.search(receiver.rpartition(".")[2]):
        return True
    return any(names.OPTIMIZER_RECEIVER.search((dotted_name(arg.value) or "").rpartition(".")[2])
               for arg in call.node.args)


def wants_gradients(call: CallFact) -> bool:
    """Calls that show the code needs gradients on purpose, or sets the mode itself."""
    if call.method in names.GRADIENT_WANTING_METHODS:
        return True
    if call.qualified in names.GRAD_CONTEXTS and names.GRAD_CONTEXTS[call.qualified] in (
            names.GradContext.ENABLE_GRAD, names.GradContext.SET_GRAD_ENABLED):
        return True
    for arg in call.node.args:
        if (arg.keyword is not None and arg.keyword.value in names.GRADIENT_WANTING_KEYWORDS
                and not (isinstance(arg.value, cst.Name) and arg.value.value == "False")):
            return True
    return False


def mode_switch(call: CallFact) -> Optional[tuple[str, str]]:
    """`("eval", "model")` for `model.eval()` or `model.train(False)`; `("train", ...)` for `.train()`."""
    if call.receiver is None or call.method not in (names.EVAL_METHOD, names.TRAIN_METHOD):
        return None
    receiver = dotted_name(call.receiver)
    if receiver is None or call.qualified is not None:
        return None
    if call.method == names.EVAL_METHOD:
        return ("eval", receiver) if not call.node.args else None
    args = call.node.args
    if not args:
        return ("train", receiver)
    value = args[0].value
    if isinstance(value, cst.Name) and value.value in ("True", "False"):
        return ("train" if value.value == "True" else "eval", receiver)
    return ("unknown", receiver)


def looks_like_model(dotted: str) -> bool:
    """`model`, `self.net`, `teacher_model`: a name whose call reads as a forward pass."""
    last = dotted.rpartition(".")[2]
    if not last or last[0].isupper() or re.search(r"[A-Z][a-z]", last):
        return False  # a class (`Net`, `nnUNetPredictor`): calling it builds a model
    words = names.split_words(last)
    if not words or words[0] in names.MODEL_VERBS:
        return False
    return words[-1].rstrip("0123456789") in names.MODEL_WORDS


def forward_callee(call: CallFact, evaled: frozenset[str], not_models: frozenset[str] = frozenset()) -> Optional[str]:
    """The model a call runs forward (`model(x)`, `self.model.forward(x)`), else None.

    `not_models` are names known to be something else: functions defined in the module,
    parameters defaulting to a function, instances of framework models that disable gradients.
    """
    callee = call.callee
    if callee is None or call.qualified is not None:
        return None
    if call.method in names.FORWARD_METHODS:
        callee = callee.rpartition(".")[0]
    if callee in not_models:
        return None
    if callee == "self" or callee in evaled or looks_like_model(callee):
        return callee
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
            if param.default is not None and isinstance(param.default, (cst.Name, cst.Attribute)):
                found.add(param.name.value)  # `decoder=decode_tokens`: a function, not a model
    for assign in analysis.assigns:
        value = assign.value
        if isinstance(value, cst.Call) and analysis.imports.resolve(value.func) in names.MODELS_WITHOUT_GRAD:
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
    key = ("activity", id(scope))
    if key in analysis.cache:
        return analysis.cache[key]
    calls = list(analysis.facts_in(analysis.calls, scope))
    switches = [(call, *switch) for call in calls if (switch := mode_switch(call)) is not None]
    evaled = frozenset(model for _, kind, model in switches if kind == "eval") | _module_evaled(analysis)
    excluded = not_models(analysis, scope)
    forwards = [(call, model) for call in calls if (model := forward_callee(call, evaled, excluded)) is not None]
    activity = Activity(scope, [c for c in calls if is_backward(c) or is_optimizer_call(c)],
                        [c for c in calls if wants_gradients(c)], switches, forwards)
    analysis.cache[key] = activity
    return activity


def _module_evaled(analysis: FileAnalysis) -> frozenset[str]:
    """Models put in eval mode at module level (a script's `model.eval()`)."""
    key = "module_evaled"
    if key not in analysis.cache:
        analysis.cache[key] = frozenset(
            switch[1] for call in analysis.facts_in(analysis.calls, None)
            if (switch := mode_switch(call)) is not None and switch[0] == "eval")
    return analysis.cache[key]


# -- evaluation regions ---------------------------------------------------------------------------

@dataclasses.dataclass(eq=False)
class EvalRegion:
    """Code that evaluates a model with gradients on: a whole function, a loop, or statements."""

    kind: str  # "function", "loop" or "statements"
    scope: Optional[FunctionInfo]
    statements: tuple[cst.CSTNode, ...]  # the FunctionDef, the loop, or consecutive statements
    forwards: list[CallFact]
    evidence: str
    confidence: Confidence


def is_evaluation_name(name: str, extra: Sequence[str] = ()) -> bool:
    words = set(names.split_words(name))
    if name in extra or words & set(extra):
        return True
    return bool(words & names.EVALUATION_WORDS) and not words & names.NON_EVALUATION_WORDS


def is_evaluation_loader(loop: LoopInfo) -> bool:
    if not loop.iter_name:
        return False
    return bool(names.EVALUATION_LOADER.search(loop.iter_name.rpartition(".")[2]))


def is_test_file(path: str) -> bool:
    """pytest's default file patterns, and files under a `tests`/`test` directory."""
    base = os.path.basename(path)
    parts = path.replace("\\", "/").split("/")[:-1]
    return (base.startswith("test_") or base.endswith("_test.py") or base == "conftest.py"
            or any(part in ("tests", "test", "testing") for part in parts))


def is_test_function(analysis: FileAnalysis, function: FunctionInfo) -> bool:
    """A test, or a test helper: `test_*` methods anywhere (unittest and pytest classes), and
    functions whose name has the word `test` in a test file."""
    if function.class_name and function.name.startswith("test"):
        return True
    return is_test_file(analysis.path) and "test" in names.split_words(function.name)


def evaluation_regions(analysis: FileAnalysis, extra_names: Sequence[str] = ()) -> list[EvalRegion]:
    """Every region of the file that evaluates a model while gradients are recorded."""
    regions: list[EvalRegion] = []
    for function in analysis.functions:
        regions.extend(_function_regions(analysis, function, extra_names))
    regions.extend(_module_regions(analysis))
    return regions


def _enabled(analysis: FileAnalysis, calls) -> list[CallFact]:
    return [call for call, _ in calls if analysis.state_of(call).mode is Mode.ENABLED]


def _function_regions(analysis: FileAnalysis, function: FunctionInfo, extra_names: Sequence[str]) -> list[EvalRegion]:
    if (function.entry.mode is not Mode.ENABLED or function.name in ("forward", "__init__", "__call__")
            or is_test_function(analysis, function)):
        return []
    activity = activity_of(analysis, function)
    if activity.wants_grad or not _enabled(analysis, activity.forwards):
        return []
    if activity.training:
        return _loop_regions(analysis, function, activity)
    evidence = _function_evidence(analysis, function, activity, extra_names)
    if not evidence:
        return _loop_regions(analysis, function, activity)
    strong = [e for e in evidence if not e.startswith("judged")]
    if escapes_function(analysis, function):
        # Tensors leave the function: a caller may differentiate them (library code often puts
        # modules in eval mode and still needs gradients), so ask for more than one sign.
        confidence = Confidence.MEDIUM if len(evidence) > 1 else Confidence.LOW
    else:
        confidence = Confidence.HIGH if strong else Confidence.MEDIUM
    return [EvalRegion("function", function, (function.node,), _enabled(analysis, activity.forwards),
                       "; ".join(evidence), confidence)]


def _function_evidence(analysis: FileAnalysis, function: FunctionInfo, activity: "Activity",
                       extra_names: Sequence[str]) -> list[str]:
    """Why a whole function reads as evaluation: `.eval()` on the model it runs, an evaluation
    loader, its name. Empty when it switches a model to training mode."""
    if any(kind != "eval" for _, kind, _ in activity.switches):
        return []
    evidence = []
    evaled = activity.evaled_models
    evaled_forwards = [m for _, m in activity.forwards if m in evaled]
    if evaled_forwards:
        evidence.append(f"it calls `{evaled_forwards[0]}.eval()`")
    loader_loops = [loop for loop in analysis.loops if loop.function is function and is_evaluation_loader(loop)]
    if loader_loops:
        evidence.append(f"it iterates `{loader_loops[0].iter_name}`")
    if is_evaluation_name(function.name, extra_names):
        evidence.append(f"judged by the name `{function.name}`")
    return evidence


def _loop_regions(analysis: FileAnalysis, scope: Optional[FunctionInfo], activity: Activity) -> list[EvalRegion]:
    """Evaluation loops inside code that also trains (or is not itself evaluation)."""
    regions: list[EvalRegion] = []
    covered: list[Span] = []
    for loop in analysis.loops:
        if loop.function is not scope or any(span.contains(loop.span.start) for span in covered):
            continue
        inside = activity.in_span(loop.span)
        forwards = _enabled(analysis, inside.forwards)
        if not forwards or inside.training or inside.wants_grad or inside.switches:
            continue
        evidence = None
        if is_evaluation_loader(loop):
            evidence = f"the loop iterates `{loop.iter_name}`"
        else:
            model = _model_in_eval_mode_before(activity, loop)
            if model is not None and any(m == model for _, m in inside.forwards):
                evidence = f"`{model}.eval()` was called before the loop"
        if evidence is None or _feeds_training_after(analysis, scope, activity, loop):
            continue
        covered.append(loop.span)
        regions.append(EvalRegion("loop", scope, (loop.node,), forwards, evidence, Confidence.HIGH))
    return regions


def _model_in_eval_mode_before(activity: Activity, loop: LoopInfo) -> Optional[str]:
    """The model whose last mode switch before the loop was `.eval()`, if unambiguous."""
    before = [s for s in activity.switches if s[0].index < loop.span.start]
    if not before:
        return None
    last_index = before[-1][0].index
    last = [s for s in before if s[0].index == last_index]
    if len(last) != 1 or last[0][1] != "eval":
        return None
    return last[0][2]


def _feeds_training_after(analysis: FileAnalysis, scope, activity: Activity, loop: LoopInfo) -> bool:
    """True when names bound in the loop reach a training call after it."""
    bound: set[str] = set()
    for assign in analysis.facts_in(analysis.assigns, scope, loop.span):
        bound |= assign.targets
    later_training = [c for c in activity.training if c.index > loop.span.end]
    for call in later_training:
        span = analysis.span_of(call.statement)
        for use in analysis.facts_in(analysis.name_uses, scope, span):
            if use.name in bound:
                return True
    return False


def _module_regions(analysis: FileAnalysis) -> list[EvalRegion]:
    """A script's top level: forward passes after `model.eval()`, or loops over evaluation data."""
    if analysis.global_state is not None and analysis.global_state.mode is not Mode.ENABLED:
        return []
    activity = activity_of(analysis, None)
    if activity.wants_grad or not _enabled(analysis, activity.forwards):
        return []
    if activity.training:
        return _loop_regions(analysis, None, activity)
    regions: list[EvalRegion] = []
    for block in _script_blocks(analysis.module):
        region = _statements_region(analysis, activity, block)
        if region is not None:
            regions.append(region)
    return regions or _loop_regions(analysis, None, activity)


def _script_blocks(module: cst.Module) -> list[Sequence[cst.BaseStatement]]:
    blocks: list[Sequence[cst.BaseStatement]] = [module.body]
    for statement in module.body:
        if isinstance(statement, cst.If) and isinstance(statement.body, cst.IndentedBlock):
            test = statement.test
            if isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name) and test.left.value == "__name__":
                blocks.append(statement.body.body)
    return blocks


def _statements_region(analysis: FileAnalysis, activity: Activity, block: Sequence[cst.BaseStatement]) -> Optional[EvalRegion]:
    """Statements of one script block that run forward passes of a model put in eval mode."""
    evals = [s for s in activity.switches if s[1] == "eval"]
    if not evals or any(kind != "eval" for _, kind, _ in activity.switches):
        return None
    models = {model for _, _, model in evals}
    first_eval = min(call.index for call, _, _ in evals)
    chosen: list[cst.BaseStatement] = []
    forwards: list[CallFact] = []
    for statement in block:
        span = analysis.span_of(statement)
        if isinstance(statement, cst.If) and statement.body and span.start != span.end:
            if any(block_statement is statement for block_statement in block) and _is_guard(statement):
                continue
        inside = [c for c, m in activity.forwards
                  if span.contains(c.index) and c.index > first_eval and m in models
                  and analysis.state_of(c).mode is Mode.ENABLED]
        if inside:
            if chosen and analysis.span_of(chosen[-1]).end + 1 < span.start and not _contiguous(block, chosen[-1], statement):
                break
            chosen.append(statement)
            forwards.extend(inside)
    if not chosen:
        return None
    first, last = block.index(chosen[0]), block.index(chosen[-1])
    statements = tuple(block[first:last + 1])
    model = next(m for c, m in activity.forwards if c is forwards[0])
    return EvalRegion("statements", None, statements, forwards,
                      f"the script calls `{model}.eval()` first", Confidence.HIGH)


def _is_guard(statement: cst.If) -> bool:
    test = statement.test
    return isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name) and test.left.value == "__name__"


def _contiguous(block: Sequence[cst.BaseStatement], a: cst.BaseStatement, b: cst.BaseStatement) -> bool:
    return True
