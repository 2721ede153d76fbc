"""Which names a fix may use for torch: bound to the torch module wherever the fix runs.

An import counts only when it runs unconditionally before any function or class is defined (not
under `if TYPE_CHECKING:`, not in `try:`, not at the end of the file), and only while nothing
else at module level binds the same name (`torch = None` after a failed import, a function named
`torch`, `global torch` in a function).
"""
from __future__ import annotations

import dataclasses
from typing import Optional

import libcst as cst

from ..analysis.gradmode import bound_names
from ..analysis.imports import ImportMap
from ..analysis.treewalk import children, iter_nodes


@dataclasses.dataclass(frozen=True)
class ModuleBindings:
    safe: ImportMap  # the unconditional imports before the first def or class
    others: frozenset[str]  # names some other module-level statement binds to something else

    def torch_alias(self) -> bool:
        """`torch` names the torch module wherever a fix runs."""
        return self.safe.aliases.get("torch") == "torch" and "torch" not in self.others

    def spelling(self, qualified: str) -> Optional[str]:
        """The shortest safe local spelling of `qualified` (`T.no_grad`), if any."""
        safe = ImportMap()
        safe.aliases = {local: full for local, full in self.safe.aliases.items() if local not in self.others}
        return safe.local_name_for(qualified)


def module_bindings(module: cst.Module) -> ModuleBindings:
    safe = ImportMap()
    statements = list(module.body)
    first_definition = next((i for i, s in enumerate(statements) if isinstance(s, (cst.FunctionDef, cst.ClassDef))),
                            len(statements))
    counted: set[int] = set()
    for statement in statements[:first_definition]:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    safe.add(small)
                    counted.add(id(small))
    others: set[str] = set()
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        if id(node) in counted:
            continue
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            others.add(node.name.value)  # its body binds its own names; only `global x` reaches out
            others.update(item.name.value for inner in iter_nodes(node.body) if inner.__class__ is cst.Global
                          for item in inner.names)
            continue
        others.update(_names_bound_by(node))
        stack.extend(children(node))
    return ModuleBindings(safe, frozenset(others))


def _names_bound_by(node: cst.CSTNode) -> set[str]:
    """The names a node binds in its scope, leaving out a late or conditional `import torch`, which
    binds the module or nothing."""
    if isinstance(node, (cst.Import, cst.ImportFrom)):
        bound = ImportMap()
        bound.add(node)
        names = {local for local, full in bound.aliases.items() if (local, full) != ("torch", "torch")}
        return names | ({"torch"} if bound.star_import else set())
    if isinstance(node, cst.Assign):
        return {name for target in node.targets for name in bound_names(target.target)}
    if isinstance(node, (cst.AnnAssign, cst.AugAssign, cst.For, cst.NamedExpr, cst.Del, cst.CompFor)):
        return set(bound_names(node.target))
    if isinstance(node, cst.WithItem) and node.asname is not None:
        return set(bound_names(node.asname.name))
    if isinstance(node, cst.ExceptHandler) and node.name is not None:
        return set(bound_names(node.name.name))
    return set()


def torch_spelling(module: cst.Module, name: str) -> Optional[tuple[str, bool]]:
    """How a fix spells `torch.<name>` and whether `import torch` must be added; None when no
    spelling is safe (module-level `torch` is, or may be, something other than the module)."""
    bindings = module_bindings(module)
    local = bindings.spelling(f"torch.{name}")
    if local is not None:
        return local, False
    if "torch" in bindings.others or "torch" in bindings.safe.aliases:
        return None
    return f"torch.{name}", True
