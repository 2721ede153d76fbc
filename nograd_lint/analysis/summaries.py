"""The model of one module: its classes, a summary of each function, and the context each function
is called in.

Functions are summarised once, callees before callers (a reverse topological order of the call
graph, strongly connected parts together), with the interpreter in `interpret.py`: what a function
does with each parameter, what it returns, whether it runs forward passes, trains or wants
gradients. Callers read callees through these summaries. Then the module's top level and the
functions are interpreted again, callers before callees, each function in the context its callers
give it (the join of their argument values, and literal flags such as `train=False`); the rules
read those final results. Each function is interpreted a bounded number of times, so the cost grows
linearly with the module.
"""
from __future__ import annotations

import dataclasses
import functools
import os
import re
from pathlib import Path
from typing import Callable, Iterable, Optional

import libcst as cst

from ..io.sources import read_bytes
from . import knowledge
from .gradmode import (ENABLED_BY_DEFAULT, FACT_LISTS, FileAnalysis, FunctionInfo, GradState, Mode, Origin, callees, in_import,
                       script_bodies)
from .imports import ImportMap, dotted_name
from .calls import adapts_by_gradient, dispatch_prefix, gradient_flags, is_backward, may_adapt_by_gradient, mode_switch
from .demand import OnDemand
from .interpret import (CONTAINER_STORES, DEFAULT_CONTEXT, MODULE_ONLY_METHODS, RETURNED, SELF_RETURNING, Context, Interpreter,
                        ScopeResult, _bind_arguments, _parameter_names, _stored_parameters, chain_root, freezing_flags, interpret,
                        is_project_function, is_project_functions, parameter_free_module, super_init_call)
from .plain_fields import read_as_plain
from .treewalk import attributes_on_names, child_pusher, is_detached, iter_nodes, names_in
from .syntax import ends_in_raise, is_stub
from .unguarded import runs_unconditionally
from .lattice import NO_GRAPH, PYTHON, UNKNOWN, Evidence, Graph, Kind, NoGrad, Training, Value, join, of_project_classes

MAX_CONTEXTS = 3  # distinct literal-flag contexts interpreted per function
MAX_BASE_HOPS = 8  # how many `super().__init__(...)` calls up the fields stored as given are followed
# What every nn.Module has, besides its class's own methods.
MODULE_API = frozenset(MODULE_ONLY_METHODS | SELF_RETURNING | {
    "forward", "zero_grad", "named_parameters", "register_buffer", "add_module", "apply", "load_state_dict",
    "state_dict", "extra_repr", "reset_parameters", "_apply", "__setstate__", "__getstate__"})


# grad-mode changes in a `forward`: a parameter-free module's output is then not simply what its
# input brings (a `.detach()` or `.data` only drops some of that, which reading the output as the
# input's graph overstates, as an unknown function of the input is read)
_GRAPH_CUTS = ("no_grad", "inference_mode", "set_grad_enabled", "enable_grad", "requires_grad")
_CALLS_OWN_METHOD = re.compile(r"self\.(?!register_buffer\b)\w+\s*\(")  # `self._build_model()` in `__init__`
_UNSEEN_REGISTRATIONS = ("register_parameter", "add_module", "setattr", "Parameter", "register_module", "__dict__")
_WORD = re.compile(r"\w+")


def path_in_project(path: str, project) -> str:
    """`path` relative to the project's root when there is one (a checkout kept under a `tests`
    folder is no test), else as it is (also on another drive than the root's)."""
    root = getattr(project, "root", None)
    if root is None:
        return path
    try:
        return os.path.relpath(path, root)
    except ValueError:
        return path


def _holds_no_parameter(value: Value) -> bool:
    """A field that adds no parameter to its module: a plain value, a tensor made without
    gradients, a parameter-free or frozen layer, an instance of a parameter-free module class."""
    if value.kind is Kind.PYTHON or (value.kind is Kind.TENSOR and value.graph is Graph.NO):
        return True
    return value.kind is Kind.MODULE and (bool(value.frozen) or parameter_free_module(value))


def _code_of(node) -> str:
    return cst.Module([]).code_for_node(node)


_FROM_BASES = frozenset({"methods", "ancestry", "inherited", "is_module", "is_optimizer", "is_loss"})


@dataclasses.dataclass(eq=False)
class ClassModel:
    """A class of the project. `methods` (its own and inherited), `ancestry`, `inherited`,
    `is_module`, `is_optimizer` and `is_loss` come from its bases; in a module read on demand they
    are resolved when first read (`_resolve`), so the modules its bases live in are read only for
    the classes some code uses."""
    name: str
    bases: tuple[str, ...]
    own_methods: dict[str, FunctionInfo] = dataclasses.field(default_factory=dict)
    switched_fields: set = dataclasses.field(default_factory=set)  # put in train mode outside __init__
    rebound_fields: set = dataclasses.field(default_factory=set)  # stored by methods other than __init__
    construction_helpers: set = dataclasses.field(default_factory=set)  # ids of methods only __init__ calls
    init_calls_unsummarised: bool = False  # __init__ calls functions not summarised when it was read
    _fields: dict[str, Value] = dataclasses.field(default_factory=dict)
    _pending_fields: Optional[Callable[[], None]] = None  # see ModuleModel.build_summaries
    _find_stores: Optional[Callable[[str, Callable[[str], bool]], None]] = None  # see `stored_by_methods`
    _sought: set = dataclasses.field(default_factory=set)  # attributes `stored_by_methods` looked for
    _parameter_free: Optional[bool] = None  # see `parameter_free`
    _resolve: Optional[Callable[["ClassModel"], None]] = None  # sets the attributes below, once
    _imports: Optional[ImportMap] = None  # of its module: what its methods' calls are

    def __getattr__(self, name: str):
        """`methods`, `ancestry` (every base class, qualified where known, through the project's
        modules), `inherited` (classes of other modules among its bases), `is_module`,
        `is_optimizer`, `is_loss`: resolved from the bases on first read."""
        resolve = self.__dict__.get("_resolve")
        if resolve is None or name not in _FROM_BASES:
            raise AttributeError(name)
        self._resolve = None
        resolve(self)
        return self.__dict__[name]

    @property
    def is_plain(self) -> bool:
        """Derived from nothing (`class Runner:`, `class Runner(object):`): what it can do is what it defines."""
        return set(self.bases) <= {"object"}

    @property
    def parameter_free(self) -> bool:
        """A module class derived from `nn.Module` alone whose fields hold no parameter and no
        module with one: plain values, tensors made without gradients (buffers), parameter-free or
        frozen layers (`Audio2Mel` with its window and filter bank as buffers, an SSIM made of
        pooling layers, a loss that runs the networks it is given). Its forward pass records
        nothing its input does not bring."""
        if not self.is_module or not self.ancestry or set(self.ancestry) - knowledge.PLAIN_MODULE_CLASSES:
            return False
        if self._parameter_free is None:
            self._parameter_free = False  # a class holding itself: not shown free
            # the fields first (`_registers_unseen` builds bodies); bodies are read for fields of
            # unknown value only when every other field holds no parameter
            doubtful = [(attr, value) for attr, value in list(self.fields.items()) if not _holds_no_parameter(value)]
            self._parameter_free = (all(value.kind is Kind.UNKNOWN for _, value in doubtful)
                                    and all(self._read_as_plain(attr) for attr, _ in doubtful)
                                    and not self._registers_unseen())
        return self._parameter_free

    def _read_as_plain(self, attr: str) -> bool:
        """A field of unknown value (`self.cutn = cutn`) that the class's own methods read only as a
        plain value (`range(self.cutn)`): it holds no parameter (see plain_fields.py)."""
        for method in self.own_methods.values():
            method.ensure_body()  # a body deferred in a module read for its imports
        return self._imports is not None and read_as_plain(self.own_methods.values(), attr, self._imports)

    def _registers_unseen(self) -> bool:
        """`__init__` adds parameters or modules the fields do not show (`register_parameter`,
        `add_module`, `setattr`, a method of its own that builds layers), a method other than
        `__init__` stores a field, or `forward` changes the grad mode (a `no_grad` decorator or
        block, `requires_grad`)."""
        init, forward = self.methods.get("__init__"), self.methods.get("forward")
        if self.rebound_fields or forward is None:
            return True
        for method in (init, forward):
            if method is not None:
                method.ensure_body()  # a body deferred in a module read for its imports
        init_code = _code_of(init.node) if init is not None else ""
        return (any(word in init_code for word in _UNSEEN_REGISTRATIONS) or _CALLS_OWN_METHOD.search(init_code) is not None
                or any(word in _code_of(forward.node) for word in _GRAPH_CUTS))

    @property
    def fields(self) -> dict[str, Value]:
        """What `self.x` holds: the values `__init__` stores (and the fields inherited from other
        modules' classes), joined with what other methods store as they are summarised. In a
        module read on demand, `__init__` is interpreted when they are first asked for."""
        self.find_fields()
        return self._fields

    def stored_by_methods(self, attr: str, called: Callable[[str], bool]) -> Optional[Value]:
        """What `self.attr` holds when no field of it is known: in a module read on demand, what
        its methods other than `__init__` that a subclass calls on `self` (`called(name)`) store
        (`self.gnn = GAT(...)` in the `initialize_gnn` a subclass in another file calls), those
        whose text stores it summarised now; then what the classes it derives from hold."""
        found = self.fields.get(attr)
        if found is not None or attr in self._sought:
            return found
        self._sought.add(attr)
        if self._find_stores is not None:
            self._find_stores(attr, called)
            found = self.fields.get(attr)
        for imported in self.inherited if found is None else ():
            found = imported.stored_by_methods(attr, called)
            if found is not None:
                self._fields.setdefault(attr, found)
                break
        return found

    def find_fields(self) -> None:
        """Find the fields now, when they are still to be found (see `fields`)."""
        pending, self._pending_fields = self._pending_fields, None
        if pending is not None:
            pending()


@dataclasses.dataclass(eq=False)
class FunctionSummary:
    function: FunctionInfo
    result: ScopeResult
    model: "ModuleModel"
    _trains: dict = dataclasses.field(default_factory=dict)

    @property
    def param_uses(self) -> dict:
        return self.result.param_uses

    @property
    def returned(self) -> Value:
        """What a call returns: None when it falls off its end; unknown when it never returns
        (`raise NotImplementedError` in a base class: the subclass's override is what runs)."""
        if self.result.returns:
            return self.result.returned
        return UNKNOWN if ends_in_raise(self.function.node.body) else PYTHON

    @property
    def returned_params(self) -> frozenset:
        return frozenset(p for p, uses in self.result.param_uses.items() if RETURNED in uses and p not in ("self", "cls"))

    @property
    def returned_self(self) -> bool:
        return "self" in self.returned.params

    @property
    def runs_forward(self) -> bool:
        return bool(self.result.forwards)

    @property
    def enables_grad_itself(self) -> bool:
        tokens = self.result.forwards
        return bool(tokens) and all(self.model.explicitly_enabled(t.call) for t in tokens)

    @property
    def graph_ids(self) -> frozenset:
        """Ids of the function's forward passes (and of losses of what it cannot see into)."""
        return frozenset(t.id for key, t in self.result.tokens.items()
                         if not (isinstance(key, tuple) and key[0] == "accumulation"))

    @property
    def returns_graph(self) -> bool:
        return any(RETURNED in self.result.fate(t.id) and not t.internal for t in self.result.forwards)

    @property
    def stores_graph(self) -> bool:
        """Does it append the graph of a forward pass to a container of an object it was not given
        (`self.log_probs.append(lp)`)? The graph outlives the call: a later update may
        backpropagate through it. A field it assigns (`self.loss = loss`) is overwritten by the
        next call; graphs stored into an argument are `stored_in_params`."""
        return any(t.id in self.result.appended and not t.internal for t in self.result.forwards)

    @property
    def stored_in_params(self) -> dict:
        """Parameter name -> ids of the forward passes whose graphs it stores into that argument."""
        return self.result.stored_in_params

    @property
    def wants_grad(self) -> bool:
        return bool(self.result.wants_grad)

    def given(self, constants: tuple) -> "FunctionSummary":
        """The summary of a call with these literal arguments (`run_epoch(..., train=False)`)."""
        constants = self.model.tested_flags(self.function, constants)
        if not constants:
            return self
        if constants not in self._trains:
            self._trains[constants] = self  # a recursive call meets the plain summary, not itself
            result = _as_called_with_gradients(self.model, self.function, Context(constants=constants))
            self._trains[constants] = FunctionSummary(self.function, result, self.model)
        return self._trains[constants]

    def of_receiver(self, receiver: Value) -> "FunctionSummary":
        """The summary of a call of an inherited method on an object of a subclass that
        overrides what the method leaves to subclasses (`easy_synthesize` calling
        `self.synthesize`, which the base class only raises in): the method read with that
        object as `self`, so the override is what its call runs."""
        refs = receiver.ref if isinstance(receiver.ref, tuple) else (receiver.ref,)
        classes = [ref for ref in refs if getattr(ref, "methods", None) is not None]
        if not classes or not any(_overrides(cls, name) for cls in classes for name in self.result.left_to_subclasses):
            return self
        key = ("receiver", tuple(id(cls) for cls in classes))
        if key not in self._trains:
            self._trains[key] = self  # a recursive call meets the plain summary, not itself
            given = receiver.but(sources=frozenset(), params=frozenset())
            result = _as_called_with_gradients(self.model, self.function, Context((("self", given),)))
            self._trains[key] = FunctionSummary(self.function, result, self.model)
        return self._trains[key]

    def trains_given(self, constants: tuple) -> bool:
        """Does a call with these literal arguments reach a backward pass or optimizer step?"""
        return bool(self.result.training) and bool(self.given(constants).result.training)


