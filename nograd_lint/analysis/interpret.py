"""Abstract interpretation of one scope (a function body, or a module's top level).

The interpreter walks the statements in order with an environment (name -> `Value`), joins
environments where branches meet and runs loop bodies twice (so values carried from one
iteration to the next are seen; once when each iteration binds what it changes before reading
it). It records what the rules ask about:

- forward passes (a call of a module, or of a project function that runs one) with gradients on,
  each a *token*; a value carries the tokens of the graphs it holds;
- each token's *fate*: reached a backward pass or a gradient-wanting call (`used`), left through a
  return or yield (`returned`), was kept on an object, an argument or a global (`stored`); a token
  with no fate is a graph built and thrown away;
- backward passes with the value they differentiate, training calls, mode switches, accumulations
  across loop iterations, inference tensors fed to forward passes, and calls of project functions
  with their argument values (which is how callers give callees their context).

Depth is bounded: an expression nested deeper than `MAX_DEPTH` is read as the join of the names
in it, so deep but valid code never reaches Python's recursion limit.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Optional

import libcst as cst

from . import knowledge
from .calls import (adapts_by_gradient, backward_targets, computed_name_prefix, gradient_flags, is_backward,
                    is_loss_callee, is_optimizer_call, mode_switch, wants_gradients)
from .contexts import inputs_cut
from .cuts import params_cut_given, returned_as_is
from .gradmode import CallFact, FunctionInfo, GradState, LoopInfo, Mode, Origin, bound_names, context_use
from .imports import dotted_name
from .lattice import (NO_GRAPH, NUMPY, PYTHON, UNKNOWN, UNSEEN_CALLABLE, BoundMethod, Evidence, Graph, Kind, NoGrad, Training,
                      Value, join, merge, of_project_classes)
from .syntax import ends_in_raise, is_false, suite_statements
from .treewalk import iter_nodes, names_in

if TYPE_CHECKING:  # pragma: no cover
    from .summaries import ModuleModel

MAX_DEPTH = 120
# Literal node types, tested by identity: libcst's node types are ABCs, and `isinstance` of a node
# that is not of the type runs `ABCMeta`'s check in Python. These types have no subclasses.
LEAF_LITERALS = frozenset({cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString})
USED, RETURNED, STORED = "used", "returned", "stored"
READ = "read"  # a parameter use: its values are read as data (`t.numpy()`, `.item()`) in the callee

# Module methods that return the module itself: `model.eval().to(device)`.
SELF_RETURNING = frozenset({"eval", "train", "to", "cuda", "cpu", "half", "float", "double", "bfloat16",
                            "requires_grad_", "share_memory", "apply", "type", "xpu", "mps", "zero_grad"})
# Methods only modules have: calling one on a name shows it holds a module.
MODULE_ONLY_METHODS = frozenset({"parameters", "named_parameters", "state_dict", "load_state_dict", "modules",
                                 "named_modules", "children", "named_children", "eval", "train",
                                 "register_forward_hook", "register_forward_pre_hook", "buffers", "named_buffers"})
# A module's methods that save, load, move or register it: read off it without a call (`save =
# model.save`), what is called later is that method, not the module's forward pass
_HOUSEKEEPING_METHODS = MODULE_ONLY_METHODS | frozenset({"save", "load", "save_pretrained", "save_checkpoint",
                                                          "load_checkpoint", "to", "cuda", "cpu", "zero_grad",
                                                          "register_buffer", "register_parameter", "export"})
# Methods only tensors have: calling one on a value known as a module only by its name (or its
# callers') shows it holds a tensor (`checkpoint_model[key].size(1)`: a state dict's entry).
TENSOR_ONLY_METHODS = frozenset({"size", "dim", "numel", "item", "tolist", "numpy", "view", "view_as", "reshape",
                                 "permute", "transpose", "unsqueeze", "squeeze", "flatten", "contiguous",
                                 "detach", "clone", "expand", "narrow", "index_select", "masked_fill"})
# Tensor methods whose result has no graph, or is a Python value.
DETACHING = frozenset({"detach", "detach_", "numpy"})
# NumPy functions that convert a tensor through `Tensor.__array__`, that is `.numpy()`
NUMPY_CONVERSIONS = frozenset({"numpy.array", "numpy.asarray", "numpy.asanyarray", "numpy.ascontiguousarray"})
NON_DIFFERENTIABLE = frozenset({"argmax", "argmin", "eq", "ne", "gt", "lt", "ge", "le", "long", "int", "bool",
                                "nonzero", "any", "all", "isnan", "isinf", "isfinite", "sign", "argsort",
                                "topk_indices", "round", "floor", "ceil", "byte", "char", "short", "multinomial"})
# torch functions whose result has no graph whatever their input's (indices, booleans, samples):
# `torch.argmax(logits, 1)` reads the logits' values, as `logits.argmax(1)` does (checked in
# test_torch_facts.py). Not `round`, `sign` or `floor`: those keep a graph of zero gradients.
INDEX_VALUED = frozenset({"argmax", "argmin", "argsort", "multinomial", "eq", "ne", "gt", "lt", "ge", "le",
                          "nonzero", "argwhere", "isnan", "isinf", "isfinite", "isclose", "searchsorted",
                          "bucketize", "count_nonzero", "logical_and", "logical_or", "logical_not", "logical_xor"})
# Reductions that also give indices when a dimension is given (`_, pred = out.max(1)`): the
# indices are values read from the output, as `argmax` is.
INDEXING_REDUCTIONS = frozenset({"max", "min", "topk", "sort", "kthvalue", "median", "mode"})
PYTHON_METHODS = knowledge.PYTHON_VALUE_METHODS | frozenset({"tolist", "item", "__len__", "numel", "dim"})
VALUE_READS = frozenset({"tolist", "item"})  # of PYTHON_METHODS, those that read a tensor's values
VIEW_METHODS = frozenset({"view", "reshape", "detach", "flatten", "squeeze", "unsqueeze", "permute", "transpose",
                          "t", "expand", "expand_as", "narrow", "select", "view_as", "unflatten", "cpu", "cuda",
                          "to", "contiguous", "float", "half", "double"})
# Of those, the ones that always alias the receiver: in inference mode, such a view of a normal
# tensor is a normal tensor (tests/test_torch_facts.py).
ALIASING_VIEWS = frozenset({"view", "detach", "squeeze", "unsqueeze", "permute", "transpose", "t", "expand",
                            "expand_as", "narrow", "select", "view_as", "unflatten"})
# Tensor methods that make a new tensor like the receiver (dtype, device), without its graph.
NEW_TENSOR_METHODS = frozenset({"new_zeros", "new_ones", "new_full", "new_empty", "new_tensor"})
# what a caller passes that decides what a callee runs (a loss helper, a model): the rest is unknown there
CALLABLE_KINDS = frozenset({Kind.OBJECT, Kind.FUNCTION, Kind.CLASS, Kind.MODULE})
CONTAINER_STORES = frozenset({"append", "extend", "insert", "add", "update", "put", "setdefault", "appendleft",
                              "__setitem__", "put_nowait"})
CONTAINER_READS = frozenset({"items", "values", "get", "pop", "copy", "popitem", "popleft", "to_tuple"})
ACCUMULATING = frozenset({"append", "extend", "insert", "appendleft"})
PASS_THROUGH = frozenset({"zip", "enumerate", "tqdm", "trange", "iter", "next", "list", "tuple", "sorted",
                          "reversed", "dict", "sum", "max", "min", "islice", "chain", "cycle", "map", "filter"})
TENSOR_CREATION = frozenset({"tensor", "zeros", "ones", "empty", "full", "rand", "randn", "randint", "arange",
                             "linspace", "logspace", "eye", "zeros_like", "ones_like", "empty_like", "full_like",
                             "rand_like", "randn_like", "randint_like", "from_numpy", "as_tensor", "randperm"})
# torch functions that copy the values they are given into a new tensor, a leaf with `requires_grad=True`
LEAF_CONSTRUCTORS = frozenset({"torch.tensor", "torch.as_tensor"})
# torch functions whose result is no tensor (`torch.device("cuda")`: `m.to(device)` is no tensor op)
TORCH_PLAIN_VALUES = frozenset({"manual_seed", "save", "device", "Generator", "is_tensor", "get_default_dtype",
                                "is_available", "device_count", "current_device", "get_device_name"})
# `torch.distributions.Categorical(logits=out)`: a distribution object, which carries its
# parameters' graph (`log_prob`, `entropy` and `rsample` differentiate them); `sample()` draws
# without a graph whatever they carry (tests/test_torch_facts.py). Its value is a tensor value
# whose `ref` is this prefix and the class's name.
DISTRIBUTIONS = "torch.distributions."
GRAPHLESS_DRAWS = frozenset({"sample", "sample_n"})


@dataclasses.dataclass(eq=False)
class Token:
    """A forward pass run with gradients on (or a call of a project function that runs one)."""

    id: int
    call: CallFact
    module: Value  # the module run (for a project function: UNKNOWN)
    callee: Optional[FunctionInfo] = None  # set when the call runs a project function
    internal: bool = False  # the callee throws the graph away itself: the caller never sees it
    in_comprehension: bool = False
    method: Optional[str] = None  # `model.encode(x)`: a module method other than forward
    runs: tuple = ()  # the modules run, as spelled (`self.model`; for a helper, the modules passed to it)
    handed: Optional[Value] = None  # for a helper: the surest module passed to it that it runs

    @property
    def loops(self) -> tuple[LoopInfo, ...]:
        return self.call.loops

    @property
    def in_loop(self) -> bool:
        """Runs once per iteration of a loop of its function (the iterable of a `for` runs once)."""
        return self.in_comprehension or any(
            loop.function is self.call.function and not _inside(self.call.node, loop.iter_node)
            for loop in self.call.loops)


@dataclasses.dataclass(eq=False)
class Accumulation:
    """`total += value`, `total = total + value` or `items.append(value)` inside a loop."""

    fact: object  # the AssignFact or CallFact
    name: str
    value_node: cst.BaseExpression
    value: Value
    token: int  # the pseudo-token standing for the accumulator
    carriers: dict  # names read in the added value that carry graphs -> their values


@dataclasses.dataclass(eq=False)
class LossTarget:
    """A torch loss of a prediction and a target (`F.mse_loss(pred, target)`, `nn.MSELoss()(pred, y)`)."""

    fact: CallFact
    prediction: Value
    target: Value
    target_node: cst.BaseExpression  # the target argument as written


@dataclasses.dataclass(frozen=True)
class Context:
    """What the callers tell a function: its parameters' values, and literal flags."""

    params: tuple = ()  # (name, Value)
    constants: tuple = ()  # (name, literal value)

    def param(self, name: str) -> Optional[Value]:
        return dict(self.params).get(name)

    def constant(self, name: str):
        return dict(self.constants).get(name, _MISSING)


_MISSING = object()
DEFAULT_CONTEXT = Context()


@dataclasses.dataclass(eq=False)
class ScopeResult:
    scope: Optional[FunctionInfo]
    context: Context
    tokens: dict[int, Token] = dataclasses.field(default_factory=dict)  # id(call node) -> token
    fates: dict[int, set] = dataclasses.field(default_factory=dict)  # token id -> {used, returned, stored}
    backward_values: dict = dataclasses.field(default_factory=dict)  # id(call node) -> (CallFact, Value)
    training_calls: dict = dataclasses.field(default_factory=dict)  # id(call node) -> CallFact: backward, optimizer, training helpers
    # id(call node) -> CallFact, and id(statement) -> AssignFact for `x.requires_grad = True`
    wanting_calls: dict = dataclasses.field(default_factory=dict)
    switch_calls: dict = dataclasses.field(default_factory=dict)  # id(call node) -> (CallFact, key, "eval"/"train"/"unknown")
    returned: Value = PYTHON
    returns: bool = False
    param_uses: dict = dataclasses.field(default_factory=dict)  # parameter -> {called, evaled, used, returned, stored, read}
    accumulations: list = dataclasses.field(default_factory=list)
    inference_feeds: dict = dataclasses.field(default_factory=dict)  # id(call node) -> (CallFact, argument, Value)
    # id(node) -> (the loss call or operator that saves an inference tensor, the tensor's expression,
    # its Value, the token ids of the graph it is saved for)
    inference_targets: dict = dataclasses.field(default_factory=dict)
    # id(call node) -> (CallFact, FunctionInfo, {param: Value}, constants); a call of several
    # methods (a union of classes) keeps the others under (id(call node), id(method))
    outgoing_calls: dict = dataclasses.field(default_factory=dict)
    constructions: Optional[dict] = None  # id(call node) -> (CallFact, ClassModel, __init__, {param: module passed})
    self_stores: dict = dataclasses.field(default_factory=dict)  # attribute of self -> Value
    # modules frozen or thawed where they are named (`self.net.requires_grad_(False)`, a loop over
    # `self.net.parameters()`): (key, frozen), frozen None when a runtime flag decides
    freezes: list = dataclasses.field(default_factory=list)
    values: dict = dataclasses.field(default_factory=dict)  # id(call node) -> Value of the call
    skipped: set = dataclasses.field(default_factory=set)  # ids of statements on branches never taken
    guessed: set = dataclasses.field(default_factory=set)  # ids of calls resolved only by a method's name
    # methods called on `self` that the class leaves to its subclasses (`raise NotImplementedError`)
    left_to_subclasses: set = dataclasses.field(default_factory=set)
    missed_fields: set = dataclasses.field(default_factory=set)  # (class, attribute) read before any store was seen
    read_as_data: set = dataclasses.field(default_factory=set)  # token ids whose outputs were turned into plain values
    values_read: set = dataclasses.field(default_factory=set)  # of those, the ones whose values were read (not only detached)
    detached: set = dataclasses.field(default_factory=set)  # token ids whose outputs the code detaches (`.detach()`, `.data`)
    # token ids whose outputs reach `.numpy()` (or `np.asarray`) undetached: torch raises there on a
    # tensor that requires grad, so code that works runs them without recording a graph
    numpy_undetached: set = dataclasses.field(default_factory=set)
    loss_targets: dict = dataclasses.field(default_factory=dict)  # id(call node) -> LossTarget
    # a forward pass of a module that is none of the parameters (`self.net`, a global, one built
    # here), directly or through a helper: a caller's frozen arguments do not make it graph-free
    other_forwards: bool = False
    # CallFacts of what says the author meant no gradients, to no effect: `Variable(x, volatile=True)`,
    # the context of a `no_grad` block that only renames names (`with torch.no_grad(): v = x`)
    volatile_calls: list = dataclasses.field(default_factory=list)
    # ids of the calls of forward passes run with gradients disabled whose outputs reached a backward
    # pass, here or through a parameter that a callee backpropagates (`Value.fed_without_grad`)
    used_without_grad: set = dataclasses.field(default_factory=set)
    # id(loss call) -> the ids of the forward passes run with gradients disabled it is computed from,
    # for a loss computed with gradients on whose every input has no graph (a contrastive loss of
    # features made under `no_grad`): summed into a loss that is backpropagated, it gives nothing
    gradless_losses: dict = dataclasses.field(default_factory=dict)
    kept_in: dict = dataclasses.field(default_factory=dict)  # token id -> attributes that store its graph ("": elsewhere)
    # parameter name -> ids of the forward passes whose graphs the function stores into an object it
    # was given (`memory.logprobs.append(lp)`): the caller's argument holds them after the call
    stored_in_params: dict = dataclasses.field(default_factory=dict)
    # ids of the forward passes whose graphs the function appends to a container that outlives it
    # (`self.log_probs.append(lp)`): kept for later, unlike a field overwritten at every call
    appended: set = dataclasses.field(default_factory=set)
    # the fields of `self` whose containers the function appends graphs to (`self.log_probs`): a
    # method of the same object that calls it holds them there after the call
    self_appended: set = dataclasses.field(default_factory=set)
    # ids of the forward passes whose detached outputs reach a backward pass (a TD target made
    # from a target network's outputs and `.detach()`ed: the author's stop-gradient)
    detached_into_backward: set = dataclasses.field(default_factory=set)
    # id of a forward pass -> positions of the `.detach()` calls that dropped its graph (a rollout's
    # outputs kept in lists for every step and detached after the loop)
    detached_at: dict = dataclasses.field(default_factory=dict)
    # id(call node) -> (CallFact, the ids of the forward passes whose graph its input carries): a
    # forward pass run with gradients disabled on a tensor that carries a graph recorded here
    severed: dict = dataclasses.field(default_factory=dict)
    # id(call node) -> (CallFact, the module): the modules run forward with gradients disabled
    runs_without_grad: dict = dataclasses.field(default_factory=dict)
    # ids of the nodes that set a disabling grad mode (a `with` item, a decorator) under which a
    # value that carries a graph is computed on (`relu(self.w(x))` inside `with torch.no_grad():`)
    graphs_cut_under: set = dataclasses.field(default_factory=set)
    # id(AugAssign) -> (the statement, the GradState): `h += term` with gradients disabled on a
    # name whose tensor carries a graph; the update is in place, so `h` keeps its graph, but the
    # term records none (its id is in the `fed_without_grad` of what `h` computes later)
    updated_without_grad: dict = dataclasses.field(default_factory=dict)
    # id(call node) -> (CallFact, chain): calls with gradients disabled of project functions whose
    # backward pass then raises; the chain is `ModuleModel.backward_without_grad`'s
    failing_calls: dict = dataclasses.field(default_factory=dict)
    # id(call node) -> (CallFact, the ids of the forward passes whose graph an argument carries, the
    # callee, the parameters those arguments are given to): calls with gradients on of a project
    # function that cuts the graph of those parameters (`cuts.params_cut`: under a `no_grad` block
    # of its own, a disabling decorator, or a callee of its own that cuts them)
    cut_in_callee: dict = dataclasses.field(default_factory=dict)
    # id(name) -> (id(call node), callee, its parameter) for a name passed as it is to a parameter
    # whose graph the callee cuts: a parameter the function hands only there is cut by it too
    handed_to_cut: dict = dataclasses.field(default_factory=dict)
    # ids of calls in `fed_without_grad` whose outputs are combined with what may carry a graph
    # other than by a sum (a weight, `w * err`; a loss's target): a constant on purpose (and so
    # the ids of `detached_losses` met that way: an uncertainty weight, a loss's target)
    weighed: set = dataclasses.field(default_factory=set)
    # id(`.detach()` call) -> (CallFact, the ids of the forward passes whose graph the loss had): a
    # loss that carries a graph, detached (`criterion(out_s, out_t).detach() * beta`), or id(loss
    # call) -> (CallFact, the ids of the passes its inputs were detached from) for a loss computed
    # on detached tensors alone (`memory_loss(features.detach(), labels)`); the id is in the
    # `dropped` of what it is summed into, where it is a constant term
    detached_losses: dict = dataclasses.field(default_factory=dict)
    # id(call node) -> (CallFact, its Token, the ids of the forward passes whose graph its input had
    # and lost to a `.detach()`): a module run with gradients on, on an input that carries no
    # graph but those it lost (`netD(fake.detach())`); the id is in the `fed_without_grad` of what
    # it computes
    detached_feeds: dict = dataclasses.field(default_factory=dict)

    @property
    def backwards(self) -> list:
        return list(self.backward_values.values())

    @property
    def training(self) -> list:
        return list(self.training_calls.values())

    @property
    def wants_grad(self) -> list:
        return list(self.wanting_calls.values())

    @property
    def switches(self) -> list:
        return list(self.switch_calls.values())

    @property
    def inference_inputs(self) -> list:
        return list(self.inference_feeds.values())

    @property
    def outgoing(self) -> list:
        return list(self.outgoing_calls.values())

    @property
    def forwards(self) -> list:
        """The tokens of forward passes (and of calls that run them), without the pseudo-tokens of
        accumulators and of losses computed by calls we cannot see into."""
        return [token for key, token in self.tokens.items() if not isinstance(key, tuple)]

    def token_by_id(self) -> dict:
        """Token id -> token, every kind (sources of values are token ids)."""
        return {token.id: token for token in self.tokens.values()}

    def fate(self, token_id: int) -> set:
        return self.fates.get(token_id, set())

    def dead(self, token: Token) -> bool:
        return token.internal or not self.fate(token.id)


