"""Could a name imported from one of the project's modules be a grad-mode context? A cheap, safe
answer, so that most imported modules are never parsed with libcst just to find out.

A module's grad-mode exports (see `gradmode.grad_meanings`) are its top-level classes derived from
a torch grad-mode context, its top-level functions with `grad`, `inference` or `eval` in their name
that use only contexts which disable gradients, its top-level classes so named whose `__enter__`
enters such a context, and names it imports from other project modules that are such exports. The first two need one of the torch context names (`no_grad`, `enable_grad`,
`set_grad_enabled`, `inference_mode`) in the module's text: every spelling of one ends with that
name, and an alias (`from torch import no_grad as ng`) has it in its import. `may_be_grad_context`
answers "no" only when none can hold: the name is not such a class or function of a module whose
text names a context, and no import statement anywhere in the module binds it to a project module
where the same question (asked again there) does not answer "no"; on an import cycle, a name is a
context only where a module on it defines one. The module's import statements all count, whatever
block they are in: more than the analysis reads, never less. They are found in its text and
parsed alone (`import_statements`: a twentieth of parsing the module) unless the text shows a
statement that could hide one (`try: import x`); then the module is read with `ast`. Its own candidates are read
from the text's top-level headers. A module whose text names no context and has the name in no
place where an import statement's text could bind it answers "no" from its text, unparsed (two
thirds of the modules asked about, on the 100k-line benchmark sample).
"""
from __future__ import annotations

import ast
import os
import re
from pathlib import Path
from typing import Callable, Iterator, Optional

from ..io.sources import python_tree
from .knowledge import may_name_grad_wrapper

CONTEXT_NAMES = (b"no_grad", b"enable_grad", b"set_grad_enabled", b"inference_mode")


class GradGate:
    """Answers for the modules of one project, each module's text and imports read once per
    version on disk."""

    def __init__(self, path_of: Callable[[str], Optional[Path]], package_of: Callable[[Path], Optional[str]],
                 on_read: Callable[[Path], None]) -> None:
        self._path_of = path_of
        self._package_of = package_of
        self._on_read = on_read  # told of every module file an answer depends on (for the cache)
        self._modules: dict[Path, _ModuleText] = {}
        self._asking: set[tuple[Path, str]] = set()
        # during one analysis (see `forget`): where names are, and the module texts found up to date
        self._located: dict[str, Optional[tuple[Path, str]]] = {}
        self._current: dict[Path, Optional[_ModuleText]] = {}

    def forget(self) -> None:
        """Look at the files on disk again (at the start of each analysis: they may have changed)."""
        self._located.clear()
        self._current.clear()

    def may_be_grad_context(self, qualified: str) -> bool:
        """False only when `pkg.mod.name` surely is no grad-mode context exported by the project."""
        located = self.locate(qualified)
        if located is None:
            return False  # not a project module's name: the analysis finds no meaning for it either
        path, attribute = located
        known = self._read(path, attribute)
        if known is None or attribute in known[0]:
            return True
        key = (path, attribute)
        if key in self._asking:
            # an import cycle: a name is a context only where a module defines it, and every
            # module on the cycle is asked (a docstring's example read as an import makes one)
            return False
        self._asking.add(key)
        try:
            return any(self.may_be_grad_context(target) for target in known[1].get(attribute, ()))
        finally:
            self._asking.discard(key)

    def bindings(self, path: Path, name: str) -> set[str]:
        """The qualified names the import statements of the module at `path` bind `name` to (none
        when it cannot be read or parsed)."""
        known = self._read(path, name)
        return set(known[1].get(name, ())) if known is not None else set()

    def star_exports(self, module: str, seen: Optional[set] = None) -> dict[str, str]:
        """What `from module import *` binds, for a module of the project: local name -> the
        qualified name it stands for (a name the module imports keeps its origin: `torch` stays
        `torch`; a package's `from .vgg import *` passes on what `vgg` exports). Empty when the
        module is not the project's or cannot be parsed."""
        seen = set() if seen is None else seen
        path = self._path_of(module)
        if path is None or module in seen:
            return {}
        seen.add(module)
        path = Path(os.path.abspath(path))
        known = self._text(path)
        if known is None:
            return {}
        own, nested, listed = known.star_parts(module, lambda: self._package_of(path))
        exports = dict(own)
        for name in nested:
            for local, qualified in self.star_exports(name, seen).items():
                exports.setdefault(local, qualified)
        if listed is not None:
            exports = {name: exports.get(name, f"{module}.{name}") for name in listed}
        return exports

    def locate(self, qualified: str) -> Optional[tuple[Path, str]]:
        """(the module's file, the rest of the name), by the longest module prefix (as the project
        resolves names)."""
        if qualified not in self._located:
            self._located[qualified] = self._locate(qualified)
        return self._located[qualified]

    def _locate(self, qualified: str) -> Optional[tuple[Path, str]]:
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            path = self._path_of(".".join(parts[:cut]))
            if path is not None:
                return Path(os.path.abspath(path)), ".".join(parts[cut:])
        return None

    def text_of(self, path: Path) -> Optional[tuple[tuple, bytes]]:
        """(stamp, bytes) of the module file's current version, read once per version and told
        as a read; None when it cannot be read."""
        known = self._text(path)
        return (known.stamp, known.data) if known is not None else None

    def _read(self, path: Path, attribute: str) -> Optional[tuple]:
        """(the names that may be grad-mode contexts of its own, the names its imports bind) as far
        as `attribute` is concerned, or None when the file cannot be read or parsed (then nothing
        is ruled out)."""
        known = self._text(path)
        return known.facts(attribute, lambda: self._package_of(path)) if known is not None else None

    def _text(self, path: Path) -> Optional["_ModuleText"]:
        """The module file's current version, read once per version; None when it cannot be read."""
        self._on_read(path)
        if path in self._current:
            return self._current[path]
        self._current[path] = self._on_disk(path)
        return self._current[path]

    def _on_disk(self, path: Path) -> Optional["_ModuleText"]:
        try:
            status = path.stat()
            stamp = (status.st_mtime_ns, status.st_size)
            known = self._modules.get(path)
            if known is None or known.stamp != stamp:
                known = self._modules[path] = _ModuleText(stamp, path.read_bytes())
        except OSError:
            return None
        return known


