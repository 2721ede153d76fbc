"""The grad-mode contexts written in sight: which `with`, decorator or statement sets the mode at a
fact, the function a decorator belongs to, the `with` statement of an item, what a call creates."""
from __future__ import annotations

from typing import Optional

import libcst as cst

from . import knowledge
from .gradmode import (CallFact, ContextUse, Fact, FileAnalysis, FunctionInfo, GradState, Origin, WithFact,
                       framework_runs_without_grad, is_lightning_hook)

# Where a mode comes from when code in sight sets it.
EXPLICIT = (Origin.WITH, Origin.DECORATOR, Origin.STATEMENT)


def explicit_state(analysis: FileAnalysis, fact: Fact) -> Optional[GradState]:
    """The grad state at `fact` when code in sight sets it (see `explicit`); else None."""
    return explicit(analysis, analysis.state_of(fact))


def explicit(analysis: FileAnalysis, state: Optional[GradState]) -> Optional[GradState]:
    """`state` when code in sight set it: a `with`, a decorator (which has no effect on an
    `async def`) or an earlier `set_grad_enabled(...)` statement; else None."""
    if state is None or state.origin not in EXPLICIT:
        return None
    if state.origin is Origin.DECORATOR:
        function = decorated_function(analysis, state.node)
        if function is None or function.is_async:
            return None
    return state


def sure_state(analysis: FileAnalysis, state: Optional[GradState]) -> Optional[GradState]:
    """`state` when code in sight sets it (`explicit`) or a framework surely runs the function
    with gradients disabled (Lightning's `validation_step` of a `LightningModule`); else None."""
    if state is not None and state.origin is Origin.HOOK:
        function = hooked_function(analysis, state.node)
        return state if function is not None and framework_runs_without_grad(analysis, function) else None
    return explicit(analysis, state)


def hooked_function(analysis: FileAnalysis, node) -> Optional[FunctionInfo]:
    """The function whose `def` is `node` (the node of a framework hook's grad state)."""
    from .summaries import model_of  # the value model reads this module
    return model_of(analysis).function_for(node)


def lightning_hook_state(analysis: FileAnalysis, state: GradState) -> bool:
    """A framework hook's state whose hook is one of Lightning's (a method so named)."""
    function = hooked_function(analysis, state.node) if state.origin is Origin.HOOK else None
    return function is not None and function.class_name is not None and is_lightning_hook(function)


def disables(state: Optional[GradState]) -> bool:
    return state is not None and state.mode.disables_grad


def decorated_function(analysis: FileAnalysis, expression) -> Optional[FunctionInfo]:
    """The function a grad-mode decorator expression belongs to."""
    table = analysis.cache.get("decorated_functions")
    if table is None:
        table = {id(use.node): f for f in analysis.functions for use in f.decorator_uses}
        table.update({id(f.framework_state.node): f for f in analysis.functions if f.framework_state is not None})
        analysis.cache["decorated_functions"] = table
    return table.get(id(expression))


def decorator_node(function: FunctionInfo, use: ContextUse) -> cst.Decorator:
    return next(d for d in function.node.decorators if d.decorator is use.node)


def with_of_item(analysis: FileAnalysis, item) -> Optional[tuple[WithFact, ContextUse]]:
    """The with-statement fact and context use of a `WithItem`."""
    table = analysis.cache.get("with_items")
    if table is None:
        table = {id(i): (w, u) for w in analysis.withs for i, u in w.uses}
        analysis.cache["with_items"] = table
    return table.get(id(item))


def kind_of(call: CallFact) -> Optional[knowledge.GradContext]:
    """The grad-mode context a call creates (`torch.no_grad()`), if any."""
    return knowledge.GRAD_CONTEXTS.get(call.qualified or "")


def inputs_cut(analysis: FileAnalysis, function: FunctionInfo) -> frozenset[str]:
    """The parameters whose graph a `with` block written in `function` cuts: every read of one is
    inside a block that disables gradients, or comes after the block rebinds it (`with
    torch.no_grad(): audio = self.spectrogram(audio)`), and no rebinding is outside such a block.
    Nothing the function computes from them carries their graph (a discriminator that makes its
    input's spectrogram under `no_grad` passes no gradient back to the generator)."""
    key = ("inputs_cut", id(function))
    known = analysis.cache.get(key)
    if known is not None:
        return known
    from .interpret import _named_params  # the interpreter reads this module
    names = {param.name.value for param in _named_params(function)} - {"self", "cls"}
    reads: dict[str, list] = {}
    for use in analysis.facts_in(analysis.name_uses, function):
        if use.name in names and use.statement is not function.node:  # not the signature's own names
            reads.setdefault(use.name, []).append(use)
    binds: dict[str, list] = {}
    for assign in analysis.facts_in(analysis.assigns, function):
        for name in assign.targets & reads.keys():
            binds.setdefault(name, []).append(assign)
    found = set()
    for name, uses in reads.items():
        rebinds = binds.get(name, [])
        if not all(disabled_by_own_with(analysis, function, assign.explicit) for assign in rebinds):
            continue
        rebound = min((assign.index for assign in rebinds), default=None)
        if all(disabled_by_own_with(analysis, function, use.explicit) or (rebound is not None and use.index > rebound)
               for use in uses):
            found.add(name)
    analysis.cache[key] = result = frozenset(found)
    return result


def disabled_by_own_with(analysis: FileAnalysis, function: FunctionInfo, state: Optional[GradState]) -> bool:
    """`state` disables gradients and is set by a `with` written in `function`."""
    if state is None or not state.mode.disables_grad or state.origin is not Origin.WITH:
        return False
    return any(item is state.node for fact in analysis.facts_in(analysis.withs, function) for item in fact.node.items)