class Interpreter:
    """Interprets one scope of a module, asking `model` about everything outside it."""

    def __init__(self, model: "ModuleModel", scope: Optional[FunctionInfo], context: Context = DEFAULT_CONTEXT) -> None:
        self.model = model
        self.analysis = model.analysis
        self.scope = scope
        if scope is not None:
            scope.ensure_body()
        self.context = context
        self.result = ScopeResult(scope, context)
        self.calls: dict[int, CallFact] = model.calls_by_node
        self.facts: dict = model.facts_by_node
        self.ducks = model.duck_modules(scope)
        self._deriving: set[str] = set()  # the derived tests being read (see `constant_test`)
        self._next_token = len(self.result.tokens)
        self._comprehension = 0
        self._parameters = set(_parameter_names(scope)) if scope is not None else set()
        self._assigned: Optional[cst.BaseExpression] = None
        self._assign_statement: Optional[cst.Assign] = None  # the assignment `_assigned` is the value of
        self._frozen: set[str] = set()  # modules frozen through a loop over their parameters
        self._parameter_owners: dict[str, Value] = {}  # `self.model` -> its value, where `.parameters()` was read
        self._attributes: dict[str, set[str]] = {}  # local name -> `name.attr` keys stored in env
        self.trains_here = model.trains_in(scope)

    # -- entry ------------------------------------------------------------------------------------
    def run(self) -> ScopeResult:
        env: dict[str, Value] = {}
        if self.scope is not None:
            for name in _parameter_names(self.scope):
                env[name] = self.parameter_value(name)
            env.update(self.enclosing_self(env))
            body = self.scope.node.body
            statements = body.body if isinstance(body, cst.IndentedBlock) else [cst.SimpleStatementLine(body=body.body)]
        else:
            statements = self.analysis.module.body
        self.block(statements, env)
        return self.result

    def enclosing_self(self, env: dict) -> dict:
        """A function nested in a method reads the method's `self` (a closure: the thread target or
        callback a method defines, `def run(): self.decode(x)`): that object, unless it is shadowed."""
        between, method = [], self.scope.parent
        while method is not None and method.class_name is None:
            between.append(method)
            method = method.parent
        if method is None or _decorated_with(method, "staticmethod") or _is_classmethod(method):
            return {}
        name = _first_parameter(method)
        if name is None or name in env or any(name in _parameter_names(f) for f in between):
            return {}
        return {name: self.model.instance_value(method.class_name)}

    def parameter_value(self, name: str) -> Value:
        given = self.context.param(name)
        tag = frozenset({name})
        if given is not None and (given.kind is not Kind.UNKNOWN or given.elements is not None):
            if name == "self" and isinstance(given.ref, tuple) and self.scope is not None and self.scope.class_name:
                given = given.but(ref=self._one_reading_of_own_class(given.ref))
            if name == "self" and given.ref is None and self.scope is not None and self.scope.class_name:
                given = self._own_class_as_given(given)
            return given.but(params=tag)  # a tuple (`device, model, transform`) is known element by element
        if self.scope is not None and self.scope.class_name is not None and _is_classmethod(self.scope) \
                and name == _first_parameter(self.scope):
            known = self.model.global_value(self.scope.class_name)  # `cls`: the class, whose call builds one
            return known.but(params=tag) if known.kind is Kind.CLASS else UNKNOWN.but(params=tag)
        if name in ("self", "cls") and self.scope is not None and self.scope.class_name is not None:
            instance = self.model.instance_value(self.scope.class_name).but(params=tag)
            cls = instance.ref
            if name == "self" and self.scope.name != "__init__" and cls is not None and not isinstance(cls, (str, tuple)) \
                    and self.model.evaluated_by_init(cls):
                return instance.but(training=Training.EVAL, eval_reason="its class puts it in eval mode when it is built (`self.eval()`)")
            return instance
        annotated = self.annotated_value(name)
        if annotated is not None:
            return annotated.but(params=tag)
        by_usage = self.model.class_by_usage(self.scope, name)
        if by_usage is not None:
            return self.model.instance_value(by_usage).but(params=tag)
        if name in self.ducks:
            return Value(Kind.MODULE, Graph.YES, params=tag, evidence=Evidence.DUCK)
        param = _parameter(self.scope, name)
        default = param.default if param is not None else None
        if default is not None and not isinstance(default, (cst.Name, cst.Attribute)):
            return Value(Kind.PYTHON, Graph.NO, params=tag) if _is_literal(default) else UNKNOWN.but(params=tag)
        if default is not None and isinstance(default, cst.Name) and default.value == "None":
            pass  # `model=None`: whatever callers pass
        elif default is not None:
            default_value = self.value(default, {})
            if default_value.kind is Kind.CLASS:
                # `optimizer=torch.optim.Adam`, `block=ResBlock`: callers pass a class of that kind
                return default_value.but(params=tag)
            return UNKNOWN.but(params=tag)  # `decoder=decode_tokens`: a function
        if knowledge.looks_like_model(name):
            return Value(Kind.MODULE, Graph.YES, params=tag, evidence=Evidence.NAME)
        return UNKNOWN.but(params=tag)

    def _own_class_as_given(self, given: Value) -> Value:
        """The `self` of a method whose callers pass a module of no known class (a call made on a
        model a registry built, `target.merge()`): an instance of the method's own class, in the
        training mode the callers leave it in (whether it is frozen is its class's to say: the
        callers' module may be any of several)."""
        own = self.model.instance_value(self.scope.class_name)
        if own.ref is None or isinstance(own.ref, (str, tuple)):
            return given
        if own.kind is given.kind:
            return own.but(training=given.training if given.training is not Training.UNKNOWN else own.training,
                           eval_reason=given.eval_reason or own.eval_reason)
        return given.but(ref=own.ref, frozen=None)  # a mixin's method (`GloraLayer.merge`), run on a module

    def _one_reading_of_own_class(self, refs: tuple):
        """The classes a method's callers give as its `self`, with the method's own class once
        where they name it as two readings of its module do (callers in the run, and in a notebook
        that imports it): one call, one method, this module's."""
        own = self.model.instance_value(self.scope.class_name).ref
        if getattr(own, "methods", None) is None or sum(getattr(ref, "name", None) == own.name for ref in refs) < 2:
            return refs
        kept = (*(ref for ref in refs if getattr(ref, "name", None) != own.name), own)
        return kept[0] if len(kept) == 1 else kept

    def annotated_value(self, name: str) -> Optional[Value]:
        """A parameter annotated with a module or optimizer class (`model: nn.Module`,
        `net: Optional["Encoder"]`): an instance of it, its mode unknown; or with one class of the
        project (`engine: RolloutEngine`): an instance whose methods are the class's."""
        return self.instance_of_annotation(_annotation_of(self.scope, name))

    def declared_object(self, function: FunctionInfo) -> Optional[Value]:
        """An instance of the plain project class (no module) that a function of this module
        declares it returns (`-> AbstractPredictor`); None otherwise (a module class, a class of
        another module, whose names this module may spell otherwise, or no annotation)."""
        returns = function.node.returns
        if returns is None or self.model.function_for(function.node) is not function:
            return None
        declared = self.instance_of_annotation(returns.annotation)
        return declared if declared is not None and declared.kind is Kind.OBJECT else None

    def factory_result(self, name: str) -> Optional[Value]:
        """What calling parameter `name` returns when it is annotated as a factory of a class,
        `Callable[..., R]` (`build_ema: Callable[[nn.Module], EMATracker]`): an R, as
        `instance_of_annotation` says for R."""
        returned = _callable_return(_annotation_of(self.scope, name))
        return self.instance_of_annotation(returned) if returned is not None else None

    def instance_of_annotation(self, annotation: Optional[cst.BaseExpression]) -> Optional[Value]:
        """What a name annotated with `annotation` holds, as `annotated_value` says for a parameter."""
        values = [self.value(part, {}) for part in _annotation_parts(annotation)]
        classes = [value.ref for value in values if value.kind is Kind.CLASS]
        # a part that names no class read here (`Union[Bag, Model]` with `Model` an alias of a
        # Union): an instance of a class not known
        unresolved = len(classes) < len(values)
        instances = [self.model.instance_value(cls) for cls in classes]
        kinds = {instance.kind for instance in instances}
        if kinds == {Kind.OBJECT} and len(instances) == 1 and not isinstance(classes[0], str) and not unresolved:
            return instances[0]
        if len(kinds) != 1 or not kinds <= {Kind.MODULE, Kind.OPTIMIZER}:
            return None  # none, or `Union[Encoder, Config]`: maybe not a module
        if unresolved:
            return instances[0].but(ref=None, is_loss=False)
        if len(instances) == 1:
            return instances[0]
        # `TwinQ | Ensemble`: a module either way, of one of these classes (a tuple: no method is
        # resolved on it, but each class says whether it has parameters)
        return instances[0].but(ref=tuple(classes), is_loss=False)

    # -- statements -------------------------------------------------------------------------------
    def block(self, statements, env: dict) -> dict:
        for statement in statements:
            env = self.statement(statement, env)
        return env

    def statement(self, statement: cst.CSTNode, env: dict) -> dict:
        kind = statement.__class__  # node types by identity: libcst's are ABCs, slow in `isinstance`
        if kind is cst.SimpleStatementLine:
            for small in statement.body:
                self.small(small, env)
            return env
        if kind is cst.FunctionDef:
            function = self.model.function_for(statement)
            env[statement.name.value] = Value(Kind.FUNCTION, Graph.NO, ref=function)
            return env
        if kind is cst.ClassDef:
            env[statement.name.value] = self.model.global_value(statement.name.value)
            return env
        if kind is cst.If:
            return self.if_statement(statement, env)
        if kind in (cst.For, cst.While):
            return self.loop(statement, env)
        if kind is cst.With:
            for item in statement.items:
                value = self.value(item.item, env)
                if item.asname is not None:
                    self.bind(item.asname.name, value, env)
                use = context_use(self.analysis.imports, item.item)
                fact = self.calls.get(id(item.item))
                if (fact is not None and use is not None and use.called and use.mode.disables_grad
                        and _rebinds_names_only(statement.body)):
                    # `with torch.no_grad(): noisev = noise` (what `Variable(noise, volatile=True)`
                    # became): its author meant what follows to run without gradients
                    self.result.volatile_calls.append(fact)
            return self.suite(statement.body, env)
        if kind in (cst.Try, cst.TryStar):
            after = self.suite(statement.body, dict(env))
            ends = [self.suite(statement.orelse.body, after) if statement.orelse else after]
            for handler in statement.handlers:
                ends.append(self.suite(handler.body, merge(env, after)))
            merged = ends[0]
            for end in ends[1:]:
                merged = merge(merged, end)
            if statement.finalbody is not None:
                merged = self.suite(statement.finalbody.body, merged)
            return merged
        if kind is cst.Match:
            self.value(statement.subject, env)
            merged = dict(env)
            for case in statement.cases:
                merged = merge(merged, self.suite(case.body, dict(env)))
            return merged
        return env

    def suite(self, suite: cst.BaseSuite, env: dict) -> dict:
        if isinstance(suite, cst.IndentedBlock):
            return self.block(suite.body, env)
        for small in suite.body:
            self.small(small, env)
        return env

    def if_statement(self, statement: cst.If, env: dict) -> dict:
        known = self.constant_test(statement.test)
        self.value(statement.test, env)
        if known is True:
            self._skip(statement.orelse)
            return self.suite(statement.body, env)
        taken = self.suite(statement.body, dict(env)) if known is not False else None
        if known is False:
            self.result.skipped.add(id(statement.body))
        other = dict(env)
        if statement.orelse.__class__ is cst.If:  # by identity: see LEAF_LITERALS
            other = self.if_statement(statement.orelse, other)
        elif statement.orelse.__class__ is cst.Else:
            other = self.suite(statement.orelse.body, other)
        if taken is None:
            return other
        merged = merge(taken, other)
        key = _switched_off_when_training(statement)
        if key is not None and key in taken and taken[key].training is Training.EVAL:
            merged[key] = taken[key]  # `if model.training: model.eval()`: in eval mode either way
        return merged

    def _skip(self, orelse) -> None:
        if orelse is not None:
            self.result.skipped.add(id(orelse.body))

    def constant_test(self, test: cst.BaseExpression) -> Optional[bool]:
        """The truth of `flag`, `not flag`, `mode == "train"`, `mode in ("train", "tune")` and
        of `and`/`or` of those when the callers pass literals, and of `True`, `False`, `0`
        (None: not known)."""
        negate = False
        # node types by identity (see LEAF_LITERALS): every `if` of every interpretation asks
        while test.__class__ is cst.UnaryOperation and test.operator.__class__ is cst.Not:
            negate, test = not negate, test.expression
        value = _MISSING
        kind = test.__class__
        if kind is cst.BooleanOperation:
            sides = (self.constant_test(test.left), self.constant_test(test.right))
            decisive = test.operator.__class__ is cst.Or  # `or` is decided by a True side, `and` by a False one
            if decisive in sides:
                value = decisive
            elif None not in sides:
                value = not decisive
        elif kind is cst.Name and test.value in ("True", "False"):
            value = test.value == "True"  # `if False:` around code switched off by hand
        elif kind is cst.Integer:
            value = test.evaluated_value
        elif kind is cst.Name or kind is cst.Attribute:
            value = self.context.constant(dotted_name(test) or "")
            derived = self.model.derived_tests(self.scope).get(test.value) if (
                value is _MISSING and kind is cst.Name and self.scope is not None and self.context.constants
                and test.value not in self._deriving) else None
            if derived is not None:  # `if training:` after `training = optim is not None`
                self._deriving.add(test.value)  # (`a = not b` and `b = not a` read each other)
                try:
                    known = self.constant_test(derived)
                finally:
                    self._deriving.discard(test.value)
                value = _MISSING if known is None else known
        elif kind is cst.Comparison and len(test.comparisons) == 1 and test.left.__class__ in (cst.Name, cst.Attribute):
            left = self.context.constant(dotted_name(test.left) or "")
            comparison = test.comparisons[0]
            right = _literal_of(comparison.comparator)
            choices = _literal_choices(comparison.comparator)
            if left is not _MISSING and right is not _MISSING:
                if isinstance(comparison.operator, (cst.Equal, cst.Is)):
                    value = left is None if right is None else left == right
                elif isinstance(comparison.operator, (cst.NotEqual, cst.IsNot)):
                    value = left is not None if right is None else left != right
            elif left is not _MISSING and choices is not None and isinstance(comparison.operator, (cst.In, cst.NotIn)):
                value = (left in choices) == isinstance(comparison.operator, cst.In)
        if value is _MISSING:
            return None
        return (not value) if negate else bool(value)

    def loop(self, statement, env: dict) -> dict:
        start, current = env, dict(env)
        for round_ in range(2):  # the second pass sees what one iteration leaves to the next
            if round_ and self._reads_nothing_carried(statement, start, current):
                break  # the second pass would see what the first saw
            inner = dict(current)
            if isinstance(statement, cst.For):
                self.bind(statement.target, self.iteration(statement.iter, inner), inner)
            else:
                self.value(statement.test, inner)
            body = self.suite(statement.body, inner)
            current = merge(start, body)
            # read as running at least once: what its body rebinds in inference mode is an
            # inference tensor after it (`ids = torch.cat([ids, nxt], 1)` in a sampling loop)
            for key, value in body.items():
                if value.inference is not None and current[key].inference is None:
                    current[key] = current[key].but(inference=value.inference)
            for key in self._frozen & set(current) & set(body):  # as its last run left it
                current[key] = current[key].but(frozen=body[key].frozen)
        if statement.orelse is not None:
            current = self.suite(statement.orelse.body, current)
        return current

    def _reads_nothing_carried(self, loop, start: dict, current: dict) -> bool:
        """Does no iteration read a value the one before it left? True when every name the first
        pass changed is bound before anything reads it (`out = model(x)` at the top of the body)."""
        cache = self.analysis.cache.setdefault("bound_before_read", {})
        fresh = cache.get(id(loop))
        if fresh is None:
            fresh = cache[id(loop)] = bound_before_read(loop)
        return all(key in fresh for key, value in current.items() if start.get(key) is not value)

    def iteration(self, iterable: cst.BaseExpression, env: dict, depth: int = 0) -> Value:
        """What one iteration of `for ... in iterable` binds: `enumerate(...)` gives an int first,
        `zip(a, b)` an element of each."""
        builtin = iterable.func.value if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) else None
        if builtin == "zip" and iterable.args and not any(arg.star or arg.keyword for arg in iterable.args):
            parts = tuple(self.element(self.value(arg.value, env, depth + 1)) for arg in iterable.args)
            return join(*parts).but(elements=parts)
        item = self.element(self.value(iterable, env, depth))
        if builtin == "enumerate" and iterable.args:
            return join(PYTHON, item).but(elements=(PYTHON, item))
        return item

    def element(self, value: Value) -> Value:
        """What iterating a value gives: modules of `model.modules()`, tensors of a batch. A list of
        objects is read as one of them (a container's value is what it holds): an object of a
        project class that cannot be iterated (no `__iter__` or `__getitem__`) is such a list's."""
        if value.kind is Kind.PYTHON:
            return value
        if value.kind is Kind.OBJECT and _not_iterable(value.ref):
            return value
        if value.kind is Kind.MODULE:
            return _held_module(value)
        return value.but(kind=Kind.UNKNOWN) if value.kind in (Kind.OBJECT, Kind.FUNCTION, Kind.CLASS) else value

    def input_wants_gradients(self, assign: cst.Assign, target: cst.Attribute) -> None:
        """`img.requires_grad = True` on a local tensor: gradients are wanted, as by
        `img.requires_grad_()` (not `p.requires_grad = flag` in a loop over a module's parameters,
        nor `self.temperature.requires_grad = True`: those thaw what a training step updates)."""
        from .trainable import grad_switches  # it reads the interpreter's helpers
        fact = self.model.fact_for(assign)
        if (fact is not None and assign.value.__class__ is cst.Name and assign.value.value == "True"
                and target.value.__class__ is cst.Name and target.value.value not in ("self", "cls")
                and all(switch.node is not assign for switch in grad_switches(self.model, self.scope))):
            self.result.wanting_calls[id(assign)] = fact

    def small(self, small: cst.BaseSmallStatement, env: dict) -> None:
        kind = small.__class__  # node types by identity: libcst's are ABCs, slow in `isinstance`
        if kind is cst.Assign:
            self._assigned, self._assign_statement = small.value, small
            value = self.accumulated_assign(small, self.value(small.value, env), env)
            self.result.values[id(small.value)] = value
            if value.elements is None and _unpacks_values_and_indices(small, self.analysis.imports):
                # `_, pred = torch.max(net(x), dim=1)`: the indices are read from the values, no graph
                value = value.but(elements=(value, self.index_values(small.value, value)))
            for target in small.targets:
                self.bind(target.target, value, env)
                if target.target.__class__ is cst.Attribute and target.target.attr.value == "requires_grad":
                    self.input_wants_gradients(small, target.target)
                elif (target.target.__class__ is cst.Attribute and target.target.attr.value == "volatile"
                      and _is_true(small.value) and self.model.fact_for(small) is not None):
                    # `x.volatile = True`: the attribute form of `Variable(x, volatile=True)`
                    self.result.volatile_calls.append(self.model.fact_for(small))
        elif kind is cst.AnnAssign:
            if small.value is not None:
                self.bind(small.target, self.value(small.value, env), env)
        elif kind is cst.AugAssign:
            value = self.value(small.value, env)
            if isinstance(small.target, cst.Name):
                old = self.lookup(small.target.value, env)
                new = self.updated_in_place(small, old, value)
                if new is None:
                    new = self.computed(small, join(old, value))
                new = self.accumulate(small, small.target.value, small.value, value, new, env)
                env[small.target.value] = new
            else:
                self.bind(small.target, join(self.value(small.target, env), value), env)
        elif kind is cst.Expr:
            self.value(small.value, env)
        elif kind is cst.Return:
            if small.value is not None:
                value = self.value(small.value, env)
                self.result.values[id(small.value)] = value
                self.leave(value, RETURNED)
                self.result.returned = join(self.result.returned, value) if self.result.returns else value
            self.result.returns = True
        elif kind in (cst.Raise, cst.Assert, cst.Del):
            for child in _expressions_of(small):
                self.value(child, env)

    # -- binding and fates -------------------------------------------------------------------------
    def bind(self, target: cst.BaseExpression, value: Value, env: dict) -> None:
        kind = target.__class__  # node types by identity: libcst's are ABCs, slow in `isinstance`
        if kind in (cst.Tuple, cst.List):
            parts = value.elements
            if parts is not None and len(parts) == len(target.elements) and not any(
                    e.__class__ is cst.StarredElement for e in target.elements):
                for element, part in zip(target.elements, parts):
                    self.bind(element.value, part, env)  # `loss, n_correct = compute(...)`
                return
            for element in target.elements:
                self.bind(element.value, value.but(elements=None), env)
            return
        if kind is cst.StarredElement:
            self.bind(target.value, value, env)
            return
        if kind is cst.Name:
            env[target.value] = self.named(target.value, value)
            for key in self._attributes.pop(target.value, ()):  # a new object: its old attributes go
                env.pop(key, None)
            return
        if kind is cst.Attribute and target.attr.value == "requires_grad":
            if is_false(self._assigned):
                self.freeze_owner(self.value(target.value, env, MAX_DEPTH - 2), env)
            else:
                self.mark(value, USED)  # `p.requires_grad = True`: gradients wanted
                self.freeze_owner(self.value(target.value, env, MAX_DEPTH - 2), env, _thawed(self._assigned))
                owner = dotted_name(target.value)
                if owner is not None:  # from here on a leaf that records a graph
                    statement = self._assign_statement
                    fact = self.model.fact_for(statement) if statement is not None else None
                    env[owner] = self.new_leaf(statement, fact, self.value(target.value, env, MAX_DEPTH - 2),
                                               self.bound_expression(target.value, fact))
            return
        key = dotted_name(target)
        root = root_name(target)
        if kind is cst.Attribute and root in ("self", "cls") and key is not None:
            if key.count(".") == 1:
                self.result.self_stores[target.attr.value] = join(
                    self.result.self_stores.get(target.attr.value, value), value)
            env[key] = value
            self.leave(value, STORED, target.attr.value)
            return
        if root is not None and root in env and self.is_local(root):
            held, stored = env[root], self.slot(value)
            if kind is cst.Subscript and _is_numpy(held):
                self.read_values(value)  # `acc[i] += out` in a NumPy array: a number, no graph kept
                return
            if kind is cst.Attribute and held.kind in (Kind.MODULE, Kind.OBJECT):
                # `model.decoder.mask_value = finfo("float16").min`: the object stays what it is,
                # and holds what it is given, graphs and all
                env[root] = held.but(graph=max(held.graph, stored.graph), sources=held.sources | stored.sources,
                                     dropped=held.dropped | stored.dropped)
            else:
                env[root] = join(held, stored)  # `results["loss"] = loss`: the container holds it
            if kind is cst.Attribute and key is not None:
                env[key] = value  # `batch.tensors = resized`: read back as it was stored
                self._attributes.setdefault(root, set()).add(key)
            return
        self.leave(value, STORED)

    def named(self, name: str, value: Value) -> Value:
        """An unknown value bound to a name the code treats as a module (`m.eval()` elsewhere in the
        scope), or that reads as one (`model`, `net`): a module, with that evidence."""
        if value.kind is not Kind.UNKNOWN:
            return value
        if name in self.ducks:
            return value.but(kind=Kind.MODULE, graph=Graph.YES, evidence=Evidence.DUCK)
        if knowledge.looks_like_model(name):
            return value.but(kind=Kind.MODULE, graph=Graph.YES, evidence=Evidence.NAME)
        return value

    def slot(self, value: Value) -> Value:
        """A value put into a container slot: a loss computed without gradients is remembered (an
        advantage written into a buffer under no_grad, `advantage[t] = delta`, is no loss)."""
        if value.nograd is NoGrad.SURE and value.nograd_node is not None and value.is_loss:
            self.model.dropped_slots[id(value.nograd_node)] = (value.nograd_node, value.nograd_state)
            return value.but(dropped=value.dropped | {id(value.nograd_node)})
        return value

    def freeze_owner(self, parameter: Value, env: dict, frozen: Optional[bool] = True) -> None:
        """The state `p.requires_grad = flag` for every `p` of `m.parameters()` leaves `m` in: frozen
        by `False` (`frozen=True`), thawed by `True` (`False`), either by a runtime flag (`None`)."""
        ref = parameter.ref
        if isinstance(ref, tuple) and ref[0] == "parameters" and ref[1] not in env and ref[1] in self._parameter_owners:
            env[ref[1]] = self._parameter_owners[ref[1]]  # a field (`self.model.parameters()`): frozen from here on
        if isinstance(ref, tuple) and ref[0] == "parameters" and ref[1] in env:
            env[ref[1]] = env[ref[1]].but(frozen=frozen)
            self._frozen.add(ref[1])
            self.result.freezes.append((ref[1], frozen))
        elif (isinstance(ref, tuple) and ref[0] == "parameters" and ref[1] is not None and ref[1].startswith("self.")
              and ref[1].count(".") == 2):
            self.result.freezes.append((ref[1], frozen))  # a field's field: a wrapper's (see `_wrapper_freezes`)

    def is_local(self, name: str) -> bool:
        """Bound in this scope (not a parameter, `self`, or a global)."""
        return name not in self._parameters and name not in ("self", "cls") and (
            self.scope is not None or not self.model.read_in_functions(name))

    def leave(self, value: Value, fate: str, kept_in: str = "") -> None:
        """The value leaves the scope (returned or stored): its graphs and parameters go with it.
        `kept_in`: the attribute of an object outside the scope that stores it (`logprobs` in
        `memory.logprobs.append(lp)`), "" when it is kept elsewhere or the place is unknown."""
        self.mark(value, fate)
        if fate == STORED:
            for source in value.sources:
                self.result.kept_in.setdefault(source, set()).add(kept_in)
            if value.kind is Kind.TENSOR and value.graph is Graph.NO and value.nograd is None:
                return  # values read from a parameter (`self.logger.update(loss.data[0])`) keep no graph of it
        for param in value.params:
            self.result.param_uses.setdefault(param, set()).add(fate)

    def mark(self, value: Value, fate: str) -> None:
        for source in value.sources:
            self.result.fates.setdefault(source, set()).add(fate)
        if fate == USED:
            self.result.used_without_grad.update(value.fed_without_grad)
            self.result.detached_into_backward.update(value.detached)
            for param in value.params:
                self.result.param_uses.setdefault(param, set()).add(USED)

    def lookup(self, name: str, env: dict) -> Value:
        if name in env:
            return env[name]
        if name in ("True", "False", "None"):
            return PYTHON
        found = self.model.module_level(name) if self.scope is not None else None
        return found if found is not None else self.model.global_value(name)

    # -- expressions -------------------------------------------------------------------------------
    def value(self, node: Optional[cst.BaseExpression], env: dict, depth: int = 0) -> Value:
        if node is None:
            return PYTHON
        if depth > MAX_DEPTH:
            return self.flat(node, env)
        kind = node.__class__  # the commonest node types first, by identity (see `LEAF_LITERALS`)
        if kind is cst.Name:
            return self.lookup(node.value, env)
        if kind is cst.Attribute:
            return self.attribute(node, env, depth)
        if kind is cst.Call:
            return self.call(node, env, depth)
        if kind in LEAF_LITERALS:
            return PYTHON
        if kind is cst.FormattedString:
            for part in node.parts:
                if part.__class__ is cst.FormattedStringExpression:  # by identity: see LEAF_LITERALS
                    self.value(part.expression, env, depth + 1)
            return PYTHON
        if kind is cst.Subscript:
            base = self.value(node.value, env, depth + 1)
            if _count_key(node):  # `out["n_exs"]`: how many examples, a number, whatever `out` holds
                return PYTHON
            index = _literal_index(node)
            if base.elements is not None and index is not None and -len(base.elements) <= index < len(base.elements):
                return base.elements[index]
            if index == 1 and _reduction_call(node.value):  # `torch.max(out, 1)[1]`: the indices, read from the values
                return self.index_values(node, base)
            for element in node.slice:
                if isinstance(element.slice, cst.Index):
                    self.value(element.slice.value, env, depth + 1)
            if base.kind is Kind.MODULE and len(node.slice) > 1 and base.evidence < Evidence.DUCK:
                return base.but(kind=Kind.TENSOR)  # `weights[:, i]`: no module is indexed by a tuple
            if base.kind is Kind.MODULE:
                return _held_module(base)  # `model.layers[0]`, `models[i]`: a module
            if base.kind is Kind.OBJECT and _not_iterable(base.ref):
                return base  # `self.agents[i]`: objects that cannot be indexed are a list's (see `element`)
            return base.but(kind=Kind.UNKNOWN) if base.kind in (Kind.OBJECT, Kind.FUNCTION) else base
        if kind is cst.BinaryOperation:
            left = self.value(node.left, env, depth + 1)
            right = self.value(node.right, env, depth + 1)
            if left.kind is Kind.PYTHON and right.kind is Kind.PYTHON:
                dropped = left.dropped | right.dropped  # `0.1 * aux.item()`: a constant term, followed
                return PYTHON.but(dropped=dropped) if dropped else PYTHON
            if isinstance(node.operator, _SAVING_OPERATORS):
                self.note_inference_operand(node, (node.left, left), (node.right, right))
                self.note_weighed((left, right))
            tensor = left if _surely_tensor(left) else right if _surely_tensor(right) else None
            return self.computed(node, join(_as_tensor(left), _as_tensor(right)), tensor)
        if kind is cst.UnaryOperation:
            inner = self.value(node.expression, env, depth + 1)
            if isinstance(node.operator, cst.Not) or inner.kind is Kind.PYTHON:
                return PYTHON
            return self.computed(node, _as_tensor(inner))
        if kind is cst.BooleanOperation:
            return join(self.value(node.left, env, depth + 1), self.value(node.right, env, depth + 1))
        if kind is cst.Comparison:
            self.value(node.left, env, depth + 1)
            for target in node.comparisons:
                self.value(target.comparator, env, depth + 1)
            return NO_GRAPH if self._has_tensor(node, env) else PYTHON
        if kind is cst.IfExp:
            self.value(node.test, env, depth + 1)
            return join(self.value(node.body, env, depth + 1), self.value(node.orelse, env, depth + 1))
        if kind in (cst.Tuple, cst.List, cst.Set):
            if not node.elements:
                return PYTHON
            parts = tuple(self.value(e.value, env, depth + 1) for e in node.elements)
            whole = join(*parts)
            written = kind is not cst.Set and not any(e.__class__ is cst.StarredElement for e in node.elements)
            return whole.but(elements=parts if written else None)
        if kind is cst.Dict:
            values = [self.value(e.value, env, depth + 1) for e in node.elements if isinstance(e, cst.DictElement)]
            values += [self.value(e.value, env, depth + 1) for e in node.elements if isinstance(e, cst.StarredDictElement)]
            return join(*values) if values else PYTHON
        if kind in (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp):
            return self.comprehension(node, env, depth)
        if kind is cst.NamedExpr:
            value = self.value(node.value, env, depth + 1)
            self.bind(node.target, value, env)
            return value
        if kind is cst.Await:
            return self.value(node.expression, env, depth + 1)
        if kind is cst.Yield:
            inner = node.value
            if isinstance(inner, cst.From):
                inner = inner.item
            value = self.value(inner, env, depth + 1) if inner is not None else PYTHON
            self.leave(value, RETURNED)
            self.result.returned = join(self.result.returned, value) if self.result.returns else value
            self.result.returns = True
            return UNKNOWN
        if kind is cst.StarredElement:
            return self.value(node.value, env, depth + 1)
        if kind is cst.Lambda:
            return Value(Kind.FUNCTION, Graph.NO)
        return UNKNOWN

    def flat(self, node: cst.CSTNode, env: dict) -> Value:
        """A deep expression read without recursion: the join of the names in it."""
        found = [self.lookup(n.value, env) for n in iter_nodes(node) if isinstance(n, cst.Name)]
        return self.computed(node, join(*found)) if found else PYTHON

    def _has_tensor(self, node: cst.Comparison, env: dict) -> bool:
        operands = [node.left, *(c.comparator for c in node.comparisons)]
        return any(self.value(o, env, MAX_DEPTH).kind is Kind.TENSOR for o in operands if o.__class__ is cst.Name)

    def comprehension(self, node, env: dict, depth: int) -> Value:
        inner = dict(env)
        clause = node.for_in
        while clause is not None:
            self.bind(clause.target, self.iteration(clause.iter, inner, depth + 1), inner)
            for condition in clause.ifs:
                self.value(condition.test, inner, depth + 1)
            clause = clause.inner_for_in
        self._comprehension += 1
        try:
            if isinstance(node, cst.DictComp):
                self.value(node.key, inner, depth + 1)
                return self.value(node.value, inner, depth + 1)
            return self.value(node.elt, inner, depth + 1)
        finally:
            self._comprehension -= 1

    def attribute(self, node: cst.Attribute, env: dict, depth: int) -> Value:
        key = dotted_name(node)
        if key is not None and key in env:
            return env[key]
        qualified = (self.analysis.imports.resolve_dotted(key) or self.shadowed_import(key, env)) if key is not None else None
        if qualified is not None:
            known = self.model.qualified_value(qualified)
            if known is not None:
                return known
            if qualified.startswith("torch."):
                return UNKNOWN  # a namespace of torch's (`torch.nn.utils.rnn`): no model, whatever its name
        base = self.value(node.value, env, depth + 1)
        attr = node.attr.value
        if attr in ("shape", "ndim", "dtype", "device", "is_cuda", "requires_grad", "training", "__name__",
                    "__module__", "__qualname__", "__doc__", "__file__"):
            return PYTHON
        if attr in ("data",):  # `out.data`: the values without the graph, as `out.detach()`
            self.read_values(base, detached_only=True)
            return NO_GRAPH.but(params=base.params, detached=base.sources | base.detached)
        if attr == "grad":
            return NO_GRAPH
        if attr == "indices" and _reduction_call(node.value):  # `scores.topk(k).indices`: read from the values
            return self.index_values(node, base)
        if base.kind is Kind.OBJECT or (base.kind is Kind.MODULE and base.ref is not None):
            field = self.field(base.ref, attr, base)
            if field is not None and not (field.kind is Kind.UNKNOWN and knowledge.looks_like_model(attr)):
                return _inherit_mode(base, field)
        bound = self.bound_method(base, attr)
        if bound is not None:
            return bound
        if attr == "module" and base.kind is Kind.MODULE:
            unwrapped = _unwrapped(base)
            if unwrapped is not None:
                return unwrapped
        if base.kind in (Kind.MODULE, Kind.UNKNOWN) and attr in _HOUSEKEEPING_METHODS:
            return Value(Kind.FUNCTION, Graph.NO)  # `save = colbert.save`, then `save(path)`: no forward pass
        if base.kind is Kind.MODULE:
            # a submodule or a tensor (`model.train_targets`): a call of it is read as the module's
            # forward (see `method_call`), anything else as an unknown value
            return UNKNOWN.but(params=base.params)
        if base.kind in (Kind.OBJECT, Kind.UNKNOWN) and knowledge.looks_like_model(attr) and not self._is_method(base, attr):
            return Value(Kind.MODULE, Graph.YES, params=base.params, evidence=Evidence.NAME)
        if attr == "loss":  # `outputs.loss` of a model's output object
            return base.but(kind=Kind.TENSOR) if base.graph is Graph.NO else Value(
                Kind.TENSOR, Graph.MAYBE, sources=base.sources, params=base.params)
        if base.kind in (Kind.PYTHON, Kind.FUNCTION, Kind.CLASS):
            return UNKNOWN.but(params=base.params)
        return base.but(kind=Kind.UNKNOWN if base.kind is not Kind.TENSOR else Kind.TENSOR, ref=None)

    # -- computations ----------------------------------------------------------------------------
    def state(self, node: cst.CSTNode) -> Optional[GradState]:
        """The grad mode where `node` runs: that of its first call or name; under
        `set_grad_enabled(train)`, the mode the callers' `train=False` makes it."""
        fact = self.facts.get(id(node))
        if fact is None:
            fact = next((self.facts[id(child)] for child in iter_nodes(node) if id(child) in self.facts), None)
        state = self.analysis.state_of(fact) if fact is not None else None
        if state is not None and state.mode is Mode.UNKNOWN and self.context.constants:
            return self._given_flag(state)
        return state

    def _given_flag(self, state: GradState) -> GradState:
        """`set_grad_enabled(flag)` (a `with` item or a decorator) with `flag` a literal the callers
        pass; or a context chosen by one (`ctx = torch.enable_grad if is_train else torch.no_grad`)."""
        if isinstance(state.node, cst.IfExp):
            chosen = self.constant_test(state.node.test)
            use = context_use(self.analysis.imports, state.node.body if chosen else state.node.orelse) \
                if chosen is not None else None
            return state if use is None or use.mode is Mode.UNKNOWN else GradState(use.mode, state.origin, state.node)
        call = state.node.item if isinstance(state.node, cst.WithItem) else (
            state.node.decorator if isinstance(state.node, cst.Decorator) else state.node)
        flag = self._set_grad_flag(call)
        return state if flag is None else GradState(Mode.ENABLED if flag else Mode.DISABLED, state.origin, state.node)

    def _set_grad_flag(self, call: cst.CSTNode) -> Optional[bool]:
        """The mode `torch.set_grad_enabled(flag)` sets where the callers' literals decide `flag`;
        None for any other call, or a flag they leave open."""
        if not (isinstance(call, cst.Call) and len(call.args) == 1 and call.args[0].keyword is None
                and self.analysis.context_kind(call.func) is knowledge.GradContext.SET_GRAD_ENABLED):
            return None
        return self.constant_test(call.args[0].value)

    def disabled(self, state: Optional[GradState]) -> bool:
        return state is not None and state.mode.disables_grad

    def computed(self, node: cst.CSTNode, inputs: Value, tensor: Optional[Value] = None) -> Value:
        """The value of a differentiable computation on `inputs` where `node` runs (`tensor`: an
        input surely a tensor, which makes it torch's computation whatever the others are)."""
        state = self.state(node)
        if self.disabled(state):
            inference = node if state.mode is Mode.INFERENCE else None
            fed = inputs.fed_without_grad
            if inputs.graph is Graph.YES and state.node is not None:
                self.result.graphs_cut_under.add(id(state.node))
            cut = inputs.cut | inputs.sources if inputs.graph is Graph.YES else inputs.cut
            if inputs.nograd is None and tensor is not None and tensor.nograd is NoGrad.SURE:
                inputs = inputs.but(nograd=NoGrad.SURE, nograd_node=tensor.nograd_node,
                                    nograd_state=tensor.nograd_state)  # `model(x) - y`: no graph, whatever y is
            if inputs.nograd is not None:
                return NO_GRAPH.but(nograd=inputs.nograd, nograd_node=inputs.nograd_node, fed_without_grad=fed,
                                    nograd_state=inputs.nograd_state, inference=inference, params=inputs.params, cut=cut)
            if inputs.graph is Graph.NO:
                return NO_GRAPH.but(inference=inference, params=inputs.params, fed_without_grad=fed, cut=cut)
            strength = NoGrad.SURE if inputs.graph is Graph.YES or tensor is not None else NoGrad.SUSPECT
            return NO_GRAPH.but(nograd=strength, nograd_node=node, nograd_state=state, inference=inference,
                                params=inputs.params, fed_without_grad=fed, cut=cut)
        if state is not None and state.mode is Mode.UNKNOWN:
            return UNKNOWN.but(sources=inputs.sources, params=inputs.params, fed_without_grad=inputs.fed_without_grad)
        kind = Kind.TENSOR if inputs.kind in (Kind.TENSOR, Kind.MODULE) else inputs.kind
        if kind in (Kind.OBJECT, Kind.FUNCTION, Kind.CLASS, Kind.OPTIMIZER):
            kind = Kind.UNKNOWN
        return Value(kind, inputs.graph, inputs.sources, inputs.params, dropped=inputs.dropped, detached=inputs.detached,
                     fed_without_grad=inputs.fed_without_grad, opaque=inputs.opaque,
                     nograd=inputs.nograd if inputs.graph is Graph.NO else None,
                     nograd_node=inputs.nograd_node if inputs.graph is Graph.NO else None,
                     nograd_state=inputs.nograd_state if inputs.graph is Graph.NO else None)

    def updated_in_place(self, node: cst.AugAssign, old: Value, term: Value) -> Optional[Value]:
        """`h += term` with gradients disabled, `h` a tensor that carries a graph: torch updates it in
        place and it keeps its graph (checked in tests/test_torch_facts.py), but nothing computed
        for the term is recorded. None where the statement is an ordinary computation."""
        state = self.state(node)
        if not self.disabled(state) or old.graph is not Graph.YES or old.kind not in (Kind.TENSOR, Kind.UNKNOWN):
            return None
        self.result.updated_without_grad[id(node)] = (node, state)
        return old.but(fed_without_grad=old.fed_without_grad | term.fed_without_grad | {id(node)})

    def call(self, node: cst.Call, env: dict, depth: int) -> Value:
        fact = self.calls.get(id(node))
        func = node.func
        receiver_value = callee_value = None
        qualified = (fact.qualified or self.shadowed_import(fact.callee, env)) if fact is not None else None
        known = self.model.qualified_value(qualified) if qualified else None
        if known is not None:
            callee_value = known
        elif func.__class__ is cst.Attribute:  # by identity: see LEAF_LITERALS
            receiver_value = self.value(func.value, env, depth + 1)
            callee_value = self.member(func, receiver_value, env)
            if callee_value is not None:
                receiver_value = None
        else:
            callee_value = self.value(func, env, depth + 1)
        arguments = [(arg, self.value(arg.value, env, depth + 1)) for arg in node.args]
        if fact is None or fact.in_lambda:
            return UNKNOWN
        value = self.call_value(node, fact, env, receiver_value, callee_value, arguments)
        if func.__class__ is cst.Name and callee_value is not None and callee_value.kind is Kind.UNKNOWN \
                and callee_value.params == frozenset({func.value}):  # a parameter the function calls
            value = self.factory_result(func.value) or value
        token = self.result.tokens.get(id(node))
        if token is not None and token.callee is not None:
            self.graphs_stored_in_arguments(node, token, env)
        if value.kind is Kind.OPTIMIZER or knowledge.names_an_optimizer((fact.callee or "").rpartition(".")[2]):
            self.note_weights_of(node, knowledge.PARAMETER_METHODS, env)
        elif fact.method == "load_state_dict":  # `target.load_state_dict(net.state_dict())`
            into_module = ((receiver_value is not None and receiver_value.kind is Kind.MODULE)
                           or knowledge.looks_like_model((dotted_name(fact.receiver) or "").rpartition(".")[2]))
            self.note_weights_of(node, ("state_dict",), env, into_module)
        if _creates_trainable_leaf(fact):
            # `nn.Parameter(t)`, `torch.ones(3, requires_grad=True)` (a new leaf made of a module's
            # outputs keeps its mark: see `new_leaf`)
            value = Value(Kind.TENSOR, Graph.YES, dropped=value.dropped)
        self.result.values[id(node)] = value
        return value

    def graphs_stored_in_arguments(self, node: cst.Call, token: Token, env: dict) -> None:
        """A callee that stores graphs into an object it is given (`select_action(state, memory)`
        appending to `memory.logprobs`): a local object of the caller carries them from then on, so
        what the caller does with it decides their fate; a parameter of the caller passes them on to
        its own callers; any other object keeps them."""
        summary = self.model.summary_of(token.callee)
        stored = summary.stored_in_params if summary is not None else {}
        if not stored:
            return
        given = _bind_arguments(token.callee, [(arg, arg) for arg in node.args], bound_self=None if token.call.method is None else UNKNOWN)
        for name in stored:
            arg = given.get(name)
            local = arg.value.value if isinstance(arg, cst.Arg) and isinstance(arg.value, cst.Name) else None
            if local is not None and local in env and self.is_local(local):
                env[local] = env[local].but(sources=env[local].sources | {token.id})
                continue
            if local is not None and local in self._parameters:  # passed on: it stores them into its own argument
                self.result.stored_in_params.setdefault(local, set()).add(token.id)
            self.result.fates.setdefault(token.id, set()).add(STORED)

    def graphs_appended_to_own_fields(self, fields, token: Token, env: dict) -> None:
        """A method of the same object that appends graphs to fields of `self` (a beam search's
        `self.log_probs.append(logp)` at each step): the caller's `self.log_probs` holds them after
        the call, so what it computes from the field (`torch.stack(self.log_probs)`) carries them."""
        held = Value(Kind.TENSOR, Graph.YES, sources=frozenset({token.id}))
        for attr in fields:
            key = f"self.{attr}"
            env[key] = join(env[key], held) if key in env else held

    def note_weights_of(self, node: cst.Call, methods, env: dict, surely_modules: bool = True) -> None:
        """The modules whose weights (`methods`: `parameters()`, `state_dict()`) are passed to `node`
        have some: `config.optimizer_fn(self.network.parameters())` builds an optimizer over them,
        `target.load_state_dict(self.network.state_dict())` copies them. Unless `surely_modules`,
        only what is a module or named like one (an optimizer or a normalizer has a state dict too)."""
        for arg in node.args:
            inner = arg.value
            if (inner.__class__ is cst.Call and inner.func.__class__ is cst.Attribute
                    and inner.func.attr.value in methods):
                key = dotted_name(inner.func.value)
                module = env.get(key) if key is not None else None
                if module is None or module.frozen or module.weights or module.kind not in (Kind.MODULE, Kind.UNKNOWN):
                    continue
                if not (surely_modules or module.kind is Kind.MODULE or knowledge.looks_like_model(key.rpartition(".")[2])):
                    continue
                if module.kind is Kind.UNKNOWN:  # `self.network = config.network_fn()`
                    module = module.but(kind=Kind.MODULE, graph=Graph.YES, evidence=Evidence.DUCK)
                self.learned_weights(key, module, env)

    def learned_weights(self, key: str, module: Value, env: dict) -> None:
        """The module named `key` has parameters (a checkpoint is loaded into it, an optimizer is
        built over them); a field of `self` stored in this scope is stored so."""
        env[key] = module.but(weights=True, evidence=max(module.evidence, Evidence.DUCK))
        self._update_prefixed(key, env[key], env)
        attr = key[5:] if key.startswith("self.") and key.count(".") == 1 else None
        stored = self.result.self_stores.get(attr)
        if stored is not None and stored.kind in (Kind.MODULE, Kind.UNKNOWN):
            self.result.self_stores[attr] = (stored.but(weights=True, evidence=env[key].evidence)
                                             if stored.kind is Kind.MODULE else env[key])

    def field(self, cls, attr: str, instance: Optional[Value] = None) -> Optional[Value]:
        """What the class stores in `attr`, as far as the methods interpreted so far show; for an
        `instance` built here, the module its constructor call passed for it."""
        if instance is not None and instance.held:
            given = next((module for name, module in instance.held if name == attr), None)
            if given is not None:
                return given
        found = self.model.field_value(cls, attr)
        if found is None:
            self.result.missed_fields.add((cls, attr))
        return found

    def member(self, func: cst.Attribute, receiver: Value, env: dict) -> Optional[Value]:
        """The value of `obj.attr` when it is something called in its own right (a tracked
        `self.model`, a module or function stored on an object), not a method of `obj`."""
        key = dotted_name(func)
        found = env.get(key) if key is not None else None
        if found is None and receiver.kind in (Kind.OBJECT, Kind.MODULE) and receiver.ref is not None:
            found = self.field(receiver.ref, func.attr.value, receiver)
            found = _inherit_mode(receiver, found) if found is not None else None
        # a field of its own class that the class's methods treat as a module (`self.pmodel.parameters()`)
        duck = key is not None and key == f"self.{func.attr.value}" and func.attr.value in self.model.fields_used_as_modules(self.scope)
        if found is not None and found.kind in (Kind.MODULE, Kind.FUNCTION, Kind.CLASS, Kind.OBJECT):
            return found.but(evidence=Evidence.DUCK) if duck and found.kind is Kind.MODULE and found.evidence < Evidence.DUCK else found
        instance = receiver.kind is Kind.OBJECT or (receiver.kind is Kind.UNKNOWN and bool(receiver.params))
        if (found is None or found.kind is Kind.UNKNOWN) and instance and (duck or knowledge.looks_like_model(func.attr.value)) \
                and not self._is_method(receiver, func.attr.value):
            # `self.model(x)`, `self.pmodel(x)`
            return Value(Kind.MODULE, Graph.YES, params=receiver.params, evidence=Evidence.DUCK if duck else Evidence.NAME)
        return None

    def steps_an_environment(self, fact: CallFact, receiver: Value) -> bool:
        """Is `x.step(...)` an environment acting on what it is given (`self.env.step(action)` on
        an object of a library's class), not an optimizer's step? What it returns is its own data.
        Not with environments that hand back the tensordict they are given (TorchRL's)."""
        name = dotted_name(fact.receiver) if fact.receiver is not None else None
        return (receiver.kind in (Kind.UNKNOWN, Kind.OBJECT) and not of_project_classes(receiver)
                and name is not None and bool(knowledge.ENVIRONMENT_NAME.search(name.rpartition(".")[2]))
                and not self.model.imports_any(knowledge.TENSORDICT_PACKAGES))

    def read_values(self, value: Value, detached_only: bool = False) -> None:
        """The outputs of `value`'s forward passes become plain data here (`.item()`, `argmax`);
        `detached_only`: their graph is dropped, nothing of them read yet (`.detach()`)."""
        self.result.read_as_data.update(value.sources)
        if detached_only:
            self.result.detached.update(value.sources)
        else:  # `out.detach().cpu().numpy()`: the values of `out` are read
            self.result.values_read.update(value.sources | value.detached)
            for param in value.params:
                self.result.param_uses.setdefault(param, set()).add(READ)


    def index_values(self, node: cst.CSTNode, value: Value) -> Value:
        """What `argmax`, a comparison or `.numpy()` makes of `value`: its values are read, and the
        result has no graph (made in inference mode, it is an inference tensor)."""
        self.read_values(value)
        state = self.state(node)
        inference = node if state is not None and state.mode is Mode.INFERENCE else None
        return NO_GRAPH.but(inference=inference, params=value.params)

    def runs_forward_when_called(self, value: Value) -> bool:
        """A project function (or an object with a project `__call__`) whose summary runs a
        forward pass, and that sets no grad mode itself (`get_loss(volatile)` that a line search
        calls as `f(True)` to run it under `no_grad`)."""
        function = self.model.called_function(value)
        summary = self.model.summary_of(function) if function is not None else None
        if summary is None or not summary.runs_forward or summary.result.switches or summary.enables_grad_itself:
            return False
        analysis = (self.model.owner_model(function) or self.model).analysis
        return not any(fact.uses for fact in analysis.facts_in(analysis.withs, function))

    def methods_record_nothing(self, summary, params: dict, depth: int = 0) -> bool:
        """Every forward pass of the callee is a method called on one of its parameters
        (`model.decode(x)`, read as one by the method's name), or a call of a project function it
        hands that parameter to as it is (two calls deep), and the caller passes an instance of
        project classes whose method runs none with gradients on (`ASR.decode`, all of it under its
        own `no_grad`): the call records nothing."""
        tokens = summary.result.forwards
        if not tokens:
            return False
        for token in tokens:
            fact = token.call
            if token.callee is not None:
                if depth >= 2 or not self._hands_on_recording_nothing(summary, token, params, depth):
                    return False
                continue
            root = dotted_name(fact.receiver) if fact.receiver is not None else None
            value = params.get(root) if root is not None else None
            if fact.method is None or value is None or value.kind not in (Kind.MODULE, Kind.OBJECT):
                return False
            methods = (self.model.methods_of_union(value.ref, fact.method) if isinstance(value.ref, tuple)
                       else [self.model.method_of(value.ref, fact.method)])
            if not methods or any(method is None or method.name != fact.method for method in methods):
                return False
            for method in methods:
                inner = self.model.summary_of(method)
                if inner is None or inner.runs_forward:
                    return False
        return True

    def _hands_on_recording_nothing(self, summary, token: Token, params: dict, depth: int) -> bool:
        """`test_step(model, batch)` inside the callee, given the caller's `model` as it is: the
        same question, one call deeper, with what the caller passes."""
        inner = self.model.summary_of(token.callee)
        if inner is None:
            return False
        given = _bind_arguments(token.callee, [(arg, arg.value) for arg in token.call.node.args],
                                None if token.call.method is None else UNKNOWN)
        passed = {name: params[node.value] for name, node in given.items()
                  if isinstance(node, cst.Name) and node.value in params}
        return bool(passed) and self.methods_record_nothing(inner, passed, depth + 1)

    def callback_module(self, summary, params: dict) -> Optional[Value]:
        """The module that a project function handed to the callee, which calls it, runs (a
        decoding step that runs `self`), the surest of them."""
        modules = []
        for name, value in params.items():
            function = self.model.called_function(value) if "called" in summary.param_uses.get(name, ()) else None
            inner = self.model.summary_of(function) if function is not None else None
            if inner is not None:
                modules += [t.module for t in inner.result.forwards if t.module.kind is Kind.MODULE]
        return max(modules, key=lambda module: module.evidence, default=None)

    def shadowed_import(self, dotted: Optional[str], env: dict) -> Optional[str]:
        """At the top level, a name imported there and bound again later is still the import
        until it is bound (`import training.trainer as trainer`, then `trainer =
        trainer.Trainer(opt)`): the qualified name `dotted` spells there, else None."""
        if self.scope is not None or dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        imported = self.analysis.imports.shadowed.get(head)
        if imported is None or head in env:
            return None
        return f"{imported}.{rest}" if rest else imported

    def bound_method(self, receiver: Value, attr: str) -> Optional[Value]:
        """`self.sample_ddim` read without a call, on an object of a project class that defines
        it as a plain method: a callable that runs it on that object (see BoundMethod)."""
        if receiver.kind not in (Kind.OBJECT, Kind.MODULE) or receiver.ref is None or isinstance(receiver.ref, (str, tuple)):
            return None
        method = self.model.method_of(receiver.ref, attr)
        if method is None or any(_decorated_with(method, name) for name in _NOT_PLAIN_METHODS):
            return None
        return Value(Kind.FUNCTION, Graph.NO, ref=BoundMethod(method, receiver))

    def _is_method(self, receiver: Value, attr: str) -> bool:
        """`self.optimize_generator` on an object of a project class that defines it: a method,
        whatever its name reads as."""
        return receiver.kind is Kind.OBJECT and self.model.method_of(receiver.ref, attr) is not None

    def call_value(self, node: cst.Call, fact: CallFact, env: dict, receiver: Optional[Value],
                   callee: Optional[Value], arguments: list) -> Value:
        method = fact.method
        args = join(*(value for _, value in arguments)) if arguments else PYTHON
        if _volatile_variable(fact):
            self.result.volatile_calls.append(fact)  # the author meant no gradients here
        if (is_backward(fact) or adapts_by_gradient(fact, self.analysis.imports)) and not (
                receiver is not None and self._is_method(receiver, "backward")):
            # (`self.capitalizer.backward(text)`, a project class's own method of that name, is not autograd's)
            self.backward(fact, receiver, env)
            return PYTHON
        if fact.qualified in ("copy.deepcopy", "copy.copy") and len(arguments) == 1:
            return _copy_of(arguments[0][1])
        if fact.qualified in knowledge.GRAD_CONTEXTS:
            # `set_grad_enabled(is_training)` given `is_training=False` shows no wish for gradients
            # (what runs after its block still records)
            if wants_gradients(fact) and self._set_grad_flag(fact.node) is not False:
                self.result.wanting_calls[id(fact.node)] = fact
            return Value(Kind.OBJECT, Graph.NO, ref=fact.qualified)
        if wants_gradients(fact) and not self.flag_is_false(fact):
            self.result.wanting_calls[id(fact.node)] = fact
            self.mark(receiver or args, USED)
            for _, value in arguments:
                self.mark(value, USED)
            if method == "requires_grad_" and receiver is not None and receiver.kind is not Kind.MODULE:
                self.freeze_owner(receiver, env, _thawed(fact.node.args[0].value if fact.node.args else None))
                leaf = self.new_leaf(fact.node, fact, receiver, self.bound_expression(fact.receiver, fact))
                if dotted_name(fact.receiver) is not None:
                    env[dotted_name(fact.receiver)] = leaf  # `x.requires_grad_()`: a leaf that wants gradients
                return leaf
            if fact.qualified in LEAF_CONSTRUCTORS and fact.node.args and fact.node.args[0].keyword is None:
                # `torch.tensor(pred.detach().numpy(), requires_grad=True)`: a new leaf made of the values
                first = fact.node.args[0].value
                return self.new_leaf(fact.node, fact, arguments[0][1], self.bound_expression(first, fact))
        if is_optimizer_call(fact) or (method in ("step", "zero_grad") and receiver is not None
                                       and receiver.kind is Kind.OPTIMIZER):
            if method != "zero_grad":  # clearing gradients is no training step (evaluation code does it too)
                self.training_step(fact, arguments)  # `self.critic_optim.step(loss)`: a wrapper that backpropagates it
            return PYTHON
        if method == "__init__" and receiver is not None:
            self.store_base_fields(fact, arguments)
            for _, value in arguments:  # `super().__init__(model=fantasy)`: the object keeps them
                self.leave(value, STORED)
            return PYTHON
        if receiver is not None:
            special = self.method_call(node, fact, env, receiver, arguments, args)
            if special is not None:
                return special
        target = callee if callee is not None else None
        if target is not None:
            if target.kind is Kind.MODULE:
                called = self.model.method_of(target.ref, "__call__")
                if called is not None:  # a project module class with its own `__call__` runs that
                    return self.project_call(fact, called, arguments, bound_self=target)
                if target.weights and target.evidence is Evidence.NAME:
                    # what `torch.load` unpickled under a model's name, called: the whole model,
                    # known by that use (a checkpoint dict is loaded so too, and never called)
                    target = target.but(evidence=Evidence.DUCK)
                return self.forward(fact, target, args, arguments, env=env)
            if target.kind is Kind.FUNCTION and isinstance(target.ref, FunctionInfo):
                nested = self.scope is not None and target.ref.parent is self.scope
                return self.project_call(fact, target.ref, arguments, bound_self=None, own_fields=env if nested else None)
            if target.kind is Kind.FUNCTION and isinstance(target.ref, (BoundMethod, tuple)):
                chosen = target.ref if isinstance(target.ref, tuple) else (target.ref,)
                return join(*(self.project_call(fact, one.function, arguments, bound_self=one.receiver)
                              if isinstance(one, BoundMethod)
                              else self.unknown_call(fact, node, args, arguments) if one is UNSEEN_CALLABLE
                              else self.project_call(fact, one, arguments, bound_self=None)
                              for one in chosen))
            if target.kind is Kind.CLASS:
                return self.instantiate(fact, target, arguments)
            if target.kind is Kind.OBJECT and self.model.is_grad_free_model(target.ref):
                return NO_GRAPH
            torch_loss = _target_loss(fact, target) if target.kind is Kind.OBJECT else None
            if torch_loss is not None:  # `class WeightedMSE(nn.MSELoss)`, however named
                return self.loss(node, arguments, torch_loss)
            called = self.model.method_of(target.ref, "__call__") if target.kind is Kind.OBJECT else None
            if called is not None:  # an instance of a project class: its `__call__` runs
                return self.project_call(fact, called, arguments, bound_self=target)
            # a name that reads as a model, unless an import binds it (an imported function)
            if (target.kind is Kind.UNKNOWN and fact.callee is not None and fact.qualified is None
                    and knowledge.looks_like_model(fact.callee)):
                return self.forward(fact, target.but(kind=Kind.MODULE, evidence=Evidence.NAME), args, arguments)
        if receiver is not None and receiver.kind is not Kind.MODULE and _stores_arguments(method):
            for _, value in arguments:  # `buffer.add_sample(x)`: the object keeps them
                self.leave(value, STORED)
        if _steps_with(arguments):
            # `loss_scaler(loss, optimizer, parameters=...)`, a helper not read given a loss and the
            # optimizer: a training step (it backpropagates the loss and steps the optimizer)
            self.training_step(fact, arguments)
        return self.unknown_call(fact, node, args, arguments, callee)

    def _of_other_classes(self, guesses: tuple, receiver: Optional[str]) -> tuple:
        """Methods guessed by name for a call on a value of unknown class, but those of the class
        of the method being read, its bases, its subclasses and the other subclasses of its
        project bases, when the receiver is not `self`: in a tracker's own `track`, the model it
        holds (`self.model.track(x)`) is no tracker."""
        if self.scope is None or not self.scope.class_name or receiver == "self":
            return guesses
        own = self.scope.class_name
        bases = _class_names(self.scope.class_info)
        family = self._project_bases_of(self.scope.class_info)
        return tuple(one for one in guesses
                     if one.class_name != own and one.class_name not in bases and own not in _class_names(one.class_info)
                     and not (family & self._project_bases_of(one.class_info)))

    def _project_bases_of(self, info) -> frozenset:
        """The qualified names of the project's classes among a class's bases and ancestors."""
        if info is None:
            return frozenset()
        names = {*info.bases, *info.ancestors}
        project = self.model.project
        return frozenset(name for name in names if name in self.model.classes
                         or project is not None and "." in name and project.class_of(name) is not None)

    def training_step(self, fact: CallFact, arguments: list) -> None:
        """A call that trains on the tensors it is given (it backpropagates them): their graphs are used."""
        self.result.training_calls[id(fact.node)] = fact
        for _, value in arguments:
            if value.kind in (Kind.TENSOR, Kind.UNKNOWN) and value.sources:
                self.mark(value, USED)

    def method_call(self, node, fact: CallFact, env: dict, receiver: Value, arguments: list, args: Value) -> Optional[Value]:
        method = fact.method
        key = chain_root(fact.receiver)
        switch = mode_switch(fact)
        reason = f"it calls `{key}.eval()`" if key else None
        if (key is not None and not fact.node.args and (
                switch is None and receiver.kind in (Kind.MODULE, Kind.UNKNOWN) and receiver.ref is None
                and self.model.puts_modules_in_eval(method)
                or receiver.kind is Kind.OBJECT and self.model.puts_modules_in_eval(method, receiver.ref))):
            # `model.val_start()`, a method of the project's model classes that calls `.eval()`
            # on each of its modules
            switch, reason = "eval", f"it calls `{key}.{method}()`, which puts its modules in eval mode"
            if receiver.kind is Kind.OBJECT:  # a plain object holding the modules: it is in eval mode now
                env[key] = receiver.but(training=Training.EVAL, eval_reason=reason)
                self._update_prefixed(key, env[key], env)
                return PYTHON
        if switch == "unknown" and isinstance(fact.node.args[0].value, cst.Name):
            flag = self.context.constant(fact.node.args[0].value.value)  # `m.train(train)`, called with train=False
            switch = switch if flag is _MISSING else ("train" if flag else "eval")
        # a tensor has no `.eval()` or `.load_state_dict()`: a "tensor" that has is a module guessed
        # wrong (`net = model(scale=2)` in `__init__` calls a factory, not a forward pass)
        misread = receiver.kind is Kind.TENSOR and (switch is not None or method in MODULE_ONLY_METHODS)
        if method == "requires_grad_" and key is not None and receiver.kind in (Kind.MODULE, Kind.UNKNOWN):
            # (a field not known as a module yet may be one: `self.encoder = torch.load(path)`)
            self.result.freezes.append((key, bool(fact.node.args) and is_false(fact.node.args[0].value)))
        if (method in ("parameters", "named_parameters") and receiver.kind is Kind.UNKNOWN and key is not None
                and key.startswith("self.") and key.count(".") == 2):
            # a library module inside a field (`self.sv_encoder.bert`): its freeze may freeze the
            # field, when the field's class only wraps it (see `_wrapper_freezes`)
            self._parameter_owners[key] = receiver.but(kind=Kind.MODULE, evidence=Evidence.DUCK)
            return Value(Kind.TENSOR, Graph.YES, params=receiver.params, ref=("parameters", key))
        if _tensor_guessed_a_module(receiver, method, self.model):
            receiver = receiver.but(kind=Kind.TENSOR)
        if (receiver.kind is Kind.UNKNOWN and method in knowledge.FORWARD_METHODS
                and fact.receiver.__class__ is cst.Attribute):
            owner_key = dotted_name(fact.receiver.value) or ""
            owner = env.get(owner_key) if owner_key != "self" else None
            if owner is not None and owner.kind is Kind.MODULE:
                # `vae.encoder.forward(xs)`: a submodule's forward called by name, as `vae.encoder(xs)`
                # is. Not yet on `self` (`self.feature.forward(x)` in a class's own methods): a
                # union of classes whose other members adapt with gradients (MAML's inner loop)
                # then reads as evaluation (a dev false finding)
                receiver = owner
        if receiver.kind is Kind.MODULE or misread or (switch is not None and receiver.kind is Kind.UNKNOWN):
            module = receiver if receiver.kind is Kind.MODULE else receiver.but(kind=Kind.MODULE, evidence=Evidence.DUCK)
            if switch is not None:
                training = {"eval": Training.EVAL, "train": Training.TRAIN}.get(switch, Training.UNKNOWN)
                module = module.but(training=training, eval_reason=reason if training is Training.EVAL else None)
                self.result.switch_calls[id(fact.node)] = (fact, key, switch)
                for param in receiver.params:
                    self.result.param_uses.setdefault(param, set()).add("evaled" if switch == "eval" else "switched")
            elif method == "requires_grad_":
                frozen = bool(fact.node.args) and is_false(fact.node.args[0].value)
                module = module.but(frozen=frozen)
            if method in SELF_RETURNING:
                if key is not None and (switch is not None or method == "requires_grad_"):
                    env[key] = module
                    self._update_prefixed(key, module, env)
                return module
            if switch is not None:  # `model.val_start()`: the model is in eval mode from here on
                env[key] = module
                self._update_prefixed(key, module, env)
                return PYTHON
            if method in ("parameters", "named_parameters", "buffers", "named_buffers"):
                if key is not None:
                    self._parameter_owners[key] = module
                return Value(Kind.TENSOR, Graph.YES if not module.frozen else Graph.NO, params=module.params,
                             ref=("parameters", key))
            if method in ("state_dict",):
                return NO_GRAPH
            if method == "load_state_dict" and key is not None:
                # a checkpoint's weights: it has parameters (what an unknown call made of a
                # module, `instantiate(cfg.model)`, read as a tensor until now, is a module)
                self.learned_weights(key, module, env)
                return PYTHON
            if method in ("modules", "children", "named_modules", "named_children"):
                return module.but(sources=frozenset())
            if method in MODULE_ONLY_METHODS or method in ("load_state_dict", "register_buffer", "add_module"):
                return PYTHON
            if method == "forward" or method in knowledge.FORWARD_METHODS:
                return self.forward(fact, module, args, arguments, env=env)
            resolved = self.model.method_of(module.ref, method) if module.ref is not None else None
            if resolved is None and self.model.some_class_has(module.ref, method):
                # one of several classes' own methods (`policy.sample(s)`, `policy` built as one of
                # two classes): a forward pass when each of them runs one; not known when a class
                # lacks it. A name no class has a method of (`model.encoder(x)`) is read below, as
                # for any module.
                methods = self.model.methods_of_union(module.ref, method)
                if methods is None:
                    return UNKNOWN.but(params=module.params)
                return self.one_of(fact, module, args, arguments, method, methods)
            # `model: nn.Module` says nothing of the class (`self`, read so, is its own class's)
            unknown_class = module.ref is None or (module.ref in knowledge.PLAIN_MODULE_CLASSES and key != "self")
            if resolved is None and unknown_class:
                here = self._of_other_classes(self.model.methods_defined_here(method), key)  # a guess
                if len(here) == 1:
                    resolved = here[0]
                    self.result.guessed.add(id(fact.node))
                recorded = self.several_methods(fact, module, args, arguments, here)
                if recorded is not None:
                    return recorded
            if resolved is not None:
                return self.project_call(fact, resolved, arguments, bound_self=module)
            if module.is_loss:
                return self.computed(node, args)
            if method in knowledge.GRAD_FREE_MODEL_METHODS:
                return NO_GRAPH
            if _stores_arguments(method):
                for _, value in arguments:  # `gp.set_train_data(targets=y)`: the module keeps them
                    self.leave(value, STORED)
            stored = self.model.field_value(module.ref, method)
            if stored is not None and stored.kind in (Kind.FUNCTION, Kind.CLASS):
                # `self.schedule(t)`, `self.block(ni, nf)`: a function or a class the module holds
                # is called, not run as a layer
                return None
            if stored is not None and stored.kind is not Kind.MODULE and knowledge.looks_like_transform(method):
                return UNKNOWN.but(params=module.params)  # `self.tokenizer(texts)`: a data transform it holds
            action = _reads_as_action(method)
            if arguments and unknown_class:
                # `model.infer(x)`, `policy.unscale_action(a)`: the model from a registry, of the one
                # class of the project modules imported here (or else beside this one) that defines
                # it; one found only beside this module is not told of this caller (a guess that
                # weak says what the call does here, not in what context the method runs)
                imported = self.model.with_overrides(self.model.imported_methods(method))
                nearby = imported or self._of_other_classes(self.model.methods_defined_nearby(method), key)
                if len(nearby) == 1:
                    self.result.guessed.add(id(fact.node))
                    return self.project_call(fact, nearby[0], arguments, bound_self=module, as_caller=bool(imported))
                recorded = self.several_methods(fact, module, args, arguments, imported)
                if recorded is None and not imported and len(nearby) > 1:
                    # several classes beside this module define it (`gen.sample_z(shape)`, a draw
                    # of noise in each): what none of them records, else nothing is guessed
                    recorded = self.none_records(fact, args, nearby)
                if recorded is not None:
                    return recorded
            if arguments and unknown_class and not fact.is_bare_statement and self.model.off_wherever_defined(
                    method, _keywords(fact.node)):
                # `self.model.forward_inference(tokens)`, each definition `@torch.inference_mode()`
                # or all of its body under its own `no_grad`, whichever class the model is
                return NO_GRAPH.but(params=module.params)
            if action and arguments and module.training is Training.EVAL and _infers(method):
                # `self.model.eval()` then `self.model.predict(batch)`: whichever class it is, it runs the model
                return self.forward(fact, module, args, arguments, method=method)
            if _trains_with(method, arguments):
                # `self.net.train_step(loss, self.optim)`: a training step, which backpropagates the loss
                self.training_step(fact, arguments)
            if action or not arguments or (method[:1].isupper() and stored is None) or method in knowledge.STRING_METHODS:
                # `model.recompile()`, `module.Net(depth=3)`, `module.startswith("x")`: no forward pass
                # (`self.GRU_update(y, x)` calls the submodule the object stores under that name)
                return UNKNOWN.but(params=module.params)
            if fact.is_bare_statement:
                # `model.manual_select(config)` whose result nobody takes: it configures the module
                return UNKNOWN.but(params=module.params)
            return self.forward(fact, module, args, arguments, method=method)
        if receiver.kind is Kind.OBJECT and receiver.ref is not None:
            resolved = self.model.method_of(receiver.ref, method)
            if resolved is not None:
                spelled = dotted_name(fact.receiver)
                return self.project_call(fact, resolved, arguments, bound_self=receiver,
                                         own_fields=env if spelled == "self" else None,
                                         receiver=(spelled, env) if spelled and spelled != "self" else None)
            methods = self.model.methods_of_union(receiver.ref, method)
            if methods is not None:  # an instance of one of several classes, each with its own method
                return join(*(self.project_call(fact, one, arguments, bound_self=receiver) for one in methods))
        if receiver.kind is Kind.CLASS and receiver.ref is not None and method in ("from_pretrained", "load_from_checkpoint"):
            built = self.instantiate(fact, receiver, arguments)
            if method == "from_pretrained" and built.kind is Kind.MODULE and _pretrained_class(receiver.ref):
                # the pretrained-model libraries' `from_pretrained` puts the model in eval mode
                return built.but(training=Training.EVAL, eval_reason="`from_pretrained` returns a model in eval mode")
            return built
        if (receiver.kind is Kind.CLASS and getattr(receiver.ref, "methods", None) and method in receiver.ref.methods
                and not _passes_own_self(fact)):
            # `Engine.forward(model, batch)`: the function itself, given every argument (a class
            # method is given the class). `Base.__call__(self, x)` is left unknown, as `super()` is.
            resolved = receiver.ref.methods[method]
            return self.project_call(fact, resolved, arguments, bound_self=receiver if _is_classmethod(resolved) else None)
        if method in CONTAINER_STORES and fact.receiver is not None:
            root = root_name(fact.receiver)
            if root is not None and root in env and self.is_local(root) and root not in ("self", "cls"):
                stored = join(*(self.slot(value) for _, value in arguments)) if arguments else PYTHON
                new = join(env[root], stored)
                if method in ACCUMULATING and arguments:
                    new = self.accumulate(fact.node, root, arguments[0][0].value, arguments[0][1], new, env)
                env[root] = new
            else:
                place = fact.receiver.attr.value if isinstance(fact.receiver, cst.Attribute) else ""
                for _, value in arguments:
                    self.leave(value, STORED, place)
                    if root in self._parameters and root not in ("self", "cls"):
                        self.result.stored_in_params.setdefault(root, set()).update(value.sources)
                    else:
                        self.result.appended.update(value.sources)
                    if root == "self" and value.sources and dotted_name(fact.receiver) == f"self.{place}":
                        self.result.self_appended.add(place)
                if method in ACCUMULATING and len(arguments) == 1:
                    # `self.losses.append(loss)`, `history["loss"].append(loss)`: kept beyond the scope
                    name = self.analysis.module.code_for_node(fact.receiver)
                    kept = self.accumulate(fact.node, name, arguments[0][0].value, arguments[0][1], PYTHON, env)
                    self.leave(kept.but(sources=kept.sources - arguments[0][1].sources), STORED)
            return PYTHON
        if method == "requires_grad_" and fact.node.args and is_false(fact.node.args[0].value):
            self.freeze_owner(receiver, env)
            return receiver
        if method == "detach_" and _of_parameters(receiver):
            self.freeze_owner(receiver, env)  # `p.detach_()` on a parameter sets its requires_grad to False
            return receiver
        if method in CONTAINER_READS:
            return receiver  # `losses.items()`, `outputs.get("logits")`: what the container holds
        if method in PYTHON_METHODS:
            if method in VALUE_READS:  # `.size()`, `.numel()` read the shape, not the values
                self.read_values(receiver)
            if method == "item":  # `ce + aux.item()`: a number, a constant term like a detached loss
                return self.constant_of_a_loss(fact, receiver, PYTHON)
            return PYTHON
        if method in GRAPHLESS_DRAWS and isinstance(receiver.ref, str) and receiver.ref.startswith(DISTRIBUTIONS):
            return self.index_values(node, receiver)  # `dist.sample()`: drawn from the values, no graph
        if method in DETACHING or method in NON_DIFFERENTIABLE:
            detaching = method in ("detach", "detach_")
            if method == "numpy" and not _forced(fact.node):
                self.result.numpy_undetached.update(receiver.sources - receiver.opaque)
            if not detaching:
                return self.index_values(node, receiver)
            self.read_values(receiver, detached_only=True)
            for source in receiver.sources:
                self.result.detached_at.setdefault(source, set()).add(fact.index)
            # a view of an inference tensor is one
            detached = NO_GRAPH.but(inference=receiver.inference, params=receiver.params,
                                    detached=receiver.sources | receiver.detached)
            return self.constant_of_a_loss(fact, receiver, detached) if method == "detach" else detached
        if method in NEW_TENSOR_METHODS or (method == "new" and receiver.kind is Kind.TENSOR):
            # `q.new_zeros(n)`, the legacy `weight.new(n, h)`: a new tensor of q's dtype and device
            return NO_GRAPH
        if method == "type_as" and receiver.kind in (Kind.TENSOR, Kind.UNKNOWN):
            return self.computed(node, receiver)  # `labels.type_as(scores)`: only the receiver's graph
        if method == "step" and arguments and self.steps_an_environment(fact, receiver):
            for _, value in arguments:  # `obs, reward, done, info = env.step(action)`
                self.read_values(value)
            return NO_GRAPH
        if receiver.kind is Kind.UNKNOWN and not receiver.sources:
            resolved = self.unknown_object_method(fact, receiver, args, arguments, key)
            if resolved is not None:
                return resolved
        if receiver.kind in (Kind.OBJECT, Kind.UNKNOWN) and arguments and fact.receiver is not None and args.sources:
            root = root_name(fact.receiver)  # `merger.aggregate(outputs)`: the object may keep what it is given
            if root is not None and root in env and root not in ("self", "cls") and self.is_local(root):
                env[root] = env[root].but(sources=env[root].sources | args.sources)
        if method in INDEXING_REDUCTIONS and arguments:
            self.read_values(receiver)
        if receiver.kind in (Kind.TENSOR, Kind.UNKNOWN) and fact.qualified is None:
            # a view's arguments are shapes, dtypes or devices (`x.reshape(n, -1)`, `x.to(y)`)
            value = self.computed(node, join(receiver, args) if arguments and method not in VIEW_METHODS else receiver)
            if method in ALIASING_VIEWS or (method in VIEW_METHODS and receiver.inference is not None):
                value = value.but(inference=receiver.inference)
            if method in knowledge.INPLACE_METHODS and key is not None and arguments:
                env[key] = join(receiver, value)
            return value
        return None

    def note_severed(self, fact: CallFact, module: Value, arguments: list) -> None:
        """A module with parameters run with gradients disabled on an input that carries the graph
        of forward passes recorded here (`critic(obs, policy(obs).rsample())` under `no_grad`)."""
        graphs = [value.sources if value.graph is Graph.YES else value.cut for _, value in arguments
                  if value.kind in (Kind.TENSOR, Kind.UNKNOWN)]
        graphs = [graph for graph in graphs if graph]
        if not graphs or parameter_free_module(module):
            return
        pseudo = {token.id for key, token in self.result.tokens.items() if isinstance(key, tuple)}
        carried = frozenset().union(*graphs) - pseudo  # not accumulators, not losses of unseen code
        if carried:
            self.result.severed[id(fact.node)] = (fact, carried)

    def _update_prefixed(self, key: str, module: Value, env: dict) -> None:
        """`model.eval()` also puts `model.encoder` (if tracked) in eval mode."""
        for name in list(env):
            if name.startswith(key + ".") and env[name].kind is Kind.MODULE:
                env[name] = env[name].but(training=module.training, eval_reason=module.eval_reason)

    def forward(self, fact: CallFact, module: Value, args: Value, arguments: list, method: Optional[str] = None,
                env: Optional[dict] = None) -> Value:
        """A call of a module: a forward pass, recording a graph when gradients are on. `env`: the
        scope's names, which learn the fields the module's own `forward` sets."""
        state = self.state(fact.node)
        if method is None and self._trains_through_forward(fact, module):
            self.result.training_calls[id(fact.node)] = fact
        own = self.model.method_of(module.ref, "forward") if module.ref is not None and method in (None, "forward") else None
        own = own if own is not None and getattr(own, "node", None) is not None else None  # a project class's own
        if module.is_loss or (is_loss_callee(fact) and _holds_a_loss(module)):
            return self.cut_by_forward(fact, own, module, arguments, self.loss(fact.node, arguments, _target_loss(fact, module)))
        self.note_inference_inputs(fact, state, arguments)
        if not self.disabled(state) and not (method is None and self.model.forward_off(module)):
            for param in module.params:  # the parameter is run forward with gradients on here
                self.result.param_uses.setdefault(param, set()).add("called")
        if self.disabled(state):
            inference = fact.node if state.mode is Mode.INFERENCE else None
            self.note_severed(fact, module, arguments)
            self.result.runs_without_grad[id(fact.node)] = (fact, module)
            if args.graph is Graph.YES and state.node is not None:
                self.result.graphs_cut_under.add(id(state.node))
            return NO_GRAPH.but(nograd=NoGrad.SURE, nograd_node=fact.node, nograd_state=state, inference=inference,
                                fed_without_grad=args.fed_without_grad | {id(fact.node)})
        if state is not None and state.mode is Mode.UNKNOWN:
            return UNKNOWN
        if parameter_free_module(module):
            # a function of its input (`nn.Softmax(-1)(x)`, a mel front end of buffers): what comes
            # out carries the input's graph, and no graph of its own
            return self.cut_by_forward(fact, own, module, arguments, Value(
                Kind.TENSOR, Graph.NO if args.kind is Kind.PYTHON else args.graph, args.sources, args.params,
                detached=args.detached, fed_without_grad=args.fed_without_grad, is_loss=self.returns_a_loss(own)))
        if module.frozen and args.graph is not Graph.YES:
            # every parameter frozen and (as far as we know) no graph coming in: nothing is recorded
            return self.cut_by_forward(fact, own, module, arguments, NO_GRAPH.but(fed_without_grad=args.fed_without_grad))
        if method is None and self._forward_records_nothing(module):
            return self.cut_by_forward(fact, own, module, arguments, NO_GRAPH.but(fed_without_grad=args.fed_without_grad))
        if module.evidence is Evidence.NAME and arguments and all(_is_numpy(value) for _, value in arguments):
            # `decoder(median_filter(pred))`: a callable named like a model, given NumPy arrays
            # only, is no module run forward (a torch layer takes tensors)
            return NUMPY
        keywords = _keywords(fact.node)
        if module.ref is None and keywords and method in (None, "forward") and self.model.off_wherever_defined(
                "forward", keywords):
            # `policy.forward(obs, deterministic=True)`: every `forward` of the project that takes
            # those keywords runs under its own `no_grad`
            return NO_GRAPH.but(fed_without_grad=args.fed_without_grad)
        token = self.token(fact, module, method=method)
        if not module.params - {"self", "cls"}:
            self.result.other_forwards = True
        runs = dotted_name(fact.receiver if method is not None or fact.method == "forward" else fact.node.func)
        token.runs = (runs,) if runs is not None else ()
        output = Value(Kind.TENSOR, Graph.YES, args.sources | {token.id}, args.params, detached=args.detached,
                       fed_without_grad=args.fed_without_grad, is_loss=self.returns_a_loss(own))
        if (args.detached and not args.sources and (state is None or state.mode is Mode.ENABLED)
                and not self.model.forward_off(module)):
            # `netD(fake.detach())`: what the module gives carries none of the detached graphs, and
            # no other graph than its own
            self.result.detached_feeds[id(fact.node)] = (fact, token, args.detached)
            output = output.but(fed_without_grad=output.fed_without_grad | {id(fact.node)})
        if own is not None:
            output = self.cut_by_forward(fact, own, module, arguments, output)
            output = self.plain_parts(own, output)
            if env is not None and runs is not None:
                self.fields_set_by_forward(own, runs, token, env)
            summary = self.model.summary_of(own)
            if summary is not None and summary.stores_graph:
                # its `forward` appends what it computes to the object's lists (`self.logprobs`, a
                # policy's memory for the update after the episode): the pass's graph is kept
                self.result.fates.setdefault(token.id, set()).add(STORED)
        return output

    def returns_a_loss(self, forward: Optional[FunctionInfo]) -> bool:
        """Does a project module's `forward` return what a loss call gives (`return F.mse_loss(a, b)`)?"""
        summary = self.model.summary_of(forward) if forward is not None else None
        return summary is not None and summary.returned.is_loss

    def cut_by_forward(self, fact: CallFact, forward: Optional[FunctionInfo], module: Value, arguments: list,
                       output: Value) -> Value:
        """The output of a module run with gradients on, when its project class's `forward` cuts the
        graph of an argument (`cut_by_callee`); as it is otherwise."""
        if forward is None:
            return output
        constants = _literal_arguments(forward, fact.node, True, defaults=True, context=self.flags())
        return self.cut_by_callee(fact, forward, _bind_arguments(forward, arguments, module), output, constants)

    def fields_set_by_forward(self, forward: FunctionInfo, module: str, token: Token, env: dict) -> None:
        """A project module's `forward` that keeps graphs in fields of its object (`self.fake =
        self.netG(z)`): read here after the call (`netD(self.fake)`), they carry this pass's graph."""
        summary = self.model.summary_of(forward)
        if summary is None:
            return
        for attr, value in summary.result.self_stores.items():
            if value.kind is Kind.TENSOR and value.graph is Graph.YES:
                env[f"{module}.{attr}"] = Value(Kind.TENSOR, Graph.YES, frozenset({token.id}))

    def plain_parts(self, function: FunctionInfo, output: Value) -> Value:
        """The output of a project module whose `forward` returns a tuple: the parts it returns as
        plain values (metrics it computed with `.item()`, gradients from `torch.autograd.grad`)
        or as tensors without a graph (an accuracy of the detached logits) carry none; the others
        carry the pass's."""
        summary = self.model.summary_of(function)
        shape = summary.returned if summary is not None and summary.result.returns else None
        if shape is None or shape.elements is None or not any(_graphless_part(part) for part in shape.elements):
            return output
        return output.but(elements=tuple(
            (PYTHON if part.kind is Kind.PYTHON else NO_GRAPH) if _graphless_part(part) else output
            for part in shape.elements))

    def unknown_object_method(self, fact: CallFact, receiver: Value, args: Value, arguments: list,
                              key: Optional[str]) -> Optional[Value]:
        """`model.predict(user)` on a parameter or field of unknown value (`evaluate(model, data)`),
        in a function named for evaluation: a method no tensor has, that the project's classes named
        after the receiver define (`model` of an `ImplicitFactorizationModel`, `agent` of a
        `SACAgent`; see `ModuleModel.methods_of_classes_named`). When every one of them runs a
        forward pass and none trains, the call is one of them (a guess by name: no caller's
        evidence); otherwise nothing is said."""
        method = fact.method
        if (key is None or key in ("self", "cls") or fact.qualified is not None
                or not knowledge.may_be_project_method(method)
                or not (key.startswith("self.") or key.partition(".")[0] in self._parameters)):
            return None  # (a local made by a library's call, `f = open(path)`, is no model of the project)
        if self.scope is None or not knowledge.is_evaluation_name(self.scope.name):
            return None  # (only in evaluation code by its name: a file with none is not read for it, see prefilter.py)
        word = _receiver_word(key)
        candidates = self._of_other_classes(self.model.methods_of_classes_named(word, method), key) if word else ()
        candidates = tuple(one for one in candidates if one.class_name is not None)
        if not candidates or not all(_named_with(word, one) for one in candidates):
            return None
        summaries = [self.model.summary_of(one) for one in candidates]
        if any(summary is None or summary.result.training or not summary.runs_forward for summary in summaries):
            return None
        self.result.guessed.add(id(fact.node))
        module = receiver.but(kind=Kind.MODULE, evidence=Evidence.DUCK)
        if len(candidates) == 1:
            return self.project_call(fact, candidates[0], arguments, bound_self=module, as_caller=False)
        return self.one_of(fact, module, args, arguments, method, candidates)

    def several_methods(self, fact: CallFact, module: Value, args: Value, arguments: list, methods: tuple) -> Optional[Value]:
        """A call of a method several classes define (two or more), on a module of unknown class.
        When none of them trains: what none records (none runs a forward pass: integer arithmetic
        such as `model.valid_length(n)`, or what it is given, graph and all, such as
        `model.bridge(state)`; or each is decorated with `@torch.no_grad()`: `model.recognize(x)`),
        else what one of them does (`one_of`). None when one trains (`model.fit(x, y)` of every
        model class of a benchmark): which one runs is not known."""
        if len(methods) < 2:
            return None
        summaries = [self.model.summary_of(one) for one in methods]
        if any(summary is None or summary.result.training for summary in summaries):
            return None
        recorded = self.none_records(fact, args, methods)
        if recorded is not None:
            return recorded
        self.result.guessed.add(id(fact.node))  # each is a callee only by its name: no caller's evidence
        return self.one_of(fact, module, args, arguments, fact.method, methods)

    def none_records(self, fact: CallFact, args: Value, methods) -> Optional[Value]:
        """What a call of one of `methods` gives when none of them records anything (none trains,
        and none runs a forward pass, or each is decorated to disable gradients); None otherwise."""
        summaries = [self.model.summary_of(one) for one in methods]
        if not summaries or any(summary is None or summary.result.training for summary in summaries):
            return None
        if not any(summary.runs_forward for summary in summaries):
            return self.computed(fact.node, args)
        if all(one.entry.origin is Origin.DECORATOR and one.entry.mode.disables_grad for one in methods):
            return NO_GRAPH
        return None

    def one_of(self, fact: CallFact, module: Value, args: Value, arguments: list, method: str, methods) -> Value:
        """A call of `method` on a module of one of several classes, each with its own: a forward
        pass of the module when every one runs one (what it returns is theirs when each returns
        plain Python values), else what they return; each is a callee,
        called in this caller's context (its token, when every one runs the module, stays the
        module's forward pass)."""
        summaries = [self.model.summary_of(one) for one in methods]
        value = (self.forward(fact, module, args, arguments, method=method)
                 if all(summary is not None and summary.runs_forward for summary in summaries) else None)
        called = join(*(self.project_call(fact, one, arguments, bound_self=module) for one in methods))
        if value is None or called.kind is Kind.PYTHON:
            return called  # (each hands back plain values, `loss.item()`: the pass's graph is not returned)
        return value

    def _trains_through_forward(self, fact: CallFact, module: Value) -> bool:
        """A module of a project class whose `forward` reaches a backward pass or an optimizer step
        with these literal arguments (a sharded loss that backpropagates each shard itself,
        `critic(dec_outs=out, labels=y, eval=False)`), or runs a hook of the class that does (a
        test-time adaptation wrapper): its caller trains. A module of one of several project
        classes (`for attack in attacks`, a list of attack modules) trains when one of them may."""
        if isinstance(module.ref, tuple):
            return any(self._trains_through_forward(fact, module.but(ref=one)) for one in module.ref
                       if getattr(one, "methods", None) is not None)  # a ClassModel, not a library's name
        forward = self.model.method_of(module.ref, "forward") if module.ref is not None else None
        summary = self.model.summary_of(forward) if forward is not None else None
        if summary is None:
            return False
        if summary.result.training:
            return summary.trains_given(_literal_arguments(forward, fact.node, True, defaults=True, context=self.flags()))
        # a base class's `forward` calling a hook the class overrides: a test-time adaptation step
        return any((hook := self.model.summary_of(override)) is not None and bool(hook.result.training)
                   for override in self.model.overrides_called(module.ref, forward))

    def _forward_records_nothing(self, module: Value) -> bool:
        """A module of a project class whose `forward` runs no forward pass that records, and
        returns a tensor without a graph: a wrapper whose model runs only through what disables
        gradients itself (a transformers model's `generate`). Not an abstract `forward` (`pass`,
        `raise NotImplementedError`) of a base class an annotation names, nor one that computes
        its output under `no_grad` (what it cuts is NG208's)."""
        forward = self.model.method_of(module.ref, "forward") if module.ref is not None else None
        if forward is None or not self.model.records_nothing(forward):
            return False
        summary = self.model.summary_of(forward)
        return summary.result.returns and summary.returned.kind is Kind.TENSOR and summary.returned.nograd is None

    def flags(self) -> Context:
        """The literal flags of this scope's context that its body never rebinds (a parameter
        reassigned, `if reduction is None: reduction = self.reduction`, is no longer the literal)."""
        if not self.context.constants or self.scope is None:
            return self.context
        rebound = self.analysis.names_bound_in(self.scope)
        return Context(constants=tuple(c for c in self.context.constants if c[0] not in rebound))

    def flag_is_false(self, fact: CallFact) -> bool:
        """`torch.zeros(n, requires_grad=train)` in a call given `train=False`: it wants nothing."""
        flags = gradient_flags(fact.node, fact.method)
        return bool(flags) and all(self.flags().constant(flag) is False for flag in flags)

    def token(self, fact: CallFact, module: Value, callee: Optional[FunctionInfo] = None, internal: bool = False,
              method: Optional[str] = None) -> Token:
        existing = self.result.tokens.get(id(fact.node))
        if existing is not None:
            return existing
        token = Token(len(self.result.tokens), fact, module, callee, internal, self._comprehension > 0, method)
        self.result.tokens[id(fact.node)] = token
        return token

    def project_call(self, fact: CallFact, function: FunctionInfo, arguments: list, bound_self: Optional[Value],
                     own_fields: Optional[dict] = None, as_caller: bool = True,
                     receiver: Optional[tuple[str, dict]] = None) -> Value:
        """A call of a function of this module, read through its summary. `receiver`: the object
        whose method it calls, as spelled (`agent` of `agent.act(s)`), and the caller's
        environment, which knows its fields (`agent.actor`, put in eval mode). `own_fields`: the
        caller's environment when it calls a method on its own `self` (`self._forward(x)`), whose
        fields (`self.net`, put in eval mode here) are the ones the callee runs, or a function
        defined inside it, whose free names (`inception_model`) are the caller's. `as_caller`:
        the callee learns of this call (its contexts, see `ModuleModel.build_contexts`)."""
        summary = self.model.summary_of(function)
        if summary is not None and not summary.result.returns and ends_in_raise(function.node.body):
            # `raise NotImplementedError` in a base class: a subclass's override runs, unseen
            if dotted_name(fact.receiver) == "self":
                self.result.left_to_subclasses.add(function.name)
            return self.unknown_call(fact, fact.node, join(*(value for _, value in arguments)) if arguments else PYTHON,
                                     arguments)
        params = _bind_arguments(function, arguments, bound_self)
        constants = _literal_arguments(function, fact.node, bound_self is not None, defaults=True, context=self.flags())
        if bound_self is not None and bound_self.constants:
            constants = tuple(sorted(dict(constants + bound_self.constants).items()))
        modes = training_flags(params)
        if modes:
            constants = tuple(sorted(dict(constants + modes).items()))
        key = id(fact.node)
        previous = self.result.outgoing_calls.get(key)
        if previous is not None and previous[1] is not function:
            # one call, several methods (an instance of one of several classes): each is a callee
            key = (id(fact.node), id(function))
            previous = self.result.outgoing_calls.get(key)
        if previous is not None:
            params = {name: join(value, previous[2][name]) if name in previous[2] else value for name, value in params.items()}
        if as_caller:
            self.result.outgoing_calls[key] = (fact, function, params, constants)
        if summary is None:  # not summarised yet (a method called through an object)
            inference = bound_self.inference if bound_self is not None and fact.method in VIEW_METHODS else None
            passed = join(*params.values()) if params else UNKNOWN  # what comes back may derive from them
            return UNKNOWN.but(sources=passed.sources, params=passed.params, inference=inference)
        if summary.result.left_to_subclasses and bound_self is not None:
            summary = summary.of_receiver(bound_self)
        summary = summary.given(constants)
        state = self.state(fact.node)
        for name, value in params.items():
            uses = summary.param_uses.get(name, set())
            if USED in uses:
                self.mark(value, USED)
            if STORED in uses:
                self.leave(value, STORED)
            if READ in uses:
                self.read_values(value)  # `tensor_to_img(out)`, which calls `.numpy()` on it
            if "called" in uses and value.kind in (Kind.MODULE, Kind.UNKNOWN) and not self.disabled(state):
                for param in value.params:  # a callable given in is called through the callee
                    self.result.param_uses.setdefault(param, set()).add("called")
        if summary.trains_given(constants) or any("called" in summary.param_uses.get(name, ()) and self.model.trains_when_called(value)
                                                   for name, value in params.items()):
            self.result.training_calls[id(fact.node)] = fact
            if self.disabled(state):
                self.note_failing_call(fact, function, params, constants)
        if any(getattr(wanted, "method", None) not in knowledge.GRADIENT_HOOK_METHODS for wanted in summary.result.wants_grad):
            self.result.wanting_calls[id(fact.node)] = fact
            for value in params.values():
                self.mark(value, USED)
        returned = [params[name] for name in summary.returned_params if name in params]
        shape = summary.returned
        result = _graph_from_parameters(shape, params).but(sources=frozenset(), params=frozenset(), elements=None)
        if summary.returned_self and bound_self is not None:
            result = join(bound_self, *returned)
            if result.kind is Kind.MODULE and (shape.frozen is not None or shape.training is not Training.UNKNOWN):
                # `return self` after freezing it or putting it in eval mode (`net.copy().freeze()`)
                result = result.but(frozen=shape.frozen if shape.frozen is not None else result.frozen,
                                    training=shape.training if shape.training is not Training.UNKNOWN else result.training,
                                    eval_reason=shape.eval_reason or result.eval_reason)
        elif returned and shape.graph is Graph.NO and shape.kind is Kind.TENSOR and shape.nograd is None:
            # made from the arguments through what records nothing (`f1_score(y, s.argmax(1).numpy())`,
            # `x.detach()`, a training step's `return loss.data[0] / n`): their graphs do not come back
            result = result.but(params=join(*returned).params)
        elif returned:
            result = _with_arguments(result, returned) if summary.returned.kind is not Kind.PYTHON else join(*returned)
        declared = self.declared_object(function) if result.kind in (Kind.MODULE, Kind.UNKNOWN) else None
        if declared is not None:
            # `def get_predictor(model, config) -> AbstractPredictor:` builds an object of a plain
            # class around the module it is given: the object, not the module, comes back (with
            # the graphs of what it holds: `-> Prediction(mean, lower, upper)`)
            result = declared.but(sources=result.sources, params=result.params)
        if shape.inference is not None and function.name not in ("forward", "__call__"):
            # every return gives a tensor made in inference mode, made by this call as far as the
            # caller's findings say (a decorated `forward` or `__call__` is NG206's)
            result = result.but(inference=fact.node)
        own = function.entry
        if (own.origin is Origin.DECORATOR and own.mode.disables_grad and result.graph is not Graph.NO
                and result.kind in (Kind.TENSOR, Kind.UNKNOWN) and not self.disabled(self.state(fact.node))
                and self.model.function_for(function.node) is function
                and not self.hands_back(function, summary.returned_params)):
            # `@torch.no_grad()` on the callee: what it computes from its arguments carries no
            # graph (an argument it returns unchanged keeps its own)
            result = result.but(graph=Graph.NO, sources=frozenset(), nograd=NoGrad.SURE, nograd_node=fact.node,
                                nograd_state=own, fed_without_grad=result.fed_without_grad | {id(fact.node)})
        token = None
        # a module passed where the callee calls its parameter: the callee runs it forward
        via_argument = any(value.kind is Kind.MODULE and "called" in summary.param_uses.get(name, ())
                           for name, value in params.items())
        # or a project function that runs one (a decoding step given to a beam search): what the
        # callee returns may carry the graphs of its calls, which the summary does not follow
        via_callback = any(value.kind is not Kind.MODULE and "called" in summary.param_uses.get(name, ())
                           and self.runs_forward_when_called(value) for name, value in params.items())
        via_argument = via_argument or via_callback
        runs_forward = ((summary.runs_forward or via_argument)
                        and not _calls_no_module_that_records(summary, params, arguments)
                        and not _method_of_a_frozen_module(summary, params, arguments)
                        and (via_callback or not self.methods_record_nothing(summary, params)))
        # a module passed in and run may give its graph back when what comes back may carry one from
        # the parameters (not when only an unknown global makes it uncertain: `total / batch_size`,
        # nor a number the caller passes: `{"epoch": epoch, "loss": 0}`)
        returns_graph = summary.returns_graph or (via_argument and shape.graph is not Graph.NO and (
            bool(shape.sources) or any(name not in params or params[name].kind is not Kind.PYTHON for name in shape.params)))
        if runs_forward and not summary.enables_grad_itself:
            if self.disabled(state):
                if returns_graph:
                    self.note_severed(fact, bound_self if bound_self is not None else UNKNOWN, arguments)
                    result = result.but(kind=Kind.TENSOR, graph=Graph.NO, sources=frozenset(), nograd=NoGrad.SURE,
                                        nograd_node=fact.node, nograd_state=state,
                                        fed_without_grad=result.fed_without_grad | {id(fact.node)},
                                        inference=fact.node if state.mode is Mode.INFERENCE else None)
            elif state is None or state.mode is Mode.ENABLED:
                # the callee's graphs stay inside it only when what it returns surely holds no graph
                # (`return loss.item() / args.n`, `return total / n` given a number: an unknown
                # operand, but nothing the callee's forward passes made reaches what it returns)
                inside = not returns_graph and (shape.kind is Kind.PYTHON or shape.graph is Graph.NO or (
                    shape.graph is Graph.MAYBE and not shape.sources
                    and all(params[name].kind is Kind.PYTHON for name in shape.params if name in params)))
                # a method of a module (`model.encode(x)`) runs that module forward
                module = bound_self if bound_self is not None and bound_self.kind is Kind.MODULE else UNKNOWN
                if module.kind is not Kind.MODULE and own_fields is not None:
                    local = set(self.analysis.names_bound_in(function)) if function.parent is not None else set()
                    module = _field_run_in_eval(summary.result, own_fields, local) or module
                elif module.kind is not Kind.MODULE and receiver is not None:
                    module = _field_run_in_eval(summary.result, _fields_of(*receiver), set()) or module
                if module.kind is not Kind.MODULE and via_argument:
                    module = self.callback_module(summary, params) or module
                keeps = summary.stores_graph or bool(summary.stored_in_params)
                token = self.token(fact, module, callee=function, internal=inside and not keeps)
                token.runs = self.modules_run(fact, function, summary, bound_self)
                token.handed = _module_handed(summary, params)
                if summary.stores_graph:
                    self.result.fates.setdefault(token.id, set()).add(STORED)  # kept in an object, beyond the call
                if own_fields is not None:
                    self.graphs_appended_to_own_fields(summary.result.self_appended, token, own_fields)
                if summary.result.other_forwards or module.kind is Kind.MODULE:
                    self.result.other_forwards = True
                if not inside:
                    result = result.but(kind=Kind.TENSOR if result.kind is Kind.PYTHON else result.kind,
                                        graph=Graph.YES, sources=result.sources | {token.id})
        if bound_self is not None and bound_self.inference is not None and fact.method in VIEW_METHODS:
            result = result.but(inference=bound_self.inference)  # `batch.to(device)`: the same tensors, moved
        if shape.elements is not None and not summary.returned_self:
            result = result.but(elements=tuple(self.returned_element(e, params, token, state, fact.node, summary.graph_ids,
                                                                     via_callback and returns_graph)
                                                for e in shape.elements))
        if state is not None and state.mode is Mode.INFERENCE and not summary.returned_self:
            result = self.made_in_inference(fact, function, result)
        if not self.disabled(state):
            result = self.cut_by_callee(fact, function, params, result, constants)
        if shape.is_loss and result.kind in (Kind.TENSOR, Kind.UNKNOWN) and result.graph is not Graph.NO:
            result = result.but(is_loss=True)  # `return F.mse_loss(a, b)`: what the call gives is a loss
        if shape.is_loss or knowledge.names_a_loss_callee(function.name):  # `memory.memory_loss(f.detach(), y)`
            result = result.but(dropped=result.dropped | self.loss_of_detached(fact, arguments, result))
        return result

    def cut_by_callee(self, fact: CallFact, function: FunctionInfo, params: dict, result: Value,
                      constants: tuple = ()) -> Value:
        """What a call with gradients on gives back when the callee cuts the graph of some
        arguments (`cuts.params_cut`: a discriminator that makes its input's spectrogram under
        `torch.no_grad()`, a loss module that hands the prediction to a decorated encoder; with
        `constants`, the literal arguments, on the branches the call takes): a backward pass
        through the result reaches none of their forward passes (NG210 when one is trained)."""
        cut = params_cut_given(self.model, function, constants)
        if not cut:
            return result
        expressions = _bind_arguments(function, [(arg, arg.value) for arg in fact.node.args],
                                      fact.node if "self" in params or "cls" in params else None)
        self.result.handed_to_cut.update((id(expression), (id(fact.node), function, name)) for name, expression
                                         in expressions.items() if name in cut and expression.__class__ is cst.Name)
        carried = frozenset().union(*(value.sources for name, value in params.items()
                                      if name in cut and value.graph is not Graph.NO))
        kept = frozenset().union(*(value.sources for name, value in params.items() if name not in cut))
        if _passes_cut_names_on(fact, expressions, cut):
            carried -= kept  # `f(x, x * 2)`: the graph also reaches the callee's output uncut
        if not carried:
            return result
        given = tuple(sorted(name for name, value in params.items() if name in cut and value.sources & carried))
        self.result.cut_in_callee[id(fact.node)] = (fact, carried, function, given)
        owner = self.model.owner_model(function)
        if owner is None or not set(given) <= inputs_cut(owner.analysis, function):
            # a decorated callee, or one that hands the argument on: what it returns is left as
            # the callee's summary reads it (NG208 reads a decorated `forward` given layers' outputs)
            return result.but(fed_without_grad=result.fed_without_grad | {id(fact.node)})
        return result.but(sources=result.sources - (carried - kept), cut=result.cut | carried,
                          fed_without_grad=result.fed_without_grad | {id(fact.node)})

    def made_in_inference(self, fact: CallFact, function: FunctionInfo, result: Value) -> Value:
        """A project function run in inference mode by its caller (`with torch.inference_mode():
        ids = sample(policy, x)`): the tensors it makes and returns are inference tensors, made by
        this call as far as the caller's findings say (what it returns as it got it is not)."""
        made = self.model.returned_in_inference(function)
        if made is None:
            return result
        if made.inference is not None and result.inference is None:
            result = result.but(inference=fact.node)
        if result.elements is not None and made.elements is not None and len(made.elements) == len(result.elements):
            result = result.but(elements=tuple(
                element.but(inference=fact.node) if inside.inference is not None and element.inference is None
                else element for element, inside in zip(result.elements, made.elements)))
        return result

    def hands_back(self, function: FunctionInfo, names: frozenset) -> bool:
        """A `return` of `function` gives back one of `names` as it is (`return x`, `return x, mask`)."""
        owner = self.model.owner_model(function)
        return bool(returned_as_is(owner.analysis if owner is not None else self.analysis, function) & names)

    def returned_element(self, element: Value, params: dict, token: Optional[Token], state, call: cst.Call,
                         graphs: frozenset, callback: bool = False) -> Value:
        """One element of a tuple a project function returns, seen from the call (`callback`: the
        call hands it a function that runs forward passes, whose outputs any element that may
        carry a graph may hold)."""
        passed = [params[name] for name in element.params if name in params and name not in ("self", "cls")]
        value = _graph_from_parameters(element, params).but(sources=frozenset(), params=frozenset(), elements=None)
        if element.kind is not Kind.PYTHON and (element.sources & graphs or (callback and element.graph is not Graph.NO)):
            if token is not None:
                value = value.but(graph=Graph.YES, sources=frozenset({token.id}))
            elif self.disabled(state):
                # computed by a forward pass with gradients off: no graph, whatever the arguments carry
                return value.but(graph=Graph.NO, nograd=NoGrad.SURE, nograd_node=call, nograd_state=state)
        return _with_arguments(value, passed)

    def instantiate(self, fact: CallFact, cls: Value, arguments: list) -> Value:
        instance = self.model.instance_value(cls.ref)
        if instance.kind is Kind.MODULE:
            frozen = True if self.frozen_by_init(cls.ref, fact.node) else instance.frozen
            if cls.ref in knowledge.PARALLEL_WRAPPERS and arguments and arguments[0][1].kind is Kind.MODULE:
                # `nn.DataParallel(extractor)` runs the module it wraps: a union of the wrapper and
                # its classes, whose methods are the wrapped one's (`ModuleModel.methods_of_union`)
                wrapped = arguments[0][1]
                inner = wrapped.ref if isinstance(wrapped.ref, tuple) else (wrapped.ref,) if wrapped.ref is not None else ()
                ref = (cls.ref, *(one for one in inner if one is not cls.ref)) if inner else cls.ref
                return instance.but(ref=ref, training=Training.TRAIN, frozen=wrapped.frozen)
            return instance.but(training=Training.TRAIN, frozen=frozen)
        modules = self.note_construction(fact, instance, arguments)
        held = join(*(value for _, value in arguments)) if arguments else PYTHON
        # an object keeps what it is built from (`CVResults(posterior=...)`, a dataclass of outputs),
        # inference tensors included (`Batch(resized, mask)`)
        inference = next((value.inference for _, value in arguments if value.inference is not None), None)
        return instance.but(sources=held.sources, params=held.params, inference=inference,
                            fed_without_grad=held.fed_without_grad, constants=self.stored_constants(cls.ref, fact.node),
                            held=self._held_modules(cls.ref, modules))

    def frozen_by_init(self, cls, node: cst.Call) -> bool:
        """A module class whose `__init__` ends by setting `requires_grad` of every parameter
        (`for p in self.parameters(): p.requires_grad = flag`, `self.requires_grad_(flag)`) to a
        flag this construction makes False (written there, or the parameter's default: FID's
        `InceptionV3([block])`, frozen unless asked otherwise)."""
        init = self.model.method_of(cls, "__init__") if getattr(cls, "methods", None) is not None else None
        owner = self.model.project.owner_of(init) if init is not None and self.model.project is not None else None
        analysis = (owner or self.model).analysis if init is not None else None
        if init is None or analysis is None:
            return False
        flags = self.model.freezing_flags(init, analysis)
        if not flags:
            return False
        given = dict(_literal_arguments(init, node, True, defaults=True, context=self.flags()))
        return any(flag is False or (isinstance(flag, str) and given.get(flag, _MISSING) is False) for flag in flags)

    def _held_modules(self, cls, modules: Optional[dict]) -> tuple:
        """((attribute, module), ...) for the modules a constructor call passes that `__init__`
        stores as they are and no other method stores again (see `Value.held`)."""
        if not modules:
            return ()
        init = self.model.method_of(cls, "__init__")
        stores = self.model.stored_as_given(init)
        kept = {name: attr for name, attr in stores.items() if name in modules}
        if not kept:
            return ()
        rebound = _stored_outside(cls, init, frozenset(kept.values()))
        # its mode is not followed: the caller may switch the module through another name later
        return tuple(sorted((attr, modules[name].but(sources=frozenset(), params=frozenset(),
                                                     training=Training.UNKNOWN, eval_reason=None))
                            for name, attr in kept.items() if attr not in rebound))

    def note_construction(self, fact: CallFact, instance: Value, arguments: list) -> Optional[dict]:
        """Record a call building a plain project object whose own `__init__` runs: its fields may
        be what the callers give it (see `ModuleModel.fields_from_constructions`). Returns the
        modules it passes, by parameter."""
        cls = instance.ref
        methods = getattr(cls, "methods", None)  # a ClassModel (not a class torch or a library names)
        if instance.kind is not Kind.OBJECT or methods is None:
            return None
        init = methods.get("__init__")
        if init is None or init.class_name != cls.name:
            return None
        # only the modules, the objects of project classes and the project's functions passed
        # matter (see `fields_from_constructions`): a parameter given anything else, or left to
        # its default, takes no mode; `self` is the object being built
        bound = _bind_arguments(init, arguments, bound_self=instance)
        passed = {name: value for name, value in bound.items()
                  if value.kind is Kind.MODULE or name != _first_parameter(init) and (
                      of_project_classes(value) or is_project_function(value))}
        if self.result.constructions is None:
            self.result.constructions = {}
        self.result.constructions[id(fact.node)] = (fact, cls, init, passed)
        return {name: value for name, value in passed.items() if value.kind is Kind.MODULE}

    def store_base_fields(self, fact: CallFact, arguments: list) -> None:
        """`super().__init__(algorithm)` (or `super(Agent, self)` in `Agent`) in a class's `__init__`:
        the fields its base class's `__init__` stores as given (`self.alg = algorithm`) hold the
        modules and the objects of project classes passed, as if the class stored them itself
        (see `note_construction`)."""
        scope = self.scope
        if scope is None or scope.name != "__init__" or not is_super_init(fact.node, scope.class_name):
            return
        base = self.model.base_init(scope)
        if base is None:
            return
        bound = _bind_arguments(base, arguments, bound_self=PYTHON)
        for name, attr in self.model.stored_as_given(base).items():
            value = bound.get(name)
            if value is not None and (value.kind is Kind.MODULE or of_project_classes(value)):
                self.result.self_stores[attr] = join(self.result.self_stores.get(attr, value), value)

    def stored_constants(self, cls, node: cst.Call) -> tuple:
        """(("self.field", literal), ...) for the literal arguments (or literal defaults) of a
        constructor call that `__init__` stores as they are (`self.opt = opt`)."""
        init = self.model.method_of(cls, "__init__")
        if init is None:
            return ()
        stores = self.model.stored_as_given(init)
        if not stores:
            return ()
        given = dict(_literal_arguments(init, node, True, defaults=True))
        return tuple(sorted((f"self.{stores[name]}", value) for name, value in given.items() if name in stores))

    def unknown_call(self, fact: CallFact, node: cst.Call, args: Value, arguments: list,
                     callee_value: Optional[Value] = None) -> Value:
        qualified = fact.qualified
        if qualified == "functools.partial" and arguments:
            return _partial(arguments)
        if qualified is not None:
            known = self.model.qualified_call(qualified, fact, arguments)
            if known is not None:
                return known
            last = qualified.rpartition(".")[2]
            if qualified.startswith("torch.") and last in TENSOR_CREATION:
                state = self.state(node)  # a tensor made in inference mode is an inference tensor
                return NO_GRAPH.but(inference=node) if state is not None and state.mode is Mode.INFERENCE else NO_GRAPH
            if qualified.startswith("torch.") and last in TORCH_PLAIN_VALUES:
                return PYTHON
            if qualified == f"torch.{last}" and last in INDEX_VALUED and arguments:
                return self.index_values(node, arguments[0][1])
            if qualified == f"torch.{last}" and last in INDEXING_REDUCTIONS and len(arguments) > 1:
                self.read_values(arguments[0][1])  # `_, pred = torch.max(out, 1)`
            if qualified in NUMPY_CONVERSIONS and arguments:  # `np.asarray(out)` calls `out.numpy()`
                self.result.numpy_undetached.update(arguments[0][1].sources - arguments[0][1].opaque)
            if qualified.startswith(("numpy.", "scipy.")):
                return NUMPY
            if qualified.startswith(knowledge.PLAIN_VALUE_PACKAGES):
                return PYTHON
        callee = (fact.callee or "").rpartition(".")[2]
        if callee in knowledge.PYTHON_VALUE_FUNCTIONS and qualified is None and fact.callee == callee:
            if callee in knowledge.TENSOR_KEEPING_BUILTINS and args.kind in (Kind.TENSOR, Kind.UNKNOWN):
                return self.computed(node, args)  # `abs(loss)` calls `loss.__abs__()`: a tensor, graph and all
            return PYTHON
        if callee in PASS_THROUGH:
            return args if not arguments else join(*(value for _, value in arguments))
        if arguments and callee_value is not None and callee_value.kind is Kind.UNKNOWN and not self.disabled(self.state(node)):
            for param in callee_value.params:  # `fn(x)` with `fn` a parameter: callers may pass a module
                self.result.param_uses.setdefault(param, set()).add("called")
        if is_loss_callee(fact):
            return self.loss(node, arguments, _target_loss(fact, callee_value))
        if not arguments:
            return UNKNOWN
        if any(value.kind is Kind.OBJECT for _, value in arguments):
            # an object of the project it is given is not what it makes (`self.build_func(cfg,
            # registry=self)` builds a model from the registry's classes)
            plain = [value for _, value in arguments if value.kind is not Kind.OBJECT]
            args = join(*plain) if plain else PYTHON
        if self.trains_here and callee_value is not None and callee_value.kind is Kind.UNKNOWN and callee_value.params:
            args = args.but(graph=Graph.YES)  # a parameter called in code that backpropagates: a model
        elif callee_value is not None and callee_value.kind is Kind.UNKNOWN and callee_value.params - {"self", "cls"}:
            # `embeddings[name](ids)` with `embeddings` a parameter: a module the callers pass makes
            # it, and what it makes may carry its graph back to them
            args = args.but(graph=max(args.graph, Graph.MAYBE), params=args.params | (callee_value.params - {"self", "cls"}))
        result = self.computed(node, args)
        if _is_distribution_class(qualified) and result.kind is Kind.TENSOR:
            return result.but(ref=qualified)
        if result.sources and not (qualified or "").startswith("torch."):  # `transform(out)`: maybe not a tensor
            result = result.but(opaque=result.sources)
        # what an unknown callable makes of Python values is unknown (`load_model(path)`), never a graph
        return result.but(kind=Kind.UNKNOWN) if result.kind is Kind.PYTHON else result

    def loss(self, node: cst.Call, arguments: list, torch_loss: Optional[str] = None) -> Value:
        """A loss function `loss(input, target, ...)`: its graph is that of its input (targets are
        data, or deliberately detached), and of a target that surely carries one (torch's losses
        differentiate their target too: `F.mse_loss(td_target, q_values)` with the arguments
        swapped still trains; checked in test_torch_facts.py); it carries every argument's forward
        passes. With `torch_loss` (the name of a torch loss of a prediction and a target), the two
        are recorded."""
        positional = [value for arg, value in arguments if arg.keyword is None and not arg.star]
        if torch_loss is not None:
            self.note_loss_target(node, arguments, torch_loss)
        if not positional:
            return self.computed(node, join(*(value for _, value in arguments)) if arguments else UNKNOWN)
        graphed = [value for value in positional[1:2]
                   if value.graph is Graph.YES and value.kind in (Kind.TENSOR, Kind.UNKNOWN)]
        result = self.computed(node, join(positional[0], *graphed) if graphed else positional[0])
        sources = frozenset().union(*(value.sources for _, value in arguments))
        if result.graph is not Graph.NO and not result.sources:
            fact = self.calls.get(id(node))
            if fact is not None:  # a loss of something we cannot see into: its graph is a source too
                key = ("loss", id(node))
                if key not in self.result.tokens:
                    self.result.tokens[key] = Token(len(self.result.tokens), fact, UNKNOWN)
                sources = sources | {self.result.tokens[key].id}
        self.note_weighed([value for _, value in arguments])
        dropped = frozenset().union(*(v.dropped for _, v in arguments))
        fed = frozenset().union(*(v.fed_without_grad for _, v in arguments))
        if fed and result.graph is Graph.NO and not self.disabled(self.state(node)):
            self.result.gradless_losses[id(node)] = fed
            dropped = dropped | {id(node)}  # followed into the losses it is summed into
        dropped = dropped | self.loss_of_detached(self.calls.get(id(node)), arguments, result)
        return result.but(sources=sources, params=result.params | frozenset().union(*(v.params for _, v in arguments)),
                          dropped=dropped, is_loss=True,
                          detached=frozenset().union(result.detached, *(v.detached for _, v in arguments)),
                          fed_without_grad=frozenset().union(*(v.fed_without_grad for _, v in arguments)))

    def bound_expression(self, node: Optional[cst.BaseExpression], fact) -> Optional[cst.BaseExpression]:
        """What `node` is where `fact` runs: itself, or for a local name the value of its last
        assignment before that statement."""
        if node is None or node.__class__ is not cst.Name:
            return node
        if fact is None:
            return None
        before = [assign for assign in self.analysis.facts_in(self.analysis.assigns, self.scope)
                  if node.value in assign.targets and assign.index < fact.index and assign.value is not None]
        return before[-1].value if before else None

    def new_leaf(self, node: Optional[cst.CSTNode], fact, value: Value, made: Optional[cst.BaseExpression] = None) -> Value:
        """`x.requires_grad = True`, `x.requires_grad_()`: from here on `x` is a leaf that records.
        Made of a module's outputs through what records no graph (`torch.argmax(out, 1)`, a
        `.detach()`), it is a new leaf: a loss computed from it backpropagates into it and stops
        there, so it is remembered as a detached loss is (`ScopeResult.detached_losses`, NG211)."""
        leaf = value.but(kind=Kind.TENSOR, graph=Graph.YES, nograd=None, nograd_node=None, nograd_state=None,
                         inference=None)
        if node is None or fact is None or value.graph is not Graph.NO or value.sources or self.disabled(self.state(node)):
            return leaf
        made_of = value.detached or self.indexed_outputs(made, fact)
        if not made_of:
            return leaf
        self.result.detached_losses[id(node)] = (fact, made_of)
        return leaf.but(dropped=leaf.dropped | {id(node)})

    def indexed_outputs(self, expression: Optional[cst.BaseExpression], fact=None) -> frozenset:
        """The forward passes whose outputs `expression` turns into indices (`torch.argmax(model(x),
        1).float()`) or detaches (`pred.detach().numpy()`, `pred` made by the call of its last
        assignment before `fact`), as their ids: what an index-valued call read (its values are
        data, see `index_values`, which keeps no trace of them in what it gives)."""
        found: frozenset = frozenset()
        for sub in iter_nodes(expression) if expression is not None else ():
            if sub.__class__ is not cst.Call:
                continue
            name = sub.func.attr.value if sub.func.__class__ is cst.Attribute else getattr(sub.func, "value", None)
            if name not in INDEX_VALUED and not (name == "detach" and sub.func.__class__ is cst.Attribute):
                continue
            read = sub.func.value if sub.func.__class__ is cst.Attribute and not sub.args else (
                sub.args[0].value if sub.args else None)
            if read is not None and read.__class__ is cst.Name and fact is not None:
                read = self.bound_expression(read, fact)  # `pred.detach()`: what `pred` was made by
            value = self.result.values.get(id(read)) if read is not None else None
            if value is not None:
                found |= value.sources
        return found

    def constant_of_a_loss(self, fact: CallFact, receiver: Value, constant: Value) -> Value:
        """`constant`, what `.detach()` or `.item()` gives of `receiver`: when that is a loss that
        carries a graph, the call is remembered (`ScopeResult.detached_losses`) and followed into
        the losses the constant is summed into (NG211)."""
        if (not receiver.is_loss or receiver.graph is Graph.NO or not receiver.sources
                or _read_undetached_beside(fact)):
            return constant
        self.result.detached_losses[id(fact.node)] = (fact, receiver.sources)
        return constant.but(dropped=receiver.dropped | {id(fact.node)})

    def loss_of_detached(self, fact: Optional[CallFact], arguments: list, result: Value) -> frozenset:
        """The id of a loss call computed with gradients on but on detached tensors alone
        (`memory_loss(features.detach(), labels.detach())`), which is then a constant: remembered
        (`ScopeResult.detached_losses`) and followed into the losses it is summed into (NG211)."""
        if fact is None or result.graph is not Graph.NO or self.disabled(self.state(fact.node)):
            return frozenset()
        values = [value for _, value in arguments if value.kind in (Kind.TENSOR, Kind.UNKNOWN)]
        detached = frozenset().union(*(value.detached for value in values))
        if not detached or any(value.graph is Graph.YES for value in values):
            return frozenset()
        self.result.detached_losses[id(fact.node)] = (fact, detached)
        return frozenset({id(fact.node)})

    def note_weighed(self, operands) -> None:
        """Operands of a product or a loss: a term cut from a graph (`fed_without_grad`) that meets
        an operand that may carry a graph from elsewhere is a constant on purpose (`ScopeResult.weighed`)."""
        cut = frozenset().union(*(value.fed_without_grad for value in operands))
        for value in operands if cut else ():
            if value.graph is not Graph.NO and value.kind in (Kind.TENSOR, Kind.UNKNOWN):
                self.result.weighed.update(cut - value.fed_without_grad)
        # a detached loss meets what surely has a graph (not a hyperparameter read off a config); a
        # new leaf is never a constant on purpose: the gradient stops there whatever it meets
        detached = frozenset(key for key in frozenset().union(*(value.dropped for value in operands))
                             & self.result.detached_losses.keys()
                             if not makes_a_new_leaf(self.result.detached_losses[key][0]))
        for value in operands if detached else ():
            if value.graph is Graph.YES and value.kind in (Kind.TENSOR, Kind.UNKNOWN):
                self.result.weighed.update(detached - value.dropped)

    def note_loss_target(self, node: cst.Call, arguments: list, torch_loss: str) -> None:
        """Record the prediction (first positional argument) and target (second, or `target=`), and
        an inference tensor as the target of a loss that saves it (see `note_saved_inference`)."""
        fact = self.calls.get(id(node))
        if fact is None or any(arg.star for arg, _ in arguments):
            return
        positional = [(arg, value) for arg, value in arguments if arg.keyword is None]
        target = positional[1] if len(positional) > 1 else next(
            ((arg, value) for arg, value in arguments if arg.keyword is not None and arg.keyword.value == "target"), None)
        prediction = positional[0] if positional else next(
            ((arg, value) for arg, value in arguments if arg.keyword is not None and arg.keyword.value == "input"), None)
        if target is None or prediction is None:
            return
        if _saves_target(torch_loss, arguments):
            self.note_saved_inference(node, target[0].value, target[1], prediction[1])
        previous = self.result.loss_targets.get(id(node))
        if previous is not None:  # a loop body read twice
            self.result.loss_targets[id(node)] = LossTarget(fact, join(previous.prediction, prediction[1]),
                                                            join(previous.target, target[1]), target[0].value)
        else:
            self.result.loss_targets[id(node)] = LossTarget(fact, prediction[1], target[1], target[0].value)

    def note_failing_call(self, fact: CallFact, function: FunctionInfo, params: dict, constants: tuple) -> None:
        """A call, with gradients disabled, of a function that backpropagates what it computes:
        its backward pass raises (`run_epoch(val_loader, LossCompute(...))` under `no_grad`)."""
        callables = tuple(sorted((name, value) for name, value in params.items() if value.kind in CALLABLE_KINDS))
        chain = self.model.backward_without_grad(function, Context(callables, constants))
        if chain:
            self.result.failing_calls[id(fact.node)] = (fact, chain)

    def modules_run(self, fact: CallFact, function: FunctionInfo, summary, bound_self: Optional[Value]) -> tuple:
        """The modules a call of a project function runs, as spelled at the call: a module it is
        called on (`self.model.encode(x)`), the modules passed where it calls its parameter."""
        runs = []
        if bound_self is not None and bound_self.kind is Kind.MODULE and fact.receiver is not None:
            runs.append(dotted_name(fact.receiver))
        passed = _bind_arguments(function, [(arg, arg.value) for arg in fact.node.args],
                                 bound_self if bound_self is not None else None)
        for name, node in passed.items():
            if isinstance(node, cst.BaseExpression) and "called" in summary.param_uses.get(name, ()):
                runs.append(dotted_name(node))
        return tuple(name for name in runs if name is not None)

    def backward(self, fact: CallFact, receiver: Optional[Value], env: dict) -> None:
        is_tensor = receiver is not None and (receiver.kind is Kind.TENSOR or (
            receiver.kind is Kind.UNKNOWN and (receiver.nograd is not None or bool(receiver.sources))))
        targets = backward_targets(fact, is_tensor)
        # the receiver was valued already (`torch.cat(outs).mean().backward()`: valuing it again
        # would make its calls anew)
        values = [receiver if target is fact.receiver and receiver is not None else self.value(target, env, MAX_DEPTH - 2)
                  for target in targets]
        self.result.training_calls[id(fact.node)] = fact
        if not values:
            return
        value = join(*values)
        self.mark(value, USED)
        previous = self.result.backward_values.get(id(fact.node))
        self.result.backward_values[id(fact.node)] = (fact, join(previous[1], value) if previous else value)

    # -- what the rules ask about ----------------------------------------------------------------
    def accumulated_assign(self, assign: cst.Assign, value: Value, env: dict) -> Value:
        """`total = total + value`, or a running average `avg = avg * 0.99 + loss * 0.01`: the value
        bound, with the accumulator's pseudo-token."""
        target = assign.targets[0].target if len(assign.targets) == 1 else None
        right = assign.value
        if target.__class__ is not cst.Name or right.__class__ is not cst.BinaryOperation \
                or right.operator.__class__ is not cst.Add:  # by identity: see LEAF_LITERALS
            return value
        for kept, term in ((right.left, right.right), (right.right, right.left)):
            if _is_or_scales(kept, target.value) and target.value not in names_in(term):
                added = self.value(term, env, MAX_DEPTH - 2)
                return self.accumulate(assign, target.value, term, added, value, env)
        return value

    def accumulate(self, node, name: str, value_node, value: Value, new: Value, env: dict) -> Value:
        """Record an accumulation inside a loop; the accumulator gets a pseudo-token of its own."""
        fact = self.model.fact_for(node)
        if fact is None or not any(loop.function is self.scope for loop in fact.loops):
            return new
        key = ("accumulation", id(node))
        token = self.result.tokens.get(key)
        if token is None:
            token = Token(len(self.result.tokens), fact, UNKNOWN)
            self.result.tokens[key] = token
        carriers = {n.value: env[n.value] for n in iter_nodes(value_node)
                    if isinstance(n, cst.Name) and n.value != name and n.value in env and env[n.value].sources}
        existing = next((a for a in self.result.accumulations if a.fact is fact), None)
        if existing is None:
            self.result.accumulations.append(Accumulation(fact, name, value_node, value, token.id, carriers))
        else:
            existing.value = join(existing.value, value)
            for carrier, carried in carriers.items():
                existing.carriers[carrier] = join(existing.carriers.get(carrier, carried), carried)
        if value.kind is Kind.PYTHON or value.graph is Graph.NO or (not value.sources and value.graph is not Graph.YES):
            return new  # `total += n * loss.item()`: numbers (and what no forward pass made) add no graph
        return new.but(sources=new.sources | {token.id})

    def note_inference_operand(self, node: cst.BinaryOperation, left: tuple, right: tuple) -> None:
        """`student(x) * teacher_out`: an operator that saves its operands (see `_SAVING_OPERATORS`)
        with an inference tensor on one side and a graph on the other."""
        for (expression, value), (_, other) in ((left, right), (right, left)):
            self.note_saved_inference(node, expression, value, other)

    def note_saved_inference(self, node: cst.CSTNode, expression: cst.CSTNode, value: Value, graph: Value) -> None:
        """`node` (a loss that saves its target, an operator that saves its operands) saves
        `expression` for the backward pass of `graph`: with gradients on and an inference tensor
        there (`F.mse_loss(student(x), teacher_out)`, `teacher_out` made under inference_mode),
        it raises RuntimeError. Recorded with the forward passes whose graphs that backward uses."""
        state = self.state(node)
        if state is not None and state.mode is Mode.ENABLED and value.inference is not None and \
                graph.graph is Graph.YES and graph.sources:
            self.result.inference_targets.setdefault(id(node), (node, expression, value, graph.sources))

    def note_inference_inputs(self, fact: CallFact, state: Optional[GradState], arguments: list) -> None:
        if state is None or state.mode is not Mode.ENABLED:
            return
        for arg, value in arguments:
            if value.inference is not None:
                self.result.inference_feeds.setdefault(id(fact.node), (fact, arg.value, value))
                return


