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
from .interpret import MODULE_ONLY_METHODS
from .knowledge import is_evaluation_name, looks_like_model
from .prefilter_contexts import GRAD_WORDS, context_signals, maybe_project
from ..io.sources import python_tree

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
    # The shapes the grad-context rules look for (prefilter_contexts.py).
    nested_context: bool = False
    uncalled_context: bool = False
    bare_context_call: bool = False
    leaking_statement: bool = False
    stored_context: bool = False
    yield_in_context: bool = False
    thread_in_context: bool = False
    async_decorated: bool = False
    call_in_context: bool = False  # a call that a grad-mode context may cover
    inference_training: bool = False
    closure_call: bool = False  # the word `closure` and a grad-mode word (NG205)
    inference_mode: bool = False  # the word `inference_mode` (NG206)
    loss_class: bool = False  # a class or function named `...Loss`/`loss_...`, or with a base class so named (NG209)


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
            tree = python_tree(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return ALL_SIGNALS
    found = dict(grad_context=grad_context, evaluation=False, forward=False, loss=False,
                 accumulation=False, parameter_loop=False, backward=False, loss_class=False)
    scan = _FileScan(found, evaluation_names)
    _scan(tree, scan)
    if not found["forward"] and scan.evaluation_named and any(
            not name.startswith(_UNITTEST_METHODS) for name in scan.called_fields - scan.defined):
        found["forward"] = True  # `self.denoiser(x)` beside `def inference_step`: a field called, no method of the file
    if not found["forward"] and scan.evaluation_named and any(
            (root == "self" or root in scan.parameters) and knowledge.may_be_project_method(method)
            for root, method in scan.object_methods):
        found["forward"] = True  # `self.agent.act(obs)` beside `def evaluate`: a project class's method may run one
    if not found["forward"] and scan.evaluation_named and scan.constructed:
        objects = {name for bound, called in scan.constructed if called in scan.project_names for name in bound}
        found["forward"] = any(root in objects and knowledge.may_be_project_method(method)
                               for root, method in scan.object_methods)  # `agent = HAC(...)`, `agent.run(env)`
    if scan.loops and (found["forward"] or found["loss"]):
        found["accumulation"] = _accumulates_graph(scan)
    if any(word in text for word in GRAD_WORDS):  # else no grad-mode context can be in sight
        found.update(context_signals(tree, text, found["backward"] or ".step(" in text))
        found["closure_call"] = "closure" in text
        found["inference_mode"] = "inference_mode" in text
    return Signals(**found)


@dataclasses.dataclass
class _FileScan:
    """What one walk over a file gathers: its signals, and what the NG102 test needs."""

    found: dict
    evaluation_names: Sequence[str]
    loops: list = dataclasses.field(default_factory=list)
    modules: set = dataclasses.field(default_factory=set)  # receivers of `.eval()`, `.parameters()`, ...
    assigns: list = dataclasses.field(default_factory=list)  # (names bound, value)
    defined: set = dataclasses.field(default_factory=set)  # names of the file's functions and methods
    called_fields: set = dataclasses.field(default_factory=set)  # `x` of each `self.x(...)`
    object_methods: set = dataclasses.field(default_factory=set)  # `act` of `agent.act(...)`, `self.agent.act(...)`
    parameters: set = dataclasses.field(default_factory=set)  # the names of the file's functions' parameters
    # (names bound, the class called) of `agent = HAC(...)`, and the names imported from modules
    # that may be the project's (`from HAC import HAC`): objects whose methods may run a forward pass
    constructed: list = dataclasses.field(default_factory=list)
    project_names: set = dataclasses.field(default_factory=set)
    evaluation_named: bool = False  # a function named for evaluation (`predict`, `inference_step`)


_SCANNED = frozenset({ast.Attribute, ast.Call, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.FunctionDef,
                      ast.AsyncFunctionDef, ast.For, ast.AsyncFor, ast.While, ast.ClassDef, ast.ImportFrom})  # what `_scan` reads


def _scan(tree: ast.AST, scan: _FileScan) -> None:
    """One walk over the file: its signals (into `scan.found`), its loops, modules and assignments."""
    found, evaluation_names = scan.found, scan.evaluation_names
    for node in walk(tree):
        kind = type(node)
        if kind not in _SCANNED:
            continue  # names and constants, half the nodes, among them
        if kind is ast.Attribute:
            if node.attr == "loss":
                found["loss"] = True
        elif kind is ast.Call:
            _call_signals(node, found)
            func = node.func
            if type(func) is ast.Attribute and type(func.value) is ast.Name and func.value.id == "self":
                scan.called_fields.add(func.attr)
            elif type(func) is ast.Attribute and (root := _root(func.value)) is not None:
                scan.object_methods.add((root, func.attr))  # `agent.act(obs)`, `self.agent.act(obs)`
            if type(func) is ast.Attribute and (func.attr in MODULE_ONLY_METHODS or func.attr in (
                    knowledge.EVAL_METHOD, knowledge.TRAIN_METHOD)):
                scan.modules.add(_dotted(func.value))
        elif kind in (ast.Assign, ast.AnnAssign, ast.AugAssign) and node.value is not None:
            targets = node.targets if kind is ast.Assign else [node.target]
            bound = {n.id for t in targets for n in walk(t) if isinstance(n, ast.Name)}
            scan.assigns.append((bound, node.value))
            if type(node.value) is ast.Call and type(node.value.func) is ast.Name:
                scan.constructed.append((bound, node.value.func.id))
        elif kind is ast.ImportFrom:
            if maybe_project(node):
                scan.project_names.update(alias.asname or alias.name for alias in node.names)
        elif kind in (ast.FunctionDef, ast.AsyncFunctionDef):
            scan.defined.add(node.name)
            if knowledge.names_a_loss(node.name) or node.name.lower().startswith("loss_"):
                found["loss_class"] = True  # `def perceptual_loss(sr, hr)` (NG209)
            scan.parameters.update(arg.arg for arg in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs))
            if is_evaluation_name(node.name, evaluation_names):
                found["evaluation"] = scan.evaluation_named = True
            elif node.name in _OVERRIDE_NAMES:
                found["evaluation"] = True
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
                        found["evaluation"] = True
        elif kind is ast.ClassDef and ("loss" in knowledge.class_name_words(node.name) or any(
                knowledge.names_a_loss(_dotted(base) or "") for base in node.bases)):
            found["loss_class"] = True