def _overrides(cls: "ClassModel", name: str) -> bool:
    """Does the class have a method `name` that does more than raise (its own or a base's)?"""
    method = cls.methods.get(name)
    return method is not None and not ends_in_raise(method.node.body)


class ModuleModel:
    """Everything the rules ask about the values of one module."""

    def __init__(self, analysis: FileAnalysis, project=None) -> None:
        self.analysis = analysis
        self.project = project  # the project's other modules (see project.py), when known
        self.depth = 0  # how far from the files checked (see project.MAX_SUMMARY_DEPTH)
        self.calls_by_node: dict = {}  # id(Call node) -> its fact
        self.facts_by_node: dict = {}  # id(Name or Call node) -> its fact, for the grad mode there
        self.call_order: dict = {}  # id(Call node) -> its place in the calls (source order, outer first)
        self._facts_by_node: dict = {}  # id(node) -> its assignment fact
        self._functions_by_node: dict = {}
        self._top_level_functions: dict[str, FunctionInfo] = {}  # name -> the first module-level def
        self._read_in_functions: set[str] = set()
        self._index_facts({name: 0 for name in FACT_LISTS})
        if analysis.bodies is not None:  # bodies walked later add their facts
            analysis.bodies.listeners.append(self._index_facts)
        self._ducks: dict = {}
        self._called_names: Optional[set] = None
        self.dropped_slots: dict = {}  # id(node) -> (node, GradState): container slots filled without gradients
        self.classes: dict[str, ClassModel] = {}
        self._by_attribute: Optional[dict[str, dict[int, ClassModel]]] = None  # see `_classes_with`
        self._defining: dict[str, list[FunctionInfo]] = {}  # method name -> defined in each class, in order
        self.summaries: dict[int, FunctionSummary] = {}
        self.results: dict[int, list[ScopeResult]] = {}
        self._module_env: dict[str, Value] = {}
        self._env_pending = False  # see `module_level`
        self._top_names: Optional[set[str]] = None
        self.module_result: Optional[ScopeResult] = None
        self.callers: dict[int, list] = {}  # id(function) -> [(ScopeResult, CallFact, params, constants)]
        self._external: list = []  # (result, fact, function, params, constants) from other modules
        self._external_constructions: list = []  # (CallFact, ClassModel, params) from other modules
        self.calls_in_context: list = []  # (fact, function, caller analysis): see `add_calls_in_context`
        self._rebuilt_classes: set[str] = set()  # classes whose builders gave fields (see `build_contexts`)
        # id(function) of a module read before -> (that function, its twin here) (`Project.reread`);
        # the pair keeps the first alive, so its id is never another object's
        self.twins: dict[int, tuple[FunctionInfo, FunctionInfo]] = {}
        self.mixed_entry: set = set()  # ids of functions some callers run with gradients on, others off
        self.on_demand: Optional[OnDemand] = None  # see `build_summaries`
        self._failing: dict = {}  # see `backward_without_grad`
        self._test_paths: dict[str, bool] = {}  # see `_in_tests`
        self._made_in_inference: dict = {}  # see `returned_in_inference`

    def _index_facts(self, since: Optional[dict[str, int]]) -> None:
        """Index the facts of each list from position `since[list]` on (None: all of them again,
        the lists having been put in source order)."""
        analysis = self.analysis
        if since is None:
            for index in (self.calls_by_node, self.facts_by_node, self.call_order, self._facts_by_node,
                          self._functions_by_node):
                index.clear()  # cleared, not replaced: interpreters hold these dicts
            since = {name: 0 for name in FACT_LISTS}
        calls = analysis.calls[since["calls"]:]
        for position, call in enumerate(calls, since["calls"]):
            self.calls_by_node[id(call.node)] = call
            self.call_order[id(call.node)] = position
        for fact in (*analysis.name_uses[since["name_uses"]:], *calls):
            self.facts_by_node[id(fact.node)] = fact
        for use in analysis.name_uses[since["name_uses"]:]:
            if use.function is not None:
                self._read_in_functions.add(use.name)
        for assign in analysis.assigns[since["assigns"]:]:
            if assign.node is not None:
                self._facts_by_node[id(assign.node)] = assign
        for function in analysis.functions[since["functions"]:]:
            self._functions_by_node[id(function.node)] = function
            if function.parent is None and function.class_name is None:
                self._top_level_functions.setdefault(function.name, function)

    # -- building ---------------------------------------------------------------------------------
    def build_summaries(self, on_demand: bool = False) -> None:
        """Phase 1: classes and their fields, a summary of each function (callees first), the
        module's top level. Other modules of the project may read these summaries. `on_demand`
        (a module read only for what others import from it): the functions are summarised when
        first asked for (see demand.py), and the top level's final result is not needed."""
        self._build_classes(on_demand)
        # fields before methods: methods read `self.model`; a class's fields are found when first
        # read, so a base class's are found before its subclasses inherit them
        for cls in self.classes.values():
            cls._pending_fields = functools.partial(self._fill_fields, cls)
            if on_demand:
                cls._find_stores = functools.partial(self._summarise_stores, cls)
        if not on_demand:  # most classes of a module read on demand are never used
            for cls in self.classes.values():
                cls.find_fields()
        if on_demand:
            self._env_pending = True
            self.on_demand = OnDemand(self.defines, self._callees_of, self._summarise)
            return
        self.module_env = _final_env(self, interpret(self, None))
        groups = self._reverse_topological_groups()
        for group in groups:
            self._summarise(group)
        self.module_result = interpret(self, None)
        # module-level values made by this module's functions (`model = make_model()`) are known
        # only now: functions that read them are summarised again, with them
        final = _final_env(self, self.module_result)
        changed = {name for name, value in final.items()
                   if name in self._read_in_functions and _differs(self.module_env.get(name), value)}
        if self._fields_made_by_calls() or changed:
            self.module_env.update({name: final[name] for name in changed})
            for group in groups:
                self._summarise(group)
            self.module_result = interpret(self, None)

    @property
    def module_env(self) -> dict[str, Value]:
        """Module-level names as functions see them (see `_final_env`)."""
        if self._env_pending:
            self._settle_env()
        return self._module_env

    @module_env.setter
    def module_env(self, env: dict[str, Value]) -> None:
        self._module_env, self._env_pending = env, False

    def module_level(self, name: str) -> Optional[Value]:
        """What functions see of module-level `name`, when an assignment there binds it. In a
        module read on demand, its top level is interpreted only when one of them is asked for."""
        if self._env_pending:
            if name not in self._assigned_at_top():
                return None
            self._settle_env()
        return self._module_env.get(name)

    def _settle_env(self) -> None:
        """Interpret the top level of a module read on demand, as phase 1 would have before any of
        its functions was summarised (no summary of its own is computed for it)."""
        self._env_pending, demand, self.on_demand = False, self.on_demand, None
        try:
            self._module_env = _final_env(self, interpret(self, None))
        finally:
            self.on_demand = demand

    def _assigned_at_top(self) -> set[str]:
        if self._top_names is None:
            self._top_names = {name for assign in self.analysis.facts_in(self.analysis.assigns, None)
                               for name in assign.targets}
        return self._top_names

    def complete(self) -> None:
        """Finish phase 1 of a module built on demand (it became one of the files checked)."""
        if self._env_pending:
            self._settle_env()
        if self.on_demand is not None:
            demand, self.on_demand = self.on_demand, None
            demand.rest(self._reverse_topological_groups())
            self.module_result = interpret(self, None)

    def _summarise(self, group: list[FunctionInfo]) -> None:
        for function in group:
            result = _as_called_with_gradients(self, function)
            self.summaries[id(function)] = FunctionSummary(function, result, self)
            self._note_fields(function, result)

    def add_external_sites(self, result: ScopeResult, caller: FileAnalysis) -> None:
        """Calls from another module's scope of functions of this one (before `build_contexts`)."""
        self._add_calls_from(result, caller)
        for fact, cls, init, params in (result.constructions or {}).values():
            if self._functions_by_node.get(id(init.node)) is init:
                self._external_constructions.append((fact, cls, params))

    def _add_calls_from(self, result: ScopeResult, caller: FileAnalysis) -> None:
        for fact, function, params, constants in result.outgoing:
            if self._functions_by_node.get(id(function.node)) is function:
                self._external.append((result, fact, function, params, constants, caller))

    def take_calls_in_contexts(self, results: list[ScopeResult], caller: FileAnalysis) -> None:
        """The calls another module's functions make of this one's, as those functions run in the
        contexts their own callers give them (its phase 2 done, `results`), in place of the calls
        their summaries make (before `build_contexts`): a model its caller's caller froze reaches
        this module's helper frozen (`main` freezes it, `decode` passes it to `post_process`)."""
        self._external = [site for site in self._external if site[5] is not caller]
        for result in results:
            self._add_calls_from(result, caller)

    def add_calls_in_context(self, result: ScopeResult, caller: FileAnalysis) -> bool:
        """Calls of this module's functions that another module's function makes only in the
        context its callers give it (`evaluate(loader, lm_model)` calling `lm_model.log_prob(x)`
        on the model they pass): named where a finding rests on its callers. A call of a site
        no caller reached before (`self.agents.q_values(obs)` on the object every builder of the
        worker gives it, known only once their contexts were read) is one more caller: whether
        there was one."""
        added = False
        for fact, function, params, constants in result.outgoing:
            if self._functions_by_node.get(id(function.node)) is function:
                self.calls_in_context.append((fact, function, caller))
                known = self.callers.setdefault(id(function), [])
                if not any(site[1].node is fact.node for site in known):
                    known.append((result, fact, params, constants))
                    self._external.append((result, fact, function, params, constants, caller))
                    added = True
        return added

    def build_contexts(self) -> None:
        """Phase 2: entry modes from every caller, then each function interpreted in the contexts
        its callers give it (callers first); the rules read these results. Built again when
        other modules' calls in context give it callers it did not have (see project.py)."""
        self._settle_entry_modes()
        self._rebuilt_classes |= self.fields_from_constructions()  # (a second build finds them set)
        rebuilt = self._rebuilt_classes
        self.callers = {}
        self._record_callers(self.module_result)
        for result, fact, function, params, constants, _ in self._external:
            self.callers.setdefault(id(function), []).append((result, fact, params, constants))
        for function in reversed([f for group in self._reverse_topological_groups() for f in group]):
            contexts = self._contexts_of(function)
            first = self.summaries[id(function)].result
            if contexts:
                results = [interpret(self, function, context) for context in contexts]
            elif function.entry.origin is Origin.CALLERS:
                results = [interpret(self, function)]  # its summary assumed a caller with gradients on
            elif function.class_name in rebuilt:
                results = [interpret(self, function)]  # its class's fields are what its builders give it
            elif any(self.field_value(cls, attr) is not None for cls, attr in first.missed_fields):
                results = [interpret(self, function)]  # a field it read is stored by a method summarised later
            else:
                results = [first]
            self.results[id(function)] = results
            for result in results:
                self._record_callers(result)

    def _build_classes(self, on_demand: bool = False) -> None:
        """A ClassModel of each class, its own methods known; what its bases give it is resolved
        now, in the order of the source, or (`on_demand`) when first read."""
        for info in self.analysis.classes.values():
            self.classes[info.name] = ClassModel(info.name, info.bases, _resolve=self._resolve_class,
                                                 _imports=self.analysis.imports)
        for function in self.analysis.functions:
            if function.class_name in self.classes:
                self.classes[function.class_name].own_methods.setdefault(function.name, function)
        for cls in self.classes.values():
            for name, method in cls.own_methods.items():
                self._defining.setdefault(name, []).append(method)
        if not on_demand:
            for cls in self.classes.values():
                cls.methods  # noqa: B018 - resolved now

    def _resolve_class(self, cls: ClassModel) -> None:
        """Its methods, ancestry and kind, from its bases here and in the project's other modules."""
        cls.methods = dict(cls.own_methods)
        cls.inherited = []
        ancestors = _ancestors(cls, self.classes)
        # what reading another module asks of this class before it is resolved (a cycle of imports
        # that builds an instance of it) is answered from the bases of this module
        self._set_kind(cls, ancestors)
        for base in list(ancestors):
            imported = (self.project.class_of(base, self.depth + 1, self.project.home_of(self.analysis.path))
                        if self.project is not None else None)
            if imported is not None:  # a class of another project module: its ancestry and methods
                ancestors.extend(imported.ancestry)
                for name, method in imported.methods.items():
                    cls.methods.setdefault(name, method)
                cls.inherited.append(imported)
        self._set_kind(cls, ancestors)
        for base in ancestors:  # inherited methods of project base classes
            if base in self.classes and self.classes[base] is not cls:
                for name, method in self.classes[base].methods.items():
                    current = cls.methods.get(name)
                    if current is None or self._functions_by_node.get(id(current.node)) is not current:
                        cls.methods[name] = method  # a base here overrides what another module's base has

    @staticmethod
    def _set_kind(cls: ClassModel, ancestors: list[str]) -> None:
        """Its ancestry and what it is (a module, an optimizer, a loss), from these ancestors."""
        cls.ancestry = tuple(ancestors)
        cls.is_module = any(_is_module_base(b) for b in ancestors)
        cls.is_optimizer = any(b in knowledge.OPTIMIZER_BASES or b.startswith(knowledge.OPTIMIZER_PACKAGES)
                               for b in ancestors)
        cls.is_loss = cls.is_module and (knowledge.names_a_loss(cls.name) or any(map(knowledge.names_a_loss, ancestors)))

    def _fill_fields(self, cls: ClassModel) -> None:
        self._inherit_fields(cls)
        self._init_fields(cls)

    def _summarise_stores(self, cls: ClassModel, attr: str, called: Callable[[str], bool]) -> None:
        """Summarise the methods of `cls` (a class of this module, read on demand) that are
        `called` and whose text may store `self.attr`: phase 1 would have found what they store."""
        if self.on_demand is None:  # every method is summarised already
            return
        for method in list(cls.own_methods.values()):
            if (method.name != "__init__" and self.defines(method)
                    and id(method) not in self.summaries and called(method.name) and _may_store_on_self(method, attr)):
                self.on_demand.summarise(method)

    def _inherit_fields(self, cls: ClassModel) -> None:
        """The fields of the project classes it derives from, here and in other modules
        (`__init__` joins its own)."""
        for base in self.project_bases(cls):
            for name, field in base.fields.items():
                cls._fields.setdefault(name, field)

    def base_init(self, init: FunctionInfo) -> Optional[FunctionInfo]:
        """The `__init__` that `super().__init__(...)` in the class's own `init` runs: that of its one
        project base class that has one (None for several: which one runs is not followed)."""
        owner = self.owner_model(init)
        cls = owner.classes.get(init.class_name or "") if owner is not None else None
        if cls is None or cls.own_methods.get("__init__") is not init:
            return None
        inits = {id(method): method for method in (base.methods.get("__init__") for base in owner.project_bases(cls))
                 if method is not None}
        return next(iter(inits.values())) if len(inits) == 1 else None

    def stored_as_given(self, init: FunctionInfo, hops: int = 0) -> dict[str, str]:
        """Parameter -> attribute for what an `__init__` stores as it is given: its own
        `self.alg = algorithm`, and what its base classes' `__init__` store of the parameters it
        passes on as they are (`super().__init__(algorithm)`), however many bases up."""
        stored = _stored_parameters(init)
        call = super_init_call(init) if hops < MAX_BASE_HOPS else None
        base = self.base_init(init) if call is not None else None
        if base is None:
            return stored
        # the expression passed for each of the base's parameters (`self` bound apart)
        passed = _bind_arguments(base, [(arg, arg.value) for arg in call.args], bound_self=PYTHON)
        names = set(_parameter_names(init))
        for param, attr in self.stored_as_given(base, hops + 1).items():
            given = passed.get(param)
            if isinstance(given, cst.Name) and given.value in names:
                stored.setdefault(given.value, attr)
        return stored

    def project_bases(self, cls: ClassModel) -> list[ClassModel]:
        """The project classes among its direct bases: this module's, then other modules'."""
        local = [self.classes[base] for base in cls.bases if base in self.classes and self.classes[base] is not cls]
        return local + [base for base in cls.inherited if base not in local]

    def _init_fields(self, cls: ClassModel) -> None:
        """The fields its own `__init__` stores; for a class without one of its own (a dataclass),
        those its body declares with a class annotation."""
        init = cls.methods.get("__init__")
        if init is None or init.class_name != cls.name:
            self._declared_fields(cls)
            return
        cls.construction_helpers = self._construction_helpers(cls, init)
        result = interpret(self, init)
        cls.init_calls_unsummarised = any(id(function) not in self.summaries for _, function, _, _ in result.outgoing)
        self._collect_fields(cls, result, base_modes=self._modes_set_by_base_init(cls, init))

    def _declared_fields(self, cls: ClassModel) -> None:
        """`model: ChronosModel` in the body of a top-level class without an `__init__` of its own
        (a dataclass, whose generated `__init__` stores what its caller passes): a field holding an
        instance of that class, when it is a module, an optimizer or one class of the project."""
        node = next((statement for statement in self.analysis.module.body
                     if isinstance(statement, cst.ClassDef) and statement.name.value == cls.name), None)
        if node is None or not isinstance(node.body, cst.IndentedBlock):
            return
        reader = Interpreter(self, None)
        for line in node.body.body:
            for small in line.body if isinstance(line, cst.SimpleStatementLine) else ():
                if isinstance(small, cst.AnnAssign) and small.value is None and isinstance(small.target, cst.Name):
                    value = reader.instance_of_annotation(small.annotation.annotation)
                    if value is not None and small.target.value not in cls.fields:
                        self._store_field(cls, small.target.value, value)

    def _fields_made_by_calls(self) -> bool:
        """Fields `__init__` stores from calls of functions summarised after it was read
        (`self.net = load(path)`, `self.agents = self._init_agents()`), read again now that they
        are: True when one is now known to hold a module, an object, a function or a class."""
        found = False
        for cls in self.classes.values():
            if not cls.init_calls_unsummarised:
                continue
            unknown = {attr for attr, value in cls.fields.items() if value.kind is Kind.UNKNOWN
                       and attr not in cls.rebound_fields and attr not in cls.switched_fields}
            if not unknown:
                continue
            result = interpret(self, cls.methods["__init__"])
            for attr in unknown & result.self_stores.keys():
                value = result.self_stores[attr]
                if value.kind in (Kind.MODULE, Kind.OBJECT, Kind.FUNCTION, Kind.CLASS):
                    stored = _as_field(value)
                    if stored.kind is Kind.MODULE and stored.training is Training.EVAL:
                        stored = stored.but(eval_reason=f"`__init__` stores a model in eval mode in `self.{attr}`")
                    cls.fields[attr] = stored
                    found = True
        return found

    def _construction_helpers(self, cls: ClassModel, init: FunctionInfo) -> set[int]:
        """The ids of the methods `__init__` calls on `self` (`self._init_model(config)`) that nothing
        else in the module calls on `self`: what they store and switch is part of building the object."""
        called = {fact.method for fact in self.analysis.facts_in(self.analysis.calls, init)
                  if fact.method in cls.methods and _on_self(fact)}
        called.discard("__init__")
        # the module's other `self.name(...)` calls (only the bodies that mention the name are walked)
        return {id(cls.methods[name]) for name in called
                if all(call.function is init for call in self.analysis.calls_named(f"self.{name}"))}

    def _modes_set_by_base_init(self, cls: ClassModel, init: FunctionInfo) -> dict:
        """Attribute -> the field of a project base class whose `__init__` (run by the class's own
        through `super().__init__(...)`) puts the module it stores in eval mode, for the fields the
        class's own `__init__` does not assign itself: the subclass's object holds it so."""
        if super_init_call(init) is None:
            return {}
        assigned = set().union(*self._fields_set(init))
        modes = {}
        for base in self.project_bases(cls):
            for attr, field in base.fields.items():
                if (field.kind is Kind.MODULE and field.training is Training.EVAL and attr not in assigned
                        and attr not in modes):
                    modes[attr] = field.but(eval_reason=f"`self.{attr}` is put in eval mode in `{base.name}.__init__`")
        return modes

    def _collect_fields(self, cls: ClassModel, result: ScopeResult, where: str = "`__init__`",
                        base_modes: Optional[dict] = None) -> None:
        placeholders = self._none_placeholders(cls, result.scope)
        for attr, value in result.self_stores.items():
            # `self.model = None`, for a subclass or a later step to fill: not known to be no module
            self._store_field(cls, attr, UNKNOWN if attr in placeholders else _as_field(value))
        for attr, field in (base_modes or {}).items():  # set by the base's `__init__` that `super()` runs
            if attr in cls.fields and cls.fields[attr].kind in (Kind.MODULE, Kind.UNKNOWN):
                cls.fields[attr] = cls.fields[attr].but(kind=Kind.MODULE, graph=Graph.YES, training=Training.EVAL,
                                                        eval_reason=field.eval_reason, evidence=field.evidence)
        for fact, key, switch in result.switches:
            if key and key.startswith("self.") and key.count(".") == 1:
                attr = key[5:]
                if attr in cls.fields and cls.fields[attr].kind is Kind.UNKNOWN:  # `self.m.eval()`: a module
                    cls.fields[attr] = cls.fields[attr].but(kind=Kind.MODULE, graph=Graph.YES, evidence=Evidence.DUCK)
                if attr in cls.fields and cls.fields[attr].kind is Kind.MODULE:
                    cls.fields[attr] = cls.fields[attr].but(
                        training=Training.EVAL if switch == "eval" else Training.UNKNOWN,
                        eval_reason=f"`self.{attr}` is put in eval mode in {where}" if switch == "eval" else None)
        for attr, frozen in _own_fields(result.freezes) + _wrapper_freezes(cls, result.freezes):
            if attr in cls.fields and cls.fields[attr].kind is Kind.MODULE:  # `self.net.requires_grad_(False)`
                cls.fields[attr] = cls.fields[attr].but(frozen=frozen)

    def _none_placeholders(self, cls: ClassModel, function: Optional[FunctionInfo]) -> set[str]:
        """The fields of `self` that the function sets only to `None` and no other method of the
        class sets at all: what fills them is a subclass's or another object's business."""
        if function is None:
            return set()
        nones, others = self._fields_set(function)
        if not nones - others:
            return set()
        for method in cls.own_methods.values():
            if method is not function:
                others |= set().union(*self._fields_set(method))
        return nones - others

    def _fields_set(self, function: FunctionInfo) -> tuple[set[str], set[str]]:
        """The fields of `self` the function assigns `None` to, and those it assigns anything else."""
        nones, others = set(), set()
        for assign in self.analysis.facts_in(self.analysis.assigns, function):
            node = assign.node
            targets = ([t.target for t in node.targets] if isinstance(node, cst.Assign)
                       else [getattr(node, "target", None)])
            value = node.value if isinstance(node, (cst.Assign, cst.AnnAssign)) else None
            none = isinstance(value, cst.Name) and value.value == "None"  # `self.model: Optional[Net] = None` too
            for target in targets:
                key = dotted_name(target) if target is not None else None
                if key is not None and key.startswith("self.") and key.count(".") == 1:
                    (nones if none else others).add(key[5:])
        return nones, others

    def _store_field(self, cls: ClassModel, attr: str, stored: Value) -> None:
        if attr in cls.fields:
            cls.fields[attr] = join(cls.fields[attr], stored)
            return
        cls.fields[attr] = stored
        if self._by_attribute is not None:
            self._by_attribute.setdefault(attr, {})[id(cls)] = cls

    def _note_fields(self, function: FunctionInfo, result: ScopeResult) -> None:
        """Stores and mode switches of `self.x` outside `__init__` make its state uncertain."""
        cls = self.classes.get(function.class_name or "")
        if cls is None or function.name == "__init__":
            return
        if id(function) in cls.construction_helpers:
            self._collect_fields(cls, result, f"`{function.name}`, which `__init__` calls")
            return
        for attr, value in result.self_stores.items():
            stored = value.but(sources=frozenset(), params=frozenset())
            self._store_field(cls, attr, stored)
            cls.rebound_fields.add(attr)
        for _, key, switch in result.switches:
            if key and key.startswith("self.") and key.count(".") == 1 and switch != "eval":
                cls.switched_fields.add(key[5:])
                if key[5:] in cls.fields:
                    cls.fields[key[5:]] = cls.fields[key[5:]].but(training=Training.UNKNOWN, eval_reason=None)
        for attr, frozen in _own_fields(result.freezes) + _wrapper_freezes(cls, result.freezes):  # frozen or thawed later
            if attr in cls.fields and cls.fields[attr].frozen is not frozen:
                cls.fields[attr] = cls.fields[attr].but(frozen=None)

    def _reverse_topological_groups(self) -> list[list[FunctionInfo]]:
        """Strongly connected groups of the call graph, callees first (iterative Tarjan)."""
        cached = getattr(self, "_groups", None)
        if cached is not None:
            return cached
        if self.analysis.bodies is not None:
            self.analysis.bodies.expand_all()
        functions = self.analysis.functions
        edges = {id(f): [] for f in functions}
        for call in self.analysis.calls:
            if call.function is not None:
                for target in callees(self.analysis, call):
                    edges[id(call.function)].append(target)
        for parent, nested in self._nested_functions().items():  # handed to a callee that runs it
            if parent in edges:
                edges[parent].extend(nested)
        self._groups = strongly_connected(functions, edges)
        return self._groups

    def _callees_of(self, function: FunctionInfo) -> list[FunctionInfo]:
        """The functions of this module that calls in `function`'s own body may run."""
        return [target for call in self.analysis.facts_in(self.analysis.calls, function)
                for target in callees(self.analysis, call)] + self._nested_functions().get(id(function), [])

    def _nested_functions(self) -> dict[int, list[FunctionInfo]]:
        """id(function) -> the functions defined directly in its body: summarised before it, as
        it may hand them to a callee that runs them (a decoding step given to a beam search)."""
        known = self.analysis.cache.get("nested_functions")
        if known is None or known[0] != len(self.analysis.functions):  # bodies built since add functions
            nested: dict[int, list] = {}
            for one in self.analysis.functions:
                if one.parent is not None:
                    nested.setdefault(id(one.parent), []).append(one)
            known = self.analysis.cache["nested_functions"] = (len(self.analysis.functions), nested)
        return known[1]

    def defines(self, function: FunctionInfo) -> bool:
        return self._functions_by_node.get(id(function.node)) is function

    def _settle_entry_modes(self) -> None:
        """A function every caller runs with gradients disabled starts disabled: callers as the
        values see them (`model.greedy_decode(...)` under `no_grad`), repeated to a fixed point."""
        sites: dict[int, list] = {}
        for result in [s.result for s in self.summaries.values()] + [self.module_result]:
            for fact, function, _, _ in result.outgoing:
                sites.setdefault(id(function), []).append(fact)
        for _, fact, function, _, _, _ in self._external:
            sites.setdefault(id(function), []).append(fact)
        owners = self._external_callers()
        functions = [f for f in self.analysis.functions if id(f) in sites and f.entry.origin in (
            Origin.DEFAULT, Origin.CALLERS) and not self.passed_around(f)]
        for _ in range(len(functions) + 1):
            changed = False
            for function in functions:
                states = [owners.get(id(fact), self.analysis).state_of(fact) for fact in sites[id(function)]]
                if all(state.mode.disables_grad for state in states):
                    mode = Mode.INFERENCE if all(s.mode is Mode.INFERENCE for s in states) else Mode.DISABLED
                    if function.entry.mode is not mode:
                        function.entry = GradState(mode, Origin.CALLERS, sites[id(function)][0].node)
                        changed = True
                elif function.entry.mode is not Mode.ENABLED:  # a caller elsewhere runs it with gradients on
                    function.entry = GradState(Mode.ENABLED, Origin.CALLERS, None)
                    changed = True
            if not changed:
                break
        self.mixed_entry = {id(f) for f in functions if f.entry.mode is Mode.ENABLED and any(
            owners.get(id(fact), self.analysis).state_of(fact).mode.disables_grad for fact in sites[id(f)])}

    def fields_from_constructions(self) -> set[str]:
        """A plain class's `__init__` interpreted with what every call building it passes: a field it
        stores as given (`self.model = model`) that each builder passes a module is a module
        (`Trainer(ConvNet(), optimizer)`), in eval mode when each passes one in eval mode
        (`Translator(load_test_model(path))`), unless another method stores or switches it; one
        each builder passes an object of a project class, or a function of the project, holds it
        (`RolloutWorker(env, agents)`, `EvaluateFewShot(eval_fn=proto_episode)`), unless another
        method stores it; one builders pass different functions of the project holds one of them;
        the names of the classes whose fields changed."""
        sites: dict[int, tuple] = {}
        own = [(fact, cls, params) for result in [s.result for s in self.summaries.values()] + [self.module_result]
               for fact, cls, _, params in (result.constructions or {}).values()]
        for fact, cls, params in own + self._external_constructions:
            if self.classes.get(cls.name) is cls:
                sites.setdefault(id(cls), (cls, []))[1].append((fact, params))
        rebuilt = set()
        for cls, calls in sites.values():
            given = []
            for name in set().union(*(params.keys() for _, params in calls)):
                values = [params.get(name) for _, params in calls]
                if any(value is None for value in values):
                    continue
                joined = join(*values)
                if joined.kind is Kind.MODULE:
                    training = Training.EVAL if joined.training is Training.EVAL else Training.UNKNOWN
                    given.append((name, joined.but(sources=frozenset(), params=frozenset(), training=training,
                                                   evidence=_evidence_passed(joined))))
                elif of_project_classes(joined) or is_project_functions(joined):
                    given.append((name, joined.but(sources=frozenset(), params=frozenset())))
            if not given:
                continue
            result = interpret(self, cls.methods["__init__"], Context(tuple(sorted(given, key=lambda p: p[0]))))
            builders = sorted({fact.function.name if fact.function is not None else "the module's top level"
                               for fact, _ in calls})
            for attr, value in result.self_stores.items():
                old = cls.fields.get(attr)
                evaled = value.training is Training.EVAL
                weaker = old is not None and (old.kind is Kind.UNKNOWN or old.kind is Kind.MODULE and (
                    old.evidence < value.evidence or evaled and old.training is not Training.EVAL))
                if ((of_project_classes(value) or is_project_functions(value)) and old is not None
                        and old.kind is Kind.UNKNOWN and attr not in cls.rebound_fields):
                    cls.fields[attr] = value.but(sources=frozenset(), params=frozenset())
                    rebuilt.add(cls.name)
                elif (value.kind is Kind.MODULE and weaker
                        and attr not in cls.switched_fields and attr not in cls.rebound_fields):
                    where = ", ".join(f"`{name}`" for name in builders[:2]) + (", ..." if len(builders) > 2 else "")
                    reason = f"`self.{attr}` is given a model in eval mode where `{cls.name}` is built ({where})"
                    cls.fields[attr] = value.but(sources=frozenset(), params=frozenset(),
                                                 eval_reason=reason if evaled else None)
                    rebuilt.add(cls.name)
        return rebuilt

    def twin_of(self, function: FunctionInfo) -> FunctionInfo:
        """This reading's twin of a function of the module read before, else `function`."""
        pair = self.twins.get(id(function))
        return pair[1] if pair is not None and pair[0] is function else function

    def _record_callers(self, result: ScopeResult) -> None:
        for fact, function, params, constants in result.outgoing:
            function = self.twin_of(function)
            self.callers.setdefault(id(function), []).append((result, fact, params, constants))

    def _callers_beyond_tests(self, function: FunctionInfo) -> list:
        """The callers of a function of a library module, less those in test files: what a test
        passes an API says nothing of how it is used (a model its test put in eval mode)."""
        sites = self.callers.get(id(function), [])
        if not sites or self._in_tests(self.analysis.path):
            return sites
        elsewhere = self._external_callers()
        return [site for site in sites if not self._in_tests(elsewhere.get(id(site[1]), self.analysis).path)]

    def caller_analysis(self, fact) -> FileAnalysis:
        """The FileAnalysis of the module that makes a call of one of this module's functions."""
        return self._external_callers().get(id(fact), self.analysis)

    def _external_callers(self) -> dict:
        """id(call) -> the FileAnalysis of the other module that makes it, for calls into this one."""
        return {id(fact): caller for _, fact, _, _, _, caller in self._external}

    def _in_tests(self, path: str) -> bool:
        """A test file, by its path within the project (a project kept under `tests/` is not one);
        asked for each caller of each function, of the same few files."""
        known = self._test_paths.get(path)
        if known is None:
            known = self._test_paths[path] = knowledge.is_test_file(path_in_project(path, self.project))
        return known

    def _contexts_of(self, function: FunctionInfo) -> list[Context]:
        """The contexts a function is called in: one per distinct set of literal flags its
        branches test (at most `MAX_CONTEXTS`), each with the join of the callers' arguments."""
        sites = self._callers_beyond_tests(function)
        if not sites or self.passed_around(function):
            return []
        # callers that run it with gradients off say nothing of what it does with them on, where
        # others run it so (those unguarded calls are judged at the call, see `mixed_entry`)
        enabled = [site for site in sites if not _runs_without_grad(site[1])]
        sites = enabled or sites
        groups: dict[tuple, list] = {}
        for site in sites:
            groups.setdefault(self.tested_flags(function, site[3]), []).append(site)
        if len(groups) > MAX_CONTEXTS:
            groups = {(): sites}
        contexts = []
        for constants, group in groups.items():
            names = set().union(*(site[2].keys() for site in group))
            params = []
            for name in sorted(names):
                values = [site[2].get(name) for site in group]
                if any(v is None for v in values):
                    continue  # some caller leaves it to its default
                joined = join(*values)
                if joined.kind is Kind.MODULE and joined.training is Training.EVAL:
                    joined = joined.but(eval_reason=f"its callers pass `{name}` in eval mode")
                params.append((name, joined.but(sources=frozenset(), params=frozenset(),
                                                evidence=_evidence_passed(joined)
                                                if joined.kind is Kind.MODULE else joined.evidence)))
            contexts.append(Context(tuple(params), constants))
        return contexts

    # -- what the interpreter asks --------------------------------------------------------------
    def function_for(self, node: cst.FunctionDef) -> Optional[FunctionInfo]:
        return self._functions_by_node.get(id(node))

    def fact_for(self, node: cst.CSTNode):
        return self._facts_by_node.get(id(node)) or self.calls_by_node.get(id(node))

    def summary_of(self, function: FunctionInfo) -> Optional[FunctionSummary]:
        found = self.summaries.get(id(function))
        if found is None and self.on_demand is not None and self.on_demand.owns(function):
            self.on_demand.summarise(function)
            return self.summaries.get(id(function))
        if found is None and self.project is not None:
            owner = self.project.owner_of(function)
            if owner is not None and owner is not self:
                return owner.summary_of(function)
        return found

    def trains_when_called(self, value: Value) -> bool:
        """A project function, or an instance of a project class with `__call__`, that trains
        (`run_epoch(loader, model, LossCompute(..., opt))` trains through its argument)."""
        function = self.called_function(value)
        summary = self.summary_of(function) if function is not None else None
        return summary is not None and summary.trains_given(value.constants)

    def backward_without_grad(self, function: FunctionInfo, context: Context) -> tuple:
        """What makes a call of `function` with gradients disabled raise: a backward pass it runs,
        on every pass through it, on a value it computes (which then has no graph), directly or
        through the functions it calls. ((node, FileAnalysis, FunctionInfo), ...) from the call
        in `function` to the backward pass, or () when nothing is sure to raise (the backward
        pass is on what the caller passed, under a branch the caller may decide, or the function
        sets its own grad mode)."""
        if not self.defines(function):
            owner = self.project.owner_of(function) if self.project is not None else None
            return owner.backward_without_grad(function, context) if owner is not None and owner is not self else ()
        key = (id(function), context.constants,
               tuple((name, value.kind, id(value.ref), value.constants) for name, value in context.params))
        if key in self._failing:
            return self._failing[key]
        self._failing[key] = ()  # a recursive call meets no failure
        if function.entry.origin not in (Origin.DEFAULT, Origin.CALLERS):
            return ()  # a decorator or a framework sets the mode it runs in
        result = _interpreted_entering(self, function, GradState(Mode.DISABLED, Origin.CALLERS), context)
        found: tuple = ()
        for call, value in result.backwards:
            if _computed_without_graph(value) and runs_unconditionally(self.analysis, function, call.node):
                found = ((call.node, self.analysis, function),)
                break
        for fact, chain in () if found else result.failing_calls.values():
            if runs_unconditionally(self.analysis, function, fact.node):
                found = ((fact.node, self.analysis, function),) + chain
                break
        self._failing[key] = found
        return found

    def returned_in_inference(self, function: FunctionInfo) -> Optional[Value]:
        """What `function` returns when its caller runs it in inference mode (entered so, with no
        knowledge of its arguments): the tensors it makes there carry `inference`. None for a
        function that sets its own grad mode, or while it is being read (a recursive call)."""
        if not self.defines(function):
            owner = self.project.owner_of(function) if self.project is not None else None
            return owner.returned_in_inference(function) if owner is not None and owner is not self else None
        key = id(function)
        if key not in self._made_in_inference:
            self._made_in_inference[key] = None  # a recursive call: unknown
            if function.entry.origin in (Origin.DEFAULT, Origin.CALLERS):
                entry = GradState(Mode.INFERENCE, Origin.CALLERS)
                self._made_in_inference[key] = _interpreted_entering(self, function, entry, DEFAULT_CONTEXT).returned
        return self._made_in_inference[key]

    def called_function(self, value: Value) -> Optional[FunctionInfo]:
        """What calling `value` runs, when it is a project function or has a project `__call__`."""
        if is_project_function(value):
            return value.ref
        if value.kind is Kind.OBJECT:
            return self.method_of(value.ref, "__call__")
        return None

    def guarded_in_module(self, function: FunctionInfo) -> bool:
        """Does code of this module call `function` by name with gradients disabled (`with
        torch.no_grad(): test(...)` under `__main__`)?"""
        return any(self.analysis.state_of(call).mode.disables_grad for call in self.analysis.calls_named(function.name))

    def base_class_calls(self, function: FunctionInfo) -> list:
        """(calling method, grad state, the call, its module's analysis) of each `self.name(...)`
        call of `function` in the methods its class inherits from project base classes: a template
        method the base calls."""
        cls = self.classes.get(function.class_name or "")
        if cls is None or function.class_name != cls.name:
            return []
        found = []
        for method in cls.methods.values():
            owner = self.owner_model(method) if method.class_name != cls.name else None
            if owner is not None:  # inherited
                found += [(method, owner.analysis.state_of(call), call, owner.analysis)
                          for call in owner.analysis.calls_named(f"self.{function.name}") if call.function is method]
        return found

    def dispatch_callers(self, function: FunctionInfo) -> list[FunctionInfo]:
        """The methods of its class, its own or inherited from a project base class, that may call
        `function` through a computed name (`getattr(self, '_' + mode)(*args)` in a captioning
        model's `forward`): which of their callers' grad modes reach it, the name decides."""
        cls = self.classes.get(function.class_name or "")
        if cls is None or function.class_name != cls.name or function.name.startswith("__"):
            return []
        found = []
        for method in cls.methods.values():
            if method is function:
                continue
            owner = self.owner_model(method) if method.class_name != cls.name else self
            prefixes = owner.dispatch_prefixes(method) if owner is not None else ()
            if any(function.name.startswith(prefix) for prefix in prefixes):
                found.append(method)
        return found

    def dispatch_prefixes(self, method: FunctionInfo) -> tuple[str, ...]:
        """The fixed starts of the names `method` dispatches to through `getattr(self, ...)`."""
        key = ("dispatch_prefixes", id(method))
        if key not in self.analysis.cache:
            getattrs = self.analysis.calls_named("getattr")
            calls = list(self.analysis.facts_in(self.analysis.calls, method)) if any(
                call.function is method for call in getattrs) else []
            called = {id(call.node.func) for call in calls}
            self.analysis.cache[key] = tuple(
                prefix for call in calls if call.callee == "getattr"
                and (prefix := dispatch_prefix(call, id(call.node) in called)) is not None)
        return self.analysis.cache[key]

    def overrides_called(self, cls, function: FunctionInfo) -> list[FunctionInfo]:
        """The methods of `cls` that override a `self.name(...)` call of `function`, a method it
        inherits from a base class: the hooks a template method runs on an instance of `cls`
        (`BaseAdapter.forward` calling the `forward_and_adapt` a subclass defines)."""
        if not isinstance(cls, ClassModel) or function.class_name == cls.name:
            return []
        owner = self.owner_model(function) or self
        found = {}
        for call in owner.analysis.facts_in(owner.analysis.calls, function):
            method = cls.own_methods.get(call.method) if call.method is not None and _on_self(call) else None
            if method is not None:
                found[id(method)] = method
        return list(found.values())

    def owner_model(self, function: FunctionInfo) -> Optional["ModuleModel"]:
        """The model of the module that defines `function`: this one or another of the project."""
        if self._functions_by_node.get(id(function.node)) is function:
            return self
        return self.project.owner_of(function) if self.project is not None else None

    def read_in_functions(self, name: str) -> bool:
        if self.analysis.bodies is not None:
            self.analysis.bodies.expand_mentioning(name)
        return name in self._read_in_functions

    def explicitly_enabled(self, call) -> bool:
        from .contexts import explicit_state  # the grad state code in sight sets
        state = explicit_state(self.analysis, call)
        return state is not None and not state.mode.disables_grad and state.mode.value == "enabled"

    def trains_in(self, scope: Optional[FunctionInfo]) -> bool:
        """Does the scope itself run a backward pass, or an update by gradient (each interpretation
        of it asks)? Its calls that may are found once: whether a `learner.adapt(loss)` is one
        depends on the file's imports, which a body walked later may add to."""
        key = ("may train", id(scope))
        if key not in self._ducks:
            self._ducks[key] = [call for call in self.analysis.facts_in(self.analysis.calls, scope)
                                if is_backward(call) or may_adapt_by_gradient(call)]
        return any(is_backward(call) or adapts_by_gradient(call, self.analysis.imports) for call in self._ducks[key])

    def duck_modules(self, scope: Optional[FunctionInfo]) -> frozenset[str]:
        """Names in a scope that the code treats as modules (`m.eval()`, `m.parameters()`)."""
        key = id(scope)
        if key not in self._ducks:
            found = set()
            for call in self.analysis.facts_in(self.analysis.calls, scope):
                if call.method in MODULE_ONLY_METHODS and call.receiver is not None and call.qualified is None:
                    root = chain_root(call.receiver)
                    if root is not None and "." not in root and root not in ("self", "cls"):
                        found.add(root)
            self._ducks[key] = frozenset(found)
        return self._ducks[key]

    def derived_tests(self, function: FunctionInfo) -> dict:
        """Locals the function binds once, to a test (`training = optim is not None`): name -> the
        test, which an `if training:` asks in its stead."""
        key = ("derived tests", id(function))
        if key not in self._ducks:
            counts: dict[str, int] = {}
            tests = {}
            for assign in self.analysis.facts_in(self.analysis.assigns, function):
                for name in assign.targets:
                    counts[name] = counts.get(name, 0) + 1
                if (len(assign.targets) == 1 and assign.augmented is None and assign.value.__class__ in _TESTS):
                    tests[next(iter(assign.targets))] = assign.value
            # (not one that reads itself, `done = not done`: what it was before is another value)
            self._ducks[key] = {name: test for name, test in tests.items()
                                if counts[name] == 1 and name not in names_in(test)}
        return self._ducks[key]

    def fields_used_as_modules(self, scope: Optional[FunctionInfo]) -> frozenset[str]:
        """The fields of a method's class that the class's methods treat as modules
        (`self.pmodel.parameters()` in `__init__`, `self.pmodel.train()` in `train`)."""
        owner = scope.class_name if scope is not None else None
        if owner is None:
            return frozenset()
        key = ("module fields", owner)
        if key not in self._ducks:
            found = set()
            for method in self.analysis.functions:
                if method.class_name != owner:
                    continue
                for call in self.analysis.facts_in(self.analysis.calls, method):
                    name = dotted_name(call.receiver) if call.method in MODULE_ONLY_METHODS and call.receiver is not None else None
                    if name is not None and name.startswith("self.") and name.count(".") == 1:
                        found.add(name[5:])
            self._ducks[key] = frozenset(found)
        return self._ducks[key]

    def guards(self, function: FunctionInfo) -> frozenset[str]:
        key = ("guards", id(function))
        if key not in self._ducks:
            # a parameter the body binds again (`if past is None: past = model(x)[1]` in a loop)
            # says nothing about the branches from the value callers pass
            bound, tested = self.analysis.names_bound_in(function), _guard_parameters(function, self.derived_tests(function))
            self._ducks[key] = tested - bound
            rebound_key = ("rebound guards", id(function))
            self._ducks[rebound_key] = tested & bound  # see `tested_flags`
        return self._ducks[key]

    def tested_flags(self, function: FunctionInfo, constants: tuple) -> tuple:
        """The literal arguments (`(name, literal)`) whose value decides the function's branches:
        those of its guards, and of parameters it tests and binds again only to that same literal
        (`backprop=False` passed, `backprop = False` in one branch: it stays False)."""
        if not constants:
            return ()
        guards = self.guards(function)
        rebound_key = ("rebound guards", id(function))
        rebound = self._ducks[rebound_key]
        return tuple((name, value) for name, value in constants
                     if name in guards or (name in rebound and self._rebound_only_to(function, name, value)))

    def _rebound_only_to(self, function: FunctionInfo, name: str, literal) -> bool:
        """Is the guard `name`, which the body binds again, bound only to `literal` (a bool)?"""
        key = ("rebound", id(function), name)
        if key not in self._ducks:
            from .interpret import _MISSING, _literal_of  # the interpreter reads this module
            values = set()
            for assign in self.analysis.facts_in(self.analysis.assigns, function):
                if name in assign.targets:
                    value = _literal_of(assign.value) if assign.value is not None and not assign.augmented and (
                        assign.node is not None and assign.node.__class__ is cst.Assign) else _MISSING
                    values.add(value if value is not _MISSING and value.__class__ is bool else _MISSING)
            self._ducks[key] = frozenset(values) if values and _MISSING not in values else frozenset()
        return self._ducks[key] == {literal} and literal.__class__ is bool

    def passed_around(self, function: FunctionInfo) -> bool:
        """The function's name is used other than to call it (a callback, `map(fn, ...)`, an
        attribute read): it has callers we cannot see."""
        if self._called_names is None:
            called = set()  # and names that are no reference at all: `f(inference=True)`, `def eval(self, inference)`
            for call in self.analysis.calls:
                func = call.node.func
                called.add(id(func))
                if func.__class__ is cst.Attribute:  # by identity: see tests/test_node_types.py
                    called.add(id(func.attr))
                called.update(id(arg.keyword) for arg in call.node.args if arg.keyword is not None)
            from .interpret import _named_params
            for defined in self.analysis.functions:  # and another class's method of the same name
                called.add(id(defined.node.name))
                called.update(id(param.name) for param in _named_params(defined))
            self._called_names = called
        return any(use.node is not function.node.name and id(use.node) not in self._called_names
                   and not in_import(use)
                   and not (function.class_name is not None and self._local_name(use))
                   and not (function.class_name is None and _read_as_attribute(use))
                   and not self._picked_and_called(use)
                   and not self._compiled_in_place(use)
                   for use in self.analysis.uses_of(function.name))

    def _compiled_in_place(self, use) -> bool:
        """`self.generate_next = torch.compile(self.generate_next, ...)`: the method (or function)
        is rebound to its compiled self, which runs it in the grad mode of whoever calls the name,
        so its callers are the calls of that name, which the values follow."""
        for assign in self.analysis.facts_in(self.analysis.assigns, use.function):
            node, value = assign.node, assign.value
            if (node.__class__ is cst.Assign and len(node.targets) == 1 and value.__class__ is cst.Call
                    and value.args and self.analysis.imports.resolve(value.func) in knowledge.COMPILERS):
                first, target = value.args[0].value, node.targets[0].target
                if (any(spelled is use.node or spelled.__class__ is cst.Attribute and spelled.attr is use.node
                        for spelled in (first, target)) and dotted_name(first) == dotted_name(target)):
                    return True
        return False

    def _picked_and_called(self, use) -> bool:
        """`fun = recurrent_greedy` (in one branch, `fun = transformer_greedy` in the other), then
        `fun(...)`: the function (or a method, `fn = self.rpn_boxes`) is bound to a local that its
        scope only calls, so its callers are the calls of that local, which the values follow."""
        scope = use.function
        if scope is None:
            return False
        assigns = list(self.analysis.facts_in(self.analysis.assigns, scope))
        targets = [assign.targets for assign in assigns if assign.augmented is None and (
            assign.value is use.node or assign.value.__class__ is cst.Attribute and assign.value.attr is use.node
            and assign.value.value.__class__ is cst.Name and assign.value.value.value == "self")]
        if len(targets) != 1 or len(targets[0]) != 1:
            return False
        (local,) = targets[0]
        uses = [other for other in self.analysis.uses_of(local) if other.function is scope]
        calls = sum(id(other.node) in self._called_names for other in uses)
        bindings = sum(local in assign.targets for assign in assigns)  # each binding's target is a use too
        return calls > 0 and len(uses) - calls <= bindings

    def _local_name(self, use) -> bool:
        """The name is a parameter or a local of the function it is used in (`if inference:` in
        `def eval(self, inference=False)`): no reference to a method of the same name."""
        scope = use.function
        if scope is None:
            return False
        from .interpret import _named_params
        return use.name in {param.name.value for param in _named_params(scope)} or use.name in self.analysis.names_bound_in(scope)

    def class_by_usage(self, scope: FunctionInfo, name: str) -> Optional[ClassModel]:
        """The one project class whose methods and fields cover every attribute the scope reads on
        `name` (`ema.update(...)`, `ema.shadow(x)`: an `EMA`), if exactly one does."""
        if not self.classes:
            return None
        key = ("usage", id(scope))
        if key not in self._ducks:
            self._ducks[key] = attributes_on_names(scope.node.body)
        used = self._ducks[key].get(name)
        if not used:
            return None
        fits = self._classes_with(used, enough=2)
        if len(fits) != 1 or (used <= MODULE_API and (not fits[0].is_module or fits[0].is_loss
                                                      or fits[0].parameter_free)):
            # `model.train(True)` fits a trainer class with a `train` method, and any module; a
            # module given to an optimizer (`model.parameters()`) is not the file's loss class, and
            # one put in eval mode is not its parameter-free augmentation
            return None
        if len(used) == 1 and fits[0].name == scope.class_name and used <= fits[0].methods.keys():
            # `action_head.predict_action(h)` in a method of the class that defines
            # `predict_action`: a part it delegates to, of another class, more likely than an
            # object of its own
            return None
        return fits[0]

    def _classes_with(self, attributes: set, enough: int) -> list[ClassModel]:
        """Up to `enough` classes whose methods and fields (and the nn.Module API, for modules)
        cover every one of `attributes`: an index by attribute, kept up to date as fields are found,
        read from the attribute fewest classes have. In a module read on demand, a class's fields
        are found (its `__init__` interpreted, the modules that needs read) only when its code
        spells every attribute its methods lack: most classes cannot fit."""
        if self._by_attribute is None:
            self._by_attribute = {}
            for cls in self.classes.values():
                if cls.inherited:
                    cls.find_fields()  # fields of other modules' classes: not spelled in this module's code
                found = cls._fields.keys() if cls._pending_fields is None else ()
                for attr in set(cls.methods) | set(found) | (MODULE_API if cls.is_module else set()):
                    self._by_attribute.setdefault(attr, {})[id(cls)] = cls
        for cls in list(self.classes.values()):
            if cls._pending_fields is not None and self._may_store_all(cls, attributes):
                cls.find_fields()  # `_store_field` adds them to the index
        having = sorted((self._by_attribute.get(attr, {}) for attr in attributes), key=len)
        fits = []
        for key, cls in having[0].items():
            if all(key in others for others in having[1:]):
                fits.append(cls)
                if len(fits) == enough:
                    break
        return fits

    def _may_store_all(self, cls: ClassModel, attributes: set) -> bool:
        """Could `cls`'s fields hold every attribute of `attributes` that its methods and the
        nn.Module API do not? A field is stored by code of the class (`self.x = ...` in its methods,
        `x: T` in its body), so it is a word of that code."""
        missing = attributes - cls.methods.keys() - (MODULE_API if cls.is_module else frozenset())
        if not missing:
            return False  # it fits whatever its fields are
        words = self._words_of_class(cls)
        return words is None or missing <= words

    def _words_of_class(self, cls: ClassModel) -> Optional[frozenset]:
        """The words of the code that can store `cls`'s fields: the functions of classes of its
        name and its first top-level definition (see `_init_fields`); None when the module was not
        built from `ast` (no source text kept)."""
        key = ("class_words", cls.name)
        if key not in self._ducks:
            bare = self.analysis.cache.get("bare")
            nodes = [function.node for function in self.analysis.functions if function.class_name == cls.name]
            nodes += [statement for statement in self.analysis.module.body
                      if statement.__class__ is cst.ClassDef and statement.name.value == cls.name][:1]
            texts = [bare.source_of(node) for node in nodes] if bare is not None else [None]
            self._ducks[key] = None if None in texts else frozenset(_WORD.findall("\n".join(texts)))
        return self._ducks[key]

    def methods_defined_here(self, name: Optional[str]) -> tuple[FunctionInfo, ...]:
        """The methods `name` of the module's classes (a call `x.name(...)` on a value of unknown
        class runs one of them, if it runs one of ours)."""
        if name is None or name.startswith("__"):
            return ()
        return tuple(self._defining.get(name, ()))

    def imported_methods(self, name: str) -> tuple[FunctionInfo, ...]:
        """Every method `name` of the classes of the project modules this module imports (and the
        submodules a package it imports imports: its `from . import sam`), when no class of this
        module defines it: what `model.infer(x)` may run on a model built by a registry of the
        project. Only modules whose text defines `name` are analysed for it."""
        if name.startswith("__") or self.project is None or self._defining.get(name):
            return ()
        key = ("imported_method", name)
        if key not in self._ducks:
            self._ducks[key] = self._methods_in(name, self._imported_defining(name))
        return self._ducks[key]

    def with_overrides(self, methods: tuple[FunctionInfo, ...]) -> tuple[FunctionInfo, ...]:
        """`methods` (of the classes of imported modules) and their overrides in the classes of
        the run's files derived from those classes: what a call on a model of unknown class may
        run (`model.evaluate(...)` on a model a registry builds runs the subclass's `evaluate`,
        not the base class's). A stub (`raise NotImplementedError`, `assert False`) is left out
        when an override remains."""
        if not methods or self.project is None:
            return methods
        name = methods[0].name
        key = ("overrides", name, tuple(id(method) for method in methods))
        if key not in self._ducks:
            bases = {qualified for method in methods if (qualified := self._qualified_class(method)) is not None}
            found = {id(method): method for method in methods}
            for candidate in self._methods_in(name, [(path, 1) for path in self.project.run_files_defining(name)]):
                owner = self.project.owner_of(candidate)
                cls = owner.classes.get(candidate.class_name) if owner is not None and candidate.class_name else None
                if cls is not None and bases & set(cls.ancestry):
                    found.setdefault(id(candidate), candidate)
            every = tuple(found.values())
            self._ducks[key] = tuple(one for one in every if not is_stub(one.node.body)) or every
        return self._ducks[key]

    def _qualified_class(self, method: FunctionInfo) -> Optional[str]:
        """The qualified name of the project class `method` is defined in."""
        owner = self.project.owner_of(method) if self.project is not None else None
        module = self.project.module_name(owner.analysis.path) if owner is not None else None
        return f"{module}.{method.class_name}" if module and method.class_name else None

    def _methods_in(self, name: str, files) -> tuple[FunctionInfo, ...]:
        """The methods `name` of the classes of the project modules at `files` ((path, depth))."""
        found: dict[int, FunctionInfo] = {}
        for path, depth in files:
            entry = self.project.entry(path, depth=depth)
            for method in entry.model._defining.get(name, ()) if entry is not None and entry.model else ():
                found[id(method)] = method
        return tuple(found.values())

    def off_wherever_defined(self, name: str, keywords: frozenset = frozenset()) -> bool:
        """Does every method `name` of the project's classes this module can see (those of the
        modules it imports, else of the run's other files whose text defines it, else of this
        module) that takes the call's `keywords` run with gradients disabled by itself (see
        `_disables_grad_itself`) or record nothing (`records_nothing`)? Then a call of it on a
        model of unknown class (built by a registry from a config) records nothing, whichever
        class the model is (`policy.forward(obs, deterministic=True)`: only the policy classes'
        `forward` takes `deterministic`)."""
        found = self.imported_methods(name) or self._methods_defined_in_run(name) or self.methods_defined_here(name)
        methods = [method for method in found if _takes_keywords(method, keywords)]
        return bool(methods) and all(self._disables_grad_itself(method) or self.records_nothing(method)
                                     for method in methods)

    def puts_modules_in_eval(self, name: str, cls=None) -> bool:
        """Does the method `name` of `cls` (of every project class this module can see, as
        `off_wherever_defined` finds them, when `cls` is None) only put its object's modules in
        eval mode (`def val_start(self): self.img_enc.eval(); self.txt_enc.eval()`)? Then
        `model.val_start()` is a switch to eval mode."""
        if name.startswith("_") or (name in MODULE_API and cls is None) or not knowledge.EVAL_SWITCH_NAME.search(name):
            return False  # (a plain class's own `eval()` is the project's: `def eval(self): self.flownet.eval()`)
        if cls is not None:
            method = self.method_of(cls, name)
            methods = (method,) if method is not None else ()
        else:
            methods = self.imported_methods(name) or self._methods_defined_in_run(name) or self.methods_defined_here(name)
        return bool(methods) and all(self._only_evals_its_modules(method) for method in methods)

    def _only_evals_its_modules(self, method: FunctionInfo) -> bool:
        owner = (self.project.owner_of(method) if self.project is not None else None) or self
        summary = owner.summary_of(method)
        if summary is None or summary.runs_forward or summary.result.training or summary.result.wants_grad:
            return False
        switches = summary.result.switches
        return bool(switches) and all(switch == "eval" and key is not None and key.startswith("self.")
                                      for _, key, switch in switches)

    def records_nothing(self, method: FunctionInfo) -> bool:
        """Called with gradients on, does the method run no forward pass that records (its model
        under a `no_grad` block of its own, then `.cpu().numpy()` after it), train nothing, want no
        gradient, and return nothing with a graph?"""
        summary = self.summary_of(method)
        return (summary is not None and not summary.runs_forward and not summary.result.training
                and not summary.result.wants_grad and summary.returned.graph is Graph.NO)

    def freezing_flags(self, init: FunctionInfo, analysis: FileAnalysis) -> list:
        """`interpret.freezing_flags` of a class's `__init__`, read once however often it is built."""
        key = ("freezing_flags", id(init))
        if key not in self._ducks:
            self._ducks[key] = freezing_flags(analysis, init)
        return self._ducks[key]

    def _disables_grad_itself(self, method: FunctionInfo) -> bool:
        """Decorated to disable gradients (`@torch.inference_mode()`), or every call of its body is
        inside a `with` of its own that disables them (`with torch.no_grad():` around all of it)."""
        if method.entry.origin is Origin.DECORATOR:
            return method.entry.mode.disables_grad
        owner = (self.project.owner_of(method) if self.project is not None else None) or self
        analysis = owner.analysis
        calls = [call for call in analysis.facts_in(analysis.calls, method)
                 if call.qualified not in knowledge.GRAD_CONTEXTS]  # the `torch.no_grad()` of the `with` itself
        return bool(calls) and all(call.explicit is not None and call.explicit.mode.disables_grad for call in calls)

    def _methods_defined_in_run(self, name: str, nearby_only: bool = False) -> tuple[FunctionInfo, ...]:
        """Every method `name` of the classes of the files the run checks together, among those
        whose text defines it (none in a run of one file): those beside this module (in its
        package, or its folder of scripts) when some are, as a monorepo's projects each define
        their own (`nearby_only`: only those); stubs (`raise NotImplementedError`, `pass`) left
        out when others remain."""
        if name.startswith("__") or self.project is None:
            return ()
        key = ("run_method", name, nearby_only)
        if key not in self._ducks:
            files = self.project.run_files_defining(name)
            here = Path(os.path.abspath(self.analysis.path))
            near = self.project.neighbourhood(here)
            files = [path for path in files if near in path.parents] or ([] if nearby_only else files)
            if not files and nearby_only:  # a run of some files (flake8's, an editor's): those beside it on disk
                files = [path for path in self.project.files_defining(name, near) if path != here]
            methods = self._methods_in(name, [(path, 1) for path in files])
            self._ducks[key] = tuple(method for method in methods if not is_stub(method.node.body)) or methods
        return self._ducks[key]

    def methods_of_classes_named(self, word: str, method: str) -> tuple[FunctionInfo, ...]:
        """The methods `method` of the project classes named with `word` (their own name or a
        base's: `agent` of `SACAgent`) that a call on a value of unknown kind may run: in the
        modules this one imports, else in the run's files, else in the files beside this module on
        disk, among those whose text defines `method` and names such a class; only those are read."""
        if self.project is None or not (method.isascii() and method.isidentifier()):
            return ()
        key = ("classes named", word, method)
        if key not in self._ducks:
            self._ducks[key] = ()
            files = [(path, depth) for path, depth in self._imported_defining(method)] or [
                (path, 1) for path in self.project.run_files_defining(method)]
            if not files:
                here = Path(os.path.abspath(self.analysis.path))
                files = [(path, 1) for path in self.project.files_defining(method, self.project.neighbourhood(here))
                         if str(path) != str(here)]
            named = [(path, depth) for path, depth in files
                     if (facts := self.project.text_facts(path)) is not None and word in facts.class_words]
            if named:  # (an abstract stub, `raise NotImplementedError`, is not what runs when others remain)
                methods = self._methods_in(method, named)
                self._ducks[key] = tuple(one for one in methods if not is_stub(one.node.body)) or methods
        return self._ducks[key]

    def methods_defined_nearby(self, name: str) -> tuple[FunctionInfo, ...]:
        """The methods `name` of the classes of the run's files beside this module (in its package,
        or its folder of scripts), else of the files there on disk: what `sdf_network.gradient(pts)`
        may run in a renderer that imports none of the network classes a script hands it."""
        return self._methods_defined_in_run(name, nearby_only=True)

    def differentiating_forward_imported(self) -> bool:
        """Does a project module this one imports, or another file the run checks with it, define
        a module that takes gradients with `torch.autograd.grad` to be evaluated (in its `forward`,
        or in a method of a class with a `forward`: forces as the gradient of a learned energy, a
        renderer's surface normals)? A model of no known class that such a project builds may
        need gradients to be evaluated at all."""
        key = ("differentiating_forward",)
        if key not in self._ducks:
            self._ducks[key] = False  # a cycle of imports asks again: not shown yet
            here = os.path.abspath(self.analysis.path)
            candidates = list(self._imported_files()) + [
                (path, 1) for path in self.project.run_files_defining("forward")
                if str(path) != here] if self.project is not None else []
            self._ducks[key] = any(
                (entry := self.project.entry(path, depth=depth)) is not None and entry.model is not None
                and entry.model.forward_takes_gradients()
                for path, depth in candidates
                if (facts := self.project.text_facts(path)) is not None and facts.input_gradient)
        return self._ducks[key]

    def forward_takes_gradients(self) -> bool:
        """Does a `forward` of this module call `torch.autograd.grad` (not only import it), itself or
        through the methods it calls, by name, that this module defines (`self.get_rgb(x)`, which
        calls `self.implicit.gradient(points)`, which takes the gradient)?"""
        calls = self.analysis.calls
        by_name: dict[str, list[FunctionInfo]] = {}
        for function in self.analysis.functions:
            by_name.setdefault(function.name, []).append(function)
        reached, frontier = set(), [f for f in by_name.get("forward", ()) if f.class_name is not None]
        while frontier:
            function = frontier.pop()
            if id(function) in reached:
                continue
            reached.add(id(function))
            for call in self.analysis.facts_in(calls, function):
                if call.qualified == "torch.autograd.grad":
                    return True
                if call.method is not None:  # a method, of `self` or of a field: whichever class defines it here
                    frontier.extend(by_name.get(call.method, ()))
        return False

    def _imported_defining(self, name: str) -> list[tuple[Path, int]]:
        """(file, depth) of the project modules this one imports, and of the submodules the
        packages among them import, whose text has `def name(`."""
        if not (name.isascii() and name.isidentifier()):  # `TextFacts.defined` holds ASCII names only
            pattern = re.compile(rb"\bdef\s+" + re.escape(name.encode()) + rb"\s*\(")
            return [(path, depth) for path, depth in self._imported_files() if pattern.search(read_bytes(str(path)))]
        key = ("imported_definitions",)
        if key not in self._ducks:  # the names of each file, however many are asked for
            self._ducks[key] = [(path, depth, facts.defined) for path, depth in self._imported_files()
                                if (facts := self.project.text_facts(path)) is not None]
        return [(path, depth) for path, depth, defined in self._ducks[key] if name in defined]

    def _imported_files(self) -> list[tuple[Path, int]]:
        """(file, depth) of the project modules this one imports, and of the submodules the
        packages among them import, that can be read."""
        from .project import MAX_SUMMARY_DEPTH  # the project imports this module
        key = ("imported_files",)
        if key in self._ducks:
            return self._ducks[key]
        found, seen = [], {os.path.abspath(self.analysis.path)}
        frontier = [(Path(self.analysis.path), self.depth)]
        while frontier:
            path, depth = frontier.pop(0)
            if depth + 1 > MAX_SUMMARY_DEPTH:
                continue
            for imported in sorted(self.project.imported_files(path)):
                if str(imported) in seen:
                    continue
                seen.add(str(imported))
                if self.project.text_facts(imported) is None:  # (a `def name(` added later changes the answers)
                    continue
                found.append((imported, depth + 1))
                if imported.name == "__init__.py":
                    frontier.append((imported, depth + 1))
        self._ducks[key] = found
        return found

    def global_value(self, name: str) -> Value:
        if name in self.classes:
            return Value(Kind.CLASS, Graph.NO, ref=self.classes[name])
        function = self._top_level_functions.get(name)
        if function is not None:
            return Value(Kind.FUNCTION, Graph.NO, ref=function)
        qualified = self.analysis.imports.aliases.get(name)
        if qualified is not None:
            return self.qualified_value(qualified) or UNKNOWN
        return UNKNOWN

    def exported(self, name: str, hops: int = 0) -> Optional[Value]:
        """What another module gets importing `name` from this one (`hops`: re-exports followed
        to get here)."""
        if name in self.classes or name in self._top_level_functions:
            return self.global_value(name)
        found = self.module_level(name)
        if found is not None:
            return found
        qualified = self.analysis.imports.aliases.get(name)  # re-exported
        return self.qualified_value(qualified, hops + 1) if qualified is not None else None

    def qualified_value(self, qualified: str, hops: int = 0) -> Optional[Value]:
        """Values of imported names: the project's own functions and classes, torch.nn classes,
        optimizers, model classes."""
        if self.project is not None:
            found = self.project.value_of(qualified, hops, self.depth + (0 if hops else 1),
                                          self.project.home_of(self.analysis.path))
            if found is not None:
                return found
        if qualified in knowledge.GRAD_CONTEXTS or _is_torch_function(qualified):
            return Value(Kind.FUNCTION, Graph.NO, ref=qualified)
        if _is_module_base(qualified):
            return Value(Kind.CLASS, Graph.NO, ref=qualified)
        if qualified.startswith(knowledge.OPTIMIZER_PACKAGES) and qualified.rpartition(".")[2][:1].isupper():
            return Value(Kind.CLASS, Graph.NO, ref=qualified)
        if qualified in knowledge.MODELS_WITHOUT_GRAD:
            return Value(Kind.CLASS, Graph.NO, ref=qualified)
        if qualified.startswith(knowledge.PRETRAINED_PACKAGES) and qualified.rpartition(".")[2][:1].isupper():
            return Value(Kind.CLASS, Graph.NO, ref=qualified)
        return None

    def qualified_call(self, qualified: str, fact, arguments) -> Optional[Value]:
        """What a call of an imported callable gives: models from factories."""
        if qualified in knowledge.SCRIPTED_MODULE_LOADERS:
            return Value(Kind.MODULE, Graph.YES, evidence=Evidence.CLASS, training=Training.UNKNOWN, weights=True)
        if qualified == "torch.load":
            return UNKNOWN.but(weights=True)  # a checkpoint, or a whole pickled model (see `Interpreter.call_value`)
        if qualified in knowledge.NETWORK_METRICS:
            return Value(Kind.MODULE, Graph.YES, evidence=Evidence.CLASS, training=Training.EVAL, weights=True,
                         eval_reason=f"`{qualified.rpartition('.')[2]}` is built in eval mode")
        if qualified.startswith(knowledge.MODEL_FACTORY_PREFIXES):
            last = qualified.rpartition(".")[2]
            if qualified == "torch.hub.load" and _hub_entry_not_a_model(fact):
                return UNKNOWN  # `torch.hub.load('huggingface/pytorch-transformers', 'tokenizer', ...)`
            if last[:1].islower() and not last.startswith(("get_", "list_", "load_state")):
                return Value(Kind.MODULE, Graph.YES, evidence=Evidence.CLASS, training=Training.TRAIN)
        if qualified.rpartition(".")[2] in knowledge.MODEL_FACTORY_METHODS and knowledge.is_pretrained_model_class(
                qualified.rpartition(".")[0]):
            return Value(Kind.MODULE, Graph.YES, evidence=Evidence.CLASS, training=Training.EVAL,
                         eval_reason="`from_pretrained` returns a model in eval mode")
        return None

    def evaluated_by_init(self, cls: ClassModel) -> bool:
        """A module class whose `__init__` (or a method only `__init__` calls) puts the instance
        itself in eval mode (`self.eval()`, on every pass) and none of whose methods puts it back
        in train mode: an inference wrapper, whose methods run it in eval mode."""
        key = ("self_eval", id(cls))
        if key not in self._ducks:
            init = cls.methods.get("__init__")
            building = [f for f in cls.methods.values() if f is init or id(f) in cls.construction_helpers]
            self._ducks[key] = cls.is_module and init is not None and any(
                switch == "eval" and runs_unconditionally(self.analysis, function, call.node)
                for function in building for call, switch in self._self_switches(function)) and all(
                switch == "eval" for function in cls.methods.values() for _, switch in self._self_switches(function))
        return self._ducks[key]

    def _self_switches(self, function: FunctionInfo) -> list:
        """(call, "eval"/"train"/"unknown") for each `self.eval()`/`self.train(...)` in the function."""
        return [(call, switch) for call in self.analysis.facts_in(self.analysis.calls, function)
                if dotted_name(call.receiver) == "self" and (switch := mode_switch(call)) is not None]

    def instance_value(self, cls) -> Value:
        """The value of `cls(...)`: a module, an optimizer or another object."""
        if isinstance(cls, str) and cls in self.classes:
            cls = self.classes[cls]
        if isinstance(cls, ClassModel):
            if cls.is_module:
                return Value(Kind.MODULE, Graph.YES, evidence=Evidence.CLASS, ref=cls, is_loss=cls.is_loss)
            if cls.is_optimizer:
                return Value(Kind.OPTIMIZER, Graph.NO, ref=cls)
            return Value(Kind.OBJECT, Graph.NO, ref=cls)
        if isinstance(cls, str):
            if cls in knowledge.MODELS_WITHOUT_GRAD:
                return Value(Kind.OBJECT, Graph.NO, ref=cls)
            if cls.startswith(knowledge.OPTIMIZER_PACKAGES):
                return Value(Kind.OPTIMIZER, Graph.NO, ref=cls)
            if _is_module_base(cls) or cls.startswith(knowledge.MODULE_PACKAGES) or knowledge.is_pretrained_model_class(cls):
                return Value(Kind.MODULE, Graph.YES, evidence=Evidence.CLASS, is_loss=cls.endswith("Loss"),
                             ref=cls if cls.startswith(knowledge.MODULE_PACKAGES) else None)
        return UNKNOWN

    def field_value(self, cls, attr: str) -> Optional[Value]:
        """What the class stores in `attr`; for a union of classes (`self.policy` built as one of
        several), what any of them stores, when every one stores it."""
        if isinstance(cls, ClassModel):
            found = cls.fields.get(attr)
            if found is None and cls.inherited and self.depth == 0:  # a checked file's reads only
                found = cls.stored_by_methods(attr, lambda name: bool(self.analysis.calls_named(f"self.{name}")))
            return found
        if isinstance(cls, tuple) and cls and all(isinstance(one, ClassModel) for one in cls):
            found = [one.fields.get(attr) for one in cls]
            return join(*found) if all(value is not None for value in found) else None
        return None

    def forward_decorated_off(self, token) -> bool:
        """A call of a module whose project class decorates `forward` with `@torch.no_grad()` or
        `@torch.inference_mode()` (`self.forward(images)` in a `visualize`): it records nothing.
        (The token stays for the NG2 rules, which report such a forward where it is trained.)"""
        return token.callee is None and token.method is None and self.forward_off(token.module)

    def forward_off(self, module: Value) -> bool:
        """Does the module's project class decorate `forward` with a disabling context?"""
        forward = self.method_of(module.ref, "forward") if module.ref is not None else None
        state = forward.decorator_state if forward is not None else None
        return state is not None and state.mode.disables_grad

    def method_of(self, cls, name: Optional[str]) -> Optional[FunctionInfo]:
        """The method `name` of a class, or of every class of a union when they share it."""
        if isinstance(cls, ClassModel) and name is not None:
            return cls.methods.get(name)
        methods = self.methods_of_union(cls, name)
        return methods[0] if methods is not None and len(methods) == 1 else None

    def some_class_has(self, classes, name: Optional[str]) -> bool:
        """Does a class of a union (see `lattice.join`) have a method `name`?"""
        return isinstance(classes, tuple) and any(isinstance(one, ClassModel) and name in one.methods for one in classes)

    def methods_of_union(self, classes, name: Optional[str]) -> Optional[list[FunctionInfo]]:
        """The methods `name` of the classes of a union (see `lattice.join`), one per distinct
        method, when every class has one; else None. A parallel wrapper among them
        (`net = DDP(net)` in one branch) has none of the wrapped class's methods: calling one
        runs on the class itself, wherever the call succeeds."""
        if not isinstance(classes, tuple) or name is None:
            return None
        classes = tuple(one for one in classes if one not in knowledge.PARALLEL_WRAPPERS)
        if not classes or not all(isinstance(one, ClassModel) for one in classes):
            return None
        found = [one.methods.get(name) for one in classes]
        if any(method is None for method in found):
            return None
        return list({id(method): method for method in found}.values())

    def is_grad_free_model(self, ref) -> bool:
        return isinstance(ref, str) and ref in knowledge.MODELS_WITHOUT_GRAD

    # -- what the rules ask ---------------------------------------------------------------------
    def order(self, token) -> tuple[int, int]:
        """Where a token's call stands in the source: statement, then outer calls first."""
        return (token.call.index, self.call_order.get(id(token.call.node), 0))

    @property
    def may_use_torch(self) -> bool:
        """False for a module that imports another array framework (TensorFlow, JAX, MXNet...) and
        no PyTorch package: its `model.eval()` and `predict` are not PyTorch's."""
        roots = self._import_roots()
        return bool(roots & knowledge.TORCH_PACKAGES) or not roots & knowledge.OTHER_FRAMEWORKS

    @property
    def imports_torch(self) -> bool:
        """Does the module import a PyTorch package (torch, or a library built on it)?"""
        return bool(self._import_roots() & knowledge.TORCH_PACKAGES)

    def imports_any(self, packages: frozenset) -> bool:
        """Does the module import one of these packages (by their top-level names)?"""
        return bool(self._import_roots() & packages)

    def _import_roots(self) -> set[str]:
        return {qualified.split(".")[0] for qualified in self.analysis.imports.aliases.values()}

    def all_results(self) -> list[ScopeResult]:
        """The final result of every scope: each function in each of its contexts, and the module."""
        found = [r for function in self.analysis.functions for r in self.results_of(function)]
        return found + ([self.module_result] if self.module_result is not None else [])

    def nograd_backwards(self) -> list:
        """(backward call, value) for backward passes on a value computed without gradients under
        a context written in sight (a `with`, a decorator, a `set_grad_enabled` statement) or in a
        hook a framework surely runs without gradients."""
        from .contexts import explicit, sure_state  # the grad states code in sight sets
        found: dict[int, tuple] = {}
        for result in self.all_results():
            for call, value in result.backwards:
                if (value.graph is Graph.NO and value.nograd is not None and value.nograd_state is not None
                        and sure_state(self.analysis, value.nograd_state) is not None):
                    found.setdefault(id(call.node), (call, value))
                elif value.graph is not Graph.NO:
                    for slot in value.dropped:  # a slot filled under no_grad, summed with losses that have a graph
                        if slot not in self.dropped_slots:
                            continue  # filled in another module, whose own check reports it
                        node, state = self.dropped_slots[slot]
                        if explicit(self.analysis, state) is not None:
                            part = NO_GRAPH.but(nograd=NoGrad.SURE, nograd_node=node, nograd_state=state)
                            found.setdefault(slot, (call, part))
        return sorted(found.values(), key=lambda item: item[0].index)

    def attribute_reads(self) -> dict[str, tuple[int, int]]:
        """Attribute name -> (detached reads, other reads) in this module (see `treewalk.attribute_reads`)."""
        reads = self.analysis.cache.get("attribute_reads")
        if reads is None:
            reads = self.analysis.cache["attribute_reads"] = attribute_reads(self.analysis.module)
        return reads

    def results_of(self, function: FunctionInfo) -> list[ScopeResult]:
        return self.results.get(id(function), [])

    def callers_of(self, function: FunctionInfo) -> list:
        return self.callers.get(id(function), [])

    def call_sites(self, function: FunctionInfo) -> list[tuple]:
        """(the call, the FileAnalysis of its module) of every caller of `function`, in this module
        and in the other modules of a run analysed together."""
        elsewhere = self._external_callers()
        sites = {id(fact): (fact, elsewhere.get(id(fact), self.analysis)) for _, fact, _, _ in self.callers_of(function)}
        for fact, callee, caller in self.calls_in_context:
            if callee is function:
                sites.setdefault(id(fact), (fact, caller))
        return list(sites.values())