def interpret(model: "ModuleModel", scope: Optional[FunctionInfo], context: Context = DEFAULT_CONTEXT) -> ScopeResult:
    return Interpreter(model, scope, context).run()


# -- helpers ---------------------------------------------------------------------------------------
def _parameter_names(function: FunctionInfo) -> list[str]:
    params = function.node.params
    names = [p.name.value for p in _named_params(function)]
    for star in (params.star_arg, params.star_kwarg):
        if star.__class__ is cst.Param:  # by identity (see LEAF_LITERALS): else None or a sentinel
            names.append(star.name.value)
    return names


def _positional_names(function: FunctionInfo) -> list[str]:
    params = function.node.params
    return [p.name.value for p in (*params.posonly_params, *params.params)]


def _first_parameter(function: FunctionInfo) -> Optional[str]:
    """`self` of a method, `cls` of a class method (whatever they are called)."""
    return next(iter(_positional_names(function)), None)


def _copy_of(value: Value) -> Value:
    """`copy.deepcopy(model)`: a module (an object) like the one copied, in its mode, sharing no
    graph with it; anything else copied is not followed."""
    if value.kind in (Kind.MODULE, Kind.OBJECT, Kind.OPTIMIZER):
        return value.but(sources=frozenset(), params=frozenset())
    return UNKNOWN.but(params=value.params)


