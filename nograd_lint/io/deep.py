"""Run one file's work where deep but valid code cannot exhaust the stack.

The fact walk is iterative, but libcst's parser, code generation, metadata and visitors recurse
once or more per level of nesting (an `elif` chain, `a + a + ...`, implicitly concatenated
strings). CPython 3.11 compiles chains about 3,000 levels deep, far past the default recursion
limit of 1,000. So the work runs in a thread with a big stack and a raised recursion limit:
measured on CPython 3.11, a frame called through C code uses under 1 KB of C stack, so 100,000
frames fit in 512 MB with room to spare (the stack is reserved address space; only the pages
used are committed). Deeper input fails with `RecursionError`, which callers report as an error
of that one file. The work also runs with fewer garbage collections (see garbage.py).
"""
from __future__ import annotations

import sys
import threading
from typing import Any, Callable, TypeVar

from .garbage import fewer_collections

STACK_BYTES = 512 * 2**20
RECURSION_LIMIT = 100_000

T = TypeVar("T")
_state = threading.local()
_lock = threading.RLock()


def call_deep(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` on a big stack; its result is returned and its exception re-raised here."""
    if getattr(_state, "deep", False):
        return function(*args)
    outcome: dict[str, Any] = {}

    def run() -> None:
        _state.deep = True
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # noqa: BLE001 - handed back to the calling thread
            outcome["error"] = error.with_traceback(None)  # a deep traceback holds every frame

    with _lock, fewer_collections():
        previous_limit = sys.getrecursionlimit()
        try:
            previous_size = threading.stack_size(STACK_BYTES)
        except (ValueError, RuntimeError):  # a platform that cannot size thread stacks
            return function(*args)
        sys.setrecursionlimit(max(previous_limit, RECURSION_LIMIT))
        try:
            worker = threading.Thread(target=run, name="nograd-lint-file", daemon=True)
            try:
                worker.start()
            finally:
                threading.stack_size(previous_size)
            worker.join()
        except RuntimeError:  # no address space for the stack: run here, with the usual limits
            sys.setrecursionlimit(previous_limit)
            return function(*args)
        finally:
            sys.setrecursionlimit(previous_limit)
    if "error" in outcome:
        raise outcome.pop("error")
    return outcome["value"]