def _takes_keywords(function: FunctionInfo, keywords: frozenset) -> bool:
    """Can `function` be called with these keyword arguments (its parameters, or `**kwargs`)?"""
    if not keywords:
        return True
    if function.node.params.star_kwarg is not None:
        return True
    from .interpret import _named_params  # the interpreter reads this module
    return keywords <= {param.name.value for param in _named_params(function)}


def _runs_without_grad(call) -> bool:
    """Does the call run with gradients disabled where it is (its block, or its function's entry)?"""
    state = call.explicit if call.explicit is not None else call.function.entry if call.function is not None else None
    return state is not None and state.mode.disables_grad


def model_of(analysis: FileAnalysis) -> ModuleModel:
    """The module's value model, built once per analysis (by the project, when it has one)."""
    model = analysis.cache.get("module_model")
    if model is None:
        model = analysis.cache["module_model"] = ModuleModel(analysis)
        model.build_summaries()
        model.build_contexts()
    return model


# -- helpers ---------------------------------------------------------------------------------------
def _evidence_passed(module: Value) -> Evidence:
    """How a function knows that what its callers pass is a module: by its callers, unless they
    know it only by its name and made it themselves (`sp_model = spm.SentencePieceProcessor()`,
    no module at all); one they were handed in turn (`eval_model(net)` passing `net` on) may be
    known better by their own callers."""
    if module.evidence is Evidence.NAME and not module.params:
        return Evidence.NAME
    return max(module.evidence, Evidence.CALLERS)


