"""The grad-mode analysis: what is the gradient mode at each statement, and why.

One read-only walk over the libcst tree collects facts (functions, loops, calls, assignments,
grad-mode contexts, returns) with the statement order and the explicit grad mode in force. The
mode a function starts in (its decorators, framework hooks, in-module callers, a module-wide
`set_grad_enabled(False)`) is resolved afterwards, so rules can ask `state_of(...)` for any fact.
"""
from __future__ import annotations

import bisect
import dataclasses
import enum
from typing import TYPE_CHECKING, Any, Callable, Iterable, Optional, Sequence, Union

import libcst as cst

from . import knowledge
from .imports import ImportMap, dotted_name, module_level_statements
from .treewalk import child_pusher, iter_nodes

if TYPE_CHECKING:
    from .deferred import DeferredBodies


class Mode(str, enum.Enum):
    ENABLED = "enabled"
    DISABLED = "disabled"
    INFERENCE = "inference"
    UNKNOWN = "unknown"

    @property
    def disables_grad(self) -> bool:
        return self in (Mode.DISABLED, Mode.INFERENCE)


class Origin(str, enum.Enum):
    """Why a mode is in force."""

    DEFAULT = "default"
    WITH = "with"
    DECORATOR = "decorator"
    STATEMENT = "set_grad_enabled statement"
    HOOK = "framework hook"
    CALLERS = "in-module callers"
    GLOBAL = "module-level set_grad_enabled"


@dataclasses.dataclass(frozen=True)
class GradState:
    mode: Mode
    origin: Origin
    node: Optional[cst.CSTNode] = None


ENABLED_BY_DEFAULT = GradState(Mode.ENABLED, Origin.DEFAULT)


@dataclasses.dataclass(frozen=True)
class ContextUse:
    """A grad-mode callable used in a `with` item, a decorator or a bare statement."""

    kind: knowledge.GradContext
    node: cst.BaseExpression  # the expression as written (`torch.no_grad()` or `torch.no_grad`)
    called: bool  # False for `with torch.no_grad:` / `@torch.no_grad`
    args: Sequence[cst.Arg] = ()

    @property
    def mode(self) -> Mode:
        """The mode this use establishes (`UNKNOWN` when it depends on a runtime value)."""
        if self.kind is knowledge.GradContext.NO_GRAD:
            return Mode.DISABLED
        if self.kind is knowledge.GradContext.ENABLE_GRAD:
            return Mode.ENABLED
        flag = _literal_flag(self.args[0].value) if self.args else True
        if self.kind is knowledge.GradContext.INFERENCE_MODE:
            if not self.called:
                return Mode.INFERENCE
            return {True: Mode.INFERENCE, False: Mode.ENABLED}.get(flag, Mode.UNKNOWN)
        if not self.args:  # set_grad_enabled() without its argument is a TypeError
            return Mode.UNKNOWN
        return {True: Mode.ENABLED, False: Mode.DISABLED}.get(flag, Mode.UNKNOWN)


def _literal_flag(node: cst.BaseExpression) -> Optional[bool]:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


@dataclasses.dataclass(eq=False)
class Span:
    """A statement's position in source order: its own index and the last index inside it."""

    start: int
    end: int

    def contains(self, index: int) -> bool:
        return self.start <= index <= self.end


@dataclasses.dataclass(eq=False)
class ClassInfo:
    name: str
    bases: tuple[str, ...]  # qualified through imports where possible, else as written
    ancestors: frozenset[str] = frozenset()  # bases, and the bases of base classes in this module
    # `torch.set_grad_enabled(False)` as a statement of its `__init__`'s body: the process runs
    # without gradients from the first instance on, so its other methods do too
    off_after_init: Optional["GradState"] = None
    executed_method: Optional[str] = None  # a ComfyUI node's method the executor runs (see knowledge.py)

    def derives_from(self, qualified: frozenset[str] | set[str]) -> bool:
        return bool(self.ancestors & set(qualified)) or any(base in qualified for base in self.bases)

    @property
    def has_bases(self) -> bool:
        return any(base not in ("object", "ABC", "abc.ABC", "typing.Generic", "Generic") for base in self.bases)


@dataclasses.dataclass(eq=False)
class FunctionInfo:
    node: cst.FunctionDef
    name: str
    class_name: Optional[str]
    parent: Optional["FunctionInfo"]
    span: Span
    class_info: Optional[ClassInfo] = None
    decorator_uses: list[ContextUse] = dataclasses.field(default_factory=list)
    framework_state: Optional[GradState] = None  # a framework decorator such as smart_inference_mode()
    is_generator: bool = False
    has_return_value: bool = False
    entry: GradState = ENABLED_BY_DEFAULT
    pending_body: Optional[Callable[[], None]] = None  # builds and walks a deferred body (see deferred.py)
    pending_text: Optional[Callable[[], bytes]] = None  # the source lines of a body still deferred

    def ensure_body(self) -> None:
        """Build and walk the body when it was deferred: its facts are known after this."""
        if self.pending_body is not None:
            self.pending_body()

    def may_mention(self, word: str) -> bool:
        """Could the body hold `word`? Read from the text of a body still deferred, which is then
        left unbuilt when it does not; True for any other."""
        if self.pending_text is None:  # set beside `pending_body`, and cleared with it
            return True
        return word.encode("utf-8", "surrogatepass") in self.pending_text()

    @property
    def display_name(self) -> str:
        """`Class.method` for a method, else the function's name: how messages name it."""
        return f"{self.class_name}.{self.name}" if self.class_name else self.name

    @property
    def is_async(self) -> bool:
        return self.node.asynchronous is not None

    @property
    def decorator_state(self) -> Optional[GradState]:
        """The mode a decorator sets: torch's own, else a known framework one."""
        for use in self.decorator_uses:
            return GradState(use.mode, Origin.DECORATOR, use.node)
        return self.framework_state


@dataclasses.dataclass(eq=False)
class LoopInfo:
    node: cst.BaseCompoundStatement  # For or While
    function: Optional[FunctionInfo]
    span: Span
    iter_name: Optional[str]  # dotted name of what a `for` iterates, e.g. `val_loader`
    iter_node: Optional[cst.BaseExpression]
    target_names: frozenset[str]


@dataclasses.dataclass(eq=False)
class Fact:
    """Where something happens: the statement, its order index, function, loops and explicit mode."""

    statement: cst.CSTNode
    index: int
    function: Optional[FunctionInfo]
    loops: tuple[LoopInfo, ...]
    explicit: Optional[GradState]


@dataclasses.dataclass(eq=False)
class CallFact(Fact):
    node: cst.Call = None  # type: ignore[assignment]
    callee: Optional[str] = None  # dotted name as written: `self.model`, `torch.no_grad`
    qualified: Optional[str] = None  # resolved through imports: `torch.no_grad`
    is_bare_statement: bool = False  # the whole statement is this call
    in_lambda: bool = False  # inside a lambda: runs later, wherever the lambda is called
    # `step` for `optimizer.step()`; None for a plain name call (a field: the analysis reads it
    # ten times a call)
    method: Optional[str] = None

    @property
    def receiver(self) -> Optional[cst.BaseExpression]:
        func = self.node.func
        return func.value if func.__class__ is cst.Attribute else None


@dataclasses.dataclass(eq=False)
class AssignFact(Fact):
    """`targets = value`, `target op= value` (augmented) or a `for`/`with ... as` binding."""

    targets: frozenset[str] = frozenset()
    value: Optional[cst.BaseExpression] = None
    augmented: Optional[str] = None  # the operator of an augmented assignment, e.g. "+="
    node: Optional[cst.CSTNode] = None


@dataclasses.dataclass(eq=False)
class NameUse(Fact):
    name: str = ""
    node: cst.Name = None  # type: ignore[assignment]


