"""Which names carry an autograd graph, and which reach a backward pass, within one scope."""
from __future__ import annotations

from typing import Iterable, Optional

import libcst as cst

from .knowledge import LOSS_CALLEE
from .gradmode import AssignFact, CallFact, FileAnalysis, FunctionInfo, Mode, Span
from .roles import activity_of, forward_callee, is_backward, not_models
from .treewalk import DETACHING_METHODS, is_detached, names_in
from .values import is_python_value

# Methods whose result carries no graph even on a tensor that has one.
NON_DIFFERENTIABLE_METHODS = DETACHING_METHODS | frozenset(
    {"argmax", "argmin", "eq", "ne", "gt", "lt", "ge", "le", "long", "int", "bool", "size", "numel",
     "dim", "nonzero", "any", "all", "isnan", "isinf", "isfinite", "sign", "__len__", "type"})


def graph_reads(node: cst.BaseExpression) -> set[str]:
    """Names read where their autograd graph flows into the value: operands of arithmetic, the
    object of a differentiable method (`loss.mean()`), arguments of torch functions. Not names
    inside `.item()`, comparisons, or calls to functions we know nothing about."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            found.add(current.value)
        elif isinstance(current, (cst.BinaryOperation,)):
            stack.extend((current.left, current.right))
        elif isinstance(current, cst.UnaryOperation):
            stack.append(current.expression)
        elif isinstance(current, cst.Subscript):
            stack.append(current.value)
        elif isinstance(current, cst.Attribute):
            if current.attr.value not in DETACHING_METHODS:
                stack.append(current.value)
        elif isinstance(current, cst.Call):
            func = current.func
            if isinstance(func, cst.Attribute):
                root = func.value
                while isinstance(root, cst.Attribute):
                    root = root.value
                if isinstance(root, cst.Name) and root.value in ("torch", "F", "nn"):
                    if func.attr.value not in NON_DIFFERENTIABLE_METHODS:
                        stack.extend(arg.value for arg in current.args)  # torch.stack(losses)
                elif func.attr.value not in NON_DIFFERENTIABLE_METHODS:
                    stack.append(func.value)  # loss.mean(), out.sum()
        elif isinstance(current, (cst.Tuple, cst.List)):
            stack.extend(element.value for element in current.elements)
    return found


def is_loss_call(call: CallFact) -> bool:
    name = call.qualified or call.callee or ""
    return bool(LOSS_CALLEE.search(name.rpartition(".")[2]))


def graph_names(analysis: FileAnalysis, scope: Optional[FunctionInfo]) -> dict[str, AssignFact]:
    """Names bound (with gradients on) to a forward pass, a loss, or arithmetic on such names.

    Maps each name to the first assignment that gave it a graph.
    """
    key = ("graph_names", id(scope))
    if key in analysis.cache:
        return analysis.cache[key]
    evaled = activity_of(analysis, scope).evaled_models
    excluded = not_models(analysis, scope)
    calls_by_statement: dict[int, list[CallFact]] = {}
    for call in analysis.facts_in(analysis.calls, scope):
        calls_by_statement.setdefault(id(call.statement), []).append(call)
    result: dict[str, AssignFact] = {}
    changed = True
    assigns = [a for a in analysis.facts_in(analysis.assigns, scope) if a.value is not None
               and not isinstance(a.node, (cst.For, cst.WithItem))]
    while changed:
        changed = False
        for assign in assigns:
            if assign.targets <= set(result) or analysis.state_of(assign).mode is not Mode.ENABLED:
                continue
            if is_detached(assign.value) or is_python_value(assign.value, frozenset()):
                continue
            calls = calls_by_statement.get(id(assign.statement), [])
            makes_graph = any(forward_callee(c, evaled, excluded) or is_loss_call(c) for c in calls)
            reads_graph = bool(graph_reads(assign.value) & set(result)) and assign.augmented is None
            if isinstance(assign.value, cst.Attribute) and assign.value.attr.value == "loss":
                makes_graph = True
            if makes_graph or reads_graph:
                for target in assign.targets - set(result):
                    result[target] = assign
                changed = True
    analysis.cache[key] = result
    return result


def names_reaching_backward(analysis: FileAnalysis, scope: Optional[FunctionInfo]) -> set[str]:
    """Names whose value flows (through assignments) into a backward pass in the scope."""
    key = ("backward_names", id(scope))
    if key in analysis.cache:
        return analysis.cache[key]
    reached: set[str] = set()
    backward_statements = {id(c.statement): c.statement for c in analysis.facts_in(analysis.calls, scope) if is_backward(c)}
    for statement in backward_statements.values():
        span = analysis.span_of(statement)
        reached |= {use.name for use in analysis.facts_in(analysis.name_uses, scope, span)}
    assigns = list(analysis.facts_in(analysis.assigns, scope))
    changed = True
    while changed:
        changed = False
        for assign in assigns:
            if assign.targets & reached and assign.value is not None:
                new = names_in(assign.value) - reached
                if new:
                    reached |= new
                    changed = True
    analysis.cache[key] = reached
    return reached


def uses_after(analysis: FileAnalysis, scope: Optional[FunctionInfo], name: str, skip: Iterable[cst.CSTNode]) -> list:
    """Reads of `name` in the scope, leaving out those inside the statements in `skip`."""
    skipped = [analysis.span_of(s) for s in skip]
    return [use for use in analysis.facts_in(analysis.name_uses, scope)
            if use.name == name and not any(span.contains(use.index) for span in skipped)]


def innermost_loop_span(assign: AssignFact) -> Optional[Span]:
    loops = [loop for loop in assign.loops if loop.function is assign.function]
    return loops[-1].span if loops else None