def _passes_own_self(fact: CallFact) -> bool:
    """`Base.method(self, ...)`: a method of a base class run on the caller's own object."""
    args = fact.node.args
    return bool(args) and isinstance(args[0].value, cst.Name) and args[0].value.value in ("self", "cls")


def _decorated_with(function: FunctionInfo, name: str) -> bool:
    """`@staticmethod`, `@classmethod`: a bare-name decorator."""
    return any(isinstance(d.decorator, cst.Name) and d.decorator.value == name for d in function.node.decorators)


_NOT_PLAIN_METHODS = ("staticmethod", "classmethod", "property", "cached_property")


def _is_classmethod(function: FunctionInfo) -> bool:
    return _decorated_with(function, "classmethod")


def _takes_self(function: FunctionInfo) -> bool:
    """A method that a call on an object or class passes that object first (not a staticmethod)."""
    return function.class_name is not None and not _decorated_with(function, "staticmethod")


def _keywords(node: cst.Call) -> frozenset:
    """The names of the keyword arguments of a call."""
    return frozenset(arg.keyword.value for arg in node.args if arg.keyword is not None)


def _named_params(function: FunctionInfo) -> tuple:
    """The parameters that can be passed by name (positional-only, normal, keyword-only)."""
    params = function.node.params
    return (*params.posonly_params, *params.params, *params.kwonly_params)


