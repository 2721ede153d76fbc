"""The abstract values the analysis gives every expression, and how two of them join.

A value says what an expression may hold at run time: an `nn.Module` (in train or eval mode,
frozen or not, and how sure we are that it is a module), a tensor (with an autograd graph, without
one, or maybe; which forward passes' graphs it carries; whether it is an inference tensor), a plain
Python value, an optimizer, a function or class of the project, another object, or unknown.
"""
from __future__ import annotations

import dataclasses
import enum
from typing import Any, Optional

import libcst as cst


class Kind(str, enum.Enum):
    UNKNOWN = "unknown"
    MODULE = "module"  # an nn.Module: calling it is a forward pass
    TENSOR = "tensor"  # a tensor, or a container of tensors
    PYTHON = "python"  # numbers, strings, None, booleans: never a graph
    OPTIMIZER = "optimizer"
    FUNCTION = "function"  # ref: the FunctionInfo of a function of this module
    CLASS = "class"  # ref: the ClassModel of a project class, or a qualified name
    OBJECT = "object"  # an instance of another class (ref: its ClassModel, or a qualified name)


class Graph(enum.IntEnum):
    """Does a tensor carry an autograd graph? Ordered so that joining keeps the less certain."""

    NO = 0
    MAYBE = 1
    YES = 2


class Training(str, enum.Enum):
    TRAIN = "train"
    EVAL = "eval"
    UNKNOWN = "unknown"


class Evidence(enum.IntEnum):
    """How we know a value is an nn.Module, weakest first."""

    NAME = 1  # only its name reads as a model (`model`, `self.net`)
    CALLERS = 2  # its callers pass a module
    DUCK = 3  # the code calls module-only methods on it (`.eval()`, `.parameters()`, ...)
    CLASS = 4  # built from an nn.Module class (torch.nn, a model factory, a project subclass)


class NoGrad(enum.IntEnum):
    """Why a tensor has no graph although it was computed: gradients were disabled."""

    SUSPECT = 1  # made by a call we cannot see into, with gradients disabled: probably no graph
    SURE = 2  # a forward pass, a loss, or arithmetic on a graph, with gradients disabled


# Not frozen: a frozen dataclass's `__init__` stores each of these fields through
# `object.__setattr__`, five times the cost of plain stores, and a run makes tens of thousands
# of values. None is changed once made (`but` gives a changed copy); they hash by their fields.
@dataclasses.dataclass(unsafe_hash=True)
class Value:
    kind: Kind = Kind.UNKNOWN
    graph: Graph = Graph.MAYBE
    sources: frozenset = frozenset()  # ids of the forward passes whose graph the value may carry
    params: frozenset = frozenset()  # parameters of the function the value comes from
    training: Training = Training.UNKNOWN  # modules
    frozen: Optional[bool] = None  # modules: every parameter has requires_grad=False
    evidence: Evidence = Evidence.NAME  # modules
    nograd: Optional[NoGrad] = None  # tensors computed with gradients disabled
    nograd_node: Optional[cst.CSTNode] = None  # the computation done without gradients
    nograd_state: Any = None  # the GradState that disabled them
    inference: Optional[cst.CSTNode] = None  # set when the value is an inference tensor (or a view of one)
    ref: Any = None
    eval_reason: Optional[str] = None  # modules in eval mode: why (for messages)
    is_loss: bool = False  # modules: a loss function (its call is not a model's forward pass)
    weights: bool = False  # modules: the code loads a state dict into it, so it has weights
    # containers: ids of slots filled with a value computed without gradients (`losses["aux"]`
    # set under no_grad); summed into a loss later, that slot contributes no gradient
    dropped: frozenset = frozenset()
    detached: frozenset = frozenset()  # ids of forward passes whose outputs were detached into this value
    # of `sources`, those whose outputs reached this value through a call of code not read (a
    # transform object, another library's function): what comes out may carry no graph at all
    opaque: frozenset = frozenset()
    # ids of the calls of forward passes run with gradients disabled whose outputs this value is
    # computed from (`with torch.no_grad(): h = encoder(x)`, then `head(h)`): they give it no gradient
    fed_without_grad: frozenset = frozenset()
    # ids of forward passes whose graph a computation with gradients disabled dropped on the way
    # to this value (`torch.Tensor(actions)` under `no_grad`: the alias records nothing)
    cut: frozenset = frozenset()
    elements: Optional[tuple] = None  # a tuple or list written out: each element's value
    # objects of project classes: literal constructor arguments their `__init__` stores
    # (`LossCompute(gen, crit, None)` -> (("self.opt", None),)), read by `if self.opt is None:`
    constants: tuple = ()
    # objects of project classes: the modules their constructor call passed and `__init__` stores
    # as they are (`Trainer(net, opt)` -> (("model", <net>),)): what `trainer.model` holds
    held: tuple = ()

    def but(self, **changes) -> "Value":
        if not changes.keys() <= _FIELDS:
            return dataclasses.replace(self, **changes)  # raises the usual TypeError
        fields = self.__dict__.copy()  # (a copy given to the new value, not one filled field by field)
        fields.update(changes)
        value = object.__new__(Value)
        value.__dict__ = fields
        return value

    @property
    def carries_graph(self) -> bool:
        return self.graph is not Graph.NO


