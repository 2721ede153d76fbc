"""Which parameters of a project function have their graph cut inside it: every read is under a
`no_grad` block of its own (`contexts.inputs_cut`), the function is decorated to disable
gradients (and does not return the parameter as it is), or it hands the parameter only to
callees that cut it (a loss module that gives the prediction to a feature encoder whose
`forward` is `@torch.no_grad()`). A caller that passes such a function a tensor with a graph
gets back nothing through which a gradient reaches that graph (NG210)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import libcst as cst

from .contexts import disabled_by_own_with, inputs_cut
from .gradmode import FileAnalysis, FunctionInfo
from .lattice import Kind
from .treewalk import iter_nodes

if TYPE_CHECKING:
    from .summaries import ModuleModel


def params_cut(model: "ModuleModel", function: FunctionInfo) -> frozenset[str]:
    """The parameters of `function` (not `self`) whose graph nothing it returns or keeps carries."""
    owner = model.owner_model(function)
    if owner is None:
        return frozenset()
    key = ("params_cut", id(function))
    known = owner.analysis.cache.get(key)
    if known is not None:
        return known
    owner.analysis.cache[key] = frozenset()  # a call cycle reads "nothing cut": it reports less
    found = _params_cut(owner, function)
    owner.analysis.cache[key] = found
    return found


def _params_cut(owner: "ModuleModel", function: FunctionInfo) -> frozenset[str]:
    from .interpret import _named_params  # the interpreter reads this module
    analysis = owner.analysis
    names = frozenset(param.name.value for param in _named_params(function)) - {"self", "cls"}
    if _decorated_off(function):
        # what it returns computed from a parameter: a plain number (`.item()`), or a field the
        # parameter only updated (an augmentation probability tuned on the predictions), would
        # carry no graph of the parameter, decorator or not
        summary = owner.summary_of(function)
        if summary is None or not summary.result.returns or summary.returned.kind is Kind.PYTHON:
            return frozenset()
        return (names & summary.returned.params) - returned_as_is(analysis, function)
    direct = inputs_cut(analysis, function)
    rest = names - direct
    summary = owner.summary_of(function) if rest else None  # its interpretation notes what it hands on
    handed = summary.result.handed_to_cut if summary is not None else ()
    if not handed:
        return direct
    rest -= frozenset().union(*(assign.targets for assign in analysis.facts_in(analysis.assigns, function)))
    reads: dict[str, list] = {}  # (a name rebound is `contexts.inputs_cut`'s)
    for use in analysis.facts_in(analysis.name_uses, function):
        if use.name in rest and use.statement is not function.node:
            reads.setdefault(use.name, []).append(use)
    handed = {key: entry for key, entry in handed.items() if entry[0] not in summary.result.weighed}
    tests = None
    relayed = set()
    for name, uses in reads.items():
        plain = [use for use in uses if not disabled_by_own_with(analysis, function, use.explicit) and id(use.node) not in handed]
        if plain and tests is None:
            tests = _none_tests(function)
        if any(id(use.node) in handed for use in uses) and all(id(use.node) in tests for use in plain):
            relayed.add(name)
    return direct | relayed


def params_cut_given(model: "ModuleModel", function: FunctionInfo, constants: tuple) -> frozenset[str]:
    """`params_cut` for a call with these literal arguments: not the parameters handed to a
    callee that cuts them only on branches the call does not take (`optimizer_idx=1`)."""
    cut = params_cut(model, function)
    owner = model.owner_model(function)
    if not cut or not constants or owner is None or _decorated_off(function):
        return cut
    relayed = cut - inputs_cut(owner.analysis, function)
    summary = owner.summary_of(function)
    given = summary.given(constants) if relayed and summary is not None else summary
    if given is summary:
        return cut
    taken = {use.name for use in owner.analysis.facts_in(owner.analysis.name_uses, function)
             if id(use.node) in given.result.handed_to_cut}
    return cut - (relayed - taken)


def _decorated_off(function: FunctionInfo) -> bool:
    """Is `function` decorated to disable gradients (with effect: not an `async def`)?"""
    state = function.decorator_state
    return state is not None and state.mode.disables_grad and not function.is_async


def _none_tests(function: FunctionInfo) -> set[int]:
    """The ids of the names only tested against `None` (`if predicted is not None:`)."""
    found: set[int] = set()
    for node in iter_nodes(function.node.body):
        if (node.__class__ is cst.Comparison and node.left.__class__ is cst.Name and len(node.comparisons) == 1
                and node.comparisons[0].operator.__class__ in (cst.Is, cst.IsNot)
                and node.comparisons[0].comparator.__class__ is cst.Name
                and node.comparisons[0].comparator.value == "None"):
            found.add(id(node.left))
    return found


def returned_as_is(analysis: FileAnalysis, function: FunctionInfo) -> frozenset[str]:
    """The names a `return` of `function` gives back as they are (`return x`, `return x, mask`)."""
    names: set[str] = set()
    for fact in analysis.facts_in(analysis.returns, function):
        value = fact.value
        parts = [element.value for element in value.elements] if isinstance(value, cst.Tuple) else [value]
        names.update(part.value for part in parts if isinstance(part, cst.Name))
    return frozenset(names)


def how_cut(model: "ModuleModel", function: FunctionInfo, name: str,
            depth: int = 0) -> tuple[str, Optional[cst.CSTNode], Optional[FileAnalysis]]:
    """How `function` cuts the graph of its parameter `name` (see `params_cut`), for a message,
    with the node that cuts it and its module's analysis: "`F`, which is decorated with
    `@torch.no_grad()`", "`F`, which hands `x` to `G`, which ..." (a few calls deep)."""
    spelled = f"`{function.display_name}`"
    owner = model.owner_model(function)
    if owner is None or depth > 5 or name not in params_cut(model, function):
        return spelled, None, None
    analysis = owner.analysis
    if _decorated_off(function):
        state = function.decorator_state
        decorator = " ".join(analysis.module.code_for_node(state.node).split())
        return f"{spelled}, which is decorated with `@{decorator}`", state.node, analysis
    summary = owner.summary_of(function) if name not in inputs_cut(analysis, function) else None
    handed = summary.result.handed_to_cut if summary is not None else {}
    for use in analysis.facts_in(analysis.name_uses, function):
        if use.name == name and id(use.node) in handed:
            _, callee, param = handed[id(use.node)]
            text, node, where = how_cut(model, callee, param, depth + 1)
            return f"{spelled}, which hands `{name}` to {text}", node, where
    block = next((use.explicit for use in analysis.facts_in(analysis.name_uses, function)
                  if use.name == name and disabled_by_own_with(analysis, function, use.explicit)), None)
    return (f"{spelled}, which reads `{name}` only under a `no_grad` block of its own",
            block.node if block is not None else None, analysis)