def _parameter(function: Optional[FunctionInfo], name: str) -> Optional[cst.Param]:
    if function is None:
        return None
    return next((param for param in _named_params(function) if param.name.value == name), None)


def _annotation_of(function: Optional[FunctionInfo], name: str) -> Optional[cst.BaseExpression]:
    """The annotation of `function`'s parameter `name`, if it has one."""
    param = _parameter(function, name)
    return param.annotation.annotation if param is not None and param.annotation is not None else None


def _callable_return(node: Optional[cst.BaseExpression]) -> Optional[cst.BaseExpression]:
    """R of an annotation `Callable[[...], R]` or `Callable[..., R]` (typing's or
    collections.abc's), or None."""
    if not isinstance(node, cst.Subscript) or len(node.slice) != 2 or not isinstance(node.slice[1].slice, cst.Index):
        return None
    base = node.value.attr.value if isinstance(node.value, cst.Attribute) else getattr(node.value, "value", None)
    return node.slice[1].slice.value if base == "Callable" else None


def _annotation_parts(node: Optional[cst.BaseExpression]) -> list[cst.BaseExpression]:
    """The types an annotation allows besides None: `X`, `"X"`, `Optional[X]`, `X | None`,
    `Union[X, Y]` (as [X, Y])."""
    if node is None:
        return []
    kind = node.__class__  # by identity: see LEAF_LITERALS
    if kind is cst.SimpleString:
        try:
            return _annotation_parts(cst.parse_expression(node.evaluated_value))
        except (cst.ParserSyntaxError, ValueError, TypeError):
            return []
    if kind is cst.BinaryOperation and node.operator.__class__ is cst.BitOr:
        return _annotation_parts(node.left) + _annotation_parts(node.right)
    if kind is cst.Subscript:
        base = node.value.attr.value if isinstance(node.value, cst.Attribute) else getattr(node.value, "value", None)
        if base in ("Optional", "Union"):
            return [part for element in node.slice if isinstance(element.slice, cst.Index)
                    for part in _annotation_parts(element.slice.value)]
        return []
    if isinstance(node, cst.Name) and node.value == "None":
        return []
    return [node] if isinstance(node, (cst.Name, cst.Attribute)) else []


