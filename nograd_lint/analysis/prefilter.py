"""A stdlib `ast` pre-pass that tells which files need the libcst analysis at all.

libcst parsing costs about 12x `ast.parse`. Each rule says which signals it needs
(`Rule.relevant`); a file whose signals no enabled rule needs is never parsed with libcst. Every
signal is a superset of what the libcst analysis looks for, so skipping a file cannot lose a finding.
"""
from __future__ import annotations

import ast
import dataclasses
from typing import Optional, Sequence, Union

from . import knowledge
from .astwalk import walk
from .prefilter_contexts import GRAD_WORDS, context_signals
from .roles import MODULE_ONLY_METHODS, is_evaluation_name, looks_like_model

GRAD_CONTEXT_WORDS = ("no_grad", "inference_mode", "set_grad_enabled", "enable_grad", "grad_mode")
# Words that make a framework's grad handling matter: Lightning's hook names (matched by name),
# framework wrappers and functions that take callbacks they run without gradients.
_FRAMEWORK_WORDS = frozenset(
    {*knowledge.HOOKS_WITHOUT_GRAD, "on_validation_", "on_test_", "on_predict_",
     *(qualified.rpartition(".")[2] for qualified in knowledge.FRAMEWORK_GRAD_DISABLERS),
     *(qualified.rpartition(".")[2] for qualified in knowledge.CALLABLE_ARGUMENTS_WITHOUT_GRAD)})
# Other frameworks' hooks only count in a subclass of the framework's class, so the file must
# import the framework: package -> hook names (`update` alone says nothing without `ignite`).
_HOOKS_BY_PACKAGE: dict[str, frozenset[str]] = {}
for _base, _methods in knowledge.FRAMEWORK_HOOKS.items():
    _package = _base.split(".")[0]
    _HOOKS_BY_PACKAGE[_package] = _HOOKS_BY_PACKAGE.get(_package, frozenset()) | _methods
# Methods that a framework runs with gradients on: an override is evaluation code.
_OVERRIDE_NAMES = frozenset(method for methods in knowledge.HOOKS_WITH_GRAD.values() for method in methods)


@dataclasses.dataclass(frozen=True)
class Signals:
    grad_context: bool = False  # mentions a grad-mode callable or a hook that runs without grad
    evaluation: bool = False  # `.eval()`, `.train(...)`, an evaluation-named def, an evaluation loader
    forward: bool = False  # a call that reads as a forward pass
    loss: bool = False  # a call or attribute that reads as a loss
    accumulation: bool = False  # `+=`, `x = x + ...` or `.append(...)` inside a loop
    parameter_loop: bool = False  # `for p in m.parameters()` and kin
    backward: bool = False  # `.backward(`, `autograd.grad`
    evaluation_forward: bool = False  # evaluation evidence and a forward pass in code that can reach each other
    # The shapes the grad-context rules look for (prefilter_contexts.py).
    nested_context: bool = False
    uncalled_context: bool = False
    bare_context_call: bool = False
    leaking_statement: bool = False
    stored_context: bool = False
    yield_in_context: bool = False
    thread_in_context: bool = False
    async_decorated: bool = False
    inference_training: bool = False


ALL_SIGNALS = Signals(*(True,) * len(dataclasses.fields(Signals)))


def _dotted(node: ast.AST) -> Optional[str]:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def text_signals(source: Union[str, bytes]) -> Signals:
    """The signals plain text can tell: a grad-mode callable or a framework hook is mentioned."""
    text = source if isinstance(source, str) else source.decode("latin-1")
    return Signals(grad_context=any(word in text for word in GRAD_CONTEXT_WORDS)
                   or any(word in text for word in _FRAMEWORK_WORDS)
                   or any(package in text and any(hook in text for hook in hooks)
                          for package, hooks in _HOOKS_BY_PACKAGE.items()))


def signals_of(source: Union[str, bytes], evaluation_names: Sequence[str] = (),
               tree: Optional[ast.AST] = None) -> Signals:
    """What a file contains, read with `ast` (pass `tree` when one is at hand, as flake8 has);
    every signal on when `ast` cannot parse it."""
    text = source if isinstance(source, str) else source.decode("latin-1")
    grad_context = text_signals(text).grad_context
    if tree is None:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return ALL_SIGNALS
    found = dict(grad_context=grad_context, evaluation=False, forward=False, loss=False,
                 accumulation=False, parameter_loop=False, backward=False)
    scan = _FileScan(found, evaluation_names)
    units = [_scan_unit(statements, scan) for statements in _units(tree)]
    for unit in units:  # calling what is put in eval mode, or whose parameters are read, is a forward pass
        unit.forward = unit.forward or bool(unit.callees & scan.modules)
    found["evaluation_forward"] = _evaluation_with_forward(units)
    if scan.loops and (found["forward"] or found["loss"]):
        found["accumulation"] = _accumulates_graph(scan)
    if any(word in text for word in GRAD_WORDS):  # else no grad-mode context can be in sight
        found.update(context_signals(tree, text, found["backward"] or ".step(" in text))
    return Signals(**found)


