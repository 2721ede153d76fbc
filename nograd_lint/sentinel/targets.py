"""Targets: `script.py` (run as `__main__`, like `python script.py`) or `path.py::function`
(the file imported as a module named after its stem, then `function()` called with no
arguments; `Class.method` reaches a static or class method).

`load_function` is written to be shared: `nograd-verify`'s `main()` loading is
`load_function(path, "main")`.
"""
from __future__ import annotations

import dataclasses
import importlib.util
import inspect
import os
import runpy
import sys
from typing import Any, Callable, Optional, Sequence


class TargetError(Exception):
    """A target that cannot be run; the message is for the user."""


class TargetImportError(TargetError):
    """Importing the target's file raised; `__cause__` is the program's own exception."""


@dataclasses.dataclass(frozen=True)
class Target:
    path: str
    function: Optional[str] = None  # None: run the file as __main__

    def __str__(self) -> str:
        return self.path if self.function is None else "%s::%s" % (self.path, self.function)


def parse_target(text: str) -> Target:
    """`path.py` or `path.py::function` (also `path.py::Class.method`)."""
    path, separator, function = text.partition("::")
    if separator and not all(part.isidentifier() for part in function.split(".")):
        raise TargetError("%s: expected path.py::function, and %r is not a function name"
                          % (text, function))
    if not path:
        raise TargetError("no file given in %r" % text)
    if not os.path.isfile(path):
        raise TargetError("%s: no such file" % path)
    return Target(path, function if separator else None)


def _prepend_paths(paths: Sequence[str]) -> None:
    for entry in reversed(paths):
        if entry not in sys.path:
            sys.path.insert(0, entry)


def load_function(path: str, qualname: str, extra_paths: Sequence[str] = ()) -> Callable[[], Any]:
    """Import `path` as a module named after its stem (its directory first on sys.path) and
    return the callable `qualname` in it, which must take no required arguments."""
    path = os.path.abspath(path)
    _prepend_paths([os.path.dirname(path), *extra_paths])
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise TargetError("%s: not a Python file" % path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as exc:  # noqa: BLE001 - any failure while importing user code
        raise TargetImportError("importing %s raised %s" % (os.path.basename(path),
                                                            type(exc).__name__)) from exc
    value: Any = module
    for part in qualname.split("."):
        value = getattr(value, part, None)
    if not callable(value):
        raise TargetError("%s defines no function %s()" % (os.path.basename(path), qualname))
    _check_no_arguments(value, "%s::%s" % (os.path.basename(path), qualname))
    return value


def _check_no_arguments(function: Callable[..., Any], name: str) -> None:
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return
    required = [p.name for p in signature.parameters.values()
                if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD,
                                                      p.KEYWORD_ONLY)]
    if required:
        raise TargetError("%s() takes arguments (%s); the target is called with none"
                          % (name, ", ".join(required)))


def run(target: Target, argv: Sequence[str] = ()) -> Any:
    """Run `target` in this process with `sys.argv` set to the file and `argv`."""
    sys.argv = [target.path, *argv]
    if target.function is not None:
        return load_function(target.path, target.function)()
    _prepend_paths([os.path.dirname(os.path.abspath(target.path))])
    runpy.run_path(target.path, run_name="__main__")
    return None
