"""The `ast` pre-pass signals of the grad-context rules (NG203, NG301-NG308): does the file hold
the shape each rule looks for? Read generously, so that a file without the shape cannot have the
finding: a grad-mode name is any name or attribute spelled like a grad-mode callable or a
framework callable that disables gradients, any alias bound to one (`import ... as`, an
assignment), and any function of the file named with `grad` or `inference` whose code mentions one
(a project-local wrapper, as gradmode.py reads them).
"""
from __future__ import annotations

import ast
import sys

from . import knowledge
from .astwalk import children, walk

GRAD_WORDS = frozenset({"no_grad", "inference_mode", "set_grad_enabled", "enable_grad", "grad_mode",
                        *(name.rpartition(".")[2] for name in knowledge.FRAMEWORK_GRAD_DISABLERS)})
INSTANCE_WORDS = frozenset({"no_grad", "inference_mode", "enable_grad"})  # callables that make an object
THREAD_STARTERS = frozenset({"Thread", "to_thread", "run_in_executor", "submit", "map", "imap", "imap_unordered",
                             "apply_async", "starmap", "apply"})


def context_signals(tree: ast.AST, text: str, trains: bool) -> dict[str, bool]:
    """The signals of the grad-context rules; `trains`: the file has a backward pass or a `.step(` call."""
    names, statements = _grad_names(tree)
    scan = _Scan(names)
    # A statement that calls a grad-mode name (`torch.set_grad_enabled(False)`,
    # `stack.enter_context(torch.no_grad())`) may set the mode for anything after it: then all
    # the file counts as covered.
    sets_mode = any(_mentions(statement.value, names) for statement in statements)
    pending = [(tree, sets_mode, False)]
    while pending:  # an explicit stack: nesting depth is not bounded by the recursion limit
        node, inside, in_with = pending.pop()
        inside, in_with = scan.visit(node, inside, in_with)
        pending.extend((child, inside, in_with) for child in children(node))
    found = scan.found
    found["stored_context"] = scan.stored and scan.uncalled_item
    found["inference_training"] = trains and "inference_mode" in text
    return found


def _last(node: ast.AST) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def _grad_names(tree: ast.AST) -> tuple[frozenset[str], list[ast.Expr]]:
    """Grad-mode words, the aliases bound to them and the file's wrappers of them; and the file's
    call statements."""
    names = set(GRAD_WORDS)
    bindings: list[tuple[set, set]] = []  # (names bound, names read by what is bound to them)
    statements = []
    star = False  # `from utils import *` of a module that may be the project's
    for node in walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            statements.append(node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(alias.asname for alias in node.names
                         if alias.asname and alias.name.rpartition(".")[2] in GRAD_WORDS)
            if isinstance(node, ast.ImportFrom) and maybe_project(node):
                # the project's own modules may define grad contexts (`class frozen_graph(torch.no_grad)`)
                names.update(alias.asname or alias.name for alias in node.names if alias.name != "*")
                star = star or any(alias.name == "*" for alias in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if knowledge.may_name_grad_wrapper(node.name):
                bindings.append(({node.name}, _read(node)))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            bindings.append(({name for target in targets for name in _read(target)}, _read(node.value)))
    if star:  # what it binds is unknown here: a name that reads as a grad wrapper may be one
        names.update(node.id for node in walk(tree)
                     if isinstance(node, ast.Name) and knowledge.may_name_grad_wrapper(node.id))
    changed = True
    while changed:
        changed = False
        for bound, read in bindings:
            if not bound <= names and read & names:
                names |= bound
                changed = True
    return frozenset(names), statements


_KNOWN_PACKAGES = (frozenset(getattr(sys, "stdlib_module_names", ())) | knowledge.TORCH_PACKAGES
                   | knowledge.OTHER_FRAMEWORKS | {"numpy", "scipy", "pandas", "tqdm", "typing_extensions", "PIL"})


def maybe_project(node: ast.ImportFrom) -> bool:
    """`from .grad import ...`, `from trainkit import ...`: a module that may be the project's own."""
    return node.level > 0 or (node.module or "").split(".")[0] not in _KNOWN_PACKAGES


def _read(node: ast.AST) -> set:
    return {_last(sub) for sub in walk(node)} - {""}


def _mentions(node: ast.AST, names: frozenset[str]) -> bool:
    return any(_last(sub) in names for sub in walk(node))


_VISITED = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.With, ast.AsyncWith, ast.Call, ast.Expr, ast.Assign,
                      ast.AnnAssign, ast.Yield, ast.YieldFrom})  # what `_Scan.visit` reads