def _read_undetached_beside(fact: CallFact) -> bool:
    """`loss - loss.detach()` (or `x + (y - x).detach()`): the detached receiver, a name, is
    also read as it is in the same statement, a value shift that keeps its gradient."""
    receiver = fact.receiver
    if receiver.__class__ is not cst.Name:
        return False
    statement = fact.statement
    parts = [getattr(small, "value", small) for small in getattr(statement, "body", ())] \
        if isinstance(statement, cst.SimpleStatementLine) else [statement]  # not the targets assigned
    names = [node for part in parts if part is not None for node in iter_nodes(part)
             if node.__class__ is cst.Name and node.value == receiver.value]
    return len(names) > 1


def _bind_arguments(function: FunctionInfo, arguments: list, bound_self: Optional[Value]) -> dict[str, Value]:
    """Parameter name -> argument value for a call (positional and keyword; a `*args` value that
    carries the graphs of forward passes gives the parameters left its elements, each the whole
    value when they are not written out; any other `*args`, and `**kwargs`, are skipped). The
    arguments' values may be expressions."""
    positional = _positional_names(function)
    if bound_self is not None and positional and _takes_self(function):
        bound = {positional[0]: bound_self}
        positional = positional[1:]
    else:
        bound = {}
    index = 0
    for arg, value in arguments:
        if arg.star == "*" and isinstance(value, Value) and (
                value.sources or any(element.sources for element in value.elements or ())):
            # `self.reparameterize(*latent_dist)`: mean and log-variance come from the encoder's pass
            elements = value.elements
            for offset, name in enumerate(positional[index:]):
                bound[name] = elements[offset] if elements is not None and offset < len(elements) else value
            break
        if arg.star:
            break
        if arg.keyword is not None:
            bound[arg.keyword.value] = value
        elif index < len(positional):
            bound[positional[index]] = value
            index += 1
    return bound


