"""Finding the files to verify and reading what each one declares.

An example declares the rules it demonstrates in a header comment::

    # nograd-verify: expect NG101 NG102

A file without the header is a user's script: whatever rules fire are judged.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Iterable, List, Optional

_DECLARATION = re.compile(r"^#\s*nograd-verify:\s*expect\s+(.+?)\s*$", re.MULTILINE)
_CODE = re.compile(r"\bNG\d{3}\b")


class UsageError(Exception):
    """Bad arguments or a file the harness cannot use (exit code 2)."""


def declared_rules(source: str) -> Optional[List[str]]:
    """Codes named by `# nograd-verify: expect ...` lines, or None when there is no header."""
    matches = _DECLARATION.findall(source)
    if not matches:
        return None
    return sorted({code for line in matches for code in _CODE.findall(line)})


def main_problem(source: str, filename: str) -> Optional[str]:
    """Why `source` cannot be run by the harness (syntax error, no main()), or None.

    A top-level `def main` must be callable without arguments; a `main` bound by an import or
    assignment is accepted here and checked when the file is loaded.
    """
    try:
        tree = ast.parse(source, filename=filename)
    except SyntaxError as exc:
        return "%s does not parse: %s (line %s)" % (filename, exc.msg, exc.lineno)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "main":
            args = node.args
            required = len(args.posonlyargs) + len(args.args) - len(args.defaults)
            required += sum(d is None for d in args.kw_defaults)
            if required:
                return "%s: main() must take no arguments" % filename
            return None
        if isinstance(node, ast.AsyncFunctionDef) and node.name == "main":
            return "%s: main() is async; the harness calls a plain function" % filename
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((a.asname or a.name) == "main" for a in node.names):
                return None
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.ClassDef)):
            targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
            names = [node.name] if isinstance(node, ast.ClassDef) else [
                t.id for t in targets if isinstance(t, ast.Name)]
            if "main" in names:
                return None
    return "%s defines no main() function; the harness calls main() with no arguments" % filename


def bundled_examples_dir() -> Optional[Path]:
    """The examples directory of a source checkout (next to the package), if present."""
    candidate = Path(__file__).resolve().parents[2] / "examples"
    return candidate if candidate.is_dir() else None


def discover(paths: Iterable[str]) -> List[Path]:
    """Python files named by `paths` (directories are searched recursively), in order."""
    found: List[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*.py"))
                         if not p.name.startswith("_") and "__pycache__" not in p.parts)
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError("%s: no such file or directory" % raw)
    unique = list(dict.fromkeys(p.resolve() for p in found))
    if not unique:
        raise UsageError("no Python files found in %s" % ", ".join(map(str, paths)))
    return unique


def default_paths() -> List[str]:
    """The bundled examples, or a usage error when not running from a checkout."""
    folder = bundled_examples_dir()
    if folder is None:
        raise UsageError("the bundled examples were not found (they ship with a source "
                         "checkout); pass the files or directories to verify")
    return [str(folder)]
