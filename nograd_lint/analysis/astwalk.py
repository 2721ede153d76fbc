"""A faster `ast.walk` for the pre-pass: depth first, parents before children, without the
`Load`/`Store` context objects (a third of the nodes `ast.walk` yields); and a node's children."""
from __future__ import annotations

import ast
from typing import Iterator

# Fields that never hold a node (names, numbers, flags, the Load/Store context): not looked at.
_SCALAR_FIELDS = frozenset({"ctx", "id", "attr", "arg", "name", "module", "level", "kind", "is_async",
                            "type_comment", "conversion", "simple", "tag"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}  # node type -> the fields that may hold nodes


def _child_fields(kind: type) -> tuple[str, ...]:
    fields = tuple(name for name in kind._fields
                   if name not in _SCALAR_FIELDS and not (kind is ast.Constant and name == "value"))
    _CHILD_FIELDS[kind] = fields
    return fields


def walk(root: ast.AST) -> Iterator[ast.AST]:
    stack = [root]
    pop, extend, push = stack.pop, stack.extend, stack.append
    table = _CHILD_FIELDS
    while stack:
        node = pop()
        fields = table.get(node.__class__)
        if fields is None:
            if not isinstance(node, ast.AST):
                continue  # a name in `global x`, a None key in `{**d}`
            fields = _child_fields(node.__class__)
        yield node
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                extend(reversed(value))
            elif value is not None:
                push(value)


def children(node: ast.AST) -> list:
    """The nodes directly under `node` (no `Load`/`Store` contexts), in field order."""
    found = []
    fields = _CHILD_FIELDS.get(node.__class__)
    for name in fields if fields is not None else _child_fields(node.__class__):
        value = getattr(node, name, None)
        if value.__class__ is list:
            found.extend(item for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            found.append(value)
    return found