@dataclasses.dataclass(eq=False)
class WithFact(Fact):
    node: cst.With = None  # type: ignore[assignment]
    uses: list[tuple[cst.WithItem, ContextUse]] = dataclasses.field(default_factory=list)
    span: Span = None  # type: ignore[assignment]


@dataclasses.dataclass(eq=False)
class ReturnFact(Fact):
    value: Optional[cst.BaseExpression] = None
    is_yield: bool = False
    node: Optional[cst.CSTNode] = None


@dataclasses.dataclass(eq=False)
class FileAnalysis:
    module: cst.Module
    imports: ImportMap  # every import of the file, also those inside functions: for reading names
    module_imports: ImportMap  # module-level imports only: for spelling names a fix inserts
    path: str
    functions: list[FunctionInfo]
    loops: list[LoopInfo]
    calls: list[CallFact]
    assigns: list[AssignFact]
    name_uses: list[NameUse]
    withs: list[WithFact]
    returns: list[ReturnFact]
    global_state: Optional[GradState]
    statement_spans: dict[int, Span]  # id(statement) -> span
    classes: dict[str, ClassInfo] = dataclasses.field(default_factory=dict)
    cache: dict = dataclasses.field(default_factory=dict)  # derived facts computed once per file
    bodies: Optional["DeferredBodies"] = None  # function bodies not walked yet (see deferred.py)
    grad_exports: dict = dataclasses.field(default_factory=dict)  # name -> what it is as a grad context (see grad_meanings)
    project: Any = None  # the Project whose module this is, when read with one (see project.py)

    def state_of(self, fact: Fact) -> GradState:
        """The grad mode in force where `fact` happens."""
        if fact.explicit is not None:
            return fact.explicit
        if fact.function is not None:
            return fact.function.entry
        return self.global_state or ENABLED_BY_DEFAULT

    def span_of(self, statement: cst.CSTNode) -> Span:
        return self.statement_spans[id(statement)]

    def context_kind(self, expression: cst.BaseExpression) -> Optional[knowledge.GradContext]:
        qualified = self.imports.resolve(expression)
        return knowledge.GRAD_CONTEXTS.get(qualified) if qualified else None

    def names_bound_in(self, function: FunctionInfo) -> set[str]:
        """Names the function's own body binds (assignments, `for` and `with ... as` targets), not
        its parameters."""
        return {name for assign in self.facts_in(self.assigns, function) for name in assign.targets}

    def facts_in(self, facts: Iterable[Fact], function: Optional[FunctionInfo], span: Optional[Span] = None):
        """The facts that belong directly to `function` (not nested functions), within `span`, in
        source order. One of this analysis's own lists is read through an index by function (the
        walk appends facts in statement order), so a query costs what the function holds."""
        if function is not None:
            function.ensure_body()
        grouped = self._facts_by_function(facts)
        if grouped is None:
            return (fact for fact in facts
                    if fact.function is function and (span is None or span.contains(fact.index)))
        found, indexes = grouped.get(id(function), ((), ()))
        if span is None:
            return iter(found)
        return iter(found[bisect.bisect_left(indexes, span.start):bisect.bisect_right(indexes, span.end)])

    def _facts_by_function(self, facts: Iterable[Fact]) -> Optional[dict]:
        """id(function) -> (its facts, their statement indexes) for one of the fact lists of this
        analysis, built on first use and extended by the facts a deferred body adds to the list
        (see deferred.py); None for any other collection of facts."""
        key = ("facts_by_function", id(facts))
        known = self.cache.get(key)
        if known is not None and known[0] == len(facts):
            # no fact added since (most queries): a key is made only for one of this analysis's own
            # lists, alive as long as it is, so `facts` is that list
            return known[1]
        if not any(facts is own for own in (self.calls, self.assigns, self.name_uses, self.withs, self.returns)):
            return None
        known = self.cache.pop(key, None)
        grouped: dict[int, tuple[list, list]] = known[1] if known is not None else {}
        touched = set()
        for fact in facts[known[0] if known is not None else 0:]:
            found, indexes = grouped.setdefault(id(fact.function), ([], []))
            found.append(fact)
            indexes.append(fact.index)
            touched.add(id(fact.function))
        if any(grouped[function][1] != sorted(grouped[function][1]) for function in touched):
            return None  # not in statement order: read the list itself
        self.cache[key] = (len(facts), grouped)
        return grouped

    def uses_of(self, name: str) -> list[NameUse]:
        """The reads of `name` in the file, in source order (an index built on first use)."""
        if self.bodies is not None:
            self.bodies.expand_mentioning(name)
        by_name = self.cache.get("name_uses_by_name")
        if by_name is None:
            by_name = self.cache["name_uses_by_name"] = {}
            for use in self.name_uses:
                by_name.setdefault(use.name, []).append(use)
            self._in_source_order(by_name)
        return by_name.get(name, [])


    def calls_named(self, callee: str) -> list["CallFact"]:
        """The calls of `callee` as written (`test`, `self.model`), in source order (an index
        built on first use)."""
        if self.bodies is not None:
            self.bodies.expand_mentioning(callee.rpartition(".")[2], attribute="." in callee)
        by_callee = self.cache.get("calls_by_callee")
        if by_callee is None:
            by_callee = self.cache["calls_by_callee"] = {}
            for call in self.calls:
                by_callee.setdefault(call.callee, []).append(call)
            self._in_source_order(by_callee)
        return by_callee.get(callee, [])

    def _in_source_order(self, index: dict[str, list]) -> None:
        """The lists hold the facts of deferred bodies in the order they were walked: sort them."""
        if self.bodies is not None:
            for facts in index.values():
                facts.sort(key=lambda fact: fact.index)


def analyze(module: cst.Module, path: str = "<string>", imports: Optional[ImportMap] = None,
            package: Optional[str] = None, project=None, bare=None, text: Union[str, bytes, None] = None) -> FileAnalysis:
    """Walk `module` once and resolve the grad mode of every function entry. `package` resolves
    relative imports; `project` (see project.py) tells what names imported from the project's
    own modules are: grad-mode context classes and wrappers. `bare`: the `BareModule` that built
    `module` (io/bare_trees.py), kept as `cache["bare"]` for its positions and source text; the
    function bodies it deferred (see deferred.py) are walked when needed.
    `text`: the module's source, when at hand (a module that names no context holds no value
    that is one)."""
    module_imports = imports or ImportMap.of_module(module, package)
    collector = _Collector(module_imports.copy())  # the walk adds imports made inside functions
    if bare is not None and bare.deferred:
        collector.deferred = bare.deferred
    fetched = _contexts_got_by_name(module.body, collector.imports)
    collector.imports.forget_rebound(_assigned_at_top_level(module.body) - fetched.keys())
    for local, qualified in fetched.items():
        collector.imports.alias(local, qualified)  # `inference_mode = getattr(torch, "inference_mode", torch.no_grad)`
    if project is not None and package:
        _resolve_sibling_imports(collector.imports, package, project)
    if project is not None and module_imports.star_modules:
        _bind_star_imports(module, module_imports, collector.imports, project)
    collector.local_wrappers = local_grad_wrappers(module, module_imports)
    meanings = grad_meanings(module, collector.imports, project, path)  # star-imported names too
    if project is not None:
        near = project.home_of(path)
        collector.project_meaning = lambda qualified: project.grad_meaning(qualified, near=near)
    for local, meaning in meanings.items():
        if meaning in knowledge.GRAD_CONTEXTS:
            collector.imports.alias(local, meaning)  # `class frozen_graph(torch.no_grad)`: it is no_grad
        else:
            collector.local_wrappers[local] = meaning
    if text is not None and not any(name in text for name in (_CONTEXT_NAMES if isinstance(text, str) else _CONTEXT_BYTES)):
        collector.contexts_named = any(meaning in knowledge.GRAD_CONTEXTS for meaning in collector.imports.aliases.values())
    collector.walk(module)
    analysis = FileAnalysis(
        module=module, imports=collector.imports, module_imports=module_imports, path=path,
        functions=collector.functions,
        loops=collector.loops, calls=collector.calls, assigns=collector.assigns,
        name_uses=collector.name_uses, withs=collector.withs, returns=collector.returns,
        global_state=collector.global_state, statement_spans=collector.spans, classes=collector.classes,
    )
    analysis.grad_exports = {**collector.local_wrappers, **meanings}
    analysis.project = project
    if bare is not None:
        analysis.cache["bare"] = bare
    _resolve_ancestors(analysis.classes)
    if collector.deferred_bodies:
        from .deferred import DeferredBodies
        analysis.bodies = DeferredBodies(analysis, collector, bare)
        _resolve_function_entries(analysis, from_callers=False)  # callers are in bodies not walked yet
    else:
        _resolve_function_entries(analysis)
    return analysis


