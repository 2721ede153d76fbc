"""Value flow within a function: which names hold plain Python values, and what escapes a region.

A fix that turns off gradients is safe when nothing computed in the region reaches a caller or
later code as a tensor that might be differentiated; Python numbers and strings cannot be.
"""
from __future__ import annotations

import dataclasses
from typing import Iterable, Optional

import libcst as cst

from . import knowledge
from .gradmode import AssignFact, CallFact, FileAnalysis, FunctionInfo, Span
from .imports import ImportMap

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


NON_DIFFERENTIABLE_METHODS = frozenset({"detach", "numpy", "item", "tolist", "argmax", "argmin"})


@dataclasses.dataclass(frozen=True)
class ValueContext:
    """What `is_python_value` may know about the module: its imports, and its functions that only
    ever return Python values (`def accuracy(...): return float(...)`)."""

    imports: ImportMap
    python_functions: frozenset[str] = frozenset()


def is_python_value(node: Optional[cst.BaseExpression], python_names: frozenset[str] | set[str],
                    context: Optional[ValueContext] = None) -> bool:
    """True when `node` surely evaluates to a value no caller can differentiate: a plain Python
    value, a detached or NumPy value, or what a function makes from such values."""
    if node is None:
        return True
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString,
                         cst.ConcatenatedString, cst.FormattedString)):
        return True
    if isinstance(node, cst.Name):
        return node.value in python_names or node.value in ("None", "True", "False")
    if isinstance(node, cst.Call):
        return _is_python_call(node, python_names, context)
    if isinstance(node, cst.Attribute):
        return node.attr.value in PYTHON_ATTRIBUTES or is_python_value(node.value, python_names, context)
    if isinstance(node, cst.Subscript):
        return is_python_value(node.value, python_names, context) or (
            isinstance(node.value, cst.Attribute) and node.value.attr.value in PYTHON_ATTRIBUTES)
    if isinstance(node, cst.BinaryOperation):
        return is_python_value(node.left, python_names, context) and is_python_value(node.right, python_names, context)
    if isinstance(node, cst.UnaryOperation):
        return is_python_value(node.expression, python_names, context)
    if isinstance(node, cst.BooleanOperation):
        return is_python_value(node.left, python_names, context) and is_python_value(node.right, python_names, context)
    if isinstance(node, cst.Comparison):
        return is_python_value(node.left, python_names, context) and all(
            is_python_value(target.comparator, python_names, context) for target in node.comparisons)
    if isinstance(node, cst.IfExp):
        return is_python_value(node.body, python_names, context) and is_python_value(node.orelse, python_names, context)
    if isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
        return is_python_value(node.elt, python_names | _comprehension_targets(node), context)
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        return all(is_python_value(element.value, python_names, context) for element in node.elements)
    if isinstance(node, cst.Dict):
        return all(isinstance(element, cst.DictElement) and is_python_value(element.value, python_names, context)
                   for element in node.elements)
    return False


def _comprehension_targets(node: cst.BaseComp) -> set[str]:
    """Loop variables of a comprehension over Python values (`for i in range(n)`)."""
    targets: set[str] = set()
    clause = node.for_in
    while clause is not None:
        iterable = clause.iter
        if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and iterable.func.value == "range":
            if isinstance(clause.target, cst.Name):
                targets.add(clause.target.value)
        clause = clause.inner_for_in
    return targets


def _is_python_call(node: cst.Call, python_names, context: Optional[ValueContext]) -> bool:
    func = node.func
    args_python = all(is_python_value(arg.value, python_names, context) for arg in node.args)
    if isinstance(func, cst.Attribute):
        method = func.attr.value
        if method in knowledge.PYTHON_VALUE_METHODS or method in NON_DIFFERENTIABLE_METHODS:
            return True
        qualified = context.imports.resolve(func) if context is not None else None
        if qualified is not None:
            return qualified.startswith("numpy.") or args_python and not qualified.startswith("torch.")
        # `meter.average()`, `stats.get("acc")`: a method of an object that only holds Python values
        return is_python_value(func.value, python_names, context) and args_python
    if isinstance(func, cst.Name):
        if func.value in knowledge.PYTHON_VALUE_FUNCTIONS or (context and func.value in context.python_functions):
            return True
        # `AverageMeter()`, `np.concatenate(preds)`: built from Python values only, not a model call
        return args_python and not knowledge.looks_like_model(func.value)
    return False


