"""The fix of NG201/NG202: take training code out of the context that disables gradients."""
from __future__ import annotations

from typing import Optional

import libcst as cst

from ..fixes import edits
from ..analysis import knowledge
from ..analysis.contexts import decorated_function, decorator_node, with_of_item
from ..diagnostics import Fix, FixSafety
from ..analysis.gradmode import FileAnalysis, FunctionInfo, GradState, Origin, bound_names
from ..analysis.calls import is_backward, is_optimizer_call
from ..analysis.lattice import Kind
from ..analysis.summaries import model_of
from ..analysis.treewalk import names_in
from ..analysis.syntax import sub_suites, suite_statements
from .common import code_of

TRAINING_METHODS = frozenset({"backward", "step", "zero_grad", "update", "train", "manual_backward"})


def training_only(analysis: FileAnalysis, scope: Optional[FunctionInfo], statements) -> bool:
    """Every statement trains: computes what reaches a backward pass, runs it, steps an optimizer,
    logs, or keeps Python numbers. Such code has no reason to run with gradients disabled."""
    reaching = _backward_slice(analysis, scope)
    values = {}
    for result in (model_of(analysis).results_of(scope) if scope is not None else [model_of(analysis).module_result]):
        values.update(result.values)
    calls = {id(c.node): c for c in analysis.facts_in(analysis.calls, scope)}

    def python(node) -> bool:
        """A value that surely holds no tensor (numbers, strings)."""
        value = values.get(id(node))
        return node is None or (value is not None and value.kind is Kind.PYTHON) or isinstance(
            node, (cst.Integer, cst.Float, cst.SimpleString, cst.FormattedString))

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
            return plain and bool(bound) and (python(small.value) or all(name in reaching for name in bound))
        if isinstance(small, cst.Return):
            return small.value is None or python(small.value) or (
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


def _backward_slice(analysis: FileAnalysis, scope: Optional[FunctionInfo]) -> set[str]:
    """Names whose value flows, through assignments, into a backward pass in the scope: the
    training code a fix may take out of the context."""
    reached: set[str] = set()
    for call in analysis.facts_in(analysis.calls, scope):
        if is_backward(call):
            reached |= names_in(call.statement) if call.statement is not None else set()
    assigns = [a for a in analysis.facts_in(analysis.assigns, scope) if a.value is not None]
    changed = True
    while changed:
        changed = False
        for assign in assigns:
            if assign.targets & reached:
                new = names_in(assign.value) - reached
                if new:
                    reached |= new
                    changed = True
    return reached
