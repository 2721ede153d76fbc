"""Fixes as node replacements, applied many at once.

A fix says which nodes of the tree it was found in it replaces (by identity): by a new node, by
several statements (`cst.FlattenSentinel`) or by nothing (`cst.RemoveFromParent()`). Replacements
are applied by rebuilding only the ancestors of the replaced nodes (libcst's `deep_replace` rebuilds
every node of the tree, which costs more than parsing it), so the fixes of one round that touch
separate parts of a module are applied together, in one pass, from the tree they were found in.
"""
from __future__ import annotations

import dataclasses
import heapq
from typing import Iterable, Optional, Sequence, Union

import libcst as cst

from ..analysis.treewalk import children, node_fields

Replacement = Union[cst.CSTNode, cst.FlattenSentinel, cst.RemovalSentinel]


@dataclasses.dataclass(frozen=True)
class Change:
    """What one fix does: nodes replaced by identity, and whether `import torch` is added."""

    replacements: tuple[tuple[cst.CSTNode, Replacement], ...]
    import_torch: bool = False


class Tree:
    """A module with the parent of each node, found once by a fast walk."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._parents: Optional[dict[int, cst.CSTNode]] = None

    def parent(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        if self._parents is None:
            self._parents = {}
            stack: list[cst.CSTNode] = [self.module]
            while stack:
                current = stack.pop()
                for child in children(current):
                    self._parents[id(child)] = current
                    stack.append(child)
        return self._parents.get(id(node))

    def block_of(self, statement: cst.CSTNode) -> Optional[Union[cst.Module, cst.IndentedBlock]]:
        """The Module or IndentedBlock whose body holds `statement` directly."""
        block = self.parent(statement)
        if isinstance(block, (cst.Module, cst.IndentedBlock)) and any(s is statement for s in block.body):
            return block
        return None

    def ancestors(self, node: cst.CSTNode) -> Iterable[cst.CSTNode]:
        current = self.parent(node)
        while current is not None:
            yield current
            current = self.parent(current)

    def replaced(self, changes: Sequence[Change]) -> cst.Module:
        """The module with the nodes of every change replaced (the changes must not overlap: see
        `Claims`); adding `import torch` is left to the caller."""
        table = {id(old): (old, new) for change in changes for old, new in change.replacements}
        if not table:
            return self.module
        if all(old is self.module or self.parent(old) is not None for old, _ in table.values()):
            return self._rebuilt(table)
        return self.module.visit(_Replace(table))  # a node the fast walk does not reach: libcst's full pass

    def _rebuilt(self, table: dict[int, tuple[cst.CSTNode, Replacement]]) -> cst.Module:
        """Path copying: each parent of a replaced node is rebuilt with its new children, deepest
        first, up to the module; every other node is shared with the old tree."""
        if id(self.module) in table:
            return table[id(self.module)][1]  # type: ignore[return-value]
        pending: dict[int, tuple[cst.CSTNode, dict[int, Replacement]]] = {}
        heap: list[tuple[int, int]] = []
        for old, new in table.values():
            self._schedule(old, new, pending, heap)
        while heap:
            _, key = heapq.heappop(heap)
            node, replaced = pending.pop(key)
            new_node = _with_children(node, replaced)
            if node is self.module:
                return new_node  # type: ignore[return-value]
            self._schedule(node, new_node, pending, heap)
        return self.module

    def _schedule(self, old: cst.CSTNode, new: Replacement, pending: dict, heap: list) -> None:
        parent = self.parent(old)
        if id(parent) not in pending:
            pending[id(parent)] = (parent, {})
            heapq.heappush(heap, (-sum(1 for _ in self.ancestors(parent)), id(parent)))
        pending[id(parent)][1][id(old)] = new


def _with_children(node: cst.CSTNode, replaced: dict[int, Replacement]) -> cst.CSTNode:
    """`node` with the children whose ids are in `replaced` replaced (statements flattened or removed)."""
    fields = {}
    for name in node_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            if id(value) in replaced:
                fields[name] = replaced[id(value)]
        elif isinstance(value, (list, tuple)) and any(id(item) in replaced for item in value):
            items: list = []
            for item in value:
                new = replaced.get(id(item), item)
                if isinstance(new, cst.FlattenSentinel):
                    items.extend(new.nodes)
                elif not isinstance(new, cst.RemovalSentinel):
                    items.append(new)
            fields[name] = type(value)(items)
    return node.with_changes(**fields)


class _Replace(cst.CSTTransformer):
    def __init__(self, table: dict[int, tuple[cst.CSTNode, Replacement]]) -> None:
        super().__init__()
        self.table = table

    def on_leave(self, original_node, updated_node):
        found = self.table.get(id(original_node))
        return found[1] if found is not None and found[0] is original_node else updated_node


class Claims:
    """The parts of a tree that the changes taken so far replace: a change may join them when
    none of its nodes is, holds or lies inside a node they replace."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.replaced: set[int] = set()
        self.above: set[int] = set()  # ancestors of replaced nodes

    def take(self, change: Change) -> bool:
        """Claim the nodes `change` replaces; False (nothing claimed) when they overlap others."""
        olds = [old for old, _ in change.replacements]
        ids = {id(old) for old in olds}
        above = {id(a) for old in olds for a in self.tree.ancestors(old)}
        if ids & (self.replaced | self.above) or above & self.replaced:
            return False
        self.replaced |= ids
        self.above |= above
        return True