@dataclasses.dataclass(frozen=True)
class BoundMethod:
    """The `ref` of a method of a project class read off an object without calling it
    (`fn = self.sample_ddim`): a call of the value runs `function` with `receiver` as `self`."""

    function: Any  # a FunctionInfo (gradmode.py, which this module cannot import)
    receiver: Value


UNKNOWN = Value()
PYTHON = Value(Kind.PYTHON, Graph.NO)
# What a NumPy or SciPy call makes (an array or a NumPy number): a tensor stored into one of its
# slots becomes a number (`scores[i] += out`), its graph dropped
NUMPY = Value(Kind.PYTHON, Graph.NO, ref="numpy")
NO_GRAPH = Value(Kind.TENSOR, Graph.NO)


def of_project_classes(value: Value) -> bool:
    """Is the value an object of a class of the project, or of one of several (`Agents(args)`, a
    union: see `join`)? Those classes are read (they have methods); a library's are only named."""
    refs = value.ref if isinstance(value.ref, tuple) else (value.ref,)
    return value.kind is Kind.OBJECT and bool(refs) and all(getattr(one, "methods", None) is not None for one in refs)


def join(*values: Value) -> Value:
    """A value that covers each of `values` (where branches meet, or a container's elements)."""
    if None in values:  # identity first: no Value is equal to None
        values = [v for v in values if v is not None]
    if not values:
        return PYTHON
    first = values[0]
    for v in values:
        if v is not first:
            break
    else:  # one value, or the same one from each branch (most joins)
        return first
    kinds = {v.kind for v in values}
    if len(kinds) == 1:
        kind = first.kind
    elif kinds <= {Kind.PYTHON, Kind.TENSOR}:
        kind = Kind.TENSOR
    elif len(kinds - {Kind.PYTHON}) == 1:
        kind = next(iter(kinds - {Kind.PYTHON}))  # `model = None` then `model = Net()`
    elif _callables(kinds, values):
        kind = Kind.FUNCTION  # a function, or an object of a project class called as its `__call__`
    else:
        kind = Kind.UNKNOWN
    # One pass over the values (this is the analysis's hottest function).
    training, frozen, refs = set(), set(), set()
    strongest = modules = evidence = eval_reason = None
    graph, is_loss, weights, all_no_graph, all_inference = Graph.NO, True, True, True, True
    inference, constants, held = None, first.constants, first.held
    sources, params, dropped, detached, opaque, fed_without_grad, cut = [], [], [], [], [], [], []  # the sets not empty
    for v in values:
        if v.sources:
            sources.append(v.sources)
        if v.params:
            params.append(v.params)
        if v.dropped:
            dropped.append(v.dropped)
        if v.detached:
            detached.append(v.detached)
        if v.opaque:
            opaque.append(v.opaque)
        if v.fed_without_grad:
            fed_without_grad.append(v.fed_without_grad)
        if v.cut:
            cut.append(v.cut)
        if v.kind is kind:
            training.add(v.training)
            frozen.add(v.frozen)
            refs.add(v.ref)
        elif kind is Kind.FUNCTION and v.kind is Kind.OBJECT:
            refs.add(BoundMethod(_dunder_call(v), v))
        elif kind is Kind.FUNCTION and v.kind is Kind.UNKNOWN:
            refs.add(UNSEEN_CALLABLE)
        if v.nograd is not None and (strongest is None or v.nograd > strongest.nograd):
            strongest = v  # the first of the strongest, as max() picks
        if v.kind is Kind.MODULE:
            modules = True
            evidence = v.evidence if evidence is None else min(evidence, v.evidence)
            if eval_reason is None and v.eval_reason:
                eval_reason = v.eval_reason
            is_loss = is_loss and v.is_loss
            weights = weights and v.weights
        if v.graph > graph:
            graph = v.graph
        if v.graph is not Graph.NO:
            all_no_graph = False
        if v.inference is None:
            if v.kind is not Kind.PYTHON:  # `None` in one branch is no tensor
                all_inference = False
        elif inference is None:
            inference = v.inference
        if constants and v.constants != constants:
            constants = ()
        if held and v.held != held:
            held = ()
    # every field given, without the dataclass `__init__` or a dict of keywords made for a call
    # (joins build hundreds of thousands of values)
    joined = object.__new__(Value)
    joined.__dict__.update(
        kind=kind,
        graph=graph,
        sources=_union(sources),
        params=_union(params),
        training=training.pop() if len(training) == 1 else Training.UNKNOWN,
        frozen=frozen.pop() if len(frozen) == 1 else None,
        evidence=evidence if modules else Evidence.NAME,
        nograd=strongest.nograd if strongest is not None and all_no_graph else None,
        nograd_node=strongest.nograd_node if strongest is not None else None,
        nograd_state=strongest.nograd_state if strongest is not None else None,
        inference=inference if all_inference else None,
        ref=refs.pop() if len(refs) == 1 else _class_union(refs) if kind in (Kind.MODULE, Kind.OBJECT)
        else _callable_union(refs) if kind is Kind.FUNCTION else None,
        eval_reason=eval_reason,
        is_loss=is_loss if modules else False,
        weights=weights if modules else False,
        dropped=_union(dropped),
        detached=_union(detached),
        opaque=_union(opaque),
        fed_without_grad=_union(fed_without_grad),
        cut=_union(cut),
        elements=_join_elements(values),
        constants=constants,
        held=held,
    )
    return joined