def _units(tree: ast.AST) -> list[list[ast.AST]]:
    """The parts of a module whose evidence can only meet through names: each function and each
    method, each class's own statements (bases, decorators, class attributes), and the rest of the
    module together."""
    body = getattr(tree, "body", None)
    if not isinstance(body, list):
        return [[tree]]
    units, rest = [], []
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            units.append([node])
        elif isinstance(node, ast.ClassDef):
            methods = [n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
            units.extend([method] for method in methods)
            own = [n for n in node.body if n not in methods]
            units.append([ast.ClassDef(name=node.name, bases=node.bases, keywords=node.keywords, body=own,
                                       decorator_list=node.decorator_list)])
        else:
            rest.append(node)
    return units + ([rest] if rest else [])


@dataclasses.dataclass
class _FileScan:
    """What one walk over a file gathers: its signals, and what the NG102 test needs."""

    found: dict
    evaluation_names: Sequence[str]
    loops: list = dataclasses.field(default_factory=list)
    modules: set = dataclasses.field(default_factory=set)  # receivers of `.eval()`, `.parameters()`, ...
    assigns: list = dataclasses.field(default_factory=list)  # (names bound, value)


@dataclasses.dataclass
class _Unit:
    evaluation: bool = False
    forward: bool = False
    defines: set = dataclasses.field(default_factory=set)  # functions, classes, methods, module-level names
    mentions: set = dataclasses.field(default_factory=set)  # every name and attribute it reads
    callees: set = dataclasses.field(default_factory=set)  # dotted names it calls


def _scan_unit(statements: list, scan: _FileScan) -> _Unit:
    """One walk over a unit: the file's signals (into `found`), and the unit's own. Names a unit
    defines: its functions and classes, the attributes it assigns, and (at module or class level)
    the names it assigns."""
    unit = _Unit()
    found, evaluation_names = scan.found, scan.evaluation_names
    own = dict(evaluation=False, forward=False)
    for statement in statements:
        if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):  # a global
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            unit.defines.update(n.id for t in targets for n in walk(t) if isinstance(n, ast.Name))
        for node in walk(statement):
            kind = type(node)
            if kind is ast.Name:
                unit.mentions.add(node.id)
            elif kind is ast.Attribute:
                unit.mentions.add(node.attr)
            elif kind is ast.Call:
                callee = _call_signals(node, own, found)
                if callee is not None:
                    unit.callees.add(callee)
                func = node.func
                if type(func) is ast.Attribute and (func.attr in MODULE_ONLY_METHODS or func.attr in (
                        knowledge.EVAL_METHOD, knowledge.TRAIN_METHOD)):
                    scan.modules.add(_dotted(func.value))
            elif kind in (ast.Assign, ast.AnnAssign, ast.AugAssign):  # `self.model = ...`: state others read
                targets = node.targets if kind is ast.Assign else [node.target]
                unit.defines.update(n.attr for t in targets for n in walk(t) if isinstance(n, ast.Attribute))
                if node.value is not None:
                    scan.assigns.append(({n.id for t in targets for n in walk(t) if isinstance(n, ast.Name)},
                                         node.value))
            elif kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
                unit.defines.add(node.name)
                if kind is not ast.ClassDef and (is_evaluation_name(node.name, evaluation_names)
                                                 or node.name in _OVERRIDE_NAMES):
                    own["evaluation"] = True
            elif kind in (ast.For, ast.AsyncFor, ast.While):
                scan.loops.append(node)
                if kind is not ast.While:
                    for sub in walk(node.iter):
                        word = (sub.id if type(sub) is ast.Name else sub.attr if type(sub) is ast.Attribute
                                else sub.arg if type(sub) in (ast.keyword, ast.arg)
                                else sub.value if type(sub) is ast.Constant and isinstance(sub.value, str) else None)
                        if word is None:
                            continue
                        if "parameters" in word or word == "params":
                            found["parameter_loop"] = True
                        if type(sub) in (ast.Name, ast.Attribute) and knowledge.EVALUATION_LOADER.search(word):
                            own["evaluation"] = True
            if kind is ast.Attribute and node.attr == "loss":
                found["loss"] = True
    unit.evaluation, unit.forward = own["evaluation"], own["forward"]
    found["evaluation"] = found["evaluation"] or unit.evaluation
    found["forward"] = found["forward"] or unit.forward
    return unit