def _passes_cut_names_on(fact: CallFact, expressions: dict, cut: frozenset) -> bool:
    """Does a name of an argument the callee cuts also appear in an argument it does not cut
    (`f(x, x * 2)`)? Not for two outputs of one forward pass (`loss(reconstructions, predicted)`,
    `predicted` cut): the gradient through the cut one is lost whatever the other carries."""
    if any(arg.star for arg in fact.node.args):
        return True  # (what `*args` holds is not written out)
    names: dict[bool, set] = {True: set(), False: set()}
    for param, expression in expressions.items():
        if expression is not fact.node:  # (the object a method is called on)
            names[param in cut].update(names_in(expression))
    return bool((names[True] & names[False]) - {"self"})


def _literal_choices(node: cst.BaseExpression) -> Optional[tuple]:
    """The literals of `("train", "tune")`, `["a", "b"]` or `{"a", "b"}`; None for anything else."""
    if node.__class__ not in (cst.Tuple, cst.List, cst.Set):  # by identity: see LEAF_LITERALS
        return None
    values = tuple(_literal_of(element.value) for element in node.elements)
    return None if any(value is _MISSING for value in values) else values


def training_flags(params: dict) -> tuple:
    """`("model.training", False)` for each module passed in a known mode (`model.eval()` before
    the call): what `if model.training:` in the callee reads, as a literal argument would be. Not
    a method's own `self.training`: a module's methods serve its training and its evaluation
    alike, and where each is judged (the method or its caller) is not for this to move."""
    return tuple((f"{name}.training", value.training is Training.TRAIN) for name, value in params.items()
                 if value.kind is Kind.MODULE and value.training is not Training.UNKNOWN and name not in ("self", "cls"))


def _literal_arguments(function: FunctionInfo, node: cst.Call, method: bool, defaults: bool = False,
                       context: Context = DEFAULT_CONTEXT) -> tuple:
    """Parameters given a literal (True/False/None/a string/a number) at this call, or a name
    the caller's `context` knows the literal of (a flag passed on); with `defaults`, also
    parameters the call leaves to a literal default (`optimizer=None`)."""
    positional = _positional_names(function)
    if method and positional and _takes_self(function):
        positional = positional[1:]
    found = {}
    given = set()
    index = 0
    starred = False
    for arg in node.args:
        if arg.star:
            starred = True
            break
        literal = _literal_of(arg.value)
        if literal is _MISSING and isinstance(arg.value, cst.Name):
            literal = context.constant(arg.value.value)
        name = arg.keyword.value if arg.keyword is not None else (positional[index] if index < len(positional) else None)
        if arg.keyword is None:
            index += 1
        given.add(name)
        if name is not None and literal is not _MISSING:
            found[name] = literal
    if defaults and not starred:
        for param in _named_params(function):
            name = param.name.value
            if name not in given and param.default is not None:
                literal = _literal_of(param.default)
                if literal is not _MISSING:
                    found[name] = literal
    return tuple(sorted(found.items(), key=lambda item: item[0]))


def is_super_init(node: cst.CSTNode, class_name: Optional[str]) -> bool:
    """`super().__init__(...)`, or `super(Cls, self).__init__(...)` in a method of `Cls`."""
    if not (node.__class__ is cst.Call and node.func.__class__ is cst.Attribute  # by identity: see LEAF_LITERALS
            and node.func.attr.value == "__init__"):
        return False
    receiver = node.func.value
    return (isinstance(receiver, cst.Call) and dotted_name(receiver.func) == "super"
            and [dotted_name(arg.value) for arg in receiver.args] in ([], [class_name, "self"]))


def super_init_call(init: FunctionInfo) -> Optional[cst.Call]:
    """The `super().__init__(...)` statement of an `__init__`'s body, if it has one."""
    init.ensure_body()
    body = init.node.body
    for statement in (body.body if body.__class__ is cst.IndentedBlock else ()):  # by identity: see LEAF_LITERALS
        for small in statement.body if statement.__class__ is cst.SimpleStatementLine else ():
            if small.__class__ is cst.Expr and is_super_init(small.value, init.class_name):
                return small.value
    return None


def _stored_parameters(init: FunctionInfo) -> dict[str, str]:
    """Parameter -> attribute for the plain `self.attr = param` statements of an `__init__`'s body."""
    init.ensure_body()
    names = set(_parameter_names(init))
    body = init.node.body
    stored = {}
    for statement in (body.body if body.__class__ is cst.IndentedBlock else ()):  # by identity: see LEAF_LITERALS
        if statement.__class__ is not cst.SimpleStatementLine:
            continue
        for small in statement.body:
            if (small.__class__ is cst.Assign and len(small.targets) == 1 and small.value.__class__ is cst.Name
                    and small.value.value in names):
                target = small.targets[0].target
                if (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name)
                        and target.value.value == "self"):
                    stored[small.value.value] = target.attr.value
    return stored


def _stored_outside(cls, init: FunctionInfo, attributes: frozenset) -> set[str]:
    """Which of `attributes` a method of `cls` other than `init` assigns (`self.model = other`),
    read from the methods' code: in a module read for its imports they are not summarised (a
    body still deferred is built only when its text names one of them)."""
    found = set()
    for method in cls.methods.values():
        if method is init or not any(method.may_mention(f"self.{attribute}") for attribute in attributes):
            continue
        method.ensure_body()
        for node in iter_nodes(method.node.body):
            targets = (() if node.__class__ not in (cst.Assign, cst.AugAssign, cst.AnnAssign)
                       else [t.target for t in node.targets] if node.__class__ is cst.Assign else [node.target])
            for target in targets:
                if (target.__class__ is cst.Attribute and target.value.__class__ is cst.Name
                        and target.value.value == "self" and target.attr.value in attributes):
                    found.add(target.attr.value)
    return found


def _not_iterable(ref) -> bool:
    """A project class (`ClassModel`) derived from nothing, with no `__iter__` or `__getitem__`;
    or one of several such classes (an object of either, see `lattice.join`)."""
    if isinstance(ref, tuple):
        return bool(ref) and all(_not_iterable(one) for one in ref)
    methods = getattr(ref, "methods", None)
    return methods is not None and "__iter__" not in methods and "__getitem__" not in methods and ref.is_plain


def _pretrained_class(ref) -> bool:
    """A model class of a library whose `from_pretrained` returns the model in eval mode
    (`knowledge.PRETRAINED_PACKAGES`), or a project class derived from one."""
    if isinstance(ref, str):
        return knowledge.is_pretrained_model_class(ref)
    return any(knowledge.is_pretrained_model_class(base) for base in getattr(ref, "ancestry", ()))


def bound_before_read(loop) -> frozenset:
    """Names each iteration of `loop` binds before anything in it reads them (a plain `name = ...`
    in its body before any other mention of the name, or the loop's own target): what one
    iteration leaves in them the next never sees."""
    seen: set = set(names_in(loop.iter)) if loop.__class__ is cst.For else set(names_in(loop.test))
    fresh: set = set()
    if loop.__class__ is cst.For:
        fresh.update(name for name in bound_names(loop.target) if name not in seen)
        seen |= names_in(loop.target)
    for statement in suite_statements(loop.body):
        if statement.__class__ is not cst.SimpleStatementLine:
            seen |= names_in(statement)
            continue
        for small in statement.body:
            if small.__class__ is not cst.Assign:
                seen |= names_in(small)
                continue
            seen |= names_in(small.value)
            for target in small.targets:
                fresh.update(name for name in bound_names(target.target) if name not in seen)
                seen |= names_in(target.target)
    return frozenset(fresh)


def _graph_from_parameters(shape: Value, params: dict) -> Value:
    """`shape`, what a callee's summary says it returns, without a graph when it may carry one only
    because its parameters may (`return self.funcs[key](pred=pred)`: no forward pass of its own,
    no field of `self`): at a call, the arguments' graphs are what it carries."""
    if (shape.graph is Graph.MAYBE and not shape.sources and shape.params
            and not shape.params & {"self", "cls"} and shape.params <= params.keys()):
        return shape.but(graph=Graph.NO)
    return shape


def _with_arguments(value: Value, passed: list[Value]) -> Value:
    """What a call returns, `value` as its callee's summary sees it, joined with the caller's values
    of the arguments it derives from. A module is joined only with the modules among them (one
    built from a config, `build_model(opt)`, is not the config), and one the callee put in eval
    mode stays in eval mode whatever mode its caller's module was in."""
    if value.kind is Kind.MODULE:
        passed = [argument for argument in passed if argument.kind is Kind.MODULE]
    if not passed:
        return value
    joined = join(value, *passed)
    if value.kind is Kind.MODULE and value.training is Training.EVAL:
        joined = joined.but(training=Training.EVAL, eval_reason=value.eval_reason)
    return joined


def _literal_of(node: cst.BaseExpression):
    kind = node.__class__  # by identity: see LEAF_LITERALS
    if kind is cst.Name and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if kind is cst.SimpleString:
        return node.evaluated_value
    if kind is cst.Integer:
        return int(node.value, 0) if not node.value.startswith("0") or node.value == "0" else _MISSING
    return _MISSING


def _surely_tensor(value: Value) -> bool:
    """A tensor for sure: one made with gradients disabled by a forward pass or arithmetic on a
    graph, or one that carries a graph (an operator on it is torch's, so under `no_grad` its result
    has no graph, whatever the other operand is)."""
    return value.nograd is NoGrad.SURE or (value.kind is Kind.TENSOR and value.graph is Graph.YES)


def _held_module(module: Value) -> Value:
    """What an element of a module value is: a module of a class not known when the value is a
    torch container (`for component in self.components`, an `nn.ModuleList` of project modules:
    `component.summary_name(i)` is a method of their class, no forward pass of the list), else
    the value itself (a list of models read as one of them)."""
    if module.ref.__class__ is str and module.ref in knowledge.MODULE_CONTAINERS:
        return module.but(ref=None)
    return module


def _count_key(node: cst.Subscript) -> bool:
    """The subscript reads a string key that names a count (`out["n_exs"]`, `stats["num_tokens"]`)."""
    if len(node.slice) != 1 or node.slice[0].slice.__class__ is not cst.Index:  # by identity: see LEAF_LITERALS
        return False
    key = node.slice[0].slice.value
    if key.__class__ is not cst.SimpleString:
        return False
    raw = key.value  # a plain one-line literal (`"n_exs"`): its text between the quotes
    return raw[:1] in ("'", '"') and raw[:3] not in ('"""', "'''") and knowledge.names_a_count(raw[1:-1])


