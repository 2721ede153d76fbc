"""What the code makes trainable: the modules whose parameters each optimizer is built over
(`torch.optim.Adam(self.encoder.parameters())`, a param group, `list(a.parameters()) + ...`),
the optimizer a `step()` call steps, and the statements that set `requires_grad` on a module's
parameters (`m.requires_grad_(flag)`, `for p in m.parameters(): p.requires_grad = True`).

Modules are named as the code spells them (`self.encoder`, `tower`): within one class, or one
function, a spelling names one module.
"""
from __future__ import annotations

import dataclasses
from typing import Iterator, Optional

import libcst as cst

from . import knowledge
from .gradmode import CallFact, FileAnalysis, FunctionInfo
from .imports import dotted_name
from .interpret import _positional_names, _takes_self
from .lattice import Kind
from .summaries import ClassModel, ModuleModel
from .treewalk import iter_nodes


@dataclasses.dataclass(frozen=True)
class OptimizerBuild:
    """`self.encoder_opt = torch.optim.Adam(self.encoder.parameters(), lr=lr)`."""

    call: cst.Call
    name: str  # what it is bound to, as written: `self.encoder_opt`, `opt`
    function: Optional[FunctionInfo]  # where it is built (None: the module's top level)
    modules: tuple[str, ...]  # the modules whose parameters it holds, as written


@dataclasses.dataclass(frozen=True)
class GradSwitch:
    """A statement that sets `requires_grad` on every parameter of a module."""

    node: cst.CSTNode  # the `requires_grad_` call or the `p.requires_grad = ...` assignment
    module: str  # as written: `self`, `self.encoder`, `tower`
    function: Optional[FunctionInfo]
    on: Optional[bool]  # True: unfreezes, False: freezes, None: a runtime flag (it may unfreeze)


def _scope_analysis(model: ModuleModel, function: Optional[FunctionInfo]) -> FileAnalysis:
    """The analysis whose facts hold a scope: the module's top level, or the module defining the function."""
    owner = model.owner_model(function) if function is not None else None
    return (owner or model).analysis


def _assignments(model: ModuleModel, function: Optional[FunctionInfo]) -> Iterator[cst.Assign]:
    """The one-target assignment statements of a scope (not of nested functions), from the fact walk."""
    analysis = _scope_analysis(model, function)
    for fact in analysis.facts_in(analysis.assigns, function):
        if fact.node.__class__ is cst.Assign and len(fact.node.targets) == 1:
            yield fact.node


def parameter_owners(expression: cst.CSTNode, bindings: dict) -> list[str]:
    """The modules whose `.parameters()` (or `.named_parameters()`) an expression reads, following
    names bound in the same scope once (`params = list(enc.parameters()) + ...; Adam(params)`)."""
    found: list[str] = []
    followed: set[str] = set()
    todo = [expression]
    while todo:
        for node in iter_nodes(todo.pop()):
            if (node.__class__ is cst.Call and node.func.__class__ is cst.Attribute
                    and node.func.attr.value in knowledge.PARAMETER_METHODS):
                owner = dotted_name(node.func.value)
                if owner is not None and owner not in found:
                    found.append(owner)
            elif node.__class__ is cst.Name and node.value in bindings and node.value not in followed:
                followed.add(node.value)
                todo.append(bindings[node.value])
    return found


def optimizer_builds(model: ModuleModel, function: Optional[FunctionInfo]) -> list[OptimizerBuild]:
    """The optimizers a scope builds over modules' parameters (the values say what is an optimizer)."""
    key = ("optimizer_builds", id(function))
    if key not in model.analysis.cache:
        model.analysis.cache[key] = _optimizer_builds(model, function)
    return model.analysis.cache[key]


def _optimizer_builds(model: ModuleModel, function: Optional[FunctionInfo]) -> list[OptimizerBuild]:
    owner = model.owner_model(function) if function is not None else model
    if owner is None:
        return []
    results = owner.results_of(function) if function is not None else [owner.module_result]
    if function is not None and not results:
        summary = owner.summary_of(function)
        results = [summary.result] if summary is not None else []
    results = [r for r in results if r is not None]
    bindings: dict = {}
    builds = []
    for node in _assignments(owner, function):
        target = dotted_name(node.targets[0].target)
        if target is None:
            continue
        if node.targets[0].target.__class__ is cst.Name:
            bindings[target] = node.value
        if node.value.__class__ is not cst.Call:
            continue
        values = [r.values.get(id(node.value)) for r in results]
        if not any(value is not None and value.kind is Kind.OPTIMIZER for value in values):
            continue
        modules = parameter_owners(node.value, bindings)
        if modules:
            builds.append(OptimizerBuild(node.value, target, function, tuple(modules)))
    return builds


