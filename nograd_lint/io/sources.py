"""Reading source files: bytes in (encoding cookie, BOM and line endings kept by libcst), a tree
out; writing a file back."""
from __future__ import annotations

import ast
import hashlib
import codecs
import io
import os
import re
import threading
import tokenize
import warnings
from pathlib import Path
from typing import Optional, Union

import libcst as cst

from .legacy import modern_text


class SourceError(Exception):
    """A file that cannot be read or parsed; `str()` is the message for the user."""


class LibcstCannotParse(SourceError):
    """Source CPython parses and libcst's parser refuses (a mix of tabs and spaces its tokenizer
    reads otherwise, more concatenated strings than it reads): it is analysed on a tree built from
    `ast` instead (io/bare_trees.py), and its findings have no fixes, which are libcst tree edits.
    `reason` is libcst's complaint, for saying why."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class LegacySyntax(LibcstCannotParse):
    """Python 2 source (or PyTorch 0.3's `.cuda(async=True)`), which neither parser reads: it is
    analysed on a tree built from its Python 3 translation (io/legacy.py), and never fixed."""


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


def decode_unknown_cookie(data: bytes) -> Optional[tuple[str, str, str]]:
    """(text, codec, cookie) when the coding cookie names a codec this Python does not know (one a
    package registers when it is installed, as `future_fstrings` does): the bytes read as UTF-8, else
    latin-1, as flake8 reads them; encoding the text with `codec` gives `data` back. None otherwise."""
    try:
        tokenize.detect_encoding(io.BytesIO(data).readline)
        return None
    except SyntaxError as error:
        found = re.match(r"unknown encoding: (.*)", str(error))
        if found is None:
            return None
    for codec in ("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8", "latin-1"):
        try:
            return data.decode(codec), codec, found.group(1)
        except UnicodeDecodeError:
            continue
    return None  # not reached: latin-1 decodes anything


def parse(data: Union[bytes, str], path: str = "<string>") -> cst.Module:
    """Parse source; bytes keep their encoding and BOM when the module is written back. A form feed
    in a line's indentation is read as CPython reads it (see `without_indent_form_feeds`), so the
    module's text may differ from `data` there: `splice` writes such lines back as they were."""
    try:
        with _Unvalidated():
            return cst.parse_module(without_indent_form_feeds(data))
    except cst.ParserSyntaxError as error:
        if modern_text(_text_of(data)) is not None:
            raise LegacySyntax(f"{path}: cannot parse: Python 2 syntax", "Python 2 syntax, analysed as translated "
                               "to Python 3") from error
        check_syntax(data, path)  # CPython's message is clearer, when CPython rejects the file too
        limit = _libcst_limit(data)
        if limit is not None:
            where, count = limit
            raise LibcstCannotParse(
                f"{path}:{where}: cannot analyse: {count} strings concatenated in one expression (libcst, the "
                f"parser nograd-lint uses, reads at most {LIBCST_MAX_STRINGS})",
                f"{count} strings concatenated in one expression at {where}, more than the {LIBCST_MAX_STRINGS} "
                f"it reads") from error
        raise LibcstCannotParse(f"{path}:{_libcst_location(error)}: cannot parse: {error.message}",
                                error.message) from error
    except (UnicodeDecodeError, LookupError, SyntaxError) as error:
        raise SourceError(f"{path}: cannot decode: {error}") from error
    except RecursionError as error:  # pathological nesting
        raise SourceError(f"{path}: cannot parse: nesting too deep") from error


# libcst checks every node it builds (`CSTNode._validate`: a `Name` is an identifier, a tuple
# without parentheses is not where it needs them...). The nodes its parser builds from source are
# valid by construction, and the checks cost about a fifth of a parse, so they are skipped while
# `parse` runs, in its thread only; nodes built anywhere else (fixes) are still checked.
class _ParsingFlag(threading.local):
    active = False  # each thread starts outside `parse` (a class default: no `getattr` per node)


_PARSING = _ParsingFlag()
_VALIDATE = cst.CSTNode.__post_init__


def _validated_unless_parsing(node: cst.CSTNode) -> None:
    if not _PARSING.active:
        _VALIDATE(node)


cst.CSTNode.__post_init__ = _validated_unless_parsing  # type: ignore[method-assign]


class _Unvalidated:
    """The block builds nodes from source that the parser accepted: no checks (see above)."""

    def __enter__(self) -> None:
        self.outer = _PARSING.active
        _PARSING.active = True

    def __exit__(self, *exc) -> None:
        _PARSING.active = self.outer


def parsed_as_is(data: bytes) -> bool:
    """Does `parse` hand these bytes to libcst unchanged? Then the module's code is their text
    (libcst gives back the text it parsed), and a digest of the bytes stands for the code."""
    return without_indent_form_feeds(data) is data and decode_unknown_cookie(data) is None


_INDENT_FORM_FEED = re.compile(r"(?:^|[\r\n])[ \t]*\f")
_INDENT_FORM_FEED_BYTES = re.compile(rb"(?:^|[\r\n])[ \t]*\f")
_TEXT_LINES = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+$")
_INDENT = re.compile(r"[ \t\f]*")


def without_indent_form_feeds(data: Union[bytes, str]) -> Union[bytes, str]:
    """`data` with each form feed in a line's indentation cut, with the blanks before it.

    CPython starts counting a line's indentation again after a form feed (`\\f` then eight spaces
    indent eight columns, whatever came before the form feed); libcst rejects such a line when it
    opens a deeper block, and drops the form feed elsewhere. Cutting the indentation up to its last
    form feed gives the same program, line for line; lines inside multi-line strings are kept."""
    if isinstance(data, bytes):
        if b"\f" not in data or not _INDENT_FORM_FEED_BYTES.search(data):  # most files have no form feed
            return data
    elif "\f" not in data or not _INDENT_FORM_FEED.search(data):
        return data
    if isinstance(data, str):
        return _cut_indent_form_feeds(data)
    try:
        encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
        return _cut_indent_form_feeds(data.decode(encoding)).encode(encoding)
    except (SyntaxError, UnicodeError, LookupError):  # reported by the parser
        return data


def _cut_indent_form_feeds(text: str) -> str:
    lines = _TEXT_LINES.findall(text)
    kept = set()  # 0-based lines inside a token that spans lines (a string)
    readline = iter([line.rstrip("\r\n") + "\n" for line in lines]).__next__
    try:
        for token in tokenize.generate_tokens(readline):
            kept.update(range(token.start[0], token.end[0]))
    except (tokenize.TokenError, SyntaxError, StopIteration):
        return text
    out = []
    for number, line in enumerate(lines):
        indent = _INDENT.match(line).group()
        if "\f" in indent and number not in kept:
            line = indent[indent.rindex("\f") + 1:] + line[len(indent):]
        out.append(line)
    return "".join(out)


def indent_shifts(text: str, code: str) -> dict[int, int]:
    """{line: columns to add} that move positions in `code` to `text`, for the lines whose
    indentation the two spell differently (a form feed cut for the parser)."""
    if text == code:
        return {}
    old, new = _TEXT_LINES.findall(text), _TEXT_LINES.findall(code)
    if len(old) != len(new):
        return {}
    shifts = {}
    for number, (line, parsed) in enumerate(zip(old, new), start=1):
        if line != parsed and line.lstrip(" \t\f") == parsed.lstrip(" \t\f"):
            shifts[number] = (len(line) - len(line.lstrip(" \t\f"))) - (len(parsed) - len(parsed.lstrip(" \t\f")))
    return shifts


LIBCST_MAX_STRINGS = 3000  # libcst's parser reads at most this many strings concatenated in one expression


def _libcst_limit(data: Union[bytes, str]) -> Optional[tuple[str, int]]:
    """(`line:column`, how many strings) when libcst rejects code CPython accepts for its limit of
    concatenated strings."""
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
        return f"{where[0]}:{where[1] + 1}", longest
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
        compile_quietly(data, path, flags)
    except SyntaxError as error:
        modern = modern_text(_text_of(data))
        if modern is not None:  # Python 2, read as its translation (see io/legacy.py)
            check_syntax(modern, path, full)
            return
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


def _text_of(data: Union[bytes, str]) -> str:
    """Source bytes decoded as Python decodes them (undecodable ones replaced), or the text."""
    if isinstance(data, str):
        return data
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding, errors="replace")
    except (SyntaxError, LookupError):
        return data.decode("utf-8", errors="replace")


def compile_quietly(data: Union[bytes, str], path: str, flags: int = ast.PyCF_ONLY_AST):
    """`compile(data, path, "exec", flags)` without the compiler's warnings about the user's code
    (`SyntaxWarning: 'str' object is not callable`, invalid escapes): reporting them is flake8's job,
    and `-W error` must not turn them into errors here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile(data, path, "exec", flags, dont_inherit=True)


def python_tree(data: Union[bytes, str], path: str = "<unknown>") -> ast.Module:
    """The `ast` tree of source (see `compile_quietly`); of Python 2 source, the tree of its Python 3
    translation (io/legacy.py). Raises what `compile` raises when neither reads."""
    try:
        return compile_quietly(data, path)
    except SyntaxError:
        modern = modern_text(_text_of(data))
        if modern is None:
            raise
        return compile_quietly(modern, path)


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