def _literal_index(node: cst.Subscript) -> Optional[int]:
    """`3` in `x[3]`, `-1` in `x[-1]`; None for anything else."""
    if len(node.slice) != 1 or node.slice[0].slice.__class__ is not cst.Index:  # by identity: see LEAF_LITERALS
        return None
    value = node.slice[0].slice.value
    negative = value.__class__ is cst.UnaryOperation and value.operator.__class__ is cst.Minus
    if negative:
        value = value.expression
    if value.__class__ is cst.Integer and value.value.isdigit():
        return -int(value.value) if negative else int(value.value)
    return None


def _field_run_in_eval(callee: ScopeResult, env: dict, local: set) -> Optional[Value]:
    """A field of `self` that a method runs forward itself (`self.net(x)`), or a name of the
    caller's that a function defined inside it runs (`inception_model(x)`, not one of its `local`
    names), which the caller has put in eval mode: the module the call runs."""
    own = local | (set(_parameter_names(callee.scope)) if callee.scope is not None else set())
    for token in callee.forwards:
        spelled = token.call.callee
        if token.callee is not None or not spelled or spelled.count(".") > 1:
            # a method of a field (`self.actor.get_action(s)`, `self.net.encode(x)`): the field
            spelled = dotted_name(token.call.receiver) if token.call.receiver is not None else None
            if spelled is None or spelled.count(".") != 1:
                continue
        if spelled.startswith("self.") and spelled.count(".") == 1 or "." not in spelled and spelled not in own:
            value = env.get(spelled)
            if value is not None and value.kind is Kind.MODULE and value.training is Training.EVAL:
                return value
    return None


def _fields_of(receiver: str, env: dict) -> dict:
    """What the caller knows of an object's fields (`agent.actor` after `agent.actor.eval()`), as
    its methods spell them (`self.actor`)."""
    prefix = receiver + "."
    return {"self." + key[len(prefix):]: value for key, value in env.items()
            if key.startswith(prefix) and "." not in key[len(prefix):]}


def _is_literal(node: cst.BaseExpression) -> bool:
    return _literal_of(node) is not _MISSING or isinstance(node, (cst.Float, cst.Tuple, cst.List, cst.Dict))


def _creates_trainable_leaf(fact: Optional[CallFact]) -> bool:
    """`nn.Parameter(t)` (unless `requires_grad=False`) or a torch factory given `requires_grad=True`."""
    if fact is None or fact.qualified is None:
        return False
    wanted = next((not is_false(arg.value) for arg in fact.node.args
                   if arg.keyword is not None and arg.keyword.value == "requires_grad"), None)
    if fact.qualified in ("torch.nn.Parameter", "torch.nn.parameter.Parameter"):
        return wanted is not False
    return bool(wanted) and fact.qualified.startswith("torch.") and fact.qualified.rpartition(".")[2] in TENSOR_CREATION


# Operators that save both operands for the backward pass (`+` and `-` save none; checked on
# torch in test_torch_facts.py).
_SAVING_OPERATORS = (cst.Multiply, cst.Divide, cst.MatrixMultiply, cst.Power)


def _target_loss(fact: CallFact, callee: Optional[Value]) -> Optional[str]:
    """The name of the torch loss of a prediction and a target that the call runs (`mse_loss`,
    `MSELoss`): `F.mse_loss`, an instance of `nn.MSELoss` or of a project class derived from one
    (`knowledge.TARGET_LOSS_*`); else None."""
    if fact.qualified is not None and fact.qualified.startswith("torch."):
        if fact.qualified.rpartition(".")[2] in knowledge.TARGET_LOSS_FUNCTIONS:
            return fact.qualified.rpartition(".")[2]
    if callee is None:
        return None
    if isinstance(callee.ref, str):  # an instance of a torch class
        names = [callee.ref] if callee.is_loss else []
    elif "forward" in getattr(callee.ref, "methods", {}):
        return None  # a project loss with its own `forward`: its arguments may mean anything
    else:  # an instance of a project class (`class WeightedMSE(nn.MSELoss)`)
        names = list(getattr(callee.ref, "ancestry", ()))
    return next((name.rpartition(".")[2] for name in names if isinstance(name, str) and name.startswith("torch.")
                 and name.rpartition(".")[2] in knowledge.TARGET_LOSS_CLASSES), None)


def _saves_target(loss: str, arguments: list) -> bool:
    """Does the torch loss `loss` save its target for the backward pass (checked on torch in
    test_torch_facts.py)? `kl_div` does unless `log_target=True` (or a flag not known to be False)."""
    if loss in knowledge.TARGET_NOT_SAVED:
        return False
    if loss == "kl_div":
        return all(is_false(arg.value) for arg, _ in arguments
                   if arg.keyword is not None and arg.keyword.value == "log_target")
    return True


def _is_numpy(value: Value) -> bool:
    """What a NumPy or SciPy call made (see `lattice.NUMPY`)."""
    return value.kind is Kind.PYTHON and value.ref == NUMPY.ref


def _graphless_part(part: Value) -> bool:
    """A part of what a `forward` returns that holds no graph whatever it is given: a plain value,
    or a tensor it made without one from detached outputs or indices (an accuracy of
    `logits.detach()`). One computed with gradients disabled keeps the output's value, which
    says so (NG208 reads it)."""
    return part.kind is Kind.PYTHON or (part.kind is Kind.TENSOR and part.graph is Graph.NO and part.nograd is None)


def _is_true(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "True"


def _of_parameters(value: Value) -> bool:
    """A parameter of `m.parameters()` (in a loop over them): `freeze_owner` knows its module."""
    return isinstance(value.ref, tuple) and len(value.ref) == 2 and value.ref[0] == "parameters"


def _forced(call: cst.Call) -> bool:
    """`out.numpy(force=True)`: torch detaches first instead of raising."""
    return any(not is_false(arg.value) for arg in call.args)


def root_name(node: cst.BaseExpression) -> Optional[str]:
    """`self` for `self.actors[i].net`: the name an attribute and subscript chain starts from."""
    while node.__class__ is cst.Attribute or node.__class__ is cst.Subscript:  # by identity: see LEAF_LITERALS
        node = node.value
    return node.value if node.__class__ is cst.Name else None


def _receiver_word(receiver: str) -> Optional[str]:
    """The last word of a receiver's last name, digits dropped (`self.q_net2`: `net`), when it is
    long enough to name a class by."""
    words = knowledge.split_words(receiver.rpartition(".")[2])
    word = words[-1].rstrip("0123456789") if words else ""
    return word if len(word) > 2 else None


def _named_with(word: str, method: FunctionInfo) -> bool:
    """The method's class, or one of its bases, has `word` in its name (`model` of a
    `TransE(Model)`, `agent` of a `DQNAgent`)."""
    names = (method.class_name or "", *_class_names(method.class_info))
    return any(word in knowledge.class_name_words(name) for name in names)


def _switched_off_when_training(statement: cst.If) -> Optional[str]:
    """`model` for `if model.training: ... model.eval()` without `else`: after it the module is in
    eval mode on both paths (it was, or the branch put it there)."""
    test = statement.test
    if (test.__class__ is not cst.Attribute or test.attr.value != "training" or statement.orelse is not None
            or not isinstance(statement.body, cst.IndentedBlock)):
        return None
    return dotted_name(test.value)


def chain_root(node: Optional[cst.BaseExpression]) -> Optional[str]:
    """`f` for `f.float().eval()`: the name a chain of module methods that return the module
    starts from (they change that module in place)."""
    while (node.__class__ is cst.Call and node.func.__class__ is cst.Attribute  # by identity: see LEAF_LITERALS
           and node.func.attr.value in SELF_RETURNING):
        node = node.func.value
    return dotted_name(node) if node is not None else None


def _unpacks_values_and_indices(assign: cst.Assign, imports) -> bool:
    """`values, indices = x.topk(k)`, `_, pred = torch.max(out, 1)`: a reduction that gives a pair
    (`max`, `min`, `median` and `mode` only when given a dimension) unpacked into two names."""
    if len(assign.targets) != 1 or not _reduction_call(assign.value):
        return False
    target = assign.targets[0].target
    if target.__class__ not in (cst.Tuple, cst.List) or len(target.elements) != 2 or any(
            element.__class__ is cst.StarredElement for element in target.elements):
        return False
    call = assign.value
    if call.func.__class__ is not cst.Attribute:
        return False  # the builtin `max(a, b)`
    if call.func.attr.value in ("topk", "sort", "kthvalue"):
        return True
    # `torch.max(x, 1)` takes the tensor first, `x.max(1)` does not
    given = len(call.args) - (1 if imports.resolve(call.func) == f"torch.{call.func.attr.value}" else 0)
    return given >= 1 or any(arg.keyword is not None and arg.keyword.value == "dim" for arg in call.args)


def _reduction_call(node: cst.BaseExpression) -> bool:
    """`x.topk(k)`, `torch.sort(x)`, `x.max(dim=1)`: a call whose result has `.values` and `.indices`."""
    if not isinstance(node, cst.Call):
        return False
    func = node.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
    return name in INDEXING_REDUCTIONS


def _unwrapped(module: Value) -> Optional[Value]:
    """`net.module` of a module wrapped to run on several devices (`nn.DataParallel(net)`, or a
    union with it after `net = DDP(net)` in one branch): the wrapped module, of the classes the
    union names besides the wrapper (of no known class when it names none)."""
    refs = module.ref if isinstance(module.ref, tuple) else (module.ref,)
    wrappers = [ref for ref in refs if isinstance(ref, str) and ref in knowledge.PARALLEL_WRAPPERS]
    if not wrappers:
        return None
    inner = tuple(ref for ref in refs if not any(ref is wrapper for wrapper in wrappers))
    return module.but(ref=inner[0] if len(inner) == 1 else inner or None)


def _inherit_mode(owner: Value, field: Value) -> Value:
    """A submodule of a module in eval mode is in eval mode (`eval()` is recursive), and of a
    frozen module frozen (`requires_grad_(False)` and `parameters()` reach every submodule)."""
    if owner.kind is not Kind.MODULE or field.kind is not Kind.MODULE:
        return field
    if owner.training is Training.EVAL:
        field = field.but(training=Training.EVAL, eval_reason=owner.eval_reason)
    if owner.frozen is True and field.frozen is not True:
        field = field.but(frozen=True)
    return field


def _inside(node: cst.CSTNode, tree: Optional[cst.CSTNode]) -> bool:
    return tree is not None and any(child is node for child in iter_nodes(tree))


def _as_tensor(value: Value) -> Value:
    return value.but(kind=Kind.TENSOR) if value.kind is Kind.MODULE else value


def _partial(arguments: list) -> Value:
    """`functools.partial(f, key=value)` calls `f`; with positional arguments bound too, the
    callee's parameters no longer line up with the call's: a callable we cannot see into."""
    (first, function), rest = arguments[0], arguments[1:]
    if first.keyword is None and not first.star and function.kind in CALLABLE_KINDS and all(
            arg.keyword is not None for arg, _ in rest):
        return function
    return Value(Kind.FUNCTION, Graph.NO)


def _volatile_variable(fact: CallFact) -> bool:
    """`Variable(x, volatile=True)`: before PyTorch 0.4, the way to run without gradients; since
    then it has no effect (torch only warns), so the forward passes it feeds record graphs."""
    return ((fact.callee or "").rpartition(".")[2] == "Variable" and fact.qualified in (
        None, "torch.autograd.Variable", "torch.autograd.variable.Variable")
            and any(arg.keyword is not None and arg.keyword.value == "volatile" and isinstance(arg.value, cst.Name)
                    and arg.value.value == "True" for arg in fact.node.args))


def is_project_function(value: Value) -> bool:
    """A function of the project (not a method bound to an object, not a library's)."""
    return value.kind is Kind.FUNCTION and isinstance(value.ref, FunctionInfo)


def is_project_functions(value: Value) -> bool:
    """A function of the project, or one of several (`eval_fn` that each builder gives another
    episode function): a call runs one of them."""
    return value.kind is Kind.FUNCTION and (isinstance(value.ref, FunctionInfo) or isinstance(value.ref, tuple) and all(
        isinstance(one, FunctionInfo) for one in value.ref))


def _is_or_scales(node: cst.BaseExpression, name: str) -> bool:
    """`name`, or `name` times a factor (`avg * 0.99`, `decay * avg`)."""
    if node.__class__ is cst.Name:
        return node.value == name
    return (node.__class__ is cst.BinaryOperation and node.operator.__class__ is cst.Multiply
            and any(side.__class__ is cst.Name and side.value == name for side in (node.left, node.right)))


def freezing_flags(analysis, init: FunctionInfo) -> list:
    """What the statements of `init`'s own body set every parameter's `requires_grad` to: `False`
    for a literal or `p.detach_()`, the parameter's name for a flag `init` is given (`p.requires_grad =
    requires_grad` in a loop over `self.parameters()`, `self.requires_grad_(flag)`)."""
    params = set(_parameter_names(init))

    def flag_of(value: Optional[cst.BaseExpression]):
        if isinstance(value, cst.Name):
            return False if value.value == "False" else value.value if value.value in params else None
        return None

    flags = []
    statements = suite_statements(init.node.body)
    for statement in statements:
        every_field = isinstance(statement, cst.For) and _freezes_computed_fields(statement, statements)
        if every_field:
            statement = suite_statements(statement.body)[0]  # `for p in getattr(self, f"enc_{i}").parameters():`
        if isinstance(statement, cst.For) and isinstance(statement.target, cst.Name) and (
                every_field or _calls_own(statement.iter, "parameters")):
            for inner in suite_statements(statement.body):
                small = inner.body[0] if isinstance(inner, cst.SimpleStatementLine) and len(inner.body) == 1 else None
                if (isinstance(small, cst.Assign) and len(small.targets) == 1
                        and dotted_name(small.targets[0].target) == f"{statement.target.value}.requires_grad"):
                    flags.append(flag_of(small.value))
                elif (isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) and not small.value.args
                      and dotted_name(small.value.func) == f"{statement.target.value}.detach_"):
                    flags.append(False)  # `p.detach_()`: the parameter no longer requires gradients
        elif isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 \
                and isinstance(statement.body[0], cst.Expr) and _calls_own(statement.body[0].value, "requires_grad_"):
            args = statement.body[0].value.args
            flags.append(flag_of(args[0].value) if args else None)
    return [flag for flag in flags if flag is not None]


def _freezes_computed_fields(loop: cst.For, statements) -> bool:
    """`for i in range(3):` around one loop over `getattr(self, 'enc_{:d}'.format(i + 1)).parameters()`,
    in an `__init__` every one of whose fields built by a call (`self.enc_1 = nn.Sequential(...)`)
    has a name of that start: the loop reaches every parameter."""
    body = suite_statements(loop.body)
    inner = body[0] if len(body) == 1 and isinstance(body[0], cst.For) else None
    prefix = _computed_field_parameters(inner.iter) if inner is not None else None
    if not prefix:
        return False
    built = [target.target.attr.value for statement in statements if isinstance(statement, cst.SimpleStatementLine)
             for small in statement.body if isinstance(small, cst.Assign) and isinstance(small.value, cst.Call)
             for target in small.targets if isinstance(target.target, cst.Attribute)
             and isinstance(target.target.value, cst.Name) and target.target.value.value == "self"]
    return bool(built) and all(name.startswith(prefix) for name in built)


def _computed_field_parameters(node: cst.BaseExpression) -> Optional[str]:
    """The fixed start of the field names in `getattr(self, <computed name>).parameters()`."""
    if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "parameters"):
        return None
    inner = node.func.value
    if not (isinstance(inner, cst.Call) and dotted_name(inner.func) == "getattr" and len(inner.args) >= 2
            and isinstance(inner.args[0].value, cst.Name) and inner.args[0].value.value == "self"):
        return None
    return computed_name_prefix(inner.args[1].value)


def _calls_own(node: cst.BaseExpression, method: str) -> bool:
    """`self.<method>()`."""
    return isinstance(node, cst.Call) and dotted_name(node.func) == f"self.{method}"


def _thawed(flag: Optional[cst.BaseExpression]) -> Optional[bool]:
    """The frozen state `requires_grad_(flag)` (or `= flag`) leaves: thawed by a literal `True` or
    no argument, unknown for a runtime flag."""
    return False if flag is None or (isinstance(flag, cst.Name) and flag.value == "True") else None


def _module_handed(summary, params: dict) -> Optional[Value]:
    """The surest module passed to a project function that calls it (`langevin(score_net, x)`),
    frozen and parameter-free modules aside: None when there is none."""
    modules = [value for name, value in params.items() if value.kind is Kind.MODULE
               and "called" in summary.param_uses.get(name, ()) and not (value.frozen or parameter_free_module(value))]
    return max(modules, key=lambda module: module.evidence, default=None)


def _calls_no_module_that_records(summary, params: dict, arguments: list) -> bool:
    """A helper that runs forward only the modules passed to it, each given frozen (every parameter
    `requires_grad=False`) or without parameters (`postprocess(x, anchors, regress_boxes)`, a box
    decoder of buffers) and fed nothing with a graph, or given something that is no module at
    all (`evaluate(dataset, model)` whose `generator.label_to_name(i)` read as a forward pass by
    the parameter's name): the call records nothing."""
    called = [name for name, uses in summary.param_uses.items() if "called" in uses and name not in ("self", "cls")]
    if not called or summary.result.other_forwards or not all(name in params for name in called):
        return False
    modules = [name for name in called if params[name].kind is Kind.MODULE
               and (params[name].frozen or parameter_free_module(params[name]))]
    if not all(name in modules or _surely_no_module(params[name]) for name in called):
        return False
    if any(params[name].is_loss and getattr(params[name].ref, "methods", None) is not None for name in modules) and any(
            value.kind is Kind.MODULE and not (value.frozen or parameter_free_module(value))
            for name, value in params.items() if name not in ("self", "cls")):
        return False  # a project loss may run the networks it is handed (`criterion(x, y, student)`)
    return not modules or all(value.graph is not Graph.YES for _, value in arguments if value.kind is not Kind.MODULE)


def _method_of_a_frozen_module(summary, params: dict, arguments: list) -> bool:
    """A method called on a module given frozen (`clip.requires_grad_(False)`, then
    `clip.encode(tokens)`), fed nothing with a graph, that runs forward no module passed to it
    but frozen ones: its submodules are frozen too, so the call records nothing, as its forward
    would not (see `Interpreter.forward`)."""
    receiver = params.get("self")
    if receiver is None or receiver.kind is not Kind.MODULE or receiver.frozen is not True:
        return False
    called = [name for name, uses in summary.param_uses.items() if "called" in uses and name not in ("self", "cls")]
    if not all(name in params and (params[name].frozen or _surely_no_module(params[name])) for name in called):
        return False
    return all(value.graph is not Graph.YES for _, value in arguments if value.kind is not Kind.MODULE)


def _is_distribution_class(qualified: Optional[str]) -> bool:
    """`torch.distributions.Normal`, `torch.distributions.categorical.Categorical`."""
    return qualified is not None and qualified.startswith(DISTRIBUTIONS) and qualified.rpartition(".")[2][:1].isupper()


def _surely_no_module(value: Value) -> bool:
    """A plain Python value, or an instance of a project class that is no nn.Module (a dataset)."""
    return value.kind is Kind.PYTHON or (value.kind is Kind.OBJECT and getattr(value.ref, "is_module", None) is False)


def parameter_free_module(module: Value) -> bool:
    """A module with no parameter (a parameter-free torch layer, a project module class of
    buffers and such layers; see `ClassModel.parameter_free`), unless a checkpoint is loaded into it."""
    if module.kind is not Kind.MODULE or module.weights or module.ref is None:
        return False
    refs = module.ref if isinstance(module.ref, tuple) else (module.ref,)
    return all((isinstance(ref, str) and (ref in knowledge.PARAMETER_FREE_LAYERS or _torch_loss_class(ref)))
               or getattr(ref, "parameter_free", False) is True for ref in refs)


def _rebinds_names_only(body: cst.BaseSuite) -> bool:
    """A block whose statements only bind names to names (`noisev = noise`), and no more."""
    statements = body.body if isinstance(body, cst.IndentedBlock) else [cst.SimpleStatementLine(body=body.body)]
    for statement in statements:
        if not isinstance(statement, cst.SimpleStatementLine):
            return False
        for small in statement.body:
            if not (isinstance(small, cst.Assign) and all(isinstance(t.target, cst.Name) for t in small.targets)
                    and isinstance(small.value, cst.Name)):
                return False
    return bool(statements)


def _holds_a_loss(module: Value) -> bool:
    """One of the classes a module may be is a loss (`criterions["cls"]` read from a dict of a
    torch loss and a project one): called by a loss's name, it is that loss."""
    refs = module.ref if isinstance(module.ref, tuple) else (module.ref,)
    return any((isinstance(ref, str) and _torch_loss_class(ref)) or getattr(ref, "is_loss", False) is True
               for ref in refs)


def _torch_loss_class(qualified: str) -> bool:
    """`torch.nn.CrossEntropyLoss`: torch's loss modules hold no parameter (their `weight` is a
    buffer), but for the one that is an output layer too."""
    return (qualified.startswith("torch.nn.") and qualified.endswith("Loss")
            and qualified != "torch.nn.AdaptiveLogSoftmaxWithLoss")


def _stores_arguments(method: Optional[str]) -> bool:
    """`obj.set_data(x)`, `obj.add_sample(x)`, `obj.register(x)`: a method whose name says it
    keeps its arguments."""
    words = knowledge.split_words(method or "")
    return bool(words) and words[0] in knowledge.STORING_VERBS


def _class_names(info) -> frozenset:
    """The last names of a class's bases and their bases (`pkg.tracker.SiamRPNTracker`: `SiamRPNTracker`)."""
    if info is None:
        return frozenset()
    return frozenset(base.rpartition(".")[2] for base in (*info.bases, *info.ancestors))


def _reads_as_action(method: str) -> bool:
    """`model.save_pretrained(...)`, `model.get_input_embeddings()`: a module method that is not a
    forward pass, by its first word."""
    words = knowledge.split_words(method)
    return not words or words[0] in knowledge.MODEL_VERBS or method.startswith("_")


def _trains_with(method: str, arguments: list) -> bool:
    """A module's method that trains on what it is given, by its first word (`train_step(loss)`,
    `learn(batch_loss)`), or given an optimizer (`net.apply_loss(loss, self.optim)`)."""
    words = knowledge.split_words(method)
    return (bool(words) and words[0] in knowledge.TRAINING_VERBS) or any(
        value.kind is Kind.OPTIMIZER for _, value in arguments)


def _steps_with(arguments: list) -> bool:
    """Given an optimizer and a tensor that may carry a graph (`scaler(loss, optimizer)`)."""
    return (any(value.kind is Kind.OPTIMIZER for _, value in arguments)
            and any(value.kind in (Kind.TENSOR, Kind.UNKNOWN) and value.graph is not Graph.NO and value.sources
                    for _, value in arguments))


def _infers(method: str) -> bool:
    """`predict`, `infer_batch`, `generate`: a module method that runs the model, by its first word."""
    words = knowledge.split_words(method)
    return bool(words) and words[0] in knowledge.INFERENCE_VERBS


def _expressions_of(small: cst.CSTNode):
    for field in ("exc", "cause", "test", "msg", "target"):
        value = getattr(small, field, None)
        if value is not None and isinstance(value, cst.BaseExpression):  # None first: no ABC check
            yield value


_ = bound_names  # re-exported for rules that bind targets the same way


def makes_a_new_leaf(fact) -> bool:
    """`x.requires_grad = True`, `x.requires_grad_()` or `torch.tensor(x, requires_grad=True)`: the
    facts `Interpreter.new_leaf` records."""
    return not isinstance(fact, CallFact) or fact.method == "requires_grad_" or fact.qualified in LEAF_CONSTRUCTORS


def _tensor_guessed_a_module(receiver: Value, method: str, model) -> bool:
    """Is `receiver.method(...)` a tensor method called on a value read as a module only from its
    name or its callers (`checkpoint_model`, a state dict)? A class of the project may define it."""
    return (receiver.kind is Kind.MODULE and receiver.evidence < Evidence.DUCK and method in TENSOR_ONLY_METHODS
            and (receiver.ref is None or model.method_of(receiver.ref, method) is None))
