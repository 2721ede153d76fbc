"""A fast read-only walk over libcst trees.

libcst's own `visit` rebuilds every node it passes (it is shared with transformers), which costs
more than parsing. These helpers follow the dataclass fields that can hold child nodes, in source
order, and skip whitespace and punctuation.
"""
from __future__ import annotations

import dataclasses
import typing
from typing import Callable, Iterator, Optional

import libcst as cst

# Fields that only hold whitespace, punctuation or operators: never worth walking.
_SKIPPED_FIELDS = frozenset({
    "leading_lines", "lines_after_decorators", "lpar", "rpar", "comma", "semicolon", "header", "footer",
    "indent", "newline", "trailing_whitespace", "equal", "star", "colon", "operator", "dot", "asynchronous",
    "lbracket", "rbracket", "lbrace", "rbrace", "whitespace", "default_indent", "default_newline", "encoding",
    "has_trailing_newline", "value_whitespace", "prefix", "quote", "string", "await_token", "arrow",
    "walrus",
})
_MEANINGFUL: dict[type, tuple[str, ...]] = {}  # see `child_fields`
_FIELDS: dict[type, tuple[str, ...]] = {}  # see `node_fields`
# Node types whose dataclass field order is not source order: the header parts come first.
_HEADER_FIRST = {
    "FunctionDef": ("decorators", "name", "type_parameters", "params", "returns"),
    "ClassDef": ("decorators", "name", "type_parameters", "bases", "keywords"),
    "ExceptHandler": ("type", "name"),
    "ExceptStarHandler": ("type", "name"),
    "MatchCase": ("pattern", "guard"),
    "Param": ("name", "annotation", "default"),
}


def child_fields(kind: type) -> tuple[str, ...]:
    """The fields of a node type that carry its meaning, in source order: its child nodes, and
    its own text (a name's, a string's)."""
    fields = _MEANINGFUL.get(kind)
    if fields is None:
        names = [f.name for f in dataclasses.fields(kind)
                 if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace")]
        first = _HEADER_FIRST.get(kind.__name__, ())
        names = [n for n in first if n in names] + [n for n in names if n not in first]
        fields = _MEANINGFUL[kind] = tuple(names)
    return fields


def node_fields(kind: type) -> tuple[str, ...]:
    """Those of `child_fields` that can hold child nodes: what the walks follow. A field declared
    as text only (`Name.value`, a string's quote) is left out: the walks read every field they
    follow, and a name's text is the commonest field of all."""
    fields = _FIELDS.get(kind)
    if fields is None:
        texts = {f.name for f in dataclasses.fields(kind)
                 if f.type in (str, Optional[str]) or typing.get_origin(f.type) is typing.Literal}
        fields = _FIELDS[kind] = tuple(name for name in child_fields(kind) if name not in texts)
    return fields


# type -> is it a libcst node type? `isinstance(x, cst.CSTNode)` goes through `ABCMeta`'s Python-level
# check whenever `x` is not a node (a string, None, a sentinel): a tenth of the walks' time.
NODE_TYPES: dict[type, bool] = {}


def node_type(kind: type) -> bool:
    """Is `kind` a libcst node type (remembered in NODE_TYPES)?"""
    known = NODE_TYPES.get(kind)
    if known is None:
        known = NODE_TYPES[kind] = issubclass(kind, cst.CSTNode)
    return known


_PUSHERS: dict[type, Callable] = {}  # see `child_pusher`


def child_pusher(kind: type) -> Callable:
    """`push(node, append)`: `append` each child node of a `kind` node (what `children` yields),
    last child first, so that a stack popped from its end gives them in source order. Generated
    once per type, with each field read by name (a walk's commonest step: a loop over the field
    names with `getattr`, then reversing what it pushed, cost twice as much)."""
    pusher = _PUSHERS.get(kind)
    if pusher is not None:
        return pusher
    lines = ["def push(node, append):"]
    for field in reversed(node_fields(kind)):
        lines += [f"    value = node.{field}",
                  "    is_node = _types.get(value.__class__)",
                  "    if is_node or (is_node is None and _node_type(value.__class__)):",
                  "        append(value)",
                  "    elif isinstance(value, (list, tuple)):",
                  "        for child in reversed(value):",
                  "            is_node = _types.get(child.__class__)",
                  "            if is_node or (is_node is None and _node_type(child.__class__)):",
                  "                append(child)"]
    lines.append("    return None")
    names = {"_types": NODE_TYPES, "_node_type": node_type}
    exec("\n".join(lines) + "\n", names)  # noqa: S102 - code generated from libcst's own field list
    pusher = _PUSHERS[kind] = names["push"]
    return pusher


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    for field in node_fields(type(node)):
        value = getattr(node, field)
        is_node = NODE_TYPES.get(value.__class__)
        if is_node or (is_node is None and node_type(value.__class__)):
            yield value
        elif isinstance(value, (list, tuple)):
            for child in value:
                is_node = NODE_TYPES.get(child.__class__)
                if is_node or (is_node is None and node_type(child.__class__)):
                    yield child


def iter_nodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """`node` and everything below it, parents before children, in source order."""
    stack = [node]
    pop, append, pushers = stack.pop, stack.append, _PUSHERS
    while stack:
        current = pop()
        yield current
        push = pushers.get(current.__class__)
        (push or child_pusher(current.__class__))(current, append)  # first child on top


def attributes_on_names(node: cst.CSTNode) -> dict[str, set[str]]:
    """Name -> the attributes read on it (`ema.update(x)`: ema -> {update}), everywhere below
    `node`: the walk of `iter_nodes` without a generator's step for each node."""
    found: dict[str, set[str]] = {}
    stack = [node]
    pop, append, pushers = stack.pop, stack.append, _PUSHERS
    while stack:
        current = pop()
        kind = current.__class__
        if kind is cst.Attribute and current.value.__class__ is cst.Name:  # by identity (see `names_in`)
            found.setdefault(current.value.value, set()).add(current.attr.value)
        (pushers.get(kind) or child_pusher(kind))(current, append)
    return found


def names_in(node: cst.CSTNode) -> set[str]:
    """Every Name read inside an expression (attribute names after a dot excluded)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current.__class__ is cst.Name:  # by identity: no subclasses (tests/test_node_types.py)
            found.add(current.value)
        elif current.__class__ is cst.Attribute:
            stack.append(current.value)
        else:
            child_pusher(current.__class__)(current, stack.append)  # its children (any order: a set)
    return found


# Calls and attributes that give a value without an autograd graph: `.item()`, `.detach()`, `.data`,
# and indices (`out.argmax(1)`: an integer tensor has no gradient).
DETACHING_METHODS = frozenset({"item", "detach", "tolist", "numpy", "detach_", "data", "argmax", "argmin", "argsort"})


def is_detached(node: cst.BaseExpression) -> bool:
    """`loss.item()`, `out.detach().cpu()`, `loss.data`, `torch.argmax(out, 1)`: no graph comes out of it."""
    while True:  # node types by identity: no subclasses (tests/test_node_types.py)
        if node.__class__ is cst.Call:
            func = node.func
            if func.__class__ is cst.Attribute:
                if func.attr.value in DETACHING_METHODS:
                    return True
                node = func.value
                continue
            return func.__class__ is cst.Name and func.value in ("float", "int", "bool", "len")
        if node.__class__ is cst.Attribute:
            if node.attr.value in DETACHING_METHODS:
                return True
            node = node.value
            continue
        return False

