"""A one-pass map of import aliases, to resolve names like `T.no_grad` to `torch.no_grad`.

libcst's QualifiedNameProvider costs several parses per file; the rules only need to know which
local names stand for torch modules and functions, which the import statements tell directly.
"""
from __future__ import annotations

from typing import Iterable, Optional

import libcst as cst


def dotted_name(node: cst.BaseExpression) -> Optional[str]:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while node.__class__ is cst.Attribute:  # by identity: no subclasses, and no ABC check
        parts.append(node.attr.value)
        node = node.value
    if node.__class__ is not cst.Name:
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


class ImportMap:
    """Local name -> fully qualified name, from the file's import statements."""

    def __init__(self, package: Optional[str] = None) -> None:
        self.aliases: dict[str, str] = {}
        self.star_import = False  # `from .torch_core import *` may bind `torch`
        self.package = package  # the package the module is in (for relative imports), when known
        self.pinned: dict[str, str] = {}  # see `alias`
        self.star_modules: list[str] = []  # absolute names of the modules `from m import *` reads
        self.rebound: frozenset = frozenset()  # see `forget_rebound`
        self.shadowed: dict[str, str] = {}  # rebound name -> what it was imported as (see `forget_rebound`)
        self.torch_unbound = False  # nothing binds `torch` at the top level (see `forget_rebound`)

    @classmethod
    def of_module(cls, module: cst.Module, package: Optional[str] = None) -> "ImportMap":
        imports = cls(package)
        for statement in module_level_statements(module.body):
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    imports.add(small)
        return imports

    def copy(self) -> "ImportMap":
        other = ImportMap(self.package)
        other.aliases = dict(self.aliases)
        other.pinned = dict(self.pinned)
        other.star_import = self.star_import
        other.star_modules = list(self.star_modules)
        other.rebound = self.rebound
        other.shadowed = dict(self.shadowed)
        other.torch_unbound = self.torch_unbound
        return other

    def add(self, node: cst.CSTNode) -> None:
        """Record the names an Import/ImportFrom statement binds; ignore anything else."""
        self._add(node)
        self.aliases.update(self.pinned)
        for name in self.rebound.intersection(self.aliases):
            del self.aliases[name]

    def forget_rebound(self, names: Iterable[str]) -> None:
        """Names the module's top level assigns after importing them (`import model` then
        `model = torch.load(f)`): functions that run later see the assigned value, not the
        module, so they are no aliases. Names of torch are kept. What each was imported as stays in
        `shadowed`: the top level reads the import until it binds the name
        (`import training.trainer as trainer`, then `trainer = trainer.Trainer(opt)`)."""
        names = frozenset(names)
        self.rebound = frozenset(name for name in names if not self.aliases.get(name, "").startswith("torch"))
        self.torch_unbound = "torch" not in names
        for name in self.rebound.intersection(self.aliases):
            self.shadowed[name] = self.aliases.pop(name)  # the top level reads it so until it binds it

    def _add(self, node: cst.CSTNode) -> None:
        kind = node.__class__  # by identity: see module_level_statements
        if kind is cst.Import:
            for alias in node.names:
                full = dotted_name(alias.name)
                if full is None:
                    continue
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.aliases[alias.asname.name.value] = full
                else:
                    head = full.split(".")[0]
                    self.aliases[head] = head
        elif kind is cst.ImportFrom and node.names.__class__ is cst.ImportStar:
            self.star_import = True
            module = dotted_name(node.module) if node.module is not None else None
            base = self._relative_base(len(node.relative)) if node.relative and self.package is not None else ""
            if base is not None and (module or base):
                self.star_modules.append(".".join(part for part in (base, module) if part))
        elif kind is cst.ImportFrom and node.relative and self.package is not None:
            base = self._relative_base(len(node.relative))
            module = dotted_name(node.module) if node.module is not None else None
            if base is None or (node.module is not None and module is None):
                return
            prefix = ".".join(part for part in (base, module) if part)
            for alias in node.names:
                name = dotted_name(alias.name)
                if name is not None and prefix:
                    local = alias.asname.name.value if (alias.asname is not None and isinstance(alias.asname.name, cst.Name)) else name
                    self.aliases[local] = f"{prefix}.{name}"
        elif kind is cst.ImportFrom and node.relative == () and node.module is not None:
            module = dotted_name(node.module)
            if node.names.__class__ is cst.ImportStar:
                self.star_import = True
                return
            if module is None:
                return
            for alias in node.names:
                name = dotted_name(alias.name)
                if name is None:
                    continue
                local = name
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    local = alias.asname.name.value
                self.aliases[local] = f"{module}.{name}"

    def _relative_base(self, level: int) -> Optional[str]:
        """The package `from .` (level 1), `from ..` (level 2)... refers to."""
        parts = self.package.split(".") if self.package else []
        if level - 1 > len(parts):
            return None
        return ".".join(parts[:len(parts) - (level - 1)])

    def alias(self, local: str, qualified: str) -> None:
        """Make `local` stand for `qualified` (a project class that subclasses `torch.no_grad`),
        whatever import statements the walk reads again."""
        self.aliases[local] = qualified
        self.pinned[local] = qualified

    def resolve(self, node: cst.BaseExpression) -> Optional[str]:
        """The qualified name an expression refers to, when it starts at an imported name."""
        dotted = dotted_name(node)
        return self.resolve_dotted(dotted) if dotted is not None else None

    def resolve_dotted(self, dotted: str) -> Optional[str]:
        """`resolve` of an expression whose `dotted_name` is `dotted` (already at hand)."""
        head, _, rest = dotted.partition(".")
        full = self.aliases.get(head)
        if full is None:
            if head == "torch" and (self.star_import or self.torch_unbound):
                # a star import (fastai's `from .torch_core import *`) brings torch; a snippet that
                # never imports it (run with `exec`, pasted from a notebook) means it too
                full = "torch"
            else:
                return None
        return f"{full}.{rest}" if rest else full

    def local_name_for(self, qualified: str) -> Optional[str]:
        """The shortest local spelling of `qualified` (e.g. `T.no_grad`), if any import allows it."""
        best: Optional[str] = None
        for local, full in self.aliases.items():
            if qualified == full:
                candidate = local
            elif qualified.startswith(full + "."):
                candidate = local + qualified[len(full):]
            else:
                continue
            if best is None or len(candidate) < len(best):
                best = candidate
        return best

    def mentions(self, prefix: str) -> bool:
        """True when some import brings in `prefix` or something under it."""
        return any(full == prefix or full.startswith(prefix + ".") for full in self.aliases.values())


def module_level_statements(body: Iterable[cst.CSTNode], blocks: tuple = (cst.If, cst.Try, cst.With)
                            ) -> Iterable[cst.SimpleStatementLine]:
    """Module statements, looking into top-level blocks of the `blocks` kinds (if/try/with, where
    imports also live)."""
    for statement in body:  # node types by identity (no subclasses: see tests/test_node_types.py)
        if statement.__class__ is cst.SimpleStatementLine:
            yield statement
        elif statement.__class__ in blocks:
            yield from module_level_statements(_blocks_of(statement), blocks)


def _blocks_of(statement: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """The statements directly inside a compound statement and its else/except branches."""
    stack = [statement]
    while stack:
        node = stack.pop()
        for child in node.children:
            if child.__class__ is cst.IndentedBlock:  # by identity: see module_level_statements
                yield from child.body
            elif child.__class__ in (cst.Else, cst.If, cst.ExceptHandler, cst.Finally):
                stack.append(child)
