"""Subprocess entry: `python -m nograd_lint.verify.child FILE [--function NAME] [--seed N] ...`.

A worker for one version of a script. It imports torch, warms it up (CUDA too when there is a
device), seeds Python, NumPy and torch, loads FILE with importlib (its directory first on
sys.path, `sys.argv` as if it were run with no arguments, stdin empty), answers
`{"ready": ...}`, then reads one JSON command per line and answers one JSON line each. Every
call of the target function is seeded again first and starts with gradients enabled.

- `{"cmd": "run", "outputs": PT}`: a plain call (no hooks): peak RSS above the baseline taken
  just before it, the CUDA peak above what was allocated then, its time, what the return value
  holds, the exception, the grad mode afterwards; the return value goes to PT. The first `run`
  of a fresh process is the one whose memory counts.
- `{"cmd": "instrument"}`: a call under saved-tensor hooks and a trace of the script's
  functions: bytes saved for backward, the most held at once, the largest graph a function
  of the script held when it returned.
- `{"cmd": "time"}`: one plain, timed call.
- `{"cmd": "compare", "a": PT, "b": PT, "rtol": R, "atol": A}`: compare two saved values.
- `{"cmd": "quit"}` (or end of input).

The script's own prints go to stderr so they cannot corrupt the protocol.
"""
from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import os
import resource
import sys
import time
import traceback
from typing import Any, Callable, Dict, Optional


