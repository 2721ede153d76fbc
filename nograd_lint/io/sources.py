"""Reading source files: bytes in (encoding cookie, BOM and line endings kept by libcst), a tree
out; writing a file back in one step."""
from __future__ import annotations

import ast
import os
import re
import tempfile
from pathlib import Path
from typing import Union

import libcst as cst



class SourceError(Exception):
    """A file that cannot be read or parsed; `str()` is the message for the user."""


def read_bytes(path: Union[str, Path]) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise SourceError(f"{path}: cannot read: {error.strerror or error}") from error


def parse(data: Union[bytes, str], path: str = "<string>") -> cst.Module:
    """Parse source; bytes keep their encoding and BOM when the module is written back."""
    try:
        return cst.parse_module(data)
    except cst.ParserSyntaxError as error:
        check_syntax(data, path)  # CPython's message is clearer, when CPython rejects the file too
        raise SourceError(f"{path}:{_libcst_location(error)}: cannot parse: {error.message}") from error
    except (UnicodeDecodeError, LookupError, SyntaxError) as error:
        raise SourceError(f"{path}: cannot decode: {error}") from error
    except RecursionError as error:  # pathological nesting
        raise SourceError(f"{path}: cannot parse: nesting too deep") from error


def _libcst_location(error: cst.ParserSyntaxError) -> str:
    """`line:column` (1-based) of a libcst error; its message often holds a more precise 0-based one."""
    found = re.search(r"error at (\d+):(\d+)", error.message)
    if found:
        return f"{found.group(1)}:{int(found.group(2)) + 1}"
    return f"{error.raw_line}:{error.raw_column + 1}"


def check_syntax(data: Union[bytes, str], path: str = "<string>", full: bool = False) -> None:
    """Raise `SourceError` with CPython's message when CPython cannot parse the source (`full`:
    cannot compile it, which also rejects `return` outside a function and the like)."""
    flags = 0 if full else ast.PyCF_ONLY_AST
    if str(path).lower().endswith(".ipynb"):  # IPython runs cells in an event loop: `await` at top level
        flags |= ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    try:
        compile(data, path, "exec", flags, dont_inherit=True)
    except SyntaxError as error:
        message = error.msg
        if message.startswith("(unicode error) ") or not error.lineno:
            raise SourceError(f"{path}: cannot decode: {message.replace('(unicode error) ', '')}") from error
        column = f":{error.offset}" if error.offset and error.offset > 0 else ""
        verb = "compile" if full else "parse"
        raise SourceError(f"{path}:{error.lineno}{column}: cannot {verb}: {message}") from error
    except ValueError as error:  # null bytes on Python < 3.12
        raise SourceError(f"{path}: cannot parse: {error}") from error
    except RecursionError as error:
        raise SourceError(f"{path}: cannot parse: nesting too deep") from error


def worth_parsing(data: Union[bytes, str]) -> bool:
    """The text pre-filter: every rule needs a call, so a file without one cannot have findings.

    (A word list such as "torch"/"eval" is not a safe filter: an evaluation function named
    `infer` that runs `model(x)` mentions neither.) The `ast` pre-pass does the real filtering.
    """
    return (b"(" if isinstance(data, bytes) else "(") in data


def write_atomically(path: Union[str, Path], data: bytes) -> None:
    """Replace a file's content in one step (temporary file + rename), keeping its permissions
    (a new file gets the usual ones). A symbolic link stays a link: the file it points to is replaced.
    """
    path = Path(os.path.realpath(path))
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
