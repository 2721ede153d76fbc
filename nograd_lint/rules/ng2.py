"""NG2: gradients needed but disabled (a forward pass under no_grad that feeds backward, training
steps inside no_grad or inference_mode, inference tensors reused for training)."""
from __future__ import annotations

import dataclasses
import enum
import re
from typing import Iterable, Optional

import libcst as cst

from .. import edits, names
from ..config import Settings
from ..diagnostics import Confidence, Fix, FixSafety
from ..flow import is_loss_call, names_reaching_backward
from ..gradmode import CallFact, FileAnalysis, FunctionInfo, GradState, Mode, Origin, _class_of
from ..imports import dotted_name
from ..prefilter import Signals
from ..roles import (activity_of, forward_callee, is_backward, is_optimizer_call, looks_like_model, not_models,
                     wants_gradients)
from ..values import MUTATING_METHODS, PYTHON_ATTRIBUTES, is_python_value, python_valued_names, root_name
from .base import Finding, Rule
from .ng3 import (code_of, context_text, decorated_function, decorator_node, disables, explicit, explicit_state,
                  node_ids, sub_suites, with_of_item)
from .registry import register

# Names that hold data (never a graph): batches, inputs, labels, loaders, devices.
DATA_NAME = re.compile(r"(^|_)(x|y|xb|yb|batch|data|dataset|loader|dataloader|dl|input|image|img|label|target|"
                       r"input_ids|attention_mask|token|sample|device|dtype|idx|index|step|epoch)(e?s)?\d*$", re.I)
# Calls whose result is made of their arguments (no computation of their own that could add a graph).
PASS_THROUGH = frozenset({"zip", "enumerate", "tqdm", "trange", "iter", "next", "list", "tuple", "sorted",
                          "reversed", "dict", "sum", "max", "min", "islice", "chain", "cycle"})
ALIAS_METHODS = frozenset({"get", "values", "items", "keys", "pop", "to_tuple", "__getitem__"})
DETACHING_METHODS = frozenset({"detach", "detach_", "item", "tolist", "numpy", "cpu_numpy"})
VIEW_METHODS = frozenset({"view", "reshape", "detach", "flatten", "squeeze", "unsqueeze", "permute", "transpose",
                          "t", "expand", "expand_as", "narrow", "select", "view_as", "unflatten"})


class Status(enum.IntEnum):
    """What a value may carry, ordered so that joining two values keeps the less certain one."""

    DATA = 0  # no graph and not from a model: inputs, labels, constants
    NOGRAD = 1  # made by a forward pass or loss with gradients disabled: surely no graph
    SUSPECT = 2  # made by a call we cannot see into, with gradients disabled: probably no graph
    UNKNOWN = 3  # cannot tell: results of unknown functions, parameters
    GRAPH = 4  # carries a graph: forward passes with gradients on, model parameters


@dataclasses.dataclass(frozen=True)
class Value:
    status: Status
    origin: Optional[cst.CSTNode] = None  # the computation done with gradients disabled
    state: Optional[GradState] = None  # the context that disabled them
    inference: Optional[cst.CSTNode] = None  # set when the value is an inference tensor (or a view of one)


DATA = Value(Status.DATA)
UNKNOWN = Value(Status.UNKNOWN)
GRAPH = Value(Status.GRAPH)


def join(*values: Value) -> Value:
    if not values:
        return DATA
    best = max(values, key=lambda v: v.status)
    inference = values[0].inference if all(v.inference is not None for v in values) else None
    return dataclasses.replace(best, inference=inference)


def _merge(a: dict, b: dict) -> dict:
    merged = dict(a)
    for name, value in b.items():
        merged[name] = join(a[name], value) if name in a else value
    return merged


@dataclasses.dataclass(eq=False)
class FlowResult:
    """What the value flow of one scope found: the values reaching each backward pass, and forward
    passes (with gradients on) fed an inference tensor."""

    backwards: dict[int, tuple[CallFact, Value]] = dataclasses.field(default_factory=dict)
    inference_inputs: dict[int, tuple[CallFact, cst.BaseExpression, Value]] = dataclasses.field(default_factory=dict)