def _assigned_at_top_level(body) -> set[str]:
    """Names a module's top level assigns a value other than `None` (in its `if`/`with` blocks too;
    not in `try` statements, where `except ImportError: x = None` is a fallback)."""
    found: set[str] = set()
    for statement in module_level_statements(body, (cst.If, cst.With)):
        for small in statement.body:  # node types by identity: see tests/test_node_types.py
            kind = small.__class__
            if (kind is cst.Assign or kind is cst.AnnAssign) and small.value is not None and not (
                    small.value.__class__ is cst.Name and small.value.value == "None"):
                targets = [t.target for t in small.targets] if kind is cst.Assign else [small.target]
                found.update(t.value for t in targets if t.__class__ is cst.Name)
    return found


def _contexts_got_by_name(body, imports: ImportMap) -> dict[str, str]:
    """Names the top level binds, once, to a torch grad-mode context fetched by name: the shim
    `inference_mode = getattr(torch, "inference_mode", torch.no_grad)` for old torch releases, or
    `set_grad_enabled = getattr(torch.autograd, "set_grad_enabled", None)`. On the releases that
    have it, the name is that context."""
    found: dict[str, Optional[str]] = {}
    for statement in module_level_statements(body, (cst.If, cst.With)):
        for small in statement.body:
            if not (small.__class__ is cst.Assign and len(small.targets) == 1  # by identity: see above
                    and small.targets[0].target.__class__ is cst.Name):
                continue
            local, value = small.targets[0].target.value, small.value
            fetched = None
            if (isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "getattr"
                    and len(value.args) in (2, 3) and isinstance(value.args[1].value, cst.SimpleString)):
                owner = imports.resolve(value.args[0].value)
                name = value.args[1].value.evaluated_value
                fetched = f"{owner}.{name}" if owner and isinstance(name, str) else None
            found[local] = fetched if local not in found and fetched in knowledge.GRAD_CONTEXTS else None
    return {local: qualified for local, qualified in found.items() if qualified is not None}


def _resolve_sibling_imports(imports: ImportMap, package: str, project) -> None:
    """`from models import Actor` in a module of the package `ddpg`, when the project has no
    top-level `models` but the package has one (see `Project.sibling_module`): the code runs from
    the package's folder (or was written for Python 2's implicit relative imports), so the name
    is `ddpg.models.Actor`. Only for reading: a fix never spells a name through it."""
    for local, qualified in list(imports.aliases.items()):
        if project.sibling_module(package, qualified):
            imports.alias(local, f"{package}.{qualified}")


def _bind_star_imports(module: cst.Module, module_imports: ImportMap, imports: ImportMap, project) -> None:
    """Names that `from m import *` of a project module binds, read as `m.name` (`evaluate` from
    `from utils import *` is `utils.evaluate`). Names the file imports or defines itself win. Only
    for reading: a fix never spells a name through a star import."""
    defined = {statement.name.value for statement in module.body
               if isinstance(statement, (cst.FunctionDef, cst.ClassDef))} | _assigned_at_top_level(module.body)
    for star_module in module_imports.star_modules:
        for local, qualified in project.star_exports(star_module).items():
            if local not in defined and local not in imports.aliases:
                imports.aliases[local] = qualified


def grad_meanings(module: cst.Module, imports: ImportMap, project=None, path: str = "<string>") -> dict[str, str]:
    """Names of this module that are torch grad-mode contexts under another name: classes derived
    from one (`class frozen_graph(torch.no_grad)`: "torch.no_grad"), and names imported from the
    project's own modules that are such classes, or wrappers that disable gradients ("disabled",
    "inference")."""
    found: dict[str, str] = {}
    for statement in module.body:
        if statement.__class__ is cst.ClassDef:  # by identity: see tests/test_node_types.py
            for arg in statement.bases:
                qualified = imports.resolve(arg.value)
                if qualified in knowledge.GRAD_CONTEXTS:
                    found[statement.name.value] = qualified
    if project is not None:
        near = project.home_of(path)
        for local, qualified in imports.aliases.items():
            meaning = project.grad_meaning(qualified, near=near)
            if meaning is not None:
                found.setdefault(local, meaning)
    return found


def framework_state(imports: ImportMap, node: cst.BaseExpression,
                    local_wrappers: Optional[dict[str, str]] = None,
                    project_meaning: Optional[Callable[[str], Optional[str]]] = None) -> Optional[GradState]:
    """`with eval_mode(net):` / `@smart_inference_mode()`: a framework callable, or a wrapper
    defined in this module or (`project_meaning`) reached as an attribute of a project module
    (`with utils.eval_mode(net, no_grad=True):`), that disables grad."""
    target = node.func if isinstance(node, cst.Call) else node
    qualified = imports.resolve(target)
    mode = knowledge.FRAMEWORK_GRAD_DISABLERS.get(qualified) if qualified else None
    if mode is None and local_wrappers and isinstance(target, cst.Name):
        mode = local_wrappers.get(target.value)
    if mode is None and project_meaning is not None and qualified and isinstance(target, cst.Attribute):
        mode = project_meaning(qualified)
    if mode is not None and mode.startswith(_DISABLED_IF):
        flag = _flag_passed(mode, node)
        if flag is None:
            return GradState(Mode.UNKNOWN, Origin.WITH, node)
        mode = "disabled" if flag else None
    if mode not in ("disabled", "inference", "enabled"):
        return None
    if mode == "inference" and isinstance(node, cst.Call) and node.args and _literal_flag(node.args[0].value) is False:
        mode = "disabled"  # smart_inference_mode(False) falls back to no_grad
    return GradState({"inference": Mode.INFERENCE, "enabled": Mode.ENABLED}.get(mode, Mode.DISABLED), Origin.WITH, node)


def local_grad_wrappers(module: cst.Module, imports: ImportMap) -> dict[str, str]:
    """Module-level helpers named like `smart_inference_mode` / `maybe_no_grad` that return or
    apply only grad-disabling contexts: name -> "disabled" or "inference"; and context-manager
    classes so named that enter one (see `_context_class_meaning`).

    Only functions and classes with `grad`, `inference` or `eval` in their name are read, which
    keeps this cheap.
    """
    wrappers: dict[str, str] = {}
    for statement in module.body:
        kind = statement.__class__  # by identity: see tests/test_node_types.py
        if kind not in (cst.FunctionDef, cst.ClassDef) or not knowledge.may_name_grad_wrapper(statement.name.value):
            continue
        if kind is cst.ClassDef:
            meaning = _context_class_meaning(statement, imports)
            if meaning is not None:
                wrappers[statement.name.value] = meaning
            continue
        modes = set()
        overridden: set[int] = set()  # see `_overridden_items`; a `with` comes before its items
        for node in iter_nodes(statement.body):
            if node.__class__ is cst.With:  # by identity: see tests/test_node_types.py
                overridden |= _overridden_items(node, imports)
            elif node.__class__ in (cst.Name, cst.Attribute, cst.Call) and id(node) not in overridden:
                use = context_use(imports, node)
                if use is not None:
                    modes.add(use.mode)
        if modes and all(mode.disables_grad for mode in modes):
            wrappers[statement.name.value] = "inference" if modes == {Mode.INFERENCE} else "disabled"
    return wrappers