class LoadError(Exception):
    """The file could not be imported, or its target is not a function callable without
    arguments."""

    def __init__(self, kind: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.kind = kind  # "import" or "target"
        self.detail = detail


def import_file(path: str, extra_paths: tuple = ()):
    """Import `path` as a module named after its stem, as `python PATH` would see the world."""
    path = os.path.abspath(path)
    for entry in reversed((os.path.dirname(path),) + tuple(extra_paths)):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    sys.argv = [path]
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as exc:  # noqa: BLE001 - any failure while importing user code
        raise LoadError("import", describe(exc), traceback.format_exc()) from exc
    return module


def resolve(module, function: str, filename: str) -> Callable[[], Any]:
    """`module.function` (dots reach into classes and objects), callable without arguments."""
    target: Any = module
    for part in function.split("."):
        if not hasattr(target, part):
            raise LoadError("target", "%s defines no %s" % (filename, _called(function)))
        target = getattr(target, part)
    if not callable(target):
        raise LoadError("target", "%s: %s is a %s, not a function"
                        % (filename, function, type(target).__name__))
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return target
    required = [p.name for p in signature.parameters.values()
                if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if required:
        raise LoadError("target", "%s: %s takes arguments (%s); the harness calls it with none"
                        % (filename, _called(function), ", ".join(required)))
    if inspect.iscoroutinefunction(target):
        raise LoadError("target", "%s: %s is async; the harness calls a plain function"
                        % (filename, _called(function)))
    return target


def _called(function: str) -> str:
    return "%s()" % function if function == "main" else "function %s()" % function


def describe(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()
    return "%s: %s" % (type(exc).__name__, message[0] if message else "")


def _error_record(exc: BaseException) -> Dict[str, str]:
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    return {"type": type(exc).__name__, "message": str(exc), "traceback": "".join(lines[-8:])}


class Call:
    """Calls of the target: each seeded and with gradients on first, its exception kept."""

    def __init__(self, target: Callable[[], Any], seed: Optional[int]) -> None:
        self.target, self.seed = target, seed

    def __call__(self) -> Dict[str, Any]:
        import torch

        from .measure import seed_everything, synchronize

        seed_everything(self.seed)
        torch.set_grad_enabled(True)
        synchronize()
        outcome: Dict[str, Any] = {"error": None, "value": None}
        started = time.perf_counter()
        try:
            outcome["value"] = self.target()
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - the script's failure is data
            outcome["error"] = _error_record(exc)
        synchronize()
        outcome["seconds"] = time.perf_counter() - started
        return outcome


def run(call: Call, outputs_path: Optional[str]) -> Dict[str, Any]:
    """A plain call with peak memory measured (no hooks); the return value saved."""
    import torch

    from . import measure as m
    from . import outputs

    peak, cuda = m.PeakRSS(), m.CudaPeak()
    peak.start()
    cuda.start()
    outcome = call()
    record: Dict[str, Any] = {
        "error": outcome["error"], "seconds": outcome["seconds"],
        "peak_rss_bytes": peak.peak_bytes(), "peak_method": peak.method,
        "cuda_peak_bytes": cuda.peak_bytes(),
    }
    record["grad_enabled_after"], record["inference_mode_after"] = m.grad_mode()
    record.update(outputs.summary(outcome["value"]))
    record["outputs_file"] = None
    if outputs_path and outcome["error"] is None:
        try:
            torch.save(outputs.canonical(outcome["value"]), outputs_path)
            record["outputs_file"] = outputs_path
        except Exception as exc:  # noqa: BLE001
            record["outputs_error"] = describe(exc)
    return record


def instrument(call: Call, filename: str) -> Dict[str, Any]:
    """A call under saved-tensor hooks and the graph watch (its memory is not reported)."""
    from . import measure as m

    saved = m.SavedTensorBytes()
    watch = m.GraphWatch(filename, call.target)
    with saved, watch:
        outcome = call()
    held_end = saved.held_bytes()  # while the return value is still held
    return {
        "error": outcome["error"],
        "saved_bytes": saved.total_bytes, "saved_storages": saved.storages,
        "saved_pack_calls": saved.pack_calls, "held_peak_bytes": saved.held_peak_bytes,
        "held_end_bytes": held_end, "graph_nodes_kept": watch.largest,
        "graph_kept_in": watch.where, "graph_watch_exhausted": watch.exhausted,
    }


def timed(call: Call) -> Dict[str, Any]:
    """One plain, timed call; also counts its minor page faults: on CPU, memory the allocator
    returned to the system and touched again often costs more time than autograd itself."""
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    outcome = call()
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
    error = outcome["error"]
    return {"seconds": outcome["seconds"], "minor_faults": faults,
            "error": "%s: %s" % (error["type"], error["message"]) if error else None}


def serve(args: argparse.Namespace, channel, commands) -> None:
    """Load the script, then answer commands until `quit` or end of input."""
    import torch

    from . import measure as m
    from . import outputs

    with open(args.file, "rb") as fh:
        m.warm_up_torch(uses_optimizer=b"optim" in fh.read())
    call: Optional[Call] = None
    try:
        m.seed_everything(args.seed)
        module = import_file(args.file, tuple(args.sys_path))
        call = Call(resolve(module, args.function, os.path.basename(args.file)), args.seed)
    except LoadError as exc:
        _send(channel, {"ready": False, "load_error": str(exc), "load_kind": exc.kind,
                        "load_traceback": exc.detail})
    else:
        _send(channel, {"ready": True, "torch_version": torch.__version__,
                        "threads": torch.get_num_threads(), "device": m.device_name()})
    for line in commands:
        request = json.loads(line)
        cmd = request.get("cmd")
        if cmd == "quit":
            break
        if cmd == "compare":
            equal, detail, changes = outputs.compare_files(
                request["a"], request["b"], request.get("rtol", outputs.RTOL),
                request.get("atol", outputs.ATOL))
            _send(channel, {"equal": equal, "detail": detail, "changes": changes})
        elif cmd == "run" and call is not None:
            _send(channel, run(call, request.get("outputs")))
        elif cmd == "instrument" and call is not None:
            _send(channel, instrument(call, os.path.abspath(args.file)))
        elif cmd == "time" and call is not None:
            _send(channel, timed(call))
        else:
            _send(channel, {"error": "unknown or unavailable command %r" % cmd})


def _send(channel, message: Dict[str, Any]) -> None:
    channel.write(json.dumps(message) + "\n")
    channel.flush()


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nograd_lint.verify.child")
    parser.add_argument("file")
    parser.add_argument("--function", default="main", help="the function to call (default main)")
    parser.add_argument("--seed", type=int, help="seed before loading and before every call")
    parser.add_argument("--sys-path", action="append", default=[], metavar="DIR",
                        help="extra directory for the script's imports (repeatable)")
    args = parser.parse_args(argv)
    # The protocol keeps the real stdin and stdout; the script reads an empty stdin and its
    # prints go to stderr.
    commands = os.fdopen(os.dup(sys.stdin.fileno()), "r")
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    with open(os.devnull, "rb") as null:
        os.dup2(null.fileno(), sys.stdin.fileno())
    serve(args, channel, commands)
    return 0


if __name__ == "__main__":
    sys.exit(main())