class _Flow:
    """Walks one scope's statements in order, joining values where branches meet."""

    def __init__(self, analysis: FileAnalysis, scope: Optional[FunctionInfo]) -> None:
        self.analysis = analysis
        self.scope = scope
        self.result = FlowResult()
        self.evaled = activity_of(analysis, scope).evaled_models
        self.not_models = not_models(analysis, scope)
        self.calls = {id(c.node): c for c in analysis.facts_in(analysis.calls, scope)}
        self.statement_calls: dict[int, list[CallFact]] = {}
        for call in self.calls.values():
            self.statement_calls.setdefault(id(call.statement), []).append(call)
        self.assigns: dict[int, list] = {}
        for assign in analysis.facts_in(analysis.assigns, scope):
            self.assigns.setdefault(id(assign.statement), []).append(assign)
        self.local: set[str] = set()
        for assign in analysis.facts_in(analysis.assigns, scope):
            self.local |= assign.targets
        self.states: dict[int, GradState] = {}
        self.uses: dict[int, list] = {}
        for use in analysis.facts_in(analysis.name_uses, scope):
            self.states.setdefault(id(use.statement), analysis.state_of(use))
            self.uses.setdefault(id(use.statement), []).append(use)
        for fact in self.calls.values():
            self.states.setdefault(id(fact.statement), analysis.state_of(fact))
        self.enablers = _grad_enabling_functions(analysis)

    # -- statements ------------------------------------------------------------------------------
    def run(self) -> FlowResult:
        body = self.scope.node.body.body if self.scope is not None else self.analysis.module.body
        self.block(body, {})
        return self.result

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
            return _merge(taken, other)
        if isinstance(statement, (cst.For, cst.While)):
            start, current = env, dict(env)
            for _ in range(2):  # the second pass sees what one iteration leaves to the next
                inner = dict(current)
                if isinstance(statement, cst.For):
                    self.bind(statement.target, statement.iter, self.states.get(id(statement)), inner)
                current = _merge(start, self.suite(statement.body, statement, inner))
            if statement.orelse is not None:
                current = self.suite(statement.orelse.body, statement, current)
            return current
        if isinstance(statement, cst.With):
            return self.suite(statement.body, statement, env)
        if isinstance(statement, (cst.Try, cst.TryStar)):
            after = self.suite(statement.body, statement, dict(env))
            ends = [self.suite(statement.orelse.body, statement, after) if statement.orelse else after]
            for handler in statement.handlers:
                ends.append(self.suite(handler.body, statement, _merge(env, after)))
            merged = ends[0]
            for end in ends[1:]:
                merged = _merge(merged, end)
            if statement.finalbody is not None:
                merged = self.suite(statement.finalbody.body, statement, merged)
            return merged
        if isinstance(statement, cst.Match):
            merged = dict(env)
            for case in statement.cases:
                merged = _merge(merged, self.suite(case.body, statement, dict(env)))
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
                elif fact.method in names.GRADIENT_WANTING_METHODS and fact.receiver is not None:
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
        for name in _bound(target):
            env[name] = result

    # -- backward passes -------------------------------------------------------------------------
    def backward(self, call: CallFact, state: GradState, env: dict) -> None:
        targets = self.backward_targets(call, env)
        if not targets:
            return
        value = join(*(self.value(target, state, env) for target in targets))
        key = id(call.node)
        if key in self.result.backwards:
            value = join(self.result.backwards[key][1], value)
        self.result.backwards[key] = (call, value)

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

    # -- expressions -----------------------------------------------------------------------------
    def explicit(self, state: Optional[GradState]) -> Optional[GradState]:
        return explicit(self.analysis, state)

    def name(self, name: str, env: dict) -> Value:
        if name in env:
            return env[name]
        if name in ("True", "False", "None"):
            return DATA
        if name in ("self", "cls") or name in self.evaled or looks_like_model(name):
            return GRAPH
        if name in self.local:
            return UNKNOWN  # assigned later in the scope (a value from the previous iteration)
        return DATA if DATA_NAME.search(name) else UNKNOWN

    def computed(self, node: cst.CSTNode, inputs: Value, state: Optional[GradState]) -> Value:
        """The value of a computation on `inputs` in `state`."""
        explicit = self.explicit(state)
        inference = node if explicit is not None and explicit.mode is Mode.INFERENCE else None
        if disables(explicit):
            if inputs.status is Status.NOGRAD:
                return dataclasses.replace(inputs, inference=inference)
            if inputs.status is Status.GRAPH:
                return Value(Status.NOGRAD, node, explicit, inference)
            if inputs.status in (Status.SUSPECT, Status.UNKNOWN):
                return Value(Status.SUSPECT, node, explicit, inference)
            return Value(Status.DATA, inference=inference)
        if state is not None and state.mode is Mode.UNKNOWN:
            return UNKNOWN
        return dataclasses.replace(inputs, inference=None)

    def value(self, node: Optional[cst.BaseExpression], state: Optional[GradState], env: dict) -> Value:
        if node is None or state is None:
            return UNKNOWN
        if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString,
                             cst.FormattedString)):
            return DATA
        if isinstance(node, cst.Name):
            return self.name(node.value, env)
        if isinstance(node, cst.Attribute):
            if node.attr.value in PYTHON_ATTRIBUTES:
                return DATA
            base = self.value(node.value, state, env)
            root = root_name(node)
            if root in ("self", "cls") or root in self.evaled or (root is not None and looks_like_model(root)):
                return DATA if DATA_NAME.search(node.attr.value) else GRAPH
            return base
        if isinstance(node, cst.Subscript):
            return self.value(node.value, state, env)
        if isinstance(node, cst.Call):
            return self.call(node, state, env)
        if isinstance(node, (cst.BinaryOperation, cst.BooleanOperation)):
            inputs = join(self.value(node.left, state, env), self.value(node.right, state, env))
            return self.computed(node, inputs, state)
        if isinstance(node, cst.UnaryOperation):
            return self.computed(node, self.value(node.expression, state, env), state)
        if isinstance(node, cst.Comparison):
            return DATA
        if isinstance(node, cst.IfExp):
            return join(self.value(node.body, state, env), self.value(node.orelse, state, env))
        if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
            return join(*(self.value(e.value, state, env) for e in node.elements))
        if isinstance(node, cst.Dict):
            return join(*(self.value(e.value, state, env) if isinstance(e, cst.DictElement) else UNKNOWN
                          for e in node.elements))
        if isinstance(node, cst.NamedExpr):
            return self.value(node.value, state, env)
        return UNKNOWN

    def call(self, node: cst.Call, state: GradState, env: dict) -> Value:
        fact = self.calls.get(id(node))
        if fact is None:
            return UNKNOWN
        arguments = [self.value(arg.value, state, env) for arg in node.args]
        if wants_gradients(fact) or fact.qualified in ("torch.nn.Parameter", "torch.nn.parameter.Parameter"):
            return GRAPH
        explicit = self.explicit(state)
        disabled = disables(explicit)
        if disabled and self.enables_grad(fact):
            return GRAPH  # the callee turns gradients back on itself
        inputs = join(*arguments)
        if forward_callee(fact, self.evaled, self.not_models):
            self.note_inference_inputs(fact, node, arguments, state)
            return self.made_without_grad(node, inputs, explicit) if disabled else GRAPH
        method = fact.method
        if method in names.PYTHON_VALUE_METHODS:
            return DATA
        receiver = self.value(fact.receiver, state, env) if fact.receiver is not None else None
        if method in DETACHING_METHODS:
            inference = receiver.inference if receiver is not None and method in VIEW_METHODS else None
            return Value(Status.DATA, inference=inference)
        if is_loss_call(fact):
            if disabled and fact.receiver is not None and self.is_object(fact.receiver) and not self.pure_loss(fact):
                return self.computed(node, UNKNOWN, state)  # `self.compute_loss(batch)`: cannot see inside
            if disabled:
                return self.made_without_grad(node, inputs, explicit)
            if self.pure_loss(fact):
                return self.computed(node, inputs, state)
        if fact.qualified is not None:
            if fact.qualified.startswith("torch.") and fact.qualified not in names.GRAD_CONTEXTS:
                return self.computed(node, inputs, state)
            return self.computed(node, UNKNOWN, state)
        if receiver is not None:
            if self.is_object(fact.receiver):  # `self.compute(batch)`, `model.loss(x)`: may do anything
                return self.computed(node, UNKNOWN, state)
            if method in ALIAS_METHODS:
                return receiver
            value = self.computed(node, join(receiver, inputs), state)
            if method in VIEW_METHODS and receiver.inference is not None:
                value = dataclasses.replace(value, inference=receiver.inference)
            return value
        callee = (fact.callee or "").rpartition(".")[2]
        if callee in names.PYTHON_VALUE_FUNCTIONS:
            return DATA
        if callee in PASS_THROUGH:
            return self.computed(node, inputs, state)
        return self.computed(node, UNKNOWN, state)

    def made_without_grad(self, node: cst.Call, inputs: Value, explicit: GradState) -> Value:
        """A forward pass or loss computed with gradients disabled. It is reported at the first such
        computation of the same block that its inputs come from."""
        inference = node if explicit.mode is Mode.INFERENCE else None
        if inputs.status is Status.NOGRAD and inputs.state is not None and inputs.state.node is explicit.node:
            return dataclasses.replace(inputs, inference=inference)
        return Value(Status.NOGRAD, node, explicit, inference)

    def pure_loss(self, fact: CallFact) -> bool:
        """A loss whose result depends only on its arguments: a torch function, an `nn.*Loss` object,
        or a `criterion`. Other loss-named callables (`loss_module(batch)`) may run a model inside."""
        callee = fact.callee or ""
        return (callee.rpartition(".")[2] in ("criterion", "crit") or callee in _loss_objects(self.analysis)
                or (fact.qualified or "").startswith("torch."))

    def is_object(self, receiver: cst.BaseExpression) -> bool:
        """`self`, `self.encoder`, `model`: an object whose methods may run a model, not a tensor."""
        root = root_name(receiver)
        return root is not None and (root in ("self", "cls") or root in self.evaled or looks_like_model(root))

    def local_function(self, fact: CallFact) -> Optional[FunctionInfo]:
        callee = fact.callee or ""
        head, _, attr = callee.rpartition(".")
        if callee == "self" or (head == "self" and attr == "forward"):
            head, attr = "self", "forward"
        for function in self.analysis.functions:
            if head == "self" and function.name == attr and self.scope is not None:
                if function.class_name is not None and function.class_name == _class_of(self.scope):
                    return function
            elif not head and function.name == callee and function.class_name is None:
                return function
        return None

    def enables_grad(self, fact: CallFact) -> bool:
        function = self.local_function(fact)
        return function is not None and id(function) in self.enablers

    def note_inference_inputs(self, fact: CallFact, node: cst.Call, arguments: list[Value], state) -> None:
        if state.mode is not Mode.ENABLED:
            return
        for arg, value in zip(node.args, arguments):
            if value.inference is not None:
                self.result.inference_inputs.setdefault(id(node), (fact, arg.value, value))