# A context-manager class that disables gradients only when a flag of its constructor is true:
# "disabled-if:<parameter>:<position, -1 when keyword-only>:<default>".
_DISABLED_IF = "disabled-if:"


def _context_class_meaning(statement: cst.ClassDef, imports: ImportMap) -> Optional[str]:
    """A class whose `__enter__` enters a context that disables gradients (`torch.no_grad().
    __enter__()`, a field holding one, `torch.set_grad_enabled(False)`): "disabled" or
    "inference"; when every such use sits under `if self.flag:` with `self.flag` an `__init__`
    parameter (`eval_mode(*models, no_grad=False)`), the `_DISABLED_IF` meaning for that
    parameter; None when it enters none, or one that turns gradients on."""
    methods = {one.name.value: one for one in statement.body.body if one.__class__ is cst.FunctionDef}
    enter, init = methods.get("__enter__"), methods.get("__init__")
    if enter is None:
        return None
    held: dict[str, Mode] = {}  # `self.ctx = torch.no_grad()`: field -> the mode it enters
    for function in (init, enter):
        for node in iter_nodes(function.body) if function is not None else ():
            if node.__class__ is cst.Assign and len(node.targets) == 1:
                field = _self_field(node.targets[0].target)
                use = context_use(imports, node.value)
                if field is not None and use is not None and use.called:
                    held[field] = use.mode
    uses: list[tuple[Mode, Optional[str]]] = []  # (mode entered, the flag it is guarded by)
    _entered_contexts(enter.body.body, imports, held, None, uses)
    if not uses or not all(mode.disables_grad for mode, _ in uses):
        return None
    guards = {guard for _, guard in uses}
    if None in guards:
        return "inference" if all(mode is Mode.INFERENCE for mode, _ in uses) else "disabled"
    if len(guards) != 1 or init is None:
        return None
    return _flag_parameter(init, guards.pop())


def _entered_contexts(statements: Sequence[cst.CSTNode], imports: ImportMap, held: dict[str, Mode],
                      guard: Optional[str], uses: list) -> None:
    """The grad-mode contexts `__enter__`'s statements enter, each with the `self.flag` of the `if`
    it sits under (a use in an `else:` branch counts as one of unknown mode)."""
    for statement in statements:
        if statement.__class__ is cst.If:
            flag = _self_field(statement.test) if guard is None else guard
            _entered_contexts(statement.body.body, imports, held, flag, uses)
            orelse = statement.orelse
            if orelse is not None:
                nested: list = []
                _entered_contexts(orelse.body.body if orelse.__class__ is cst.Else else [orelse],
                                  imports, held, guard, nested)
                uses.extend((Mode.UNKNOWN, guard) for _ in nested)
        elif isinstance(statement, cst.BaseCompoundStatement):
            if not isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                _entered_contexts(statement.body.body, imports, held, guard, uses)
        else:
            for node in iter_nodes(statement):
                if node.__class__ is cst.Call:
                    _entered_context(node, imports, held, guard, uses)


def _entered_context(call: cst.Call, imports: ImportMap, held: dict[str, Mode], guard: Optional[str],
                     uses: list) -> None:
    """`torch.no_grad().__enter__()`, `self.ctx.__enter__()` of a field holding one, or
    `torch.set_grad_enabled(False)`: its mode, added to `uses`."""
    func = call.func
    if func.__class__ is cst.Attribute and func.attr.value == "__enter__":
        field = _self_field(func.value)
        use = context_use(imports, func.value)
        if field in held:
            uses.append((held[field], guard))
        elif use is not None and use.called:
            uses.append((use.mode, guard))
        return
    use = context_use(imports, call)
    if use is not None and use.kind is knowledge.GradContext.SET_GRAD_ENABLED:
        uses.append((use.mode, guard))


def _self_field(node: cst.BaseExpression) -> Optional[str]:
    """`x` of `self.x`."""
    if node.__class__ is cst.Attribute and node.value.__class__ is cst.Name and node.value.value == "self":
        return node.attr.value
    return None


def _flag_parameter(init: cst.FunctionDef, field: str) -> Optional[str]:
    """The `_DISABLED_IF` meaning of `self.<field> = <parameter>` in `__init__`, when the parameter
    has a literal `True`/`False` default."""
    assigned = next((node.value.value for node in iter_nodes(init.body)
                     if node.__class__ is cst.Assign and len(node.targets) == 1
                     and _self_field(node.targets[0].target) == field and node.value.__class__ is cst.Name), None)
    positional = list(init.params.posonly_params) + list(init.params.params)
    for index, param in enumerate(positional[1:]):
        if param.name.value == assigned and param.default is not None and _literal_flag(param.default) is not None:
            return f"{_DISABLED_IF}{assigned}:{index}:{_literal_flag(param.default)}"
    for param in init.params.kwonly_params:
        if param.name.value == assigned and param.default is not None and _literal_flag(param.default) is not None:
            return f"{_DISABLED_IF}{assigned}:-1:{_literal_flag(param.default)}"
    return None


def _flag_passed(meaning: str, node: cst.BaseExpression) -> Optional[bool]:
    """The flag a `_DISABLED_IF` class gets at `node` (its call): the literal passed by keyword or
    at its position, else the default; None when the value is not a literal or may come from
    `*args` / `**kwargs`."""
    name, index, default = meaning[len(_DISABLED_IF):].split(":")
    if node.__class__ is not cst.Call:
        return None
    passed = next((arg.value for arg in node.args if arg.keyword is not None and arg.keyword.value == name), None)
    positional = [arg for arg in node.args if arg.keyword is None]
    if passed is None and int(index) >= 0 and len(positional) > int(index) and not any(arg.star for arg in positional[:int(index) + 1]):
        passed = positional[int(index)].value
    if passed is not None:
        return _literal_flag(passed)
    if any(arg.star for arg in node.args):
        return None
    return default == "True"


def _overridden_items(statement: cst.With, imports: ImportMap) -> set[int]:
    """ids of the grad-mode context items of a `with` statement that a later item of it
    overrides: in `with torch.inference_mode(False), torch.no_grad():` the body runs without
    gradients, whatever the first item set (checked on torch in test_torch_facts.py)."""
    items = [item.item for item in statement.items if context_use(imports, item.item) is not None]
    return {id(item) for item in items[:-1]}


def context_use(imports: ImportMap, node: cst.BaseExpression) -> Optional[ContextUse]:
    """Read `torch.no_grad()` / `T.inference_mode(False)` / `ng` as a grad-mode context use."""
    called = node.__class__ is cst.Call  # by identity: see tests/test_node_types.py
    target = node.func if called else node
    qualified = imports.resolve(target)
    kind = knowledge.GRAD_CONTEXTS.get(qualified) if qualified else None
    if kind is None:
        return None
    args = tuple(node.args) if called else ()
    return ContextUse(kind=kind, node=node, called=called, args=args)


@dataclasses.dataclass(eq=False)
class DeferredBody:
    """A function whose body the walk of its module left for later (see deferred.py)."""

    function: FunctionInfo
    scopes: tuple  # the class names around its `def`
    loops: tuple  # the loops around its `def`
    cuts: dict = dataclasses.field(default_factory=dict)  # list -> its length after the `def`
    walked: dict = dataclasses.field(default_factory=dict)  # list -> (start, end) of the body's facts


class _Frame:
    """A block being walked: the explicit grad state in force, and later statements' override."""

    __slots__ = ("state", "override", "is_function_body")

    def __init__(self, state: Optional[GradState], is_function_body: bool = False) -> None:
        self.state = state
        self.override: Optional[GradState] = None
        self.is_function_body = is_function_body

    @property
    def current(self) -> Optional[GradState]:
        return self.override or self.state