def stepped_optimizer(call: CallFact) -> Optional[str]:
    """The optimizer a step call steps, as written: `opt` in `opt.step()` and `scaler.step(opt)`."""
    if call.method != "step" or call.receiver is None:
        return None
    if call.node.args and knowledge.OPTIMIZER_RECEIVER.search(
            (dotted_name(call.node.args[0].value) or "").rpartition(".")[2]):
        return dotted_name(call.node.args[0].value)
    return dotted_name(call.receiver)


def grad_switches(model: ModuleModel, function: Optional[FunctionInfo]) -> list[GradSwitch]:
    """The statements of a scope that set `requires_grad` on all of a module's parameters."""
    key = ("grad_switches", id(function))
    if key not in model.analysis.cache:
        model.analysis.cache[key] = _grad_switches(model, function)
    return model.analysis.cache[key]


def _grad_switches(model: ModuleModel, function: Optional[FunctionInfo]) -> list[GradSwitch]:
    """In source order: loops over a module's parameters that set their flag, then the
    `requires_grad_` calls (a loop comes before the calls in its body)."""
    analysis = _scope_analysis(model, function)
    if function is not None:
        function.ensure_body()  # its loops are known once its body is walked
    found: list[tuple[tuple[int, int], GradSwitch]] = []
    for loop in analysis.loops:
        node = loop.node
        if loop.function is not function or node.__class__ is not cst.For:
            continue
        owners = parameter_owners(node.iter, {})
        names = _loop_variables(node.target)
        if len(owners) != 1 or not names:
            continue
        for inner in iter_nodes(node.body):
            flag = requires_grad_flag(inner, names)
            if flag is not None:
                found.append(((loop.span.start, 0), GradSwitch(inner, owners[0], function, _flag(flag))))
    for call in analysis.facts_in(analysis.calls, function):
        node = call.node
        if call.method == "requires_grad_" and not call.in_lambda and node.func.__class__ is cst.Attribute:
            module = dotted_name(node.func.value)
            if module is not None:
                switch = GradSwitch(node, module, function, _flag(node.args[0].value if node.args else None))
                found.append(((call.index, 1), switch))
    return [switch for _, switch in sorted(found, key=lambda item: item[0])]


def module_class(model: ModuleModel, function: Optional[FunctionInfo], spelled: str) -> Optional[ClassModel]:
    """The project module class a spelling holds in a scope: `self` (the method's class),
    `self.tower` (a field), `tower` (bound to an instance in the scope or at the top level)."""
    parts = spelled.split(".")
    if parts[0] == "self":
        current = model.classes.get(function.class_name) if function is not None and function.class_name else None
    else:
        current = _bound_class(model, function, parts[0])
    for part in parts[1:]:
        field = model.field_value(current, part) if current is not None else None
        current = field.ref if field is not None and field.kind is Kind.MODULE else None
    return current if isinstance(current, ClassModel) and current.is_module else None


def _bound_class(model: ModuleModel, function: Optional[FunctionInfo], name: str) -> Optional[ClassModel]:
    """The module class of an instance a name is bound to: a parameter its callers pass, or an
    assignment in the scope or at the module's top level."""
    for result in model.results_of(function) if function is not None else ():
        given = result.context.param(name)
        if given is not None and given.kind is Kind.MODULE and isinstance(given.ref, ClassModel):
            return given.ref
    scopes = [function, None] if function is not None else [None]
    for scope in scopes:
        results = model.results_of(scope) if scope is not None else [model.module_result]
        for node in _assignments(model, scope):
            if node.targets[0].target.__class__ is cst.Name and node.targets[0].target.value == name:
                for result in results:
                    value = result.values.get(id(node.value)) if result is not None else None
                    if value is not None and value.kind is Kind.MODULE and isinstance(value.ref, ClassModel):
                        return value.ref
    return None


def _loop_variables(target: cst.BaseExpression) -> frozenset[str]:
    """`p` in `for p in ...`, and in `for name, p in ...` (the parameter comes last)."""
    if target.__class__ is cst.Name:
        return frozenset({target.value})
    if isinstance(target, (cst.Tuple, cst.List)) and target.elements and target.elements[-1].value.__class__ is cst.Name:
        return frozenset({target.elements[-1].value.value})
    return frozenset()