def _loss_objects(analysis: FileAnalysis) -> frozenset[str]:
    """Names (`criterion`, `self.loss_fn`) assigned an `nn.*Loss()` object somewhere in the module."""
    key = "ng2_loss_objects"
    if key not in analysis.cache:
        found = set()
        for assign in analysis.assigns:
            value = assign.value
            if (isinstance(value, cst.Call) and isinstance(assign.node, cst.Assign)
                    and (analysis.imports.resolve(value.func) or "").startswith("torch.nn.")
                    and (analysis.imports.resolve(value.func) or "").endswith("Loss")):
                found |= {dotted_name(t.target) for t in assign.node.targets if dotted_name(t.target)}
        analysis.cache[key] = frozenset(found)
    return analysis.cache[key]


def _grad_enabling_functions(analysis: FileAnalysis) -> set[int]:
    """Functions that turn gradients on themselves (decorator, `enable_grad`, `requires_grad_`)."""
    key = "ng2_enablers"
    if key not in analysis.cache:
        found = set()
        for function in analysis.functions:
            decorated = function.decorator_state
            if (decorated is not None and decorated.mode is Mode.ENABLED) or activity_of(analysis, function).wants_grad:
                found.add(id(function))
        analysis.cache[key] = found
    return analysis.cache[key]