class _Collector:
    """The single read-only walk that gathers the facts of a file."""

    def __init__(self, imports: ImportMap) -> None:
        self.imports = imports
        self.functions: list[FunctionInfo] = []
        self.loops: list[LoopInfo] = []
        self.calls: list[CallFact] = []
        self.assigns: list[AssignFact] = []
        self.name_uses: list[NameUse] = []
        self.withs: list[WithFact] = []
        self.returns: list[ReturnFact] = []
        self.spans: dict[int, Span] = {}
        self.global_state: Optional[GradState] = None
        self._index = -1
        self._frames: list[_Frame] = [_Frame(None)]
        self._functions: list[FunctionInfo] = []
        self._scopes: list = []  # class names (str) and FunctionInfo, innermost last
        self.classes: dict[str, ClassInfo] = {}
        self._lambda_depth = 0
        self._parameters: dict[int, frozenset] = {}  # id(FunctionInfo) -> its parameters' names
        self._dynamic_contexts: dict[str, Optional[GradState]] = {}  # `ctx = nullcontext if a else torch.no_grad`
        self._module_aliases: dict[str, str] = {}  # `t = torch`: the module whose contexts `t.no_grad` reads
        self.local_wrappers: dict[str, str] = {}  # see `local_grad_wrappers`
        self.project_meaning: Optional[Callable[[str], Optional[str]]] = None  # see `framework_state`
        self._loops: tuple[LoopInfo, ...] = ()  # innermost last; a tuple, shared by the facts made in them
        self._statements: list[cst.CSTNode] = []
        self._open_spans: list[Span] = []
        self._with_bodies: dict[int, GradState] = {}
        self._in_main_guard = 0
        self.contexts_named = True  # False: no name in the module can be a grad-mode context
        self.deferred: dict = {}  # id(FunctionDef) -> `ast` node: functions whose body is empty for now
        self.deferred_bodies: list[DeferredBody] = []  # in source order

    # -- bookkeeping -------------------------------------------------------------------------
    def _fact_fields(self) -> tuple:
        """The fields every Fact starts with (statement, index, function, loops, explicit), in order:
        passed by position, no dict per fact."""
        frame = self._frames[-1]  # `frame.current`, without the property's call: one per fact
        return (self._statements[-1] if self._statements else None, self._index,
                self._functions[-1] if self._functions else None, self._loops, frame.override or frame.state)

    def _enter_statement(self, node: cst.CSTNode) -> None:
        self._index += 1
        span = Span(self._index, self._index)
        self.spans[id(node)] = span
        self._open_spans.append(span)
        self._statements.append(node)

    def _leave_statement(self) -> None:
        span = self._open_spans.pop()
        span.end = self._index
        self._statements.pop()

    def walk(self, root: cst.CSTNode) -> None:
        """Visit `root` and everything below it in source order (see `treewalk.node_fields`),
        with an explicit stack: nesting depth is not bounded by Python's recursion limit."""
        stack: list = [root]
        append, name_uses = stack.append, self.name_uses
        while stack:
            node = stack.pop()
            kind = node.__class__
            if kind is _NAME:  # a third of the nodes, with no children: visited here (its fact by position)
                name_uses.append(NameUse(*self._fact_fields(), node.value, node))
                continue
            if kind is tuple:  # (node, leave, is_statement): leave it, its children visited
                left, leave, is_statement = node
                if leave is not None:
                    leave(self, left)
                if is_statement:
                    self._leave_statement()
                continue
            handlers = _HANDLERS.get(kind)
            if handlers is None:
                handlers = _HANDLERS[kind] = (getattr(_Collector, f"visit_{kind.__name__}", None),
                                              getattr(_Collector, f"leave_{kind.__name__}", None),
                                              child_pusher(kind), issubclass(kind, cst.BaseStatement))
            visit, leave, push, is_statement = handlers
            if is_statement:
                self._enter_statement(node)
            if visit is not None:
                visit(self, node)
            if leave is not None or is_statement:
                append((node, leave, is_statement))
            push(node, append)  # its children, the first on top

    # -- blocks and modes --------------------------------------------------------------------
    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        parent = self._statements[-1] if self._statements else None
        pushed = self._with_bodies.pop(id(parent), None) if parent is not None else None
        is_body = parent.__class__ is cst.FunctionDef  # by identity: see `_whole_statement`
        state = pushed if pushed is not None else (None if is_body else self._frames[-1].current)
        if is_body and self._functions and self._functions[-1].decorator_state is not None:
            state = self._functions[-1].decorator_state
        self._frames.append(_Frame(state, is_function_body=is_body))

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        frame = self._frames.pop()
        parent = self._frames[-1]
        if frame.override is not None and not frame.is_function_body and frame.override != frame.state:
            # A mode set inside an if/for/try block leaves the mode after it uncertain.
            parent.override = GradState(Mode.UNKNOWN, Origin.STATEMENT, frame.override.node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        parent = self._statements[-1] if self._statements else None
        pushed = self._with_bodies.pop(id(parent), None) if parent is not None else None
        self._frames.append(_Frame(pushed if pushed is not None else self._frames[-1].current))

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        frame = self._frames.pop()
        if frame.override is not None and frame.override != frame.state:
            # `if flag: torch.set_grad_enabled(False)`: the mode after it is uncertain
            self._frames[-1].override = GradState(Mode.UNKNOWN, Origin.STATEMENT, frame.override.node)

    def visit_If(self, node: cst.If) -> None:
        if not self._functions and is_main_guard(node.test):
            self._in_main_guard += 1

    def leave_If(self, original_node: cst.If) -> None:
        if not self._functions and is_main_guard(original_node.test):
            self._in_main_guard -= 1

    def visit_With(self, node: cst.With) -> None:
        fact = WithFact(*self._fact_fields(), node=node, span=self.spans[id(node)])
        state = self._frames[-1].current
        for item in node.items:
            use = context_use(self.imports, item.item) or self._aliased_context_use(item.item)
            if use is None:
                target = item.item.func if isinstance(item.item, cst.Call) else item.item
                local = dotted_name(target)
                if local in self._dynamic_contexts:
                    state = self._dynamic_contexts[local] or GradState(Mode.UNKNOWN, Origin.WITH, item)
                    continue
                state = framework_state(self.imports, item.item, self.local_wrappers, self.project_meaning) or state
                continue
            fact.uses.append((item, use))
            if use.called:
                state = GradState(use.mode, Origin.WITH, item)
            else:  # `with torch.no_grad:` raises before its body runs (NG302): what the body would run in is not known
                state = GradState(Mode.UNKNOWN, Origin.WITH, item)
        self.withs.append(fact)
        if state is not None:
            self._with_bodies[id(node)] = state

    # -- functions, classes, loops -------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._scopes.append(node.name.value)
        bases = []
        for arg in node.bases:
            base = arg.value.value if isinstance(arg.value, cst.Subscript) else arg.value  # `Base[T]`
            written = dotted_name(base)
            if written is not None:
                bases.append(self.imports.resolve(base) or written)
        self.classes.setdefault(node.name.value, ClassInfo(node.name.value, tuple(bases),
                                                           executed_method=_comfy_node_method(node)))

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._lambda_depth += 1

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._lambda_depth -= 1

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._scopes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        parent = self._functions[-1] if self._functions else None
        directly_in_class = bool(self._scopes) and isinstance(self._scopes[-1], str)
        info = FunctionInfo(
            node=node, name=node.name.value,
            class_name=self._scopes[-1] if directly_in_class else None,
            parent=parent, span=self.spans[id(node)],
            class_info=self.classes.get(self._scopes[-1]) if directly_in_class else None,
        )
        for decorator in node.decorators:
            expression = decorator.decorator
            use = context_use(self.imports, expression)
            written = dotted_name(expression.func if expression.__class__ is cst.Call else expression)
            if use is not None:
                info.decorator_uses.append(use)
            elif written in self._dynamic_contexts and info.framework_state is None:
                # `@evaluation_mode()`, `evaluation_mode = torch.no_grad if compiled else torch.inference_mode`
                known = self._dynamic_contexts[written]
                info.framework_state = GradState(known.mode if known is not None else Mode.UNKNOWN, Origin.DECORATOR,
                                                 expression)
            elif info.framework_state is None:
                found = framework_state(self.imports, expression, self.local_wrappers, self.project_meaning)
                if found is not None:
                    info.framework_state = GradState(found.mode, Origin.DECORATOR, expression)
        if id(node) in self.deferred:
            self.deferred_bodies.append(DeferredBody(info, tuple(self._scopes), self._loops))
        self.functions.append(info)
        self._functions.append(info)
        self._scopes.append(info)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        source = self.deferred.get(id(original_node))
        if source is not None:  # where its facts go in each list, and statement indexes for its body
            self.deferred_bodies[-1].cuts = {name: len(getattr(self, name)) for name in FACT_LISTS}
            self._index += source.end_lineno - source.lineno + 1  # a statement starts on each line at most
        self._functions.pop()
        self._scopes.pop()

    def walk_body(self, function: FunctionInfo, scopes: tuple, loops: tuple) -> None:
        """Walk the body of a function whose body was deferred, as the walk of its module would
        have: in the scopes and loops around its `def`, with the statement indexes kept for it."""
        self._index = function.span.start
        self._frames = [_Frame(None)]
        self._functions = [function]
        self._scopes = [*scopes, function]
        self._loops = loops
        self._statements = [function.node]
        self._open_spans = []
        self._lambda_depth = 0
        self._with_bodies = {}
        self.walk(function.node.body)

    def visit_For(self, node: cst.For) -> None:
        iter_name = dotted_name(node.iter)
        if iter_name is None and isinstance(node.iter, cst.Call):
            # `enumerate(val_loader)`, `tqdm(test_loader)`: look at the first argument.
            inner = node.iter
            while isinstance(inner, cst.Call) and inner.args:
                inner = inner.args[0].value
            iter_name = dotted_name(inner)
        loop = LoopInfo(node=node, function=self._functions[-1] if self._functions else None,
                        span=self.spans[id(node)], iter_name=iter_name, iter_node=node.iter,
                        target_names=frozenset(bound_names(node.target)))
        self.assigns.append(AssignFact(*self._fact_fields(), targets=loop.target_names,
                                       value=node.iter, node=node))
        self.loops.append(loop)
        self._loops += (loop,)

    def leave_For(self, original_node: cst.For) -> None:
        self._loops = self._loops[:-1]

    def visit_While(self, node: cst.While) -> None:
        loop = LoopInfo(node=node, function=self._functions[-1] if self._functions else None,
                        span=self.spans[id(node)], iter_name=None, iter_node=None,
                        target_names=frozenset())
        self.loops.append(loop)
        self._loops += (loop,)

    def leave_While(self, original_node: cst.While) -> None:
        self._loops = self._loops[:-1]

    # -- expressions and simple statements -------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        callee = dotted_name(node.func)
        statement = self._statements[-1] if self._statements else None
        bare = _whole_statement(statement, node)
        func = node.func
        qualified = self.imports.resolve_dotted(callee) if callee else None
        if qualified is not None and self._functions and self._is_parameter(callee.partition(".")[0]):
            qualified = None  # `def evaluate(nn, env): nn(obs)`: the parameter, not the `nn` imported
        fact = CallFact(*self._fact_fields(), node=node, callee=callee, qualified=qualified,
                        is_bare_statement=bare, in_lambda=self._lambda_depth > 0,
                        method=func.attr.value if func.__class__ is cst.Attribute else None)
        self.calls.append(fact)
        if bare:
            self._bare_set_grad_enabled(fact)

    def _is_parameter(self, name: str) -> bool:
        """Is `name` a parameter of a function the walk is in (it hides a module-level import)?"""
        for function in self._functions:
            names = self._parameters.get(id(function))
            if names is None:
                params = function.node.params
                names = self._parameters[id(function)] = frozenset(
                    param.name.value for param in (*params.posonly_params, *params.params, *params.kwonly_params,
                                                   *(p for p in (params.star_arg, params.star_kwarg)
                                                     if isinstance(p, cst.Param))))
            if name in names:
                return True
        return False

    def _note_context_value(self, node: cst.Assign) -> None:
        """`ctx = torch.no_grad` / `NO_GRAD = torch.no_grad()` keep their mode under `with ctx():`;
        `ctx = nullcontext if train else torch.no_grad` makes the mode under it unknown."""
        if not self.contexts_named:
            return
        value = node.value
        module = self.imports.resolve(value) if value.__class__ in (cst.Name, cst.Attribute) else None
        if module in _CONTEXT_MODULES:
            for target in node.targets:
                if target.target.__class__ is cst.Name:
                    self._module_aliases[target.target.value] = module
            return
        direct = context_use(self.imports, value)
        if direct is None and not self._holds_context(value):
            return
        state = GradState(direct.mode, Origin.WITH, value) if direct is not None else self._chosen_context(value)
        for target in node.targets:
            written = dotted_name(target.target)
            if written is not None:
                self._dynamic_contexts[written] = state

    def _chosen_context(self, value: cst.BaseExpression) -> Optional[GradState]:
        """`torch.no_grad if compiled else torch.inference_mode`: either choice disables gradients,
        so the mode under it is disabled (inference mode when both are). A choice between a
        context that disables them and one that enables them (`torch.enable_grad if is_train else
        torch.no_grad`) leaves the mode unknown, with the choice kept for callers that pass the
        flag (see `Interpreter.state`)."""
        if value.__class__ is not cst.IfExp:
            return None
        uses = [context_use(self.imports, branch) for branch in (value.body, value.orelse)]
        if any(use is None for use in uses):
            return None
        if all(use.mode.disables_grad for use in uses):
            modes = {use.mode for use in uses}
            return GradState(modes.pop() if len(modes) == 1 else Mode.DISABLED, Origin.WITH, value)
        return GradState(Mode.UNKNOWN, Origin.WITH, value)

    def _aliased_context_use(self, item: cst.BaseExpression) -> Optional[ContextUse]:
        """`with t.no_grad():` after `t = torch` (a module bound to another name by assignment)."""
        target = item.func if item.__class__ is cst.Call else item
        written = dotted_name(target) if self._module_aliases else None
        head, _, rest = (written or "").partition(".")
        module = self._module_aliases.get(head)
        kind = knowledge.GRAD_CONTEXTS.get(f"{module}.{rest}") if module is not None and rest else None
        if kind is None:
            return None
        return ContextUse(kind=kind, node=item, called=item.__class__ is cst.Call,
                          args=tuple(item.args) if item.__class__ is cst.Call else ())

    def _holds_context(self, value: cst.BaseExpression) -> bool:
        """Is a grad-mode context somewhere in `value`? `context_use` is asked only where a quick
        necessary condition holds: `x.no_grad`, or a name imported as one (one loop: every
        assigned value is read, most of them in a module that names a context)."""
        aliases = self.imports.aliases
        for node in iter_nodes(value):
            kind = node.__class__  # by identity: no subclasses, and no ABC check
            if kind is cst.Attribute:
                if node.attr.value not in _CONTEXT_NAMES:
                    continue
            elif kind is not cst.Name or aliases.get(node.value) not in knowledge.GRAD_CONTEXTS:
                continue
            if context_use(self.imports, node) is not None:
                return True
        return False

    def _bare_set_grad_enabled(self, fact: CallFact) -> None:
        """A statement `torch.set_grad_enabled(False)` changes the mode of what follows it, and so
        does `stack.enter_context(torch.no_grad())` until the end of the block."""
        if fact.method == "enter_context" and len(fact.node.args) == 1:
            use = context_use(self.imports, fact.node.args[0].value)
            if use is not None and use.called:
                self._frames[-1].override = GradState(use.mode, Origin.WITH, fact.node)
            return
        kind = knowledge.GRAD_CONTEXTS.get(fact.qualified or "")
        if kind is not knowledge.GradContext.SET_GRAD_ENABLED or not fact.node.args:
            return
        use = ContextUse(kind=kind, node=fact.node, called=True, args=tuple(fact.node.args))
        state = GradState(use.mode, Origin.STATEMENT, fact.statement)
        self._frames[-1].override = state
        if not self._functions and (len(self._frames) == 1 or self._in_main_guard):
            self.global_state = GradState(use.mode, Origin.GLOBAL, fact.statement)
        function = self._functions[-1] if self._functions else None
        if (function is not None and function.name == "__init__" and function.class_name in self.classes
                and self._frames[-1].is_function_body and use.mode.disables_grad):
            self.classes[function.class_name].off_after_init = GradState(use.mode, Origin.GLOBAL, fact.statement)

    def visit_Import(self, node: cst.Import) -> None:
        self.imports.add(node)  # imports inside functions count too (one map per file)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.imports.add(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        targets: set[str] = set()
        for target in node.targets:
            targets.update(bound_names(target.target))
        self._note_context_value(node)
        self.assigns.append(AssignFact(*self._fact_fields(), targets=frozenset(targets),
                                       value=node.value, node=node))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self.assigns.append(AssignFact(*self._fact_fields(), targets=frozenset(bound_names(node.target)),
                                           value=node.value, node=node))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.assigns.append(AssignFact(*self._fact_fields(), targets=frozenset(bound_names(node.target)),
                                       value=node.value, augmented=node.operator.__class__.__name__, node=node))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.assigns.append(AssignFact(*self._fact_fields(), targets=frozenset(bound_names(node.target)),
                                       value=node.value, node=node))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self.assigns.append(AssignFact(*self._fact_fields(), targets=frozenset(bound_names(node.asname.name)),
                                           value=node.item, node=node))

    def visit_Return(self, node: cst.Return) -> None:
        self.returns.append(ReturnFact(*self._fact_fields(), value=node.value, node=node))
        if node.value is not None and self._functions:
            self._functions[-1].has_return_value = True

    def visit_Yield(self, node: cst.Yield) -> None:
        value = node.value if isinstance(node.value, cst.BaseExpression) else None
        self.returns.append(ReturnFact(*self._fact_fields(), value=value, is_yield=True, node=node))
        if self._functions:
            self._functions[-1].is_generator = True


_HANDLERS: dict[type, tuple] = {}
_NAME = cst.Name
FACT_LISTS = ("functions", "loops", "calls", "assigns", "name_uses", "withs", "returns")  # in walk order
_CONTEXT_NAMES = frozenset(qualified.rpartition(".")[2] for qualified in knowledge.GRAD_CONTEXTS)  # `no_grad`, ...
_CONTEXT_BYTES = frozenset(name.encode() for name in _CONTEXT_NAMES)
_CONTEXT_MODULES = frozenset(qualified.rpartition(".")[0] for qualified in knowledge.GRAD_CONTEXTS)  # `torch`, ...


def _whole_statement(statement: Optional[cst.CSTNode], call: cst.Call) -> bool:
    """Is the call the whole of its statement: `torch.no_grad()` on its line, or alone in the
    one-line body of an `if` (`if old_torch: torch.set_grad_enabled(False)`)?"""
    kind = statement.__class__  # by identity: libcst's node types are ABCs, slow in `isinstance`
    if kind is cst.If and statement.body.__class__ is cst.SimpleStatementSuite:
        body = statement.body.body
    elif kind is cst.SimpleStatementLine:
        body = statement.body
    else:
        return False
    return len(body) == 1 and body[0].__class__ is cst.Expr and body[0].value is call


def is_main_guard(test: cst.BaseExpression) -> bool:
    return (isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name)
            and test.left.value == "__name__")