class _Scan:
    def __init__(self, names: frozenset[str]) -> None:
        self.names = names
        self.found = dict(nested_context=False, uncalled_context=False, bare_context_call=False,
                          leaking_statement=False, yield_in_context=False, thread_in_context=False,
                          async_decorated=False, call_in_context=False)
        self.stored = self.uncalled_item = False

    def visit(self, node: ast.AST, inside: bool, in_with: bool) -> tuple[bool, bool]:
        """Note what `node` shows; `inside`: code a grad-mode context in sight may cover; `in_with`:
        inside a grad-mode `with`. Returns both as they are for the node's children."""
        kind = type(node)
        if kind not in _VISITED:
            return inside, in_with
        names, found = self.names, self.found
        if kind in (ast.FunctionDef, ast.AsyncFunctionDef):
            decorated = [d for d in node.decorator_list if _mentions(d, names)]
            if decorated and kind is ast.AsyncFunctionDef:
                found["async_decorated"] = True
            if any(not isinstance(decorator, ast.Call) for decorator in decorated):
                found["uncalled_context"] = True  # `@torch.set_grad_enabled`; `@torch.no_grad` before torch 2.1
            if any(isinstance(d, ast.Call) and d.args and _last(d.func) == "set_grad_enabled" for d in decorated):
                found["leaking_statement"] = True  # `@torch.set_grad_enabled(False)`, before torch 2.2
            inside = inside or bool(decorated)
        elif kind in (ast.With, ast.AsyncWith):
            used = [item for item in node.items if _mentions(item.context_expr, names)]
            for item in node.items:
                if not isinstance(item.context_expr, ast.Call):
                    self.uncalled_item = True
                    if item in used:
                        found["uncalled_context"] = True
            if used and (inside or len(used) > 1):
                found["nested_context"] = True
            if any(isinstance(item.context_expr, ast.BoolOp) for item in used):
                found["bare_context_call"] = True  # `with torch.no_grad() and ctx:` enters only `ctx`
            if used:
                inside = in_with = True
        elif kind is ast.Call:
            last = _last(node.func)
            if _mentions(node.func, names) and not node.args and not node.keywords and last not in INSTANCE_WORDS:
                found["uncalled_context"] = True  # `torch.set_grad_enabled()`
            elif node.args and last in INSTANCE_WORDS:
                found["uncalled_context"] = True  # `torch.no_grad(fn)`, before torch 2.1
            if inside and last in THREAD_STARTERS:
                found["thread_in_context"] = True
            if inside and last not in GRAD_WORDS:
                found["call_in_context"] = True  # a helper a grad-mode context covers (NG201)
        elif kind is ast.Expr and isinstance(node.value, ast.Call) and _mentions(node.value.func, names):
            found["bare_context_call"] = True
            arguments = [*node.value.args, *(k.value for k in node.value.keywords)]
            if arguments:
                found["leaking_statement"] = True  # `set_grad_enabled(False)`, a runtime flag, or `True` in a forward
        elif kind in (ast.Assign, ast.AnnAssign) and isinstance(node.value, ast.Call) and _mentions(node.value.func,
                                                                                                 names):
            self.stored = True
        elif kind in (ast.Yield, ast.YieldFrom) and in_with:
            found["yield_in_context"] = True
        return inside, in_with