def _root(node: ast.AST) -> Optional[str]:
    """The name an attribute chain starts from (`self` of `self.agent.policy`), None for another expression."""
    while type(node) is ast.Attribute:
        node = node.value
    return node.id if type(node) is ast.Name else None


def _call_signals(node: ast.Call, found: dict) -> None:
    """Record what a call shows."""
    func = node.func
    dotted = _dotted(func)
    if isinstance(func, ast.Attribute):
        attr = func.attr
        if attr in (knowledge.EVAL_METHOD, knowledge.TRAIN_METHOD):
            # Whatever is put in eval or train mode is a model, whatever its name: forward too (the
            # value model reads `.train(batch)` on an object as running it); `.eval()` and
            # `.train(False)` are evidence of evaluation, `.train()` is not.
            found["forward"] = True
            if attr == knowledge.EVAL_METHOD or any(
                    isinstance(a, ast.Constant) and a.value is False for a in node.args) or any(
                    k.arg == "mode" and isinstance(k.value, ast.Constant) and k.value.value is False
                    for k in node.keywords):
                found["evaluation"] = True
        elif attr in MODULE_ONLY_METHODS:
            found["forward"] = True  # `probe.parameters()`: calling `probe` is a forward pass
        elif attr in knowledge.BACKWARD_ARGUMENT_METHODS or attr == "grad":
            found["backward"] = True
        elif attr in knowledge.FORWARD_METHODS:
            found["forward"] = True
        receiver = _dotted(func.value)
        if receiver is not None and looks_like_model(receiver):
            found["forward"] = True  # `model.predict(x)`: a method of the project's model may run one
    if isinstance(func, ast.Name) and func.id in ("grad", "backward"):
        found["backward"] = True  # `from torch.autograd import grad`
    if any(_turns_training_off(keyword) for keyword in node.keywords):
        found["forward"] = True  # `self.eval_fn(model, x, y, train=False)`: a helper that trains for other callers
    if dotted is not None:
        if dotted == "self" or looks_like_model(dotted) or _builds_model(dotted):
            found["forward"] = True
        if knowledge.LOSS_CALLEE.search(dotted.rpartition(".")[2]):
            found["loss"] = True
    elif isinstance(func, (ast.Call, ast.Subscript)):
        found["forward"] = True  # `models[i](x)`, `get_model()(x)`: be generous


def _turns_training_off(keyword: ast.keyword) -> bool:
    """`train=False`, `is_training=False`, `backward=False`, `eval=True`: a flag asking a helper that
    can train not to."""
    if keyword.arg is None or not isinstance(keyword.value, ast.Constant) or not isinstance(keyword.value.value, bool):
        return False
    words = knowledge.split_words(keyword.arg)
    if keyword.value.value is False:
        return any(word in knowledge.TRAINING_VERBS or word in ("training", "update") for word in words)
    return knowledge.is_evaluation_name(keyword.arg)


_UNITTEST_METHODS = ("assert", "subTest", "fail", "skipTest", "addCleanup", "enterContext")  # a TestCase's own


def _builds_model(dotted: str) -> bool:
    """`nn.Linear(...)`, `torchvision.models.resnet18()`, `AutoModel.from_pretrained(...)`: a call
    that makes a module, whose later calls are forward passes whatever the name."""
    return dotted.startswith(_MODEL_MODULES) or dotted.endswith(_MODEL_FACTORIES)


_MODEL_MODULES = ("nn.", "torch.nn.", "torch.jit.", "jit.", "torchvision.models", "models.", "timm.")
_MODEL_FACTORIES = ("from_pretrained", "create_model", "load_from_checkpoint", "hub.load", "LPIPS")


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