def script_bodies(module: cst.Module) -> list[Sequence[cst.BaseStatement]]:
    """The statements a script runs at its top level: the module's body and the bodies of its
    `if __name__ == "__main__":` blocks."""
    return [module.body, *(statement.body.body for statement in module.body
                           if isinstance(statement, cst.If) and is_main_guard(statement.test)
                           and isinstance(statement.body, cst.IndentedBlock))]


def bound_names(target: cst.BaseExpression) -> Iterable[str]:
    """Names a target binds: `a`, `(a, b)`, `[a, *b]`; attribute/subscript targets bind none."""
    stack = [target]
    while stack:
        node = stack.pop()
        kind = node.__class__  # by identity: see tests/test_node_types.py
        if kind is cst.Name:
            yield node.value
        elif kind is cst.Tuple or kind is cst.List:
            stack.extend(element.value for element in reversed(node.elements))
        elif kind is cst.StarredElement:
            stack.append(node.value)


def _resolve_ancestors(classes: dict[str, ClassInfo]) -> None:
    """`class Mine(BaseEval)` with `class BaseEval(EvalUnit)` in the same module derives from EvalUnit."""
    for info in classes.values():
        found, todo, seen = set(), list(info.bases), {info.name}
        while todo:
            base = todo.pop()
            found.add(base)
            if base in classes and base not in seen:
                seen.add(base)
                todo.extend(classes[base].bases)
        info.ancestors = frozenset(found)