def _as_called_with_gradients(model: ModuleModel, function: FunctionInfo, context: Optional[Context] = None) -> ScopeResult:
    """A function's summary: what a call does where gradients are on. The entry mode that its
    callers in this module give it is for its own findings (phase 2), not for other callers."""
    if function.entry.origin is not Origin.CALLERS:
        return interpret(model, function, context or DEFAULT_CONTEXT)
    return _interpreted_entering(model, function, ENABLED_BY_DEFAULT, context or DEFAULT_CONTEXT)


def _interpreted_entering(model: ModuleModel, function: FunctionInfo, entry: GradState, context: Context) -> ScopeResult:
    """The function interpreted as entered in `entry`'s grad mode (its callers' mode), its own
    entry mode put back afterwards."""
    own = function.entry
    function.entry = entry
    try:
        return interpret(model, function, context)
    finally:
        function.entry = own


def _read_as_attribute(use) -> bool:
    """Is the name the attribute of another object (`args.evaluate_recon`, a flag of the same name
    as a top-level function), no reference to the function?"""
    return any(node.__class__ is cst.Attribute and node.attr is use.node for node in iter_nodes(use.statement))


def _may_store_on_self(method: FunctionInfo, attr: str) -> bool:
    """Could the method store `self.attr` (`self.gnn = ...`, `self.a, self.gnn = ...`)? Read
    from the text of a body still deferred; a walked body may."""
    if method.pending_text is None:
        return True
    text = method.pending_text()
    return f"self.{attr}".encode() in text and re.search(
        rb"\bself\." + re.escape(attr.encode()) + rb"\s*(?::[^=\n]*|,[^=\n]*)?=(?!=)|,\s*self\." + re.escape(attr.encode()) + rb"\b[^=\n]*=(?!=)",
        text) is not None


