"""Statement shapes shared by analyses and rules: the suites of a compound statement, the
statements of a suite, the nodes under a node, whether code can suspend, and whether a suite ends
in a `raise`, whether it is a stub, and whether a node runs only in eval mode."""
from __future__ import annotations

from typing import Iterable, Sequence

import libcst as cst

from .treewalk import children, iter_nodes


def node_ids(node: cst.CSTNode) -> set[int]:
    """The ids of `node` and of every node below it."""
    return {id(n) for n in iter_nodes(node)}


def sub_suites(node: cst.CSTNode) -> Iterable[cst.BaseSuite]:
    """The bodies of a compound statement, including its else/except/finally/elif/case parts, in
    source order (an explicit stack: an `elif` chain may be thousands long)."""
    stack = [iter(node.children)]
    while stack:
        for child in stack[-1]:
            if isinstance(child, (cst.IndentedBlock, cst.SimpleStatementSuite)):
                yield child
            elif isinstance(child, (cst.Else, cst.If, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally,
                                    cst.MatchCase)):
                stack.append(iter(child.children))
                break
        else:
            stack.pop()


def suite_statements(suite: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    """The statements of a suite; the small statements after `if x:` on one line count as one."""
    return suite.body if isinstance(suite, cst.IndentedBlock) else [cst.SimpleStatementLine(body=suite.body)]


def ends_in_raise(suite: cst.BaseSuite) -> bool:
    """The suite's last statement is a `raise` (`raise NotImplementedError`) or `assert False`: it
    never falls off its end."""
    statements = suite_statements(suite)
    last = statements[-1] if statements else None
    if not isinstance(last, cst.SimpleStatementLine) or not last.body:
        return False
    final = last.body[-1]
    return isinstance(final, cst.Raise) or isinstance(final, cst.Assert) and is_false(final.test)


def is_stub(suite: cst.BaseSuite) -> bool:
    """A body meant to be overridden: nothing but a docstring, `pass`, `...`, `assert False` or
    a final `raise` (or `assert False`)."""
    if ends_in_raise(suite):
        return True
    for statement in suite_statements(suite):
        if not isinstance(statement, cst.SimpleStatementLine):
            return False
        for small in statement.body:
            if not (isinstance(small, cst.Pass) or (isinstance(small, cst.Expr) and isinstance(
                    small.value, (cst.SimpleString, cst.ConcatenatedString, cst.Ellipsis)))
                    or isinstance(small, cst.Assert) and is_false(small.test)):
                return False
    return True


def is_false(node: cst.BaseExpression) -> bool:
    """The literal `False`."""
    return isinstance(node, cst.Name) and node.value == "False"


def suspends(node: cst.CSTNode) -> bool:
    """True when the code (outside nested functions) contains await, async for/with, or yield."""
    stack = list(node.body.body) if isinstance(node, cst.FunctionDef) else [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.Await, cst.Yield)) or (
                isinstance(current, (cst.For, cst.With)) and current.asynchronous is not None):
            return True
        if not isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            stack.extend(children(current))
    return False



def runs_only_in_eval_mode(function: cst.FunctionDef, target: cst.CSTNode) -> bool:
    """Is `target` inside a branch a module's method takes only in eval mode: the `else` of
    `if self.training:`, or the body of `if not self.training:` (an explicit stack)?"""
    stack: list[tuple[cst.CSTNode, bool]] = [(function.body, False)]
    while stack:
        node, eval_only = stack.pop()
        if node is target:
            return eval_only
        if isinstance(node, cst.If):
            negated = (isinstance(node.test, cst.UnaryOperation) and isinstance(node.test.operator, cst.Not)
                       and _is_self_training(node.test.expression))
            stack.append((node.body, eval_only or negated))
            if node.orelse is not None:
                stack.append((node.orelse, eval_only or _is_self_training(node.test)))
            continue
        stack.extend((child, eval_only) for child in node.children)
    return False


def _is_self_training(node: cst.BaseExpression) -> bool:
    return (isinstance(node, cst.Attribute) and node.attr.value == "training"
            and isinstance(node.value, cst.Name) and node.value.value == "self")