def _resolve_function_entries(analysis: FileAnalysis, from_callers: bool = True) -> None:
    """Give each function the mode it starts in: decorator, hook, callers, module-wide, default."""
    for function in analysis.functions:
        initial_entry(analysis, function)
    if from_callers:
        entries_from_callers(analysis)


def initial_entry(analysis: FileAnalysis, function: FunctionInfo) -> None:
    """The mode a function starts in before its callers are read: decorator, hook, module-wide."""
    decorated = function.decorator_state
    if decorated is not None:
        function.entry = decorated
    elif is_framework_hook(analysis, function):
        function.entry = GradState(Mode.DISABLED, Origin.HOOK, function.node)
    elif function.class_name is None and function.name in _wrapped_functions(analysis):
        function.entry = _wrapped_functions(analysis)[function.name]
    elif function.class_name is None and function.name in _framework_callbacks(analysis):
        function.entry = GradState(Mode.DISABLED, Origin.HOOK, function.node)
    elif analysis.global_state is not None:
        function.entry = GradState(analysis.global_state.mode, Origin.GLOBAL, analysis.global_state.node)
    elif function.name != "__init__" and (info := analysis.classes.get(function.class_name or "")) is not None \
            and info.off_after_init is not None:
        function.entry = info.off_after_init


def entries_from_callers(analysis: FileAnalysis) -> None:
    """The modes functions start in from their in-module callers (run once every body is walked)."""
    callers = {f: sites for f, sites in call_sites(analysis).items() if not is_passed_around(analysis, f)}
    changed = True
    while changed:  # a function called only under no_grad runs under no_grad; repeat to a fixed point
        changed = False
        for function, sites in callers.items():
            if function.entry.origin not in (Origin.DEFAULT, Origin.CALLERS) or not sites:
                continue
            states = [analysis.state_of(site) for site in sites]
            if all(state.mode.disables_grad for state in states):
                mode = Mode.INFERENCE if all(s.mode is Mode.INFERENCE for s in states) else Mode.DISABLED
                new = GradState(mode, Origin.CALLERS, sites[0].node)
            else:
                new = ENABLED_BY_DEFAULT
            if new.mode is not function.entry.mode:
                function.entry = new
                changed = True


