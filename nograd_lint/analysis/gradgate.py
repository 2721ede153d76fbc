"""Could a name imported from one of the project's modules be a grad-mode context? A cheap, safe
answer, so that most imported modules are never parsed with libcst just to find out.

A module's grad-mode exports (see `gradmode.grad_meanings`) are its classes derived from a torch
grad-mode context, its wrappers that use only contexts which disable gradients, and names it
imports from other project modules that are such exports. The first two need one of the torch
context names (`no_grad`, `enable_grad`, `set_grad_enabled`, `inference_mode`) in the module's
text: every spelling of one ends with that name, and an alias (`from torch import no_grad as ng`)
has it in its import. So a module without them can export a grad-mode context only by importing
it. `may_be_grad_context` answers "no" only when neither can hold: the module's text has none of
the names, and no import statement anywhere in it binds the name to a project module where the
same question (asked again there) does not answer "no". Import statements are read with `ast`
(about a tenth of a libcst parse), all of them, whatever block they are in: more than the
analysis reads, never less.
"""
from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Callable, Optional

CONTEXT_NAMES = (b"no_grad", b"enable_grad", b"set_grad_enabled", b"inference_mode")


class GradGate:
    """Answers for the modules of one project, each module's text and imports read once per
    version on disk."""

    def __init__(self, path_of: Callable[[str], Optional[Path]], package_of: Callable[[Path], Optional[str]]) -> None:
        self._path_of = path_of
        self._package_of = package_of
        self._modules: dict[Path, tuple] = {}  # path -> (stamp, names a context, {local: {qualified}})
        self._asking: set[tuple[Path, str]] = set()

    def may_be_grad_context(self, qualified: str) -> bool:
        """False only when `pkg.mod.name` surely is no grad-mode context exported by the project."""
        located = self._locate(qualified)
        if located is None:
            return False  # not a project module's name: the analysis finds no meaning for it either
        path, attribute = located
        known = self._read(path)
        if known is None or known[1]:
            return True
        key = (path, attribute)
        if key in self._asking:
            return True  # an import cycle: assume the worst
        self._asking.add(key)
        try:
            return any(self.may_be_grad_context(target) for target in known[2].get(attribute, ()))
        finally:
            self._asking.discard(key)

    def _locate(self, qualified: str) -> Optional[tuple[Path, str]]:
        """(the module's file, the rest of the name), by the longest module prefix (as the project
        resolves names)."""
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            path = self._path_of(".".join(parts[:cut]))
            if path is not None:
                return Path(os.path.abspath(path)), ".".join(parts[cut:])
        return None

    def _read(self, path: Path) -> Optional[tuple]:
        """(stamp, whether the text names a torch context, the names its imports bind), or None
        when the file cannot be read or parsed (then nothing is ruled out)."""
        try:
            status = path.stat()
            stamp = (status.st_mtime_ns, status.st_size)
            known = self._modules.get(path)
            if known is not None and known[0] == stamp:
                return known
            data = path.read_bytes()
        except OSError:
            return None
        names_context = any(name in data for name in CONTEXT_NAMES)
        bindings: dict[str, set[str]] = {}
        if not names_context:
            try:
                tree = ast.parse(data)
            except (SyntaxError, ValueError):
                return None
            bindings = _import_bindings(tree, self._package_of(path))
        known = self._modules[path] = (stamp, names_context, bindings)
        return known


def _import_bindings(tree: ast.Module, package: Optional[str]) -> dict[str, set[str]]:
    """Local name -> the qualified names import statements anywhere in the module bind it to."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                found.setdefault(local, set()).add(alias.name if alias.asname else local)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                if package is None or node.level - 1 > len(parts):
                    continue  # the analysis cannot resolve it either
                base = ".".join(p for p in (".".join(parts[:len(parts) - (node.level - 1)]), node.module or "") if p)
            for alias in node.names:
                if alias.name != "*" and base:
                    found.setdefault(alias.asname or alias.name, set()).add(f"{base}.{alias.name}")
    return found
