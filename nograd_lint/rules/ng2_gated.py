"""NG210's gated shape: a forward pass under `set_grad_enabled(a and b)` fed, through a method's
parameter, what its caller computed under `set_grad_enabled(c)`, whose flags do not imply the
forward's: with `c` true and `b` false, the module trained under `c` gets no gradient through it."""
from __future__ import annotations

from typing import Iterable, Iterator, Optional

import libcst as cst

from ..analysis import knowledge
from ..analysis.calls import is_backward
from ..analysis.gradmode import FileAnalysis, FunctionInfo, Mode, WithFact
from ..analysis.interpret import _bind_arguments, _named_params, _takes_self
from ..analysis.lattice import UNKNOWN
from ..analysis.summaries import ModuleModel
from ..analysis.treewalk import names_in
from ..diagnostics import Confidence
from .base import Finding
from .common import code_of


def gated_cuts(analysis: FileAnalysis, model: ModuleModel) -> Iterable[Finding]:
    for function in list(analysis.functions):
        for fact in list(analysis.facts_in(analysis.withs, function)):
            for use, flags in _gates(fact):
                found = _cut(analysis, model, function, fact, flags)
                if found is not None:
                    yield _finding(analysis, use.node, found)


def _finding(analysis: FileAnalysis, node: cst.CSTNode, found: tuple) -> Finding:
    upstream, caller, flag, gate = found
    message = (f"`{code_of(analysis, node, 50)}` runs this forward pass without gradients when `{flag}` is false, "
               f"but its input comes from `{code_of(upstream[1], upstream[0], 50)}` in `{caller}`, which records a "
               f"graph whenever `{gate}` is true: with `{flag}` false, what is trained there gets no gradient "
               "through this output. Gate the forward pass only on what every trained module needs (and freeze "
               "this module with `requires_grad_(False)` instead)")
    return Finding(node, message, None, Confidence.MEDIUM, related=((upstream[0], upstream[1], "the gated input"),))


def _gates(fact: WithFact) -> Iterator[tuple]:
    """The `set_grad_enabled(flag)` items of a `with`, each with the conjuncts of its flag."""
    for _item, use in fact.uses:
        if use.kind is knowledge.GradContext.SET_GRAD_ENABLED and use.mode is Mode.UNKNOWN and use.args:
            yield use, _conjuncts(use.args[0].value)


def _conjuncts(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.And):
        return _conjuncts(node.left) + _conjuncts(node.right)
    return [node]


def _text(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def _cut(analysis: FileAnalysis, model: ModuleModel, function: FunctionInfo, fact: WithFact,
         flags: list) -> Optional[tuple]:
    """(the caller's gated assignment and its analysis, the caller's name, a flag of this gate its
    gate lacks), when the gated forward pass is fed a parameter so computed and its output is
    returned to a caller whose result is backpropagated."""
    made, fed = set(), set()
    for assign in analysis.facts_in(analysis.assigns, function, fact.span):
        if assign.value is not None and _has_call(assign.value):
            made |= assign.targets
            fed |= names_in(assign.value)
    if not made:
        return None
    method, params, returned = _lift(analysis, function, fed, made)
    if method is None or method.class_name is None or not params or not returned:
        return None
    cls = model.classes.get(method.class_name)
    if cls is None:
        return None
    for caller in list(cls.methods.values()):
        owner = model.owner_model(caller)
        if owner is None or caller is method:
            continue
        for call in list(owner.analysis.facts_in(owner.analysis.calls, caller)):
            if call.callee != f"self.{method.name}":
                continue
            bound = _bind(method, call.node)
            upstream = _gated_source(owner.analysis, caller, [bound[p] for p in params if p in bound])
            if upstream is None:
                continue
            assign, their_flags = upstream
            theirs = {_text(flag) for flag in their_flags}
            gate = " and ".join(_text(flag) for flag in their_flags)
            for flag in flags:
                mapped = _mapped(flag, method, bound)
                if mapped is not None and mapped not in theirs and mapped != "True" and \
                        _backpropagated(owner.analysis, caller, call):
                    return (assign.node, owner.analysis), caller.name, _text(flag), gate
    return None


def _has_call(node: cst.CSTNode) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Call):
            return True
        if not isinstance(current, cst.Lambda):
            stack.extend(current.children)
    return False


def _parameters(function: FunctionInfo) -> list[str]:
    return [param.name.value for param in _named_params(function)]


def _sources(analysis: FileAnalysis, function: FunctionInfo, names: set) -> set:
    """`names` and every name they are computed from in `function`."""
    return _closure(analysis, function, names, upstream=True)