_UNPARSED = object()
_NOTHING: tuple = (frozenset(), {})
# The text an import statement binds names in: from the keyword `import` to the parenthesis that
# closes its names (comments inside skipped), else to the end of its line (lines joined by a
# backslash, even in a comment, and statements after a `;` count too: more text, never less; so
# does an `import` in a string or a comment).
_IMPORT_NAMES = re.compile(rb"\bimport\b(?:[ \t\f]|\\(?:\r\n|\r|\n))*"
                           rb"(?:\((?:[^)#]|#[^\n]*)*\)?|(?:[^\r\n\\]|\\(?:\r\n|.|\n))*)", re.DOTALL)
# Where an import statement can bind a name in that text: after `import`, `as`, or a comma or
# parenthesis of a name list, with blanks, line continuations and comments between.
_BINDING_PLACE = re.compile(rb"(?:\bimport|\bas|[,(])(?:\s|\\|#[^\n]*)*([A-Za-z_]\w*)")


class _ModuleText:
    """One version of a module file, parsed with `ast` only when its text cannot answer.

    A name is none of the module's grad-mode exports when it has a dot (the analysis reads only
    top-level names), or when the text names no torch context and no import statement binds it:
    then the analysis of the module, whether `ast` could parse it or not, finds no meaning for it
    either (its classes and wrappers need a context name in the text, a re-export an import)."""

    def __init__(self, stamp: tuple, data: bytes) -> None:
        self.stamp = stamp
        self.data = data
        self._parsed = _UNPARSED
        self._plain = False  # no torch context named, no NUL byte: the text can answer
        self._bindable: Optional[frozenset] = None  # names in places where an import may bind them
        self._star: Optional[tuple] = None

    def facts(self, attribute: str, package: Callable[[], Optional[str]]) -> Optional[tuple]:
        """(names that may be its own grad-mode contexts, {local: {qualified}} of its imports), as far
        as `attribute` goes; None when `ast` cannot parse it."""
        if self._surely_none(attribute):
            return _NOTHING
        if self._parsed is _UNPARSED:
            self._parsed = self._parse(package())
        return self._parsed

    def star_parts(self, module: str, package: Callable[[], Optional[str]]) -> tuple:
        """See `GradGate.star_exports`: (the public names bound at module level, in `if`/`try`/
        `with` blocks too, with what they stand for; the modules it star-imports in turn; the
        names of `__all__` when it is written out, else None)."""
        if self._star is None:
            try:
                tree = python_tree(self.data)
            except (SyntaxError, ValueError):
                self._star = ({}, [], None)
                return self._star
            imported: dict[str, str] = {}
            bound: list[str] = []
            nested: list[str] = []
            listed: Optional[list[str]] = None
            for node in _module_level(tree.body):
                if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
                    base = resolve_relative(node.module, node.level, package())
                    if base:
                        nested.append(base)
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    for local, targets in _import_bindings(ast.Module([node], []), package()).items():
                        imported[local] = next(iter(targets))
                        bound.append(local)
                elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    bound.append(node.name)
                    imported.pop(node.name, None)
                elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        if isinstance(target, ast.Name):
                            bound.append(target.id)
                            imported.pop(target.id, None)
                            if target.id == "__all__" and isinstance(node.value, (ast.List, ast.Tuple)):
                                listed = [e.value for e in node.value.elts
                                          if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            own = {name: imported.get(name, f"{module}.{name}") for name in bound if not name.startswith("_")}
            self._star = (own, nested, listed)
        return self._star

    def _surely_none(self, attribute: str) -> bool:
        if "." in attribute:
            return True
        if self._bindable is None:
            data = self.data
            self._plain = b"\0" not in data and not any(name in data for name in CONTEXT_NAMES)
            self._bindable = frozenset(name.decode() for statement in _import_texts(data)
                                       for name in _BINDING_PLACE.findall(statement)) if self._plain else frozenset()
        return self._plain and attribute.isascii() and attribute not in self._bindable

    def _parse(self, package: Optional[str]) -> Optional[tuple]:
        tree = import_statements(self.data)  # the import statements alone, when none can hide
        if tree is None:
            try:
                tree = python_tree(self.data)
            except (SyntaxError, ValueError):
                return None
        bindings = _import_bindings(tree, package)
        own = _own_candidates(self.data, bindings) if any(name in self.data for name in CONTEXT_NAMES) else frozenset()
        return own, bindings


# An import statement at the start of a line: `from` and its module, `import`, then its names to the
# parenthesis that closes them, else to the end of the line (lines joined by a backslash).
_IMPORT_STATEMENT = re.compile(rb"^[ \t]*((?:from[ \t]+\.*[\w.]*[ \t]+)?import\b"
                               rb"(?:[ \t]*\([^)]*\)|[^\n\\]|\\\r?\n)*)", re.M)
_STATEMENT_START = re.compile(rb"(?:^|[:;])[ \t]*(?:from[ \t]+\S+[ \t]*)?$")  # what may come before `import` in one
_TOP_CLASS = re.compile(rb"^class[ \t]+(\w+)[ \t]*\(([^)]*)\)", re.M)
_TOP_FUNCTION = re.compile(rb"^(?:async[ \t]+)?def[ \t]+(\w+)", re.M)
_TOP_CLASS_NAME = re.compile(rb"^class[ \t]+(\w+)", re.M)


def import_statements(data: bytes) -> Optional[ast.Module]:
    """The module's import statements parsed on their own (about a twentieth of parsing the module),
    or None when the text may hold one they miss: the word `import` where a statement could start
    other than at the start of a line (`try: import x`, `a; from b import c`), or text that does
    not parse. The word elsewhere (after a `#`, in prose: `we import the weights`) is no statement;
    statements in strings that look like imports count: more, never less. Only the lines holding
    the word are matched (a pattern tried at every line start costs more than the parse)."""
    found: list[bytes] = []
    end = 0  # where the statement found last ends
    for at in _import_words(data):
        if at < end:
            continue  # in that statement
        line = data.rfind(b"\n", 0, at) + 1
        if line >= end:  # a statement may start there
            statement = _IMPORT_STATEMENT.match(data, line)
            if statement is not None:
                found.append(statement.group(1))
                end = statement.end(1)
                if at < end:
                    continue
        before = data[line:at]
        if b"#" not in before and _STATEMENT_START.search(before):
            return None
    try:
        return ast.parse(b"\n".join(found))
    except (SyntaxError, ValueError):
        return None


def _import_texts(data: bytes) -> Iterator[bytes]:
    """The text after each word `import` where an import statement may bind names (`_IMPORT_NAMES`;
    a word inside the text of the one before is part of it)."""
    end = 0
    for at in _import_words(data):
        if at >= end:
            found = _IMPORT_NAMES.match(data, at)
            end = found.end()
            yield found.group()


_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _import_words(data: bytes) -> Iterator[int]:
    """Where the word `import` starts in `data`: no letter, digit or underscore on either side."""
    at = data.find(b"import")
    while at >= 0:
        after = at + 6
        if (at == 0 or data[at - 1] not in _WORD_BYTES) and (after == len(data) or data[after] not in _WORD_BYTES):
            yield at
        at = data.find(b"import", after)


def _own_candidates(data: bytes, bindings: dict[str, set[str]]) -> frozenset[str]:
    """Top-level classes with a base that may be a torch context (`torch.no_grad`, or a name an
    import binds to one), and top-level functions and classes named with `grad`, `inference` or
    `eval`: the only shapes `gradmode.grad_meanings` and `gradmode.local_grad_wrappers` read. From the text: each
    `class` and `def` at the start of a line is read as a top-level one (one in a string too:
    more, never less), a base as the last name of what is written between the commas of its
    parentheses."""
    contexts = {name.decode() for name in CONTEXT_NAMES}
    found = set()
    for match in _TOP_CLASS.finditer(data):
        for base in match.group(2).decode("utf-8", "replace").split(","):
            written = base.split("[")[0].strip()
            last = written.rpartition(".")[2]
            if last in contexts or any(target.rpartition(".")[2] in contexts for target in bindings.get(written, ())):
                found.add(match.group(1).decode("utf-8", "replace"))
    for match in _TOP_FUNCTION.finditer(data):
        name = match.group(1).decode("utf-8", "replace")
        if may_name_grad_wrapper(name):
            found.add(name)
    for match in _TOP_CLASS_NAME.finditer(data):
        name = match.group(1).decode("utf-8", "replace")
        if may_name_grad_wrapper(name):
            found.add(name)
    return frozenset(found)


def _import_bindings(tree: ast.Module, package: Optional[str]) -> dict[str, set[str]]:
    """Local name -> the qualified names import statements anywhere in the module bind it to."""
    found: dict[str, set[str]] = {}
    for node in statements(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                found.setdefault(local, set()).add(alias.name if alias.asname else local)
        elif isinstance(node, ast.ImportFrom):
            base = resolve_relative(node.module, node.level, package)
            if base is None:
                continue  # the analysis cannot resolve it either
            for alias in node.names:
                if alias.name != "*" and base:
                    found.setdefault(alias.asname or alias.name, set()).add(f"{base}.{alias.name}")
    return found


def resolve_relative(module: Optional[str], level: int, package: Optional[str]) -> Optional[str]:
    """The absolute module name `from .module import ...` (`level` dots) starts from in `package`;
    None when it reaches above the top package or the file's package is unknown."""
    if not level:
        return module or ""
    parts = package.split(".") if package else []
    if package is None or level - 1 > len(parts):
        return None
    return ".".join(p for p in (".".join(parts[:len(parts) - (level - 1)]), module or "") if p)


def statements(tree: ast.Module):
    """Every statement of the module, in blocks at any depth (expressions are not walked: no
    import statement is inside one)."""
    stack: list = list(tree.body)
    while stack:
        node = stack.pop()
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            block = getattr(node, field, None)
            if isinstance(block, list):
                stack.extend(block)


def _module_level(body: list):
    """The statements run when the module is imported: its body, and the blocks of its top-level
    `if`/`try`/`with` statements (not function or class bodies)."""
    for node in body:
        if isinstance(node, (ast.If, ast.Try, ast.With)):
            for field in ("body", "orelse", "finalbody"):
                yield from _module_level(getattr(node, field, None) or [])
            for handler in getattr(node, "handlers", ()):
                yield from _module_level(handler.body)
        else:
            yield node
