"""Value flow within a function: which names hold plain Python values, and what escapes a region.

A fix that turns off gradients is safe when nothing computed in the region reaches a caller or
later code as a tensor that might be differentiated; Python numbers and strings cannot be.
"""
from __future__ import annotations

from typing import Iterable, Optional

import libcst as cst

from . import names
from .gradmode import AssignFact, CallFact, FileAnalysis, FunctionInfo, Span

MUTATING_METHODS = frozenset({"append", "extend", "add", "insert", "update", "put", "setdefault",
                              "appendleft", "__setitem__"})
# Words in a method name that suggest it keeps its arguments (`self._store_outputs(out)`).
STORING_WORDS = frozenset({"set", "store", "save", "update", "register", "restore", "add", "append",
                           "cache", "push", "record", "write", "put", "assign"})
PYTHON_ATTRIBUTES = frozenset({"shape", "ndim", "dtype", "device", "is_cuda", "requires_grad",
                               "__name__", "training"})


def root_name(node: cst.BaseExpression) -> Optional[str]:
    """`self` for `self.a.b[0]`, `x` for `x`."""
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def is_python_value(node: Optional[cst.BaseExpression], python_names: frozenset[str] | set[str]) -> bool:
    """True when `node` surely evaluates to a plain Python value (never a tensor)."""
    if node is None:
        return True
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString,
                         cst.ConcatenatedString, cst.FormattedString)):
        return True
    if isinstance(node, cst.Name):
        return node.value in python_names or node.value in ("None", "True", "False")
    if isinstance(node, cst.Call):
        func = node.func
        if isinstance(func, cst.Attribute):
            return func.attr.value in names.PYTHON_VALUE_METHODS
        return isinstance(func, cst.Name) and func.value in names.PYTHON_VALUE_FUNCTIONS
    if isinstance(node, cst.Attribute):
        return node.attr.value in PYTHON_ATTRIBUTES
    if isinstance(node, cst.Subscript):
        return is_python_value(node.value, python_names) or (
            isinstance(node.value, cst.Attribute) and node.value.attr.value in PYTHON_ATTRIBUTES)
    if isinstance(node, cst.BinaryOperation):
        return is_python_value(node.left, python_names) and is_python_value(node.right, python_names)
    if isinstance(node, cst.UnaryOperation):
        return is_python_value(node.expression, python_names)
    if isinstance(node, cst.BooleanOperation):
        return is_python_value(node.left, python_names) and is_python_value(node.right, python_names)
    if isinstance(node, cst.Comparison):
        return is_python_value(node.left, python_names) and all(
            is_python_value(target.comparator, python_names) for target in node.comparisons)
    if isinstance(node, cst.IfExp):
        return is_python_value(node.body, python_names) and is_python_value(node.orelse, python_names)
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        return all(is_python_value(element.value, python_names) for element in node.elements)
    if isinstance(node, cst.Dict):
        return all(isinstance(element, cst.DictElement) and is_python_value(element.value, python_names)
                   for element in node.elements)
    return False


def mutations(analysis: FileAnalysis, function: Optional[FunctionInfo], span: Optional[Span] = None) -> Iterable[tuple[CallFact, str]]:
    """`(call, root)` for container mutations such as `preds.append(out)` in the function/span."""
    for call in analysis.facts_in(analysis.calls, function, span):
        if call.method in MUTATING_METHODS and call.receiver is not None:
            root = root_name(call.receiver)
            if root is not None:
                yield call, root


