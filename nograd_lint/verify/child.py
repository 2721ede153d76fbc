"""Subprocess entry: `python -m nograd_lint.verify.child FILE [--sys-path DIR ...]`.

A worker for one version of a script. It imports torch, loads FILE with importlib (its directory
first on sys.path), warms torch up, answers `{"ready": ...}`, then reads one JSON command per
line on stdin and answers one JSON line each on stdout:

- `{"cmd": "measure", "outputs": PT}`: the first call of `main()` in this fresh process, with
  every measurement: peak RSS above the baseline, bytes saved for backward, what the return
  value holds, the exception, the grad mode afterwards; the return value goes to PT.
- `{"cmd": "time"}`: one plain, timed call of `main()` (no hooks), grad mode reset first.
- `{"cmd": "compare", "a": PT, "b": PT}`: compare two saved return values.
- `{"cmd": "quit"}` (or end of input).

The script's own prints go to stderr so they cannot corrupt the protocol.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import sys
import time
import traceback
from typing import Any, Callable, Dict, Optional


class LoadError(Exception):
    """The file could not be imported, or has no callable `main()`."""

    def __init__(self, kind: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.kind = kind  # "import" or "no_main"
        self.detail = detail


def load_main(path: str, extra_paths: tuple = ()) -> Callable[[], Any]:
    """Import `path` as a module named after its stem and return its `main`."""
    path = os.path.abspath(path)
    for entry in reversed((os.path.dirname(path),) + tuple(extra_paths)):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as exc:  # noqa: BLE001 - any failure while importing user code
        raise LoadError("import", _describe(exc), traceback.format_exc()) from exc
    main = getattr(module, "main", None)
    if not callable(main):
        raise LoadError("no_main", "%s defines no main() function" % os.path.basename(path))
    return main


def _describe(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()
    return "%s: %s" % (type(exc).__name__, message[0] if message else "")


def _error_record(exc: BaseException) -> Dict[str, str]:
    return {
        "type": type(exc).__name__,
        "message": str(exc),
        "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-6:]),
    }


def measure(main: Callable[[], Any], outputs_path: Optional[str]) -> Dict[str, Any]:
    """Call `main()` once with every measurement; return the JSON-able record."""
    import torch

    from . import measure as m
    from . import outputs

    record: Dict[str, Any] = {"error": None}
    peak, cuda, saved = m.PeakRSS(), m.CudaPeak(), m.SavedTensorBytes()
    result = None
    peak.start()
    cuda.start()
    started = time.perf_counter()
    try:
        with saved:
            result = main()
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - the script's own failure is data
        record["error"] = _error_record(exc)
    record["seconds"] = time.perf_counter() - started
    record["grad_enabled_after"], record["inference_mode_after"] = m.grad_mode()
    record["peak_rss_bytes"] = peak.peak_bytes()
    record["peak_method"] = peak.method
    record["cuda_peak_bytes"] = cuda.peak_bytes()
    record.update(outputs.summary(result))
    record["saved_bytes"] = saved.total_bytes
    record["saved_storages"] = saved.storages
    record["saved_pack_calls"] = saved.pack_calls
    record["retained_bytes"] = saved.retained_bytes()  # while `result` is still held
    record["outputs_file"] = None
    if outputs_path and record["error"] is None:
        try:
            torch.save(outputs.canonical(result), outputs_path)
            record["outputs_file"] = outputs_path
        except Exception as exc:  # noqa: BLE001
            record["outputs_error"] = _describe(exc)
    return record


def timed_call(main: Callable[[], Any]) -> Dict[str, Any]:
    """One plain call of `main()`; a grad mode leaked by an earlier call is reset first.

    Also counts the minor page faults of the call: on CPU, memory the allocator returned to the
    system and touched again often costs more time than autograd's own bookkeeping.
    """
    import torch

    torch.set_grad_enabled(True)
    error = None
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    started = time.perf_counter()
    try:
        main()
    except (Exception, SystemExit) as exc:  # noqa: BLE001
        error = _describe(exc)
    seconds = time.perf_counter() - started
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
    return {"seconds": seconds, "minor_faults": faults, "error": error}


def serve(path: str, extra_paths: tuple, channel, commands) -> None:
    """Load the script, then answer commands until `quit` or end of input."""
    from . import measure as m
    from . import outputs

    try:
        main = load_main(path, extra_paths)
    except LoadError as exc:
        main = None
        _send(channel, {"ready": False, "load_error": str(exc), "no_main": exc.kind == "no_main",
                        "load_traceback": exc.detail})
    else:
        import torch

        with open(path, "rb") as fh:
            m.warm_up_torch(uses_optimizer=b"optim" in fh.read())
        _send(channel, {"ready": True, "torch_version": torch.__version__,
                        "threads": torch.get_num_threads()})
    for line in commands:
        request = json.loads(line)
        cmd = request.get("cmd")
        if cmd == "quit":
            break
        if cmd == "compare":
            equal, detail = outputs.compare_files(request["a"], request["b"])
            _send(channel, {"equal": equal, "detail": detail})
        elif cmd == "measure" and main is not None:
            _send(channel, measure(main, request.get("outputs")))
        elif cmd == "time" and main is not None:
            _send(channel, timed_call(main))
        else:
            _send(channel, {"error": "unknown or unavailable command %r" % cmd})


def _send(channel, message: Dict[str, Any]) -> None:
    channel.write(json.dumps(message) + "\n")
    channel.flush()


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nograd_lint.verify.child")
    parser.add_argument("file")
    parser.add_argument("--sys-path", action="append", default=[], metavar="DIR",
                        help="extra directory for the script's imports (repeatable)")
    args = parser.parse_args(argv)
    # Keep the protocol on the real stdout; the script's prints go to stderr.
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    import torch  # noqa: F401 - imported before the script so its cost is in the baseline

    serve(args.file, tuple(args.sys_path), channel, sys.stdin)
    return 0


if __name__ == "__main__":
    sys.exit(main())
