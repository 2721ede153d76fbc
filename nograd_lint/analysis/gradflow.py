"""Follows values through one scope's statements (assignments, containers, branches, loops) to
its backward passes: which reach one without a graph, and which inference tensors feed a forward
pass with gradients on."""
from __future__ import annotations

import dataclasses
from typing import Optional

import libcst as cst

from . import knowledge
from .contexts import disables
from .gradmode import CallFact, FileAnalysis, FunctionInfo, GradState, bound_names
from .gradvalue import DATA, GRAPH, UNKNOWN, Evaluator, Status, Value, join, merge
from .roles import is_backward
from .syntax import node_ids
from .values import MUTATING_METHODS, root_name


@dataclasses.dataclass(eq=False)
class FlowResult:
    """What the value flow of one scope found: the values reaching each backward pass, and forward
    passes (with gradients on) fed an inference tensor."""

    backwards: dict[int, tuple[CallFact, Value]] = dataclasses.field(default_factory=dict)
    inference_inputs: dict[int, tuple[CallFact, cst.BaseExpression, Value]] = dataclasses.field(default_factory=dict)


class _Flow(Evaluator):
    """Walks one scope's statements in order, joining values where branches meet."""

    def __init__(self, analysis: FileAnalysis, scope: Optional[FunctionInfo]) -> None:
        super().__init__(analysis, scope)
        self.backwards: dict[int, tuple[CallFact, Value]] = {}
        self.statement_calls: dict[int, list[CallFact]] = {}
        for call in self.calls.values():
            self.statement_calls.setdefault(id(call.statement), []).append(call)
        self.assigns: dict[int, list] = {}
        for assign in analysis.facts_in(analysis.assigns, scope):
            self.assigns.setdefault(id(assign.statement), []).append(assign)
        self.states: dict[int, GradState] = {}
        self.uses: dict[int, list] = {}
        for use in analysis.facts_in(analysis.name_uses, scope):
            self.states.setdefault(id(use.statement), analysis.state_of(use))
            self.uses.setdefault(id(use.statement), []).append(use)
        for fact in self.calls.values():
            self.states.setdefault(id(fact.statement), analysis.state_of(fact))

    def run(self) -> FlowResult:
        body = self.scope.node.body.body if self.scope is not None else self.analysis.module.body
        self.block(body, {})
        return FlowResult(self.backwards, self.inference_inputs)

    def block(self, statements, env: dict) -> dict:
        for statement in statements:
            env = self.statement(statement, env)
        return env

    def statement(self, statement: cst.CSTNode, env: dict) -> dict:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                self.small(small, statement, env)
            return env
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            env[statement.name.value] = UNKNOWN
            return env
        self.header(statement, env)
        if isinstance(statement, cst.If):
            taken = self.suite(statement.body, statement, dict(env))
            other = dict(env)
            if isinstance(statement.orelse, cst.If):
                other = self.statement(statement.orelse, other)
            elif isinstance(statement.orelse, cst.Else):
                other = self.suite(statement.orelse.body, statement, other)
            return merge(taken, other)
        if isinstance(statement, (cst.For, cst.While)):
            start, current = env, dict(env)
            for _ in range(2):  # the second pass sees what one iteration leaves to the next
                inner = dict(current)
                if isinstance(statement, cst.For):
                    self.bind(statement.target, statement.iter, self.states.get(id(statement)), inner)
                current = merge(start, self.suite(statement.body, statement, inner))
            if statement.orelse is not None:
                current = self.suite(statement.orelse.body, statement, current)
            return current
        if isinstance(statement, cst.With):
            return self.suite(statement.body, statement, env)
        if isinstance(statement, (cst.Try, cst.TryStar)):
            after = self.suite(statement.body, statement, dict(env))
            ends = [self.suite(statement.orelse.body, statement, after) if statement.orelse else after]
            for handler in statement.handlers:
                ends.append(self.suite(handler.body, statement, merge(env, after)))
            merged = ends[0]
            for end in ends[1:]:
                merged = merge(merged, end)
            if statement.finalbody is not None:
                merged = self.suite(statement.finalbody.body, statement, merged)
            return merged
        if isinstance(statement, cst.Match):
            merged = dict(env)
            for case in statement.cases:
                merged = merge(merged, self.suite(case.body, statement, dict(env)))
            return merged
        return env

    def suite(self, suite: cst.BaseSuite, owner: cst.CSTNode, env: dict) -> dict:
        """A compound statement's body: a block, or small statements on the header's line."""
        if isinstance(suite, cst.IndentedBlock):
            return self.block(suite.body, env)
        for small in suite.body:
            self.small(small, owner, env, in_suite=True)
        return env

    def header(self, statement: cst.CSTNode, env: dict) -> None:
        state = self.states.get(id(statement))  # the first facts of a statement are its header's
        for assign in self.assigns.get(id(statement), ()):
            if isinstance(assign.node, cst.WithItem) and assign.node.asname is not None:
                self.bind(assign.node.asname.name, assign.node.item, state, env)
            elif isinstance(assign.node, cst.NamedExpr) and isinstance(assign.node.target, cst.Name):
                env[assign.node.target.value] = self.value(assign.node.value, state, env)

    def state_in(self, statement: cst.CSTNode, inside: Optional[set[int]]) -> Optional[GradState]:
        if inside is None:
            return self.states.get(id(statement))
        for fact in (*self.uses.get(id(statement), ()), *self.statement_calls.get(id(statement), ())):
            if id(fact.node) in inside:
                return self.analysis.state_of(fact)
        return None

    def small(self, small: cst.BaseSmallStatement, statement: cst.CSTNode, env: dict, in_suite: bool = False) -> None:
        several = in_suite or len(getattr(statement, "body", ())) > 1
        inside = node_ids(small) if several else None
        state = self.state_in(statement, inside)
        if state is None:
            return
        for fact in self.statement_calls.get(id(statement), ()):
            if inside is None or id(fact.node) in inside:
                if is_backward(fact):
                    self.backward(fact, state, env)
                elif fact.method in knowledge.GRADIENT_WANTING_METHODS and fact.receiver is not None:
                    root = root_name(fact.receiver)
                    if root:
                        env[root] = GRAPH
                elif fact.method in MUTATING_METHODS and isinstance(fact.receiver, cst.Name):
                    root = fact.receiver.value  # `outputs.append(out)`: the container now holds `out`
                    added = [self.value(arg.value, state, env) for arg in fact.node.args]
                    env[root] = join(self.name(root, env), *added)
        if isinstance(small, cst.Assign):
            for target in small.targets:
                self.bind(target.target, small.value, state, env)
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            self.bind(small.target, small.value, state, env)
        elif isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name):
            old = self.name(small.target.value, env)
            new = self.value(small.value, state, env)
            env[small.target.value] = UNKNOWN if disables(self.explicit(state)) else join(old, new)
        elif isinstance(small, cst.Expr):
            self.value(small.value, state, env)
        for assign in self.assigns.get(id(statement), ()):  # walrus inside the statement
            if (isinstance(assign.node, cst.NamedExpr) and isinstance(assign.node.target, cst.Name)
                    and (inside is None or id(assign.node) in inside)):
                env[assign.node.target.value] = self.value(assign.node.value, state, env)

    def bind(self, target: cst.BaseExpression, value: cst.BaseExpression, state: Optional[GradState],
             env: dict) -> None:
        if state is None:
            return
        if isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List)) \
                and len(target.elements) == len(value.elements):
            for t, v in zip(target.elements, value.elements):
                self.bind(t.value, v.value, state, env)
            return
        if isinstance(target, cst.Attribute) and target.attr.value == "requires_grad":
            root = root_name(target)
            if root:
                env[root] = GRAPH
            return
        if isinstance(target, (cst.Attribute, cst.Subscript)):
            root = root_name(target)  # `results["loss"] = loss`: the object now holds the value
            if root:
                env[root] = join(self.name(root, env), self.value(value, state, env))
            return
        result = self.value(value, state, env)
        for name in bound_names(target):
            env[name] = result

    # -- backward passes -------------------------------------------------------------------------
    def backward(self, call: CallFact, state: GradState, env: dict) -> None:
        targets = self.backward_targets(call, env)
        if not targets:
            return
        value = join(*(self.value(target, state, env) for target in targets))
        key = id(call.node)
        if key in self.backwards:
            value = join(self.backwards[key][1], value)
        self.backwards[key] = (call, value)

    def backward_targets(self, call: CallFact, env: dict) -> list[cst.BaseExpression]:
        node = call.node
        positional = [arg.value for arg in node.args if arg.keyword is None]
        if call.qualified in ("torch.autograd.backward", "torch.autograd.grad"):
            first = positional[0] if positional else next(
                (a.value for a in node.args if a.keyword and a.keyword.value in ("outputs", "tensors")), None)
            if isinstance(first, (cst.List, cst.Tuple)):
                return [element.value for element in first.elements]
            return [first] if first is not None else []
        if call.qualified is not None:
            return []
        receiver = call.receiver
        if call.method == "manual_backward":
            return positional[:1]
        if (isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Attribute)
                and receiver.func.attr.value == "scale" and receiver.args):
            return [receiver.args[0].value]  # scaler.scale(loss).backward()
        if positional:
            known = self.value(receiver, self.states.get(id(call.statement)), env) if receiver is not None else DATA
            if known.status not in (Status.NOGRAD, Status.SUSPECT, Status.GRAPH) or root_name(receiver) == "self":
                return positional[:1]  # accelerator.backward(loss)
        return [receiver] if receiver is not None else []


def flow_of(analysis: FileAnalysis, scope: Optional[FunctionInfo]) -> FlowResult:
    """The value flow of one scope (a function, or None for the module), computed once."""
    key = ("flow", id(scope))
    if key not in analysis.cache:
        analysis.cache[key] = _Flow(analysis, scope).run()
    return analysis.cache[key]


def training_scopes(analysis: FileAnalysis) -> list[Optional[FunctionInfo]]:
    """Scopes (functions, and the module for scripts) that contain a backward pass."""
    scopes = {id(c.function): c.function for c in analysis.calls if is_backward(c)}
    return list(scopes.values())


def nograd_backwards(analysis: FileAnalysis) -> list[tuple[CallFact, Value]]:
    """Backward passes whose tensor was computed with gradients disabled (surely or probably)."""
    found = []
    for scope in training_scopes(analysis):
        for call, value in flow_of(analysis, scope).backwards.values():
            if value.status in (Status.NOGRAD, Status.SUSPECT) and value.state is not None:
                found.append((call, value))
    return sorted(found, key=lambda item: item[0].index)