def _derived(analysis: FileAnalysis, function: FunctionInfo, names: set) -> set:
    """`names` and every name computed from them in `function`."""
    return _closure(analysis, function, names, upstream=False)


def _closure(analysis: FileAnalysis, function: FunctionInfo, names: set, upstream: bool) -> set:
    """`names` grown through the function's assignments, to what they read (`upstream`) or to
    what reads them, until nothing more is added."""
    found, assigns = set(names), [a for a in analysis.facts_in(analysis.assigns, function) if a.value is not None]
    changed = True
    while changed:
        changed = False
        for assign in assigns:
            read = names_in(assign.value)
            linked, new = (assign.targets & found, read - found) if upstream else (read & found, assign.targets - found)
            if linked and new:
                found |= new
                changed = True
    return found


def _returns(analysis: FileAnalysis, function: FunctionInfo, names: set) -> bool:
    derived = _derived(analysis, function, names)
    return any(r.value is not None and not r.is_yield and names_in(r.value) & derived
               for r in analysis.facts_in(analysis.returns, function))


def _lift(analysis: FileAnalysis, function: FunctionInfo, fed: set, made: set):
    """(the method whose parameters feed the gated forward pass, those parameters, whether it
    returns the forward's output), through a function nested in it that it calls."""
    sources = _sources(analysis, function, fed)
    returned = _returns(analysis, function, made)
    own = _parameters(function)
    parent = function.parent
    if parent is None or function.class_name is not None:
        return function, [p for p in own if p in sources and p != "self"], returned
    assigned = set().union(*(a.targets for a in analysis.facts_in(analysis.assigns, function)))
    outer, results = sources - set(own) - assigned, set()  # what it reads from the enclosing function
    for call in analysis.facts_in(analysis.calls, parent):
        if call.callee == function.name:
            bound = _bind(function, call.node)
            outer |= {name for p in own if p in sources and p in bound for name in names_in(bound[p])}
            results |= _results(analysis, parent, call.node)
    lifted = _sources(analysis, parent, outer)
    params = [p for p in _parameters(parent) if p in lifted and p != "self"]
    return parent, params, returned and bool(results) and _returns(analysis, parent, results)


def _results(analysis: FileAnalysis, function: FunctionInfo, call: cst.Call) -> set:
    """The names a call's result is assigned to in `function`."""
    return set().union(*(a.targets for a in analysis.facts_in(analysis.assigns, function) if a.value is call))


def _bind(function: FunctionInfo, call: cst.Call) -> dict:
    """Parameter name -> the argument expression a call passes for it (`self` left out)."""
    method = function.class_name is not None
    bound = _bind_arguments(function, [(arg, arg.value) for arg in call.args], UNKNOWN if method else None)
    if method and _takes_self(function):
        bound.pop(_parameters(function)[0], None)
    return bound


def _mapped(flag: cst.BaseExpression, method: FunctionInfo, bound: dict) -> Optional[str]:
    """The flag as the caller spells it: a parameter is what the call passes (None when it passes
    nothing for it)."""
    if isinstance(flag, cst.Name) and flag.value in _parameters(method):
        value = bound.get(flag.value)
        return _text(value) if value is not None else None
    return _text(flag)


def _gated_source(analysis: FileAnalysis, caller: FunctionInfo, arguments: list) -> Optional[tuple]:
    """An assignment of the caller, under a `set_grad_enabled(flag)` of its own, of a call whose
    result the arguments are computed from; with that gate's conjuncts."""
    names = _sources(analysis, caller, set().union(*(names_in(a) for a in arguments)) if arguments else set())
    for fact in analysis.facts_in(analysis.withs, caller):
        for _use, flags in _gates(fact):
            assigns = [assign for assign in analysis.facts_in(analysis.assigns, caller, fact.span)
                       if assign.targets & names and assign.value is not None and _has_call(assign.value)]
            if assigns:
                return assigns[-1], flags  # the last: nearest to what is passed
    return None


def _backpropagated(analysis: FileAnalysis, caller: FunctionInfo, call) -> bool:
    """The caller returns what the call gives, and a function of its module backpropagates what
    the caller returns."""
    results = _results(analysis, caller, call.node)
    if not results or not _returns(analysis, caller, results):
        return False
    for function in analysis.functions:
        for fact in analysis.facts_in(analysis.calls, function):
            if fact.method != caller.name:
                continue
            losses = _derived(analysis, function, _results(analysis, function, fact.node))
            if losses and any(is_backward(b) and names_in(b.node) & losses
                              for b in analysis.facts_in(analysis.calls, function)):
                return True
    return False
