"""What to run: `path.py` (its `main()`) or `path.py::function`, and whether it can be run.

A target is a function the harness calls with no arguments in a fresh process; what it returns
is what the original and fixed versions must agree on. Directories stand for every `.py` file
below them (with `main()`).
"""
from __future__ import annotations

import ast
import dataclasses
from pathlib import Path
from typing import Iterable, List, Optional

SEPARATOR = "::"


class UsageError(Exception):
    """Bad arguments or a file the harness cannot use (exit code 2)."""


@dataclasses.dataclass(frozen=True)
class Target:
    path: Path
    function: str = "main"

    def __str__(self) -> str:
        return str(self.path) if self.function == "main" else "%s%s%s" % (
            self.path, SEPARATOR, self.function)


def parse_target(raw: str) -> tuple:
    """(path, function or None) of `raw`: `dir`, `file.py`, `file.py::name`."""
    path, separator, function = raw.partition(SEPARATOR)
    if separator and not function.replace(".", "").replace("_", "").isalnum():
        raise UsageError("%s: after %s comes a function name, e.g. %s%sevaluate_all"
                         % (raw, SEPARATOR, path, SEPARATOR))
    return path, (function or None)


def discover(raws: Iterable[str]) -> List[Target]:
    """The targets named by `raws`, in order (directories are searched recursively)."""
    found: List[Target] = []
    for raw in raws:
        name, function = parse_target(raw)
        path = Path(name)
        if path.is_dir():
            if function:
                raise UsageError("%s: %s names a function in a file, not a directory"
                                 % (raw, SEPARATOR))
            found.extend(Target(p.resolve()) for p in sorted(path.rglob("*.py"))
                         if not p.name.startswith("_") and "__pycache__" not in p.parts)
        elif path.is_file():
            found.append(Target(path.resolve(), function or "main"))
        else:
            raise UsageError("%s: no such file or directory" % name)
    unique = list(dict.fromkeys(found))
    if not unique:
        raise UsageError("no Python files found in %s" % ", ".join(map(str, raws)))
    return unique


def _required(args: ast.arguments) -> List[str]:
    positional = args.posonlyargs + args.args
    names = [a.arg for a in positional[:len(positional) - len(args.defaults)]]
    return names + [a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]


def _callable_without_arguments(tree: ast.Module) -> List[str]:
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef)
            and not _required(n.args) and not n.name.startswith("_")]


def _bound_otherwise(tree: ast.Module, name: str) -> bool:
    """`name` is bound at module level by an import, an assignment or a class."""
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((a.asname or a.name.split(".")[0]) == name for a in node.names):
                return True
        elif isinstance(node, ast.ClassDef) and node.name == name:
            return True
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = getattr(node, "targets", None) or [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
    return False


def _suggestion(filename: str, tree: ast.Module) -> str:
    names = _callable_without_arguments(tree)
    if not names:
        return "; it defines no function that takes none"
    shown = ", ".join("%s%s%s" % (filename, SEPARATOR, n) for n in names[:3])
    return "; name a function that takes none instead: %s%s" % (
        shown, ", ..." if len(names) > 3 else "")


def target_problem(source: str, filename: str, function: str = "main") -> Optional[str]:
    """Why the harness cannot call `function` of `source` with no arguments, or None.

    Only a top-level `def` is checked here; a name bound by an import or an assignment, or a
    dotted name (`Class.method`), is checked when the file is loaded.
    """
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as exc:
        return "%s does not parse: %s (line %s)" % (filename, exc.msg, exc.lineno)
    called = "main()" if function == "main" else "function %s()" % function
    if "." in function:
        return None
    definition = None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function:
            definition = node
    if definition is None:
        if _bound_otherwise(tree, function):
            return None
        if function == "main":
            return "%s defines no main() function, which the harness calls with no arguments%s" % (
                filename, _suggestion(filename, tree))
        return "%s defines no %s at module level" % (filename, called)
    if isinstance(definition, ast.AsyncFunctionDef):
        return "%s: %s is async; the harness calls a plain function" % (filename, called)
    required = _required(definition.args)
    if required:
        return "%s: %s takes arguments (%s); the harness calls it with none%s" % (
            filename, called, ", ".join(required), _suggestion(filename, tree))
    return None