def _class_union(refs: set) -> Optional[tuple]:
    """Modules of different known classes (`Gaussian(...)` in one branch, `Deterministic(...)` in
    the other): the tuple of their classes, as an annotated union is (no method is resolved on it
    unless every class has the same one, but each class says whether it has parameters); None
    when one of them is of an unknown class."""
    classes: dict[int, object] = {}
    for ref in refs:
        for one in ref if isinstance(ref, tuple) else (ref,):
            if one is None or isinstance(one, tuple):
                return None
            classes.setdefault(id(one), one)
    return tuple(sorted(classes.values(), key=lambda one: one if isinstance(one, str) else getattr(one, "name", "")))


class _UnseenCallable:
    """A member of a callable union whose code is not read (`identity` of a library, a lambda):
    a call of the union runs it as an unknown call."""

    def __repr__(self) -> str:
        return "UNSEEN_CALLABLE"


UNSEEN_CALLABLE = _UnseenCallable()


def _callables(kinds: set, values) -> bool:
    """Values chosen between that are each called as code: at least one object of a project class
    with a `__call__` (a decoder object), and the others functions, such objects, or callables not
    read that carry no tensor (`extractor = lambda sents: ...` in the other branch)."""
    kinds = kinds - {Kind.PYTHON}
    return (Kind.OBJECT in kinds and kinds <= {Kind.FUNCTION, Kind.OBJECT, Kind.UNKNOWN}
            and all(_dunder_call(v) is not None for v in values if v.kind is Kind.OBJECT)
            and all(not v.sources and not v.params for v in values if v.kind is Kind.UNKNOWN))


def _dunder_call(value: Value):
    """The `__call__` method an object of a project class runs when called (None: none known)."""
    methods = getattr(value.ref, "methods", None) if value.ref is not None and not isinstance(value.ref, tuple) else None
    return methods.get("__call__") if methods else None


def _callable_union(refs: set) -> Optional[tuple]:
    """Methods bound to objects, or the project's functions, chosen between (`fn = self.sample_ddim
    if ddim else self.sample`, or among three by `if`/`elif`/`else`, whose joins nest), with
    callables not read (`UNSEEN_CALLABLE`) beside objects called as their `__call__`: the tuple of
    them, a call runs one of them; None when one of them is something else."""
    flat = {id(one): one for ref in refs for one in (ref if isinstance(ref, tuple) else (ref,))}.values()
    if any(isinstance(one, BoundMethod) and one.receiver.kind is Kind.OBJECT for one in flat):
        # beside an object called as its `__call__`, a function not read (a library's, a lambda)
        seen = (UNSEEN_CALLABLE if one is None or isinstance(one, str) else one for one in flat)
        flat = {id(one): one for one in seen}.values()
    if not all(isinstance(ref, BoundMethod) or hasattr(ref, "entry") or ref is UNSEEN_CALLABLE for ref in flat):
        return None
    def place(ref) -> tuple:
        if ref is UNSEEN_CALLABLE:
            return -1, "", ""
        function = getattr(ref, "function", ref)
        return function.span.start, function.name, function.class_name or ""
    return tuple(sorted(flat, key=place))


_EMPTY: frozenset = frozenset()
_FIELDS = frozenset(field.name for field in dataclasses.fields(Value))


def _union(found: list) -> frozenset:
    """The union of frozensets none of which is empty, without building a new one when there is
    at most one (or each is the same)."""
    if not found:
        return _EMPTY
    first = found[0]
    for s in found:
        if s is not first:
            return frozenset().union(*found)
    return first


def _join_elements(values) -> Optional[tuple]:
    """Element-wise, when every value is a written-out sequence of the same length."""
    if values[0].elements is None:  # most values: none written out
        return None
    lengths = {len(v.elements) if v.elements is not None else -1 for v in values}
    if len(lengths) != 1 or -1 in lengths:
        return None
    return tuple(join(*parts) for parts in zip(*(v.elements for v in values)))


def merge(a: dict, b: dict) -> dict:
    """Two environments (name -> Value) joined where branches meet."""
    merged = dict(a)
    for name, value in b.items():
        old = a.get(name)
        if old is not value:  # most names hold the same value in both branches
            merged[name] = join(old, value) if old is not None else value
    return merged