def _on_self(fact) -> bool:
    """A call of a method on `self` (`self._init_model(config)`)."""
    return fact.receiver is not None and dotted_name(fact.receiver) == "self"


def _computed_without_graph(value: Value) -> bool:
    """Was `value` surely made by a tensor operation with gradients disabled? A forward pass, or
    arithmetic on what the caller passed (torch records none of it); not what an unknown call made
    of the caller's values, which may hand one back unchanged."""
    return value.graph is Graph.NO and value.nograd is not None and (
        value.nograd is NoGrad.SURE or not value.params
        or isinstance(value.nograd_node, (cst.BinaryOperation, cst.UnaryOperation)))


def _is_torch_function(qualified: str) -> bool:
    """`torch.nn.functional.conv2d`, `torch.cat`: a function of torch, never a model (a name bound
    to one, `conv = F.conv2d`, is called as what it is, whatever its name)."""
    package, _, last = qualified.rpartition(".")
    return package in ("torch", "torch.nn.functional") and last[:1].islower()


def _is_module_base(qualified: str) -> bool:
    """A class whose subclasses are modules: `nn.Module`, any torch.nn module class
    (`class CustomDataParallel(nn.DataParallel)`), a framework's module class."""
    return qualified in knowledge.MODULE_BASES or qualified in ("nn.Module", "Module") or qualified.endswith(
        (".nn.Module", "LightningModule", "PreTrainedModel")) or knowledge.is_torch_module_class(qualified)


