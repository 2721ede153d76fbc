"""What a value may carry (a graph, no graph, an inference tensor), and what an expression
computes from its inputs under the grad mode it runs in."""
from __future__ import annotations

import dataclasses
import enum
import re
from typing import Optional

import libcst as cst

from . import knowledge
from .contexts import disables, explicit
from .flow import is_loss_call
from .gradmode import AssignFact, CallFact, FileAnalysis, FunctionInfo, GradState, Mode, callees
from .imports import dotted_name
from .knowledge import looks_like_model
from .roles import activity_of, forward_callee, not_models, wants_gradients
from .treewalk import DETACHING_METHODS
from .values import PYTHON_ATTRIBUTES, local_names, root_name

# Names that hold data (never a graph): batches, inputs, labels, loaders, devices.
DATA_NAME = re.compile(r"(^|_)(x|y|xb|yb|batch|data|dataset|loader|dataloader|dl|input|image|img|label|target|"
                       r"input_ids|attention_mask|token|sample|device|dtype|idx|index|step|epoch)(e?s)?\d*$", re.I)
# Calls whose result is made of their arguments (no computation of their own that could add a graph).
PASS_THROUGH = frozenset({"zip", "enumerate", "tqdm", "trange", "iter", "next", "list", "tuple", "sorted",
                          "reversed", "dict", "sum", "max", "min", "islice", "chain", "cycle"})
ALIAS_METHODS = frozenset({"get", "values", "items", "keys", "pop", "to_tuple", "__getitem__"})
# Methods whose result has no graph (`.data` is an attribute, not a call).
DETACHING_CALLS = (DETACHING_METHODS - {"data"}) | {"cpu_numpy"}
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
    """What a value may carry, and where gradients were disabled for it."""

    status: Status
    origin: Optional[cst.CSTNode] = None  # the computation done with gradients disabled
    state: Optional[GradState] = None  # the context that disabled them
    inference: Optional[cst.CSTNode] = None  # set when the value is an inference tensor (or a view of one)


DATA = Value(Status.DATA)
UNKNOWN = Value(Status.UNKNOWN)
GRAPH = Value(Status.GRAPH)


def join(*values: Value) -> Value:
    """The least certain of `values`; an inference tensor only when all of them are."""
    if not values:
        return DATA
    best = max(values, key=lambda v: v.status)
    inference = values[0].inference if all(v.inference is not None for v in values) else None
    return dataclasses.replace(best, inference=inference)


def merge(a: dict, b: dict) -> dict:
    """Two environments (name -> Value) joined where branches meet."""
    merged = dict(a)
    for name, value in b.items():
        merged[name] = join(a[name], value) if name in a else value
    return merged


class Evaluator:
    """The value of expressions in one scope, given what the names hold so far (`env`)."""

    def __init__(self, analysis: FileAnalysis, scope: Optional[FunctionInfo]) -> None:
        self.analysis = analysis
        self.scope = scope
        self.evaled = activity_of(analysis, scope).evaled_models
        self.not_models = not_models(analysis, scope)
        self.calls = {id(c.node): c for c in analysis.facts_in(analysis.calls, scope)}
        self.local = local_names(analysis, scope)
        self.enablers = _grad_enabling_functions(analysis)
        # forward passes (with gradients on) fed an inference tensor: node id -> (call, argument, value)
        self.inference_inputs: dict[int, tuple[CallFact, cst.BaseExpression, Value]] = {}

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
        if method in knowledge.PYTHON_VALUE_METHODS:
            return DATA
        receiver = self.value(fact.receiver, state, env) if fact.receiver is not None else None
        if method in DETACHING_CALLS:
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
            if fact.qualified.startswith("torch.") and fact.qualified not in knowledge.GRAD_CONTEXTS:
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
        if callee in knowledge.PYTHON_VALUE_FUNCTIONS:
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

    def enables_grad(self, fact: CallFact) -> bool:
        """The call runs an in-module function that turns gradients on itself (`self(x)` runs `forward`)."""
        if fact.callee == "self":
            fact = dataclasses.replace(fact, callee="self.forward")
        found = callees(self.analysis, fact)
        return bool(found) and id(found[0]) in self.enablers

    def note_inference_inputs(self, fact: CallFact, node: cst.Call, arguments: list[Value], state) -> None:
        if state.mode is not Mode.ENABLED:
            return
        for arg, value in zip(node.args, arguments):
            if value.inference is not None:
                self.inference_inputs.setdefault(id(node), (fact, arg.value, value))


def _loss_objects(analysis: FileAnalysis) -> frozenset[str]:
    """Names (`criterion`, `self.loss_fn`) assigned an `nn.*Loss()` object somewhere in the module."""
    key = "loss_objects"
    if key not in analysis.cache:
        analysis.cache[key] = frozenset(
            name for assign in analysis.assigns if isinstance(assign.node, cst.Assign) and _makes_loss(analysis, assign)
            for target in assign.node.targets if (name := dotted_name(target.target)))
    return analysis.cache[key]


def _makes_loss(analysis: FileAnalysis, assign: AssignFact) -> bool:
    value = assign.value
    qualified = (analysis.imports.resolve(value.func) or "") if isinstance(value, cst.Call) else ""
    return qualified.startswith("torch.nn.") and qualified.endswith("Loss")


def _grad_enabling_functions(analysis: FileAnalysis) -> set[int]:
    """Functions that turn gradients on themselves (decorator, `enable_grad`, `requires_grad_`)."""
    key = "grad_enablers"
    if key not in analysis.cache:
        analysis.cache[key] = {id(function) for function in analysis.functions if _turns_grad_on(analysis, function)}
    return analysis.cache[key]


def _turns_grad_on(analysis: FileAnalysis, function: FunctionInfo) -> bool:
    decorated = function.decorator_state
    return (decorated is not None and decorated.mode is Mode.ENABLED) or activity_of(analysis, function).wants_grad