def _call_signals(node: ast.Call, own: dict, found: dict) -> Optional[str]:
    """Record what a call shows; its callee's dotted name, if it has one."""
    func = node.func
    dotted = _dotted(func)
    if isinstance(func, ast.Attribute):
        attr = func.attr
        if attr in (knowledge.EVAL_METHOD, knowledge.TRAIN_METHOD):
            # Whatever is put in eval or train mode is a model, whatever its name: forward too (the
            # value model reads `.train(batch)` on an object as running it); `.eval()` and
            # `.train(False)` are evidence of evaluation, `.train()` is not.
            own["forward"] = True
            if attr == knowledge.EVAL_METHOD or any(
                    isinstance(a, ast.Constant) and a.value is False for a in node.args) or any(
                    k.arg == "mode" and isinstance(k.value, ast.Constant) and k.value.value is False
                    for k in node.keywords):
                own["evaluation"] = True
        elif attr in MODULE_ONLY_METHODS:
            own["forward"] = True  # `probe.parameters()`: calling `probe` is a forward pass
        elif attr in knowledge.BACKWARD_ARGUMENT_METHODS or attr == "grad":
            found["backward"] = True
        elif attr in knowledge.FORWARD_METHODS:
            own["forward"] = True
    if isinstance(func, ast.Name) and func.id in ("grad", "backward"):
        found["backward"] = True  # `from torch.autograd import grad`
    if dotted is not None:
        if dotted == "self" or looks_like_model(dotted):
            own["forward"] = True
        if knowledge.LOSS_CALLEE.search(dotted.rpartition(".")[2]):
            found["loss"] = True
    elif isinstance(func, (ast.Call, ast.Subscript)):
        own["forward"] = True  # `models[i](x)`, `get_model()(x)`: be generous
    return dotted


def _evaluation_with_forward(units: list[_Unit]) -> bool:
    """Do evaluation evidence and a forward pass meet in one group of units that reach each
    other through names (calls, callbacks, globals)? Evidence can come from a function's callers,
    helpers, class or module, never from code it cannot name."""
    if not any(unit.evaluation for unit in units) or not any(unit.forward for unit in units):
        return False
    group = list(range(len(units)))

    def root(index: int) -> int:
        while group[index] != index:
            group[index] = group[group[index]]
            index = group[index]
        return index

    for i, one in enumerate(units):
        for j, other in enumerate(units):
            if i != j and one.mentions & other.defines:
                group[root(i)] = root(j)
    evaluated = {root(i) for i, unit in enumerate(units) if unit.evaluation}
    return any(root(i) in evaluated for i, unit in enumerate(units) if unit.forward)


def _accumulates_graph(scan: _FileScan) -> bool:
    """Does a loop add up (`+=`, `x = x + v`, `.append(v)`) something that mentions a name bound to
    a forward pass or a loss? A generous, file-wide version of what NG102 checks per function."""
    assigns = []
    for bound, value in scan.assigns:
        nodes = list(walk(value))
        assigns.append((bound, {n.id for n in nodes if type(n) is ast.Name},
                        any(_makes_graph(n, scan.modules) for n in nodes)))
    graph: set[str] = set()
    changed = True
    while changed:
        changed = False
        for bound, read, makes in assigns:
            if not bound <= graph and (makes or read & graph):
                graph |= bound
                changed = True
    if not graph:
        return False
    seen: set[int] = set()
    for loop in scan.loops:
        if id(loop) in seen:  # inside a loop already searched
            continue
        for node in walk(loop):
            seen.add(id(node))
            if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
                value = node.value
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.BinOp) and isinstance(node.value.op, ast.Add):
                value = node.value.right
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append" and node.args:
                value = node.args[0]
            else:
                continue
            if any(isinstance(n, ast.Name) and n.id in graph for n in walk(value)):
                return True
    return False


def _makes_graph(node: ast.AST, modules: set) -> bool:
    """A forward pass or a loss, as generously as the libcst analysis could read one."""
    if isinstance(node, ast.Attribute) and node.attr == "loss":
        return True
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, (ast.Call, ast.Subscript)):
        return True
    dotted = _dotted(func)
    if dotted is None:
        return False
    head = dotted.rpartition(".")[0]
    return (dotted == "self" or looks_like_model(dotted) or dotted in modules or head in modules
            or bool(knowledge.LOSS_CALLEE.search(dotted.rpartition(".")[2])) or dotted.endswith(".forward"))