def _body(suite: cst.BaseSuite):
    return suite.body if isinstance(suite, cst.IndentedBlock) else [cst.SimpleStatementLine(body=suite.body)]


def _bound(target: cst.BaseExpression) -> Iterable[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _bound(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _bound(target.value)


def flow_of(analysis: FileAnalysis, scope: Optional[FunctionInfo]) -> FlowResult:
    key = ("ng2_flow", id(scope))
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


# -- fixes: take training statements out of a grad-disabling context -----------------------------

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
                                         or (fact.callee or "").rpartition(".")[2] in names.LOGGING_FUNCTIONS)
        if isinstance(small, (cst.Assign, cst.AugAssign, cst.AnnAssign)):
            targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
            bound = [name for target in targets for name in _bound(target)]
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
            return all(ok(inner) for block in sub_suites(statement) for inner in _body(block))
        return False

    return all(ok(statement) for statement in statements)


def take_out_fix(analysis: FileAnalysis, state: GradState, scope: Optional[FunctionInfo]) -> Optional[Fix]:
    """Remove the context that disabled gradients, when everything it covers is training."""
    if state.origin is Origin.WITH:
        found = with_of_item(analysis, state.node)
        if found is None:
            return None
        fact, use = found
        item = state.node
        if item.asname is not None or not training_only(analysis, fact.function, _body(fact.node.body)):
            return None
        return Fix(FixSafety.UNSAFE, f"take the training code out of `{code_of(analysis, use.node)}`",
                   edits.unwrap_with(fact.node, item), anchor=fact.node)
    if state.origin is Origin.DECORATOR:
        function = decorated_function(analysis, state.node)
        if function is None or not training_only(analysis, function, _body(function.node.body)):
            return None
        use = next(u for u in function.decorator_uses if u.node is state.node)
        return Fix(FixSafety.UNSAFE, f"remove `@{code_of(analysis, use.node)}` from `{function.name}`",
                   edits.remove_decorator(function.node, decorator_node(function, use)), anchor=function.node)
    return None


# -- rules -------------------------------------------------------------------------------------------

def _training_step_functions(analysis: FileAnalysis) -> dict[int, tuple[FunctionInfo, CallFact, Value]]:
    """NG202's functions: decorated to disable gradients, stepping an optimizer, and running backward on
    something they computed under the decorator. Keyed by the decorator expression."""
    key = "ng2_steps"
    if key in analysis.cache:
        return analysis.cache[key]
    found: dict[int, tuple[FunctionInfo, CallFact, Value]] = {}
    for call, value in nograd_backwards(analysis):
        state = value.state
        function = call.function
        if (state.origin is not Origin.DECORATOR or function is None
                or decorated_function(analysis, state.node) is not function or id(state.node) in found):
            continue
        if any(is_optimizer_call(c) for c in activity_of(analysis, function).training):
            found[id(state.node)] = (function, call, value)
    analysis.cache[key] = found
    return found


@register
class BackwardThroughNoGrad(Rule):
    """
    ## What it does
    Finds a forward pass or loss computed with gradients disabled (inside `with torch.no_grad():`,
    `torch.inference_mode()`, `torch.set_grad_enabled(False)`, or in a function decorated with one
    of them) whose result reaches `backward()`, `torch.autograd.backward/grad`,
    `scaler.scale(loss).backward()` or `accelerator.backward(loss)`, in the same block or after
    it.

    The value is followed through assignments and arithmetic within the function. A loss that also
    depends on a forward pass run with gradients on (a no_grad target or teacher output, as in
    distillation or DQN) is fine and not reported; so is a backward inside `no_grad` on a loss
    computed outside it, which works.

    ## Why is this bad
    Nothing computed with gradients disabled records a graph, so the backward pass raises
    `RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn`.

    ## Example
    ```python
    with torch.no_grad():
        logits = model(x)
    loss = criterion(logits, y)
    loss.backward()
    ```

    ## Use instead
    ```python
    logits = model(x)
    loss = criterion(logits, y)
    loss.backward()
    ```

    ## Fix safety
    When everything the `with` block (or the decorated function) does is training (computing what
    reaches the backward pass, the backward pass, optimizer calls, logging), the fix removes the
    context and dedents its body (or removes the decorator). It is **unsafe**: values computed
    there now carry a graph. Otherwise there is no fix.

    ## Known limits
    The flow is followed within one function; a loss computed by a helper under `no_grad` in another
    function is not seen. Forward passes are recognised by the callee's name (`model`, `net`,
    `self.encoder`, ...) and losses by theirs (`criterion`, `loss_fn`, `F.cross_entropy`, ...).
    """

    code = "NG201"
    name = "backward-through-no-grad"
    summary = "A forward pass computed with gradients disabled feeds a backward pass."
    fix_availability = "sometimes"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.backward or signals.grad_context  # a backward pass in a disabling context

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        steps = _training_step_functions(analysis)
        reported: set[int] = set()
        for call, value in nograd_backwards(analysis):
            if value.status is not Status.NOGRAD or id(value.origin) in reported or id(value.state.node) in steps:
                continue
            reported.add(id(value.origin))
            fix = take_out_fix(analysis, value.state, call.function)
            context = context_text(analysis, value.state)
            message = (f"`{code_of(analysis, value.origin, 40)}` runs under `{context}`, so it records no graph, and "
                       f"it reaches `{code_of(analysis, call.node, 40)}`, which raises RuntimeError; compute it "
                       f"with gradients enabled (outside `{context}`)")
            yield Finding(value.origin, message, fix)


@register
class TrainingStepInNoGradFunction(Rule):
    """
    ## What it does
    Finds a training step (a backward pass and an optimizer `step()`/`zero_grad()`) inside a
    function decorated with `@torch.no_grad()`, `@torch.inference_mode()` or
    `@torch.set_grad_enabled(False)`, when the loss is computed in that function without an
    `enable_grad` block around it.

    The optimizer idiom, `@torch.no_grad()` on `step(self, closure)` with
    `with torch.enable_grad(): loss = closure()` inside, is correct and not reported; so is a
    decorated function that runs backward on a loss passed in by its caller.

    ## Why is this bad
    The decorator disables gradients for the whole body: the loss has no graph and `backward()`
    raises `RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn`.
    A decorator copied from an evaluation function onto a training step is a common cause.

    ## Example
    ```python
    @torch.no_grad()
    def train_step(model, optimizer, x, y):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
    ```

    ## Use instead
    ```python
    def train_step(model, optimizer, x, y):
        ...
    ```

    ## Fix safety
    When the whole function is a training step, the fix removes the decorator. It is **unsafe**:
    whatever the function returns now carries a graph. Otherwise there is no fix.

    ## Known limits
    When the loss comes from a call whose body is not in the module (`self.compute_loss(batch)`
    defined elsewhere), the finding has medium confidence: that function could enable gradients
    itself.
    """

    code = "NG202"
    name = "training-step-in-no-grad-function"
    summary = "A training step runs inside a function decorated to disable gradients."
    fix_availability = "sometimes"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.backward or signals.grad_context  # a backward pass in a disabling context

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        for function, call, value in _training_step_functions(analysis).values():
            decorator = context_text(analysis, value.state)
            confidence = Confidence.HIGH if value.status is Status.NOGRAD else Confidence.MEDIUM
            fix = take_out_fix(analysis, value.state, function)
            records = ("records no graph" if value.status is Status.NOGRAD
                       else "records no graph unless it enables gradients itself")
            message = (f"`{function.name}` is a training step (backward pass and optimizer step) but `{decorator}` "
                       f"disables gradients: `{code_of(analysis, value.origin, 40)}` {records}, and "
                       f"`{code_of(analysis, call.node, 40)}` raises RuntimeError; remove the decorator or compute "
                       "the loss under `with torch.enable_grad():`")
            yield Finding(value.state.node, message, fix, confidence)


@register
class TrainingInInferenceMode(Rule):
    """
    ## What it does
    Finds `backward()` or an optimizer `step()` inside an `inference_mode` block or a function
    decorated with `@torch.inference_mode()`, on a loss computed outside it (a loss computed
    inside fails at once and is NG201).

    ## Why is this bad
    It is a latent failure. Gradients accumulated in inference mode, and optimizer state (momentum,
    Adam moments) created by a step in inference mode, are inference tensors, which cannot be
    updated in place outside inference mode. A loop that always trains inside `inference_mode`
    runs, but a later backward pass outside it that accumulates into those gradients (no
    `zero_grad()` in between, or `zero_grad(set_to_none=False)`), or a later optimizer step with
    that state, fails: `RuntimeError: Inplace update to inference tensor outside InferenceMode is
    not allowed`.

    ## Example
    ```python
    loss = criterion(model(x), y)
    with torch.inference_mode():
        loss.backward()
        optimizer.step()
    ```

    ## Use instead
    ```python
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
    ```
    or `torch.no_grad()` where a disabled mode is really wanted.

    ## Fix safety
    There is no automatic fix: whether the training belongs outside the block or the block should
    be `no_grad` is a design decision.

    ## Known limits
    A helper that is only called under `inference_mode` in its own module is reported with medium
    confidence.
    """

    code = "NG203"
    name = "training-in-inference-mode"
    summary = "A backward pass or optimizer step runs in inference mode."

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.grad_context

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        failing = {id(call.node) for call, _ in nograd_backwards(analysis)}
        groups: dict[int, list[CallFact]] = {}
        states: dict[int, GradState] = {}
        for call in analysis.calls:
            if not (is_backward(call) or (is_optimizer_call(call) and call.method == "step")):
                continue
            state = analysis.state_of(call)
            if state.mode is not Mode.INFERENCE or state.origin not in (Origin.WITH, Origin.DECORATOR, Origin.CALLERS):
                continue
            if state.origin is not Origin.CALLERS and explicit_state(analysis, call) is None:
                continue
            groups.setdefault(id(state.node), []).append(call)
            states[id(state.node)] = state
        for key, calls in groups.items():
            if any(id(c.node) in failing for c in calls):
                continue
            state, first = states[key], calls[0]
            where = (f"under `{context_text(analysis, state)}`" if state.origin is not Origin.CALLERS
                     else f"in `{first.function.name}`, which is only called under inference_mode in this module")
            confidence = Confidence.MEDIUM if state.origin is Origin.CALLERS else Confidence.HIGH
            message = (f"`{code_of(analysis, first.node, 40)}` runs {where}: the gradients and optimizer state it "
                       "makes are inference tensors, so a later backward pass that accumulates into them or an "
                       "optimizer step outside inference mode raises RuntimeError (inplace update to inference "
                       "tensor); train outside inference mode (use `torch.no_grad()` if a disabled block is needed)")
            yield Finding(first.node, message, None, confidence)


@register
class InferenceTensorForTraining(Rule):
    """
    ## What it does
    Finds a tensor made under `torch.inference_mode()` (for example features from a frozen
    backbone) passed, later in the same function, to a forward pass with gradients on whose result
    reaches a backward pass.

    ## Why is this bad
    Autograd cannot save inference tensors for backward. The forward pass fails as soon as a layer
    needs its input for the backward pass (a `Linear` or convolution with trainable weights):
    `RuntimeError: Inference tensors cannot be saved for backward. To work around you can make a
    clone to get a normal tensor and use it in autograd.`

    ## Example
    ```python
    with torch.inference_mode():
        features = backbone(images)
    loss = criterion(classifier(features), labels)
    loss.backward()
    ```

    ## Use instead
    ```python
    with torch.no_grad():
        features = backbone(images)
    ```
    or pass `features.clone()` (made outside inference mode) to the trained model.

    ## Fix safety
    There is no automatic fix: choosing between `no_grad` and a copy is a trade-off the author
    makes (`no_grad` keeps inference mode's speed-ups out, a copy costs memory).

    ## Known limits
    The tensor is followed within one function through assignments, indexing and view methods
    (`view`, `reshape`, `detach`, ...); a `.clone()` ends it. A model whose first layer saves
    nothing for backward (all its parameters frozen) would not fail.
    """

    code = "NG204"
    name = "inference-tensor-for-training"
    summary = "An inference tensor is fed to a forward pass whose result is backpropagated."

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.backward or signals.grad_context  # a backward pass in a disabling context

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        for scope in training_scopes(analysis):
            reaching = names_reaching_backward(analysis, scope)
            backward_statements = {id(c.statement) for c in analysis.facts_in(analysis.calls, scope) if is_backward(c)}
            for fact, argument, value in flow_of(analysis, scope).inference_inputs.values():
                if not _reaches_backward(analysis, fact, reaching, backward_statements):
                    continue
                made = code_of(analysis, value.inference, 40)
                message = (f"`{code_of(analysis, argument, 30)}` is an inference tensor (made by `{made}` under "
                           f"inference_mode), and `{code_of(analysis, fact.node, 40)}` needs it for the backward pass: "
                           "this raises RuntimeError; compute it under `torch.no_grad()` instead, or pass "
                           f"`{code_of(analysis, argument, 30)}.clone()`")
                yield Finding(argument, message)


def _reaches_backward(analysis: FileAnalysis, fact: CallFact, reaching: set[str],
                      backward_statements: set[int]) -> bool:
    if id(fact.statement) in backward_statements:
        return True
    return any(fact.statement is assign.statement and assign.targets & reaching
               for assign in analysis.facts_in(analysis.assigns, fact.function))
