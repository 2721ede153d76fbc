"""Call sites: the innermost frame of a forward's call stack that belongs to the user's code.

A file is library code when it lies in torch, in nograd_lint, in the standard library or in an
installed package (site-packages), or is a frozen module; every other file is the user's, and
`include` makes directories count as the user's even inside site-packages (a project installed
without `-e`). Each code object is classified once.
"""
from __future__ import annotations

import dataclasses
import functools
import linecache
import os
import sysconfig
from pathlib import Path
from types import CodeType, FrameType
from typing import Dict, List, Optional, Tuple


@dataclasses.dataclass(frozen=True)
class Location:
    """Where a forward was called: 1-based line and column, like the linter's diagnostics."""

    path: str
    line: int
    column: int
    function: str


def _prefix(path: str) -> str:
    return os.path.join(os.path.normcase(os.path.realpath(path)), "")


@functools.lru_cache(maxsize=None)
def library_dirs() -> Tuple[str, ...]:
    """torch, nograd_lint, the standard library and the installed-package directories."""
    import torch

    dirs = {os.path.dirname(torch.__file__), str(Path(__file__).resolve().parents[1])}
    paths = sysconfig.get_paths()
    dirs.update(paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths)
    return tuple(sorted(_prefix(d) for d in dirs))


class CallSites:
    """Finds the user's frame in a stack (`shared()` gives one instance per `include`, so the
    classification of code objects is kept from one watch to the next)."""

    def __init__(self, include: Tuple[str, ...] = ()) -> None:
        self._library = library_dirs()
        self._include = tuple(_prefix(p) for p in include)
        self._user: Dict[CodeType, bool] = {}
        self._locations: Dict[Tuple[CodeType, int], Location] = {}

    @staticmethod
    @functools.lru_cache(maxsize=8)
    def shared(include: Tuple[str, ...] = ()) -> "CallSites":
        return CallSites(include)

    def _is_user(self, filename: str) -> bool:
        if filename.startswith("<"):
            return not filename.startswith("<frozen")
        path = os.path.normcase(os.path.realpath(filename))
        if path.startswith(self._include):
            return True
        return not path.startswith(self._library)

    def user_frame(self, frame: Optional[FrameType]) -> Optional[FrameType]:
        """The innermost user frame at or above `frame` (None when the stack has none)."""
        user = self._user
        while frame is not None:
            code = frame.f_code
            known = user.get(code)
            if known is None:
                known = user[code] = self._is_user(code.co_filename)
            if known:
                return frame
            frame = frame.f_back
        return None

    def location(self, frame: FrameType) -> Location:
        """`location(frame)`, computed once per instruction."""
        key = (frame.f_code, frame.f_lasti)
        where = self._locations.get(key)
        if where is None:
            where = self._locations[key] = location(frame)
        return where

    def callers(self, frame: FrameType, limit: int = 8) -> List[Location]:
        """Where the user frames above `frame` are (innermost first, at most `limit`)."""
        found: List[Location] = []
        frame = self.user_frame(frame.f_back)
        while frame is not None and len(found) < limit:
            found.append(self.location(frame))
            frame = self.user_frame(frame.f_back)
        return found


def location(frame: FrameType) -> Location:
    """The source position of the call `frame` is executing (its start, on Python 3.11+)."""
    code = frame.f_code
    line, column = frame.f_lineno, 0
    positions = getattr(code, "co_positions", None)
    if positions is not None and frame.f_lasti >= 0:
        for index, (start, _, col, _) in enumerate(positions()):
            if index == frame.f_lasti // 2:
                if start is not None and col is not None:
                    line, column = start, _characters(code.co_filename, start, col)
                break
    function = getattr(code, "co_qualname", code.co_name)
    path = code.co_filename
    return Location(path if path.startswith("<") else os.path.abspath(path), line, column + 1,
                    function)


def _characters(filename: str, line: int, byte_offset: int) -> int:
    """A UTF-8 byte offset in a source line as a character offset (what editors count)."""
    text = linecache.getline(filename, line)
    if not text or text.isascii():
        return byte_offset
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))