def python_valued_names(analysis: FileAnalysis, function: Optional[FunctionInfo]) -> frozenset[str]:
    """Names in `function` that only ever hold Python values (the greatest fixed point)."""
    key = ("python_names", id(function))
    cached = analysis.cache.get(key)
    if cached is not None:
        return cached
    assigns = list(analysis.facts_in(analysis.assigns, function))
    candidates = set().union(*(a.targets for a in assigns)) if assigns else set()
    if function is not None:
        candidates -= set(_parameter_names(function))
    mutated_with = [(root, call) for call, root in mutations(analysis, function)]
    changed = True
    while changed:
        changed = False
        for assign in assigns:
            if assign.targets & candidates and not _assign_is_python(assign, candidates):
                candidates -= assign.targets
                changed = True
        for root, call in mutated_with:
            if root in candidates and not all(is_python_value(arg.value, candidates) for arg in call.node.args):
                candidates.discard(root)
                changed = True
    result = frozenset(candidates)
    analysis.cache[key] = result
    return result


def _assign_is_python(assign: AssignFact, candidates: set[str]) -> bool:
    if isinstance(assign.node, cst.For):
        iterable = assign.value
        return isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and iterable.func.value == "range"
    if isinstance(assign.node, cst.WithItem):
        return False
    return is_python_value(assign.value, candidates)


def _parameter_names(function: FunctionInfo) -> Iterable[str]:
    params = function.node.params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        yield param.name.value
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            yield star.name.value


def local_names(analysis: FileAnalysis, function: Optional[FunctionInfo]) -> frozenset[str]:
    """Names bound in the function body (not its parameters)."""
    bound: set[str] = set()
    for assign in analysis.facts_in(analysis.assigns, function):
        bound |= assign.targets
    return frozenset(bound)


def escapes_function(analysis: FileAnalysis, function: FunctionInfo) -> bool:
    """True when a value computed in the function may leave it as a tensor."""
    python = python_valued_names(analysis, function)
    for ret in analysis.facts_in(analysis.returns, function):
        if ret.is_yield or not is_python_value(ret.value, python):
            return True
    return _stores_outside(analysis, function, None, python, local_names(analysis, function))


def escapes_region(analysis: FileAnalysis, function: Optional[FunctionInfo], span: Span) -> bool:
    """True when a value computed inside `span` may be used later (or outside) as a tensor."""
    python = python_valued_names(analysis, function)
    for ret in analysis.facts_in(analysis.returns, function, span):
        if ret.is_yield or not is_python_value(ret.value, python):
            return True
    bound: set[str] = set()
    for assign in analysis.facts_in(analysis.assigns, function, span):
        bound |= assign.targets
    bound |= {root for _, root in mutations(analysis, function, span)}
    tensor_names = bound - python
    for use in analysis.facts_in(analysis.name_uses, function):
        if use.index > span.end and use.name in tensor_names:
            return True
    if function is None:
        # Module-level names are globals: anything later in the module, or importers, may read them.
        for use in analysis.name_uses:
            if use.function is not None and use.name in tensor_names:
                return True
    locals_ = local_names(analysis, function) if function is not None else frozenset(bound)
    return _stores_outside(analysis, function, span, python, locals_)


def _stores_outside(analysis: FileAnalysis, function: Optional[FunctionInfo], span: Optional[Span],
                    python: frozenset[str], locals_: frozenset[str]) -> bool:
    """Attribute/subscript stores or container mutations on non-local objects with tensor values."""
    for assign in analysis.facts_in(analysis.assigns, function, span):
        for target in _store_targets(assign.node):
            if isinstance(target, (cst.Attribute, cst.Subscript)):
                if root_name(target) not in locals_ and not is_python_value(assign.value, python):
                    return True
    for call, root in mutations(analysis, function, span):
        if root not in locals_ and not all(is_python_value(arg.value, python) for arg in call.node.args):
            return True
    for call in analysis.facts_in(analysis.calls, function, span):
        method = call.method
        if (method is not None and root_name(call.receiver) not in locals_
                and set(names.split_words(method)) & STORING_WORDS
                and not all(is_python_value(arg.value, python) for arg in call.node.args)):
            return True
    return False


def _store_targets(node: Optional[cst.CSTNode]) -> Iterable[cst.BaseExpression]:
    if isinstance(node, cst.Assign):
        for target in node.targets:
            yield target.target
    elif isinstance(node, (cst.AugAssign, cst.AnnAssign)):
        yield node.target
