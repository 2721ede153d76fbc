"""Evaluation regions: functions, loops and script blocks that evaluate a model while gradients
are recorded, with the evidence for it and how confident that evidence makes us."""
from __future__ import annotations

import dataclasses
import os
from typing import Optional, Sequence

import libcst as cst

from . import knowledge
from ..diagnostics import Confidence
from .gradmode import CallFact, FileAnalysis, FunctionInfo, LoopInfo, Mode, Span, call_sites, is_main_guard
from .roles import (Activity, activity_of, class_evaled, evaluating_caller, is_evaluation_loader,
                    is_evaluation_name, recording_forwards, runs_evaled)
from .treewalk import attached_names, is_detached
from .values import STORING_WORDS, is_python_value, python_valued_names, root_name, value_context


@dataclasses.dataclass(eq=False)
class EvalRegion:
    """Code that evaluates a model with gradients on: a whole function, a loop, or statements."""

    kind: str  # "function", "loop" or "statements"
    scope: Optional[FunctionInfo]
    statements: tuple[cst.CSTNode, ...]  # the FunctionDef, the loop, or consecutive statements
    forwards: list[CallFact]
    evidence: str
    confidence: Confidence








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
    return is_test_file(analysis.path) and "test" in knowledge.split_words(function.name)


def evaluation_regions(analysis: FileAnalysis, extra_names: Sequence[str] = ()) -> list[EvalRegion]:
    """Every region of the file that evaluates a model while gradients are recorded."""
    regions: list[EvalRegion] = []
    for function in analysis.functions:
        regions.extend(_function_regions(analysis, function, extra_names))
    regions.extend(_module_regions(analysis))
    return regions





def _function_regions(analysis: FileAnalysis, function: FunctionInfo, extra_names: Sequence[str]) -> list[EvalRegion]:
    excluded = ("forward", "__init__") if _overridden_hook(function) else ("forward", "__init__", "__call__")
    if function.entry.mode is not Mode.ENABLED or function.name in excluded or is_test_function(analysis, function):
        return []
    activity = activity_of(analysis, function)
    if activity.wants_grad or not recording_forwards(analysis, activity.forwards):
        return []
    if activity.training:
        return _loop_regions(analysis, function, activity)
    evidence = _function_evidence(analysis, function, activity, extra_names)
    if not evidence:
        return _loop_regions(analysis, function, activity)
    strong = [e for e in evidence if not e.startswith("judged")]
    if _overridden_hook(function) is not None:
        confidence = Confidence.HIGH  # the framework's contract: an override disables gradients itself
    elif forward_outputs_leave(analysis, function, activity) or _framework_template_method(analysis, function, evidence):
        # Forward outputs leave the function: a caller may differentiate them (library code often
        # puts modules in eval mode and still needs gradients), so ask for more than one sign.
        confidence = Confidence.MEDIUM if len(evidence) > 1 else Confidence.LOW
    else:
        confidence = Confidence.HIGH if strong else Confidence.MEDIUM
    return [EvalRegion("function", function, (function.node,), recording_forwards(analysis, activity.forwards),
                       "; ".join(evidence), confidence)]


def forward_outputs_leave(analysis: FileAnalysis, function: FunctionInfo, activity: "Activity") -> bool:
    """Does a value made from a forward pass leave the function: returned, yielded, stored on
    `self` or an argument, or handed to a method that keeps it (`self._store(out)`)?

    Values flow through assignments, calls, subscript stores and list building (`append`,
    `extend`), not through other method calls such as `metric.add(acc)` nor through detaching
    (`.item()`, `.detach()`, `.numpy()`)."""
    forward_statements = {id(call.statement) for call, _ in activity.forwards}
    assigns = [a for a in analysis.facts_in(analysis.assigns, function) if a.value is not None]
    builds = [c for c in analysis.facts_in(analysis.calls, function)
              if c.method in LIST_BUILDING_METHODS and c.receiver is not None]
    local = set().union(*(a.targets for a in assigns)) if assigns else set()
    derived: dict[str, list] = {}  # name -> the facts that gave it a forward output

    def reaches(name: str, fact) -> bool:
        """A value stored at one fact can be read at another one later, or around a shared loop."""
        return any(source.index < fact.index or set(map(id, source.loops)) & set(map(id, fact.loops))
                   for source in derived.get(name, ()))

    def carries(node, fact) -> bool:
        if is_detached(node):
            return False
        return id(fact.statement) in forward_statements or any(reaches(n, fact) for n in attached_names(node))

    def mark(name: str, fact) -> bool:
        facts = derived.setdefault(name, [])
        if any(f is fact for f in facts):
            return False
        facts.append(fact)
        return True

    changed = True
    while changed:
        changed = False
        for assign in assigns:
            if carries(assign.value, assign):
                stores = set(assign.targets) | {root for t in _store_targets(assign.node) if (root := root_name(t))}
                for name in stores:
                    changed |= mark(name, assign)
        for call in builds:
            root = root_name(call.receiver)
            if root and any(carries(arg.value, call) for arg in call.node.args):
                changed |= mark(root, call)
    if set(derived) - local - {"self", "cls"} or ({"self", "cls"} & set(derived)):
        return True  # stored on an argument or on the object
    python, context = python_valued_names(analysis, function), value_context(analysis)
    for ret in analysis.facts_in(analysis.returns, function):
        if ret.value is not None and carries(ret.value, ret) and not is_python_value(ret.value, python, context):
            return True
    for call in analysis.facts_in(analysis.calls, function):
        method = call.method
        if (method and root_name(call.receiver) in ("self", "cls") and set(knowledge.split_words(method)) & STORING_WORDS
                and any(carries(arg.value, call) for arg in call.node.args)):
            return True
    return False