def mutations(analysis: FileAnalysis, function: Optional[FunctionInfo], span: Optional[Span] = None) -> Iterable[tuple[CallFact, str]]:
    """`(call, root)` for container mutations such as `preds.append(out)` in the function/span."""
    for call in analysis.facts_in(analysis.calls, function, span):
        if call.method in MUTATING_METHODS and call.receiver is not None:
            root = root_name(call.receiver)
            if root is not None:
                yield call, root


def value_context(analysis: FileAnalysis) -> ValueContext:
    """The module's imports and its functions that only return Python values (a fixed point:
    start from every plain module-level function and drop those that may return a tensor)."""
    key = "value_context"
    if key in analysis.cache:
        return analysis.cache[key]
    counts: dict[str, int] = {}
    for function in analysis.functions:
        counts[function.name] = counts.get(function.name, 0) + 1
    candidates = {f for f in analysis.functions if f.class_name is None and f.parent is None
                  and not f.is_generator and not f.is_async and counts[f.name] == 1}
    changed = True
    while changed:
        changed = False
        context = ValueContext(analysis.imports, frozenset(f.name for f in candidates))
        for function in list(candidates):
            python = _python_names(analysis, function, context)
            if any(ret.is_yield or not is_python_value(ret.value, python, context)
                   for ret in analysis.facts_in(analysis.returns, function)):
                candidates.discard(function)
                changed = True
    result = analysis.cache[key] = ValueContext(analysis.imports, frozenset(f.name for f in candidates))
    return result


def python_valued_names(analysis: FileAnalysis, function: Optional[FunctionInfo]) -> frozenset[str]:
    """Names in `function` that only ever hold Python values (the greatest fixed point)."""
    key = ("python_names", id(function))
    cached = analysis.cache.get(key)
    if cached is None:
        cached = analysis.cache[key] = _python_names(analysis, function, value_context(analysis))
    return cached


def _python_names(analysis: FileAnalysis, function: Optional[FunctionInfo], context: ValueContext) -> frozenset[str]:
    assigns = list(analysis.facts_in(analysis.assigns, function))
    candidates = set().union(*(a.targets for a in assigns)) if assigns else set()
    if function is not None:
        candidates -= set(_parameter_names(function))
    mutated_with = [(root, call) for call, root in mutations(analysis, function)]
    changed = True
    while changed:
        changed = False
        for assign in assigns:
            if assign.targets & candidates and not _assign_is_python(assign, candidates, context):
                candidates -= assign.targets
                changed = True
        for root, call in mutated_with:
            if root in candidates and not all(is_python_value(arg.value, candidates, context) for arg in call.node.args):
                candidates.discard(root)
                changed = True
    return frozenset(candidates)


def _assign_is_python(assign: AssignFact, candidates: set[str], context: ValueContext) -> bool:
    if isinstance(assign.node, cst.For):
        iterable = assign.value
        return isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and iterable.func.value == "range"
    if isinstance(assign.node, cst.WithItem):
        return False
    return is_python_value(assign.value, candidates, context)


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
        if ret.is_yield or not is_python_value(ret.value, python, value_context(analysis)):
            return True
    return _stores_outside(analysis, function, None, python, local_names(analysis, function))


def escapes_region(analysis: FileAnalysis, function: Optional[FunctionInfo], span: Span) -> bool:
    """True when a value computed inside `span` may be used later (or outside) as a tensor."""
    python = python_valued_names(analysis, function)
    for ret in analysis.facts_in(analysis.returns, function, span):
        if ret.is_yield or not is_python_value(ret.value, python, value_context(analysis)):
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
                if root_name(target) not in locals_ and not is_python_value(assign.value, python, value_context(analysis)):
                    return True
    for call, root in mutations(analysis, function, span):
        if root not in locals_ and not all(is_python_value(arg.value, python, value_context(analysis)) for arg in call.node.args):
            return True
    for call in analysis.facts_in(analysis.calls, function, span):
        method = call.method
        if (method is not None and root_name(call.receiver) not in locals_
                and set(knowledge.split_words(method)) & STORING_WORDS
                and not all(is_python_value(arg.value, python, value_context(analysis)) for arg in call.node.args)):
            return True
    return False


def _store_targets(node: Optional[cst.CSTNode]) -> Iterable[cst.BaseExpression]:
    if isinstance(node, cst.Assign):
        for target in node.targets:
            yield target.target
    elif isinstance(node, (cst.AugAssign, cst.AnnAssign)):
        yield node.target