def _ancestors(cls: ClassModel, classes: dict[str, ClassModel]) -> list[str]:
    found, todo, seen = [], list(cls.bases), {cls.name}
    while todo:
        base = todo.pop()
        found.append(base)
        if base in classes and base not in seen:
            seen.add(base)
            todo.extend(classes[base].bases)
    return found


def _final_env(model: ModuleModel, result: ScopeResult) -> dict:
    """Module-level names as functions see them: modules built or loaded at the top level. A
    module is in an unknown mode, but for one the script puts in eval mode once and for all (see
    `_evaluated_at_import`)."""
    env = {}
    evaluated = _evaluated_at_import(model, result)
    for assign in model.analysis.facts_in(model.analysis.assigns, None):
        for name in assign.targets:
            value = result.values.get(id(assign.value)) if assign.value is not None else None
            if name in evaluated:
                module = value if value is not None and value.kind is Kind.MODULE else Value(
                    Kind.MODULE, Graph.YES, evidence=Evidence.DUCK, weights=value is not None and value.weights)
                env[name] = module.but(sources=frozenset(), params=frozenset(), training=Training.EVAL,
                                       eval_reason=evaluated[name])
            elif value is not None and value.kind in (Kind.MODULE, Kind.OPTIMIZER, Kind.OBJECT):
                env[name] = value.but(sources=frozenset(), params=frozenset(), training=Training.UNKNOWN)
    return env


