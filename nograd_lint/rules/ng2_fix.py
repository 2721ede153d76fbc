"""The fix of NG201/NG202: take training code out of the context that disables gradients."""
from __future__ import annotations

from typing import Optional

import libcst as cst

from ..fixes import edits
from ..analysis import knowledge
from ..analysis.contexts import decorated_function, decorator_node, with_of_item
from ..diagnostics import Fix, FixSafety
from ..analysis.flow import names_reaching_backward
from ..analysis.gradmode import FileAnalysis, FunctionInfo, GradState, Origin, bound_names
from ..analysis.roles import is_backward, is_optimizer_call
from ..analysis.syntax import sub_suites, suite_statements
from ..analysis.values import is_python_value, python_valued_names
from .common import code_of

TRAINING_METHODS = frozenset({"backward", "step", "zero_grad", "update", "train", "manual_backward"})


def training_only(analysis: FileAnalysis, scope: Optional[FunctionInfo], statements) -> bool:
    """Every statement trains: computes what reaches a backward pass, runs it, steps an optimizer,
    logs, or keeps Python numbers. Such code has no reason to run with gradients disabled."""
    reaching = names_reaching_backward(analysis, scope)
    python = python_valued_names(analysis, scope)
    calls = {id(c.node): c for c in analysis.facts_in(analysis.calls, scope)}

    def small_ok(small: cst.CSTNode) -> bool:
        if isinstance(small, cst.Pass):
            return True
        if isinstance(small, cst.Expr):
            value = small.value
            if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
                return True
            fact = calls.get(id(value))
            return fact is not None and (is_backward(fact) or is_optimizer_call(fact) or fact.method in TRAINING_METHODS
                                         or (fact.callee or "").rpartition(".")[2] in knowledge.LOGGING_FUNCTIONS)
        if isinstance(small, (cst.Assign, cst.AugAssign, cst.AnnAssign)):
            targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
            bound = [name for target in targets for name in bound_names(target)]
            plain = all(isinstance(t, (cst.Name, cst.Tuple, cst.List)) for t in targets)
            return plain and bool(bound) and all(name in reaching or name in python for name in bound)
        if isinstance(small, cst.Return):
            return small.value is None or is_python_value(small.value, python) or (
                isinstance(small.value, cst.Name) and small.value.value in reaching)
        return False

    def ok(statement: cst.CSTNode) -> bool:
        if isinstance(statement, cst.SimpleStatementLine):
            return all(small_ok(small) for small in statement.body)
        if isinstance(statement, (cst.If, cst.For, cst.While, cst.With, cst.Try)):
            return all(ok(inner) for block in sub_suites(statement) for inner in suite_statements(block))
        return False

    return all(ok(statement) for statement in statements)


def take_out_fix(analysis: FileAnalysis, state: GradState) -> Optional[Fix]:
    """Remove the context that disabled gradients, when everything it covers is training."""
    if state.origin is Origin.WITH:
        found = with_of_item(analysis, state.node)
        if found is None:
            return None
        fact, use = found
        item = state.node
        if item.asname is not None or not training_only(analysis, fact.function, suite_statements(fact.node.body)):
            return None
        return Fix(FixSafety.UNSAFE, f"take the training code out of `{code_of(analysis, use.node)}`",
                   edits.unwrap_with(fact.node, item), anchor=fact.node)
    if state.origin is Origin.DECORATOR:
        function = decorated_function(analysis, state.node)
        if function is None or not training_only(analysis, function, suite_statements(function.node.body)):
            return None
        use = next(u for u in function.decorator_uses if u.node is state.node)
        return Fix(FixSafety.UNSAFE, f"remove `@{code_of(analysis, use.node)}` from `{function.name}`",
                   edits.remove_decorator(function.node, decorator_node(function, use)), anchor=function.node)
    return None