def requires_grad_flag(node: cst.CSTNode, names: frozenset[str]) -> Optional[cst.BaseExpression]:
    """The flag expression of `p.requires_grad = flag` or `p.requires_grad_(flag)` on a loop
    variable (`True` for `p.requires_grad_()`), or None when `node` is neither."""
    if node.__class__ is cst.Assign:
        for target in node.targets:
            attribute = target.target
            if (attribute.__class__ is cst.Attribute and attribute.attr.value == "requires_grad"
                    and attribute.value.__class__ is cst.Name and attribute.value.value in names):
                return node.value
    if (node.__class__ is cst.Call and node.func.__class__ is cst.Attribute
            and node.func.attr.value == "requires_grad_" and node.func.value.__class__ is cst.Name
            and node.func.value.value in names):
        return node.args[0].value if node.args else cst.Name("True")
    return None


def _flag(node: Optional[cst.BaseExpression]) -> Optional[bool]:
    """True for no argument or `True`, False for `False`, None for anything else."""
    if node is None:
        return True
    if node.__class__ is cst.Name and node.value in ("True", "False"):
        return node.value == "True"
    return None


def stepping(model: ModuleModel, root: Optional[FunctionInfo], path: list,
             spelled: str, only=None) -> Optional[tuple[OptimizerBuild, CallFact]]:
    """An optimizer step of the path (`(function, ScopeResult)` pairs, from `root`) whose
    optimizer holds the parameters of `spelled` (`only`: the steps it keeps, of those)."""
    for function, result in path:
        for call in result.training:
            if only is not None and not only(call):
                continue
            name = stepped_optimizer(call)
            build = build_named(model, root, function, name) if name is not None else None
            if build is None and name is not None and function is root:
                build = passed_optimizer(model, function, name, spelled)
            if build is not None and spelled in build.modules:
                return build, call
    return None


def passed_optimizer(model: ModuleModel, function: Optional[FunctionInfo], name: str,
                     spelled: str) -> Optional[OptimizerBuild]:
    """The optimizer that every call of `function` in the module passes as its parameter `name`,
    built there over the parameters of what the call passes as `spelled` (`train(model, optimizer)`
    after `optimizer = Adam(model.parameters())`): that build, its name and modules spelled as
    `function` spells them."""
    head, dot, rest = spelled.partition(".")
    sites = call_sites(model, function) if function is not None and "." not in name else []
    found = None
    for caller, call in sites:
        passed = passed_spellings(function, call)
        optimizer, module = passed.get(name), passed.get(head)
        build = build_named(model, caller, caller, optimizer) if optimizer is not None and module is not None else None
        if build is None or module + dot + rest not in build.modules:
            return None
        found = found or dataclasses.replace(build, name=name, modules=(spelled,))
    return found


def call_sites(model: ModuleModel, function: FunctionInfo) -> list[tuple[Optional[FunctionInfo], cst.Call]]:
    """(caller, call) for the calls of `function` in the module, as the values resolve them."""
    found: dict[int, tuple] = {}
    for result in model.all_results():
        for fact, callee, _, _ in result.outgoing:
            if callee is function:
                found.setdefault(id(fact.node), (fact.function, fact.node))
    return list(found.values())


def passed_spellings(function: FunctionInfo, call: cst.Call) -> dict[str, str]:
    """Parameter name -> the argument a call passes, as written (names and attributes only)."""
    positional = _positional_names(function)
    if _takes_self(function) and call.func.__class__ is cst.Attribute:
        positional = positional[1:]
    found: dict[str, str] = {}
    for index, arg in enumerate(call.args):
        if arg.star:
            break
        name = arg.keyword.value if arg.keyword is not None else (
            positional[index] if index < len(positional) else None)
        spelled = dotted_name(arg.value)
        if name is not None and spelled is not None:
            found[name] = spelled
    return found


def build_named(model: ModuleModel, root: Optional[FunctionInfo], scope: Optional[FunctionInfo],
                name: str) -> Optional[OptimizerBuild]:
    """The optimizer built as `name`: in the class of `root` (for `self.opt`), else in `scope`,
    `root` or the module's top level."""
    if name.startswith("self."):
        cls = model.classes.get(root.class_name) if root is not None and root.class_name else None
        scopes = class_methods(model, cls) if cls is not None else []
    else:
        scopes = [scope, root, None]
    return next((build for s in scopes for build in optimizer_builds(model, s) if build.name == name), None)


def class_methods(model: ModuleModel, cls: ClassModel) -> list[FunctionInfo]:
    """The methods of a class and of its project base classes, overridden ones too (a base's
    `__init__` that builds the optimizers)."""
    found = list(cls.methods.values())
    for base in cls.ancestry:
        other = model.classes.get(base)
        if other is None and model.project is not None:
            other = model.project.class_of(base, model.depth + 1, model.project.home_of(model.analysis.path))
        for method in (other.methods.values() if other is not None else ()):
            if all(method is not known for known in found):
                found.append(method)
    return found