def is_framework_hook(analysis: FileAnalysis, function: FunctionInfo, surely: bool = False) -> bool:
    """A method a framework already runs without gradients (see `knowledge.py`); `surely`: its
    class is known to derive from the framework's class (not from one that cannot be read)."""
    info = function.class_info
    if info is None:
        return False
    if info.executed_method == function.name:
        return True  # the method a ComfyUI node names for the executor, which runs it in inference mode
    for base, hooks in knowledge.FRAMEWORK_HOOKS.items():
        if function.name in hooks and info.derives_from({base}):
            return True
    if not is_lightning_hook(function):
        return False
    # Lightning's names count in a class derived from Lightning's classes, or from a class we
    # cannot resolve (it may be one); a plain `nn.Module` or object is never run by Lightning.
    return any(base not in analysis.classes and _may_be_framework_class(analysis.project, base, set(), surely)
               for base in info.ancestors)


def framework_runs_without_grad(analysis: FileAnalysis, function: FunctionInfo) -> bool:
    """A function a framework surely runs with gradients disabled: a hook of a class known to
    derive from the framework's class, or a function handed to a framework that runs it so, that
    the module's own code does not call as well (`self.validation_step(batch)` in a training step)."""
    if function.class_name is None:
        handed = function.name in _framework_callbacks(analysis)
    else:
        handed = is_framework_hook(analysis, function, surely=True)
    return handed and not call_sites(analysis).get(function)


def _comfy_node_method(node: cst.ClassDef) -> Optional[str]:
    """The method a ComfyUI node class names in `FUNCTION = "sample"` beside an `INPUT_TYPES`
    method: the executor runs it (see knowledge.py)."""
    named = None
    declares_inputs = False
    for statement in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
        if isinstance(statement, cst.FunctionDef) and statement.name.value == knowledge.COMFY_NODE_INPUTS:
            declares_inputs = True
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if (isinstance(small, cst.Assign) and len(small.targets) == 1
                        and isinstance(small.targets[0].target, cst.Name)
                        and small.targets[0].target.value == knowledge.COMFY_NODE_FUNCTION
                        and isinstance(small.value, cst.SimpleString)):
                    named = small.value.evaluated_value
    return named if declares_inputs and isinstance(named, str) else None


def is_lightning_hook(function: FunctionInfo) -> bool:
    """A method named as one of the hooks Lightning runs without gradients."""
    return function.name in knowledge.HOOKS_WITHOUT_GRAD or bool(knowledge.HOOK_WITHOUT_GRAD_PATTERN.match(function.name))


def _may_be_framework_class(project, base: str, seen: set, surely: bool = False) -> bool:
    """Whether a base class (an ancestor, through the module's classes) named in another module
    may be Lightning's: it is when it comes from Lightning, it may be when it cannot be read (not
    the project's, or reached through too many re-exports; `surely`: it is not), or when it is the
    project's and one of its ancestors may be. Not plain, not from a package we know (`torch`,
    ...), and not a project class deriving from none but those (`class ECD(LudwigModule)`,
    `LudwigModule` an `nn.Module` in another module)."""
    if base.startswith(knowledge.LIGHTNING_PACKAGES):
        return True
    if base in knowledge.PLAIN_BASES or base.split(".")[0] in knowledge.TORCH_PACKAGES or base in seen:
        return False
    seen.add(base)
    ancestry = project.ancestry_of(base) if project is not None else None
    if ancestry is None:
        return not surely
    # names without a dot are classes of that module, whose ancestry is in the same tuple
    return any("." in ancestor and _may_be_framework_class(project, ancestor, seen, surely) for ancestor in ancestry)


def _framework_callbacks(analysis: FileAnalysis) -> frozenset[str]:
    """Functions of this module handed to a framework that calls them without gradients:
    `create_supervised_evaluator(model, model_fn=predict_fn)` (see knowledge.py)."""
    key = "framework_callbacks"
    if key not in analysis.cache:
        found = set()
        for call in analysis.calls:
            keywords = knowledge.CALLABLE_ARGUMENTS_WITHOUT_GRAD.get(call.qualified or "")
            for arg in call.node.args if keywords else ():
                if arg.keyword is not None and arg.keyword.value in keywords and isinstance(arg.value, cst.Name):
                    found.add(arg.value.value)
        analysis.cache[key] = frozenset(found)
    return analysis.cache[key]


def _wrapped_functions(analysis: FileAnalysis) -> dict[str, GradState]:
    """Module functions wrapped by a call such as `evaluate = torch.no_grad()(evaluate)`, and
    only ever run through the wrapper: they run in the wrapper's mode."""
    key = "wrapped_functions"
    if key not in analysis.cache:
        wrapped: dict[str, GradState] = {}
        for call in analysis.calls:
            func = call.node.func
            if func.__class__ is cst.Call and len(call.node.args) == 1 and isinstance(call.node.args[0].value, cst.Name):
                use = context_use(analysis.imports, func)
                if use is not None and use.called and use.mode is not Mode.UNKNOWN:
                    wrapped[call.node.args[0].value.value] = GradState(use.mode, Origin.DECORATOR, func)
        direct = {c.callee for c in analysis.calls}
        analysis.cache[key] = {name: state for name, state in wrapped.items() if name not in direct}
    return analysis.cache[key]


def call_sites(analysis: FileAnalysis) -> dict[FunctionInfo, list[CallFact]]:
    """In-module call sites of each function: `helper(...)`, or `self.helper(...)` in its class."""
    key = "call_sites"
    if key in analysis.cache:
        return analysis.cache[key]
    sites: dict[FunctionInfo, list[CallFact]] = {f: [] for f in analysis.functions}
    for call in analysis.calls:
        for target in callees(analysis, call):
            sites[target].append(call)
    analysis.cache[key] = sites
    return sites


def callees(analysis: FileAnalysis, call: CallFact) -> list[FunctionInfo]:
    """The in-module functions a call may run: `helper(...)`, `self.method(...)`."""
    callee = call.callee
    if callee is None:
        return []
    by_name = analysis.cache.get("functions_by_name")
    if by_name is None:
        by_name = analysis.cache["functions_by_name"] = {}
        for function in analysis.functions:
            by_name.setdefault(function.name, []).append(function)
    head, _, attr = callee.rpartition(".")
    if not head:
        return [f for f in by_name.get(callee, ()) if f.class_name is None]
    if head in ("self", "cls") and call.function is not None:
        # The method of the caller's class, else of the nearest base class defined in this module.
        owner, seen = class_of(call.function), set()
        while owner is not None and owner not in seen:
            seen.add(owner)
            found = [f for f in by_name.get(attr, ()) if f.class_name == owner]
            if found:
                return found
            info = analysis.classes.get(owner)
            owner = next((b for b in info.bases if b in analysis.classes), None) if info else None
    return []


def is_passed_around(analysis: FileAnalysis, function: FunctionInfo) -> bool:
    """A function also used as a value (a callback, `map(fn, ...)`) has callers we cannot see."""
    sites = call_sites(analysis)[function]
    for use in analysis.uses_of(function.name):
        if use.node is not function.node.name and not _is_call_func(use, sites) and not in_import(use):
            return True
    return False


def in_import(use: NameUse) -> bool:
    """Is the name part of an import statement (`from mir_eval import evaluate as score`), not a
    read of what the module binds?"""
    statement = use.statement
    return statement.__class__ is cst.SimpleStatementLine and any(
        small.__class__ in (cst.Import, cst.ImportFrom) for small in statement.body)


def _is_call_func(use: NameUse, sites: list[CallFact]) -> bool:
    for call in sites:
        func = call.node.func
        if func is use.node or (isinstance(func, cst.Attribute) and func.attr is use.node):
            return True
    return False


def class_of(function: FunctionInfo) -> Optional[str]:
    while function is not None:
        if function.class_name is not None:
            return function.class_name
        function = function.parent
    return None