def _evaluated_at_import(model: ModuleModel, result: ScopeResult) -> dict[str, str]:
    """{name: why} for the module-level names the top level puts in eval mode on every run, at
    import or at the start of its `__main__` block (`model = torch.load(p)`, then
    `model.to(device).eval()`), in a module that switches no module back to train mode anywhere
    and whose functions do not rebind them: every function of the script sees them in eval mode."""
    analysis = model.analysis
    if any(mode_switch(call) not in (None, "eval") for call in analysis.calls):
        return {}
    top = [statement for body in script_bodies(analysis.module) for statement in body]
    last_bound: dict[str, int] = {}  # the switch must come after the name's last binding at the top level
    for assign in analysis.facts_in(analysis.assigns, None):
        for name in assign.targets:
            last_bound[name] = max(last_bound.get(name, -1), assign.index)
    found = {}
    for fact, key, switch in result.switch_calls.values():
        if switch == "eval" and key is not None and "." not in key and fact.function is None \
                and fact.index > last_bound.get(key, fact.index) and any(statement is fact.statement for statement in top):
            found[key] = f"the script puts `{key}` in eval mode at its top level, and nothing puts it back in train mode"
    if found:
        rebound = {name for function in analysis.functions for name in analysis.names_bound_in(function) & found.keys()
                   if _declares_global(function, name)}
        found = {name: why for name, why in found.items() if name not in rebound}
    return found


