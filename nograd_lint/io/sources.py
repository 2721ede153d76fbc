"""Reading source files: bytes in (encoding cookie, BOM and line endings kept by libcst), a tree
out; writing a file back."""
from __future__ import annotations

import ast
import hashlib
import io
import os
import re
import tokenize
from pathlib import Path
from typing import Optional, Union

import libcst as cst



class SourceError(Exception):
    """A file that cannot be read or parsed; `str()` is the message for the user."""


def read_bytes(path: Union[str, Path], shown: Optional[str] = None) -> bytes:
    """The file's bytes; `SourceError` naming it as `shown` when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise SourceError(f"{shown or path}: cannot read: {error.strerror or error}") from error


def digest(data: Union[bytes, str]) -> str:
    """A short fingerprint of source bytes or text (the same text gives the same digest)."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def parse(data: Union[bytes, str], path: str = "<string>") -> cst.Module:
    """Parse source; bytes keep their encoding and BOM when the module is written back."""
    try:
        return cst.parse_module(data)
    except cst.ParserSyntaxError as error:
        check_syntax(data, path)  # CPython's message is clearer, when CPython rejects the file too
        limit = _libcst_limit(data)
        if limit is not None:
            raise SourceError(f"{path}:{limit}") from error
        raise SourceError(f"{path}:{_libcst_location(error)}: cannot parse: {error.message}") from error
    except (UnicodeDecodeError, LookupError, SyntaxError) as error:
        raise SourceError(f"{path}: cannot decode: {error}") from error
    except RecursionError as error:  # pathological nesting
        raise SourceError(f"{path}: cannot parse: nesting too deep") from error


LIBCST_MAX_STRINGS = 3000  # libcst's parser reads at most this many strings concatenated in one expression


def _libcst_limit(data: Union[bytes, str]) -> Optional[str]:
    """`line:column: why` when libcst rejects code CPython accepts for a known limit of its parser."""
    start, end = getattr(tokenize, "FSTRING_START", -1), getattr(tokenize, "FSTRING_END", -1)  # Python 3.12+
    longest, where, run, first, inside = 0, (0, 0), 0, (0, 0), 0
    try:
        if isinstance(data, bytes):
            tokens = tokenize.tokenize(io.BytesIO(data).readline)
        else:
            tokens = tokenize.generate_tokens(io.StringIO(data).readline)
        for token in tokens:
            if inside:
                inside += (token.type == start) - (token.type == end)
            elif token.type in (tokenize.STRING, start):
                run, first = (run + 1, first) if run else (1, token.start)
                if run > longest:
                    longest, where = run, first
                inside = int(token.type == start)
            elif token.type not in (tokenize.NL, tokenize.COMMENT, tokenize.ENCODING):
                run = 0
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, LookupError):
        return None
    if longest > LIBCST_MAX_STRINGS:
        return (f"{where[0]}:{where[1] + 1}: cannot analyse: {longest} strings concatenated in one expression "
                f"(libcst, the parser nograd-lint uses, reads at most {LIBCST_MAX_STRINGS})")
    return None


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


def write_if_unchanged(path: Union[str, Path], original: bytes, data: bytes, shown: Optional[str] = None) -> None:
    """Overwrite the file's content in place, so its inode stays: mode, owner, group, hard links,
    ACLs and a symbolic link's target all stay as they were. `SourceError` (nothing written) when
    the file no longer holds `original`: someone changed it since it was read."""
    with open(path, "r+b") as handle:
        if handle.read() != original:
            raise SourceError(f"{shown or path}: changed since it was read; not fixed, run again")
        handle.seek(0)
        handle.write(data)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())