LIST_BUILDING_METHODS = frozenset({"append", "extend", "insert", "appendleft"})


def _store_targets(node) -> list:
    if isinstance(node, cst.Assign):
        return [t.target for t in node.targets if isinstance(t.target, (cst.Attribute, cst.Subscript))]
    if isinstance(node, (cst.AugAssign, cst.AnnAssign)) and isinstance(node.target, (cst.Attribute, cst.Subscript)):
        return [node.target]
    return []


def _framework_template_method(analysis: FileAnalysis, function: FunctionInfo, evidence: list[str]) -> bool:
    """A method judged only by its name, in a class derived from one defined elsewhere, that
    nothing in this module calls: most likely a hook the base class calls (often under no_grad)."""
    if len(evidence) != 1 or not evidence[0].startswith("judged") or function.class_info is None:
        return False
    framework_bases = [b for b in function.class_info.bases if b not in knowledge.PLAIN_BASES]
    return bool(framework_bases) and not call_sites(analysis).get(function)


def _function_evidence(analysis: FileAnalysis, function: FunctionInfo, activity: "Activity",
                       extra_names: Sequence[str]) -> list[str]:
    """Why a whole function reads as evaluation: `.eval()` on the model it runs, an evaluation
    loader, its name. Empty when it switches a model to training mode."""
    if any(kind != "eval" for _, kind, _ in activity.switches):
        return []
    evidence = []
    evaled = activity.evaled_models
    evaled_forwards = [e for _, m in activity.forwards for e in evaled if runs_evaled(m, {e})]
    if evaled_forwards:
        evidence.append(f"it calls `{evaled_forwards[0]}.eval()`")
    in_init = [m for _, m in activity.forwards if m in class_evaled(analysis, function)]
    if in_init and not evaled_forwards:
        evidence.append(f"`{in_init[0]}.eval()` is called in `__init__`")
    caller = evaluating_caller(analysis, function, {m for _, m in activity.forwards})
    if caller is not None:
        evidence.append(caller)
    loader_loops = [loop for loop in analysis.loops if loop.function is function and is_evaluation_loader(loop)]
    if loader_loops:
        evidence.append(f"it iterates `{loader_loops[0].iter_name}`")
    override = _overridden_hook(function)
    if override is not None:
        evidence.append(f"it overrides `{override}.{function.name}`, which the framework runs with gradients on")
    elif is_evaluation_name(function.name, extra_names):
        evidence.append(f"judged by the name `{function.name}`")
    return evidence


def _overridden_hook(function: FunctionInfo) -> Optional[str]:
    """The framework base class whose gradient-recording hook this method overrides."""
    if function.class_info is None:
        return None
    for base, hooks in knowledge.HOOKS_WITH_GRAD.items():
        if function.name in hooks and base in function.class_info.ancestors:
            return base.rpartition(".")[2]
    return None








def _loop_regions(analysis: FileAnalysis, scope: Optional[FunctionInfo], activity: Activity) -> list[EvalRegion]:
    """Evaluation loops inside code that also trains (or is not itself evaluation)."""
    regions: list[EvalRegion] = []
    covered: list[Span] = []
    for loop in analysis.loops:
        if loop.function is not scope or any(span.contains(loop.span.start) for span in covered):
            continue
        inside = activity.in_span(loop.span)
        forwards = recording_forwards(analysis, inside.forwards)
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
    if activity.wants_grad or not recording_forwards(analysis, activity.forwards):
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
    """The module body and the body of its `if __name__ == "__main__":` blocks."""
    blocks: list[Sequence[cst.BaseStatement]] = [module.body]
    for statement in module.body:
        if isinstance(statement, cst.If) and is_main_guard(statement.test) and isinstance(statement.body, cst.IndentedBlock):
            blocks.append(statement.body.body)
    return blocks


def _statements_region(analysis: FileAnalysis, activity: Activity, block: Sequence[cst.BaseStatement]) -> Optional[EvalRegion]:
    """The first run of statements in a script block that runs a model put in eval mode earlier.

    The run goes from the first statement with such a forward pass to the last one before a
    definition, a `__main__` guard or a `# %%` cell marker.
    """
    evals = [s for s in activity.switches if s[1] == "eval"]
    if not evals or any(kind != "eval" for _, kind, _ in activity.switches):
        return None
    models = {model for _, _, model in evals}
    first_eval = min(call.index for call, _, _ in evals)
    run: list[cst.BaseStatement] = []
    last_with_forward = -1
    forwards: list[CallFact] = []
    for statement in block:
        breaks_run = isinstance(statement, (cst.FunctionDef, cst.ClassDef)) or _starts_cell(statement) or (
            isinstance(statement, cst.If) and is_main_guard(statement.test))
        if breaks_run:
            if run:
                break
            continue
        span = analysis.span_of(statement)
        inside = [c for c, m in activity.forwards
                  if span.contains(c.index) and c.index > first_eval and m in models
                  and analysis.state_of(c).mode is Mode.ENABLED]
        if inside or run:
            run.append(statement)
        if inside:
            last_with_forward = len(run) - 1
            forwards.extend(inside)
    if not forwards:
        return None
    model = next(m for c, m in activity.forwards if c is forwards[0])
    return EvalRegion("statements", None, tuple(run[:last_with_forward + 1]), forwards,
                      f"the script calls `{model}.eval()` first", Confidence.HIGH)


def _starts_cell(statement: cst.CSTNode) -> bool:
    return any(line.comment is not None and line.comment.value.startswith("# %%")
               for line in getattr(statement, "leading_lines", ()))