def _declares_global(function: FunctionInfo, name: str) -> bool:
    return any(isinstance(node, cst.Global) and any(item.name.value == name for item in node.names)
               for node in iter_nodes(function.node.body))


def _own_fields(freezes: list) -> list[tuple[str, Optional[bool]]]:
    """(attribute, frozen) of the freezes of `self.attr` itself."""
    return [(key[5:], frozen) for key, frozen in freezes if key.startswith("self.") and key.count(".") == 1]


def _wrapper_freezes(cls: ClassModel, freezes: list) -> list[tuple[str, Optional[bool]]]:
    """(attribute, frozen) of the freezes of one field of a field (`for p in
    self.sv_encoder.bert.parameters(): p.requires_grad = False`) whose class is a wrapper: its own
    `forward` reads no field of `self` but that one (`return self.bert(ids, types, mask)`), so
    every pass of the outer field runs only what was frozen."""
    found = []
    for key, frozen in freezes:
        parts = key.split(".")
        if len(parts) != 3 or parts[0] != "self":
            continue
        outer = cls.fields.get(parts[1])
        if outer is not None and outer.kind is Kind.MODULE and _runs_only_field(outer, parts[2]):
            found.append((parts[1], frozen))
    return found


def _runs_only_field(module: Value, attr: str) -> bool:
    """Does the `forward` of the module's project class read no field of `self` but `attr`?"""
    classes = module.ref if isinstance(module.ref, tuple) else (module.ref,)
    for one in classes:
        forward = one.methods.get("forward") if isinstance(one, ClassModel) else None
        if forward is None or forward.class_name != one.name:
            return False
        forward.ensure_body()
        read = {node.attr.value for node in iter_nodes(forward.node.body)
                if node.__class__ is cst.Attribute and node.value.__class__ is cst.Name and node.value.value == "self"}
        if read != {attr}:
            return False
    return True


def _as_field(stored: Value) -> Value:
    """What `__init__` stores in `self.x`, as the field's value: no graph or parameter of that
    call, and a module of unknown mode in training mode (the mode it is built in)."""
    field = stored.but(sources=frozenset(), params=frozenset())
    return field.but(training=Training.TRAIN) if field.kind is Kind.MODULE and field.training is Training.UNKNOWN else field


def _hub_entry_not_a_model(fact) -> bool:
    """`torch.hub.load(repo, "tokenizer", ...)`: an entry point (second argument, or `model=`)
    whose name says it gives a tokenizer, a config or a processor, not a model."""
    if fact is None:
        return False
    positional = [arg.value for arg in fact.node.args if arg.keyword is None]
    entry = positional[1] if len(positional) > 1 else next(
        (arg.value for arg in fact.node.args if arg.keyword is not None and arg.keyword.value == "model"), None)
    return isinstance(entry, cst.SimpleString) and bool(knowledge.HUB_ENTRIES_NOT_MODELS.search(entry.evaluated_value or ""))


def _differs(old: Optional[Value], new: Value) -> bool:
    """Does a module-level value tell functions something new (a module or object where the
    first pass saw none, or another one)?"""
    return old is None or old.kind is not new.kind or (
        old.ref != new.ref if isinstance(old.ref, str) else old.ref is not new.ref)


_NEW_SCOPES = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})


def _callee_name(call: cst.Call) -> Optional[str]:
    """The last name of what is called: `set_grad_enabled` in `torch.set_grad_enabled(x)`."""
    func = call.func
    return func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None


def _guard_parameters(function: FunctionInfo, derived: dict) -> frozenset[str]:
    """Parameters that `if` tests of the function read: flags such as `train` or `mode`, the mode
    of a module passed in (`if model.training:`), and in
    methods the attributes of `self` (`if self.opt is not None:`); parameters that say whether a
    tensor requires grad (`requires_grad=train`), and flags with a True/False default passed on
    to another call (`batchify(batch, train)`, whose callee may test them), and the flag of
    `torch.set_grad_enabled(train)`."""
    from .interpret import _parameter_names
    function.ensure_body()
    names = set(_parameter_names(function))
    flags = _boolean_parameters(function)
    found = set()
    stack = [function.node.body]
    while stack:
        node = stack.pop()
        if node.__class__ in _NEW_SCOPES:  # by identity: see tests/test_node_types.py
            continue
        if node.__class__ is cst.Call:
            method = node.func.attr.value if node.func.__class__ is cst.Attribute else None
            found.update(name for name in gradient_flags(node, method) if name in names)
            found.update(arg.value.value for arg in node.args if arg.value.__class__ is cst.Name and arg.value.value in flags)
            if _callee_name(node) == "set_grad_enabled" and node.args and node.args[0].value.__class__ is cst.Name:
                found.update({node.args[0].value.value} & names)  # `with torch.set_grad_enabled(train):`
        if node.__class__ is cst.If or node.__class__ is cst.IfExp:  # (`ctx = enable_grad if train else no_grad`)
            tests = [node.test]
            while tests:  # `if mode == "train" or mode == "tune":` tests both sides
                test = tests.pop()
                while isinstance(test, cst.UnaryOperation):
                    test = test.expression
                if isinstance(test, cst.BooleanOperation):
                    tests += [test.left, test.right]
                    continue
                if isinstance(test, cst.Comparison):
                    test = test.left
                if isinstance(test, cst.Name) and test.value in names:
                    found.add(test.value)
                elif isinstance(test, cst.Name) and test.value in derived:  # `training = optim is not None`
                    found.update(names_in(derived[test.value]) & names)
                elif (isinstance(test, cst.Attribute) and test.attr.value == "training" and isinstance(test.value, cst.Name)
                      and test.value.value in names):
                    found.add(f"{test.value.value}.training")  # `if model.training:` (see `training_flags`)
                elif (isinstance(test, cst.Attribute) and isinstance(test.value, cst.Name) and test.value.value == "self"
                      and function.class_name is not None):
                    found.add(f"self.{test.attr.value}")
        child_pusher(node.__class__)(node, stack.append)  # its children (the order makes no difference here)
    return frozenset(found)


_TESTS = (cst.Comparison, cst.UnaryOperation, cst.BooleanOperation)  # what a flag is made of (`optim is not None`)


def _boolean_parameters(function: FunctionInfo) -> set[str]:
    """Parameters whose default is `True` or `False`."""
    from .interpret import _named_params
    return {param.name.value for param in _named_params(function)
            if isinstance(param.default, cst.Name) and param.default.value in ("True", "False")}


def strongly_connected(functions: list[FunctionInfo], edges: dict) -> list[list[FunctionInfo]]:
    """Tarjan's algorithm without recursion: groups in reverse topological order (callees first)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[FunctionInfo] = []
    groups: list[list[FunctionInfo]] = []
    counter = 0
    for root in functions:
        if id(root) in index:
            continue
        work = [(root, iter(edges[id(root)]))]
        index[id(root)] = low[id(root)] = counter
        counter += 1
        stack.append(root)
        on_stack.add(id(root))
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if id(child) not in index:
                    index[id(child)] = low[id(child)] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(id(child))
                    work.append((child, iter(edges[id(child)])))
                    advanced = True
                    break
                if id(child) in on_stack:
                    low[id(node)] = min(low[id(node)], index[id(child)])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[id(parent)] = min(low[id(parent)], low[id(node)])
            if low[id(node)] == index[id(node)]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(id(member))
                    group.append(member)
                    if member is node:
                        break
                groups.append(group)
    return groups


_ = (Iterable, NO_GRAPH)


# Calls of an attribute that do not read what it holds: filling or clearing it.
_NOT_READING = CONTAINER_STORES | {"clear"}


def attribute_reads(module: cst.Module) -> dict[str, tuple[int, int]]:
    """Attribute name -> (reads inside a detached expression, other reads) of `<anything>.name` in
    the module, leaving out what fills, clears, assigns, deletes or counts it (`memory.logprobs.append(x)`,
    `del self.logprobs[:]`, `self.logprobs = []`, `len(self.logprobs)`)."""
    detached: set[int] = set()
    not_reads: set[int] = set()
    for node in iter_nodes(module):  # node types by identity: see tests/test_node_types.py
        kind = node.__class__
        if (kind is cst.Call or kind is cst.Attribute) and id(node) not in detached and is_detached(node):
            detached.update(id(inner) for inner in iter_nodes(node) if inner.__class__ is cst.Attribute)
        if kind is cst.Call:
            func = node.func
            if func.__class__ is cst.Attribute and func.attr.value in _NOT_READING:
                not_reads.add(id(func.value))
            elif func.__class__ is cst.Name and func.value == "len" and node.args:
                not_reads.add(id(node.args[0].value))
        elif kind is cst.Assign or kind is cst.AnnAssign or kind is cst.Del:
            targets = [t.target for t in node.targets] if kind is cst.Assign else [node.target]
            while targets:
                target = targets.pop()
                if isinstance(target, (cst.Tuple, cst.List)):
                    targets.extend(element.value for element in target.elements)
                    continue
                while isinstance(target, cst.Subscript):
                    target = target.value
                not_reads.add(id(target))
    counts: dict[str, list[int]] = {}
    for node in iter_nodes(module):
        if node.__class__ is cst.Attribute and id(node) not in not_reads:
            count = counts.setdefault(node.attr.value, [0, 0])
            count[0 if id(node) in detached else 1] += 1
    return {name: (count[0], count[1]) for name, count in counts.items()}
