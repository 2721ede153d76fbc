"""Measurements taken inside the child process: bytes saved for backward, peak memory, graphs.

torch is imported lazily (inside functions) so that importing this module stays cheap.
"""
from __future__ import annotations

import gc
import resource
import sys
from typing import Any, Dict, Iterable, Optional, Tuple

_CLEAR_REFS = "/proc/self/clear_refs"
_STATUS = "/proc/self/status"


class _Saved:
    """What the pack hook hands autograd: a detached alias and the version it was saved at.

    While autograd holds it (in a graph node not yet released) its storage counts as held; its
    `__del__` tells the counter when the node lets it go (backward, or the graph freed).
    """

    __slots__ = ("tensor", "version", "key", "owner")

    def __init__(self, tensor, version: Optional[int], key: int, owner: "SavedTensorBytes") -> None:
        self.tensor, self.version, self.key, self.owner = tensor, version, key, owner

    def __del__(self) -> None:
        if self.key:
            self.owner._release(self.key)


class SavedTensorBytes:
    """Count the bytes autograd saves for backward while active, each storage once.

    `total_bytes`: every storage saved, keyed by its data pointer with a weak reference, so a
    storage saved twice counts once and an address the allocator hands to a new storage after
    the old one was freed counts again. `held_peak_bytes`: the most bytes that graphs held at
    once for a backward pass (a storage counts while at least one graph node holds it): what a
    leak of graphs costs during the run. `held_bytes()`: what they hold now.

    Autograd gets back the same data but as a detached alias: returning the tensor itself would
    tie a saved *output* (ReLU, sigmoid, ...) to its own grad_fn in a reference cycle through
    C++ that is never collected, so every graph would leak. With hooks registered autograd no
    longer checks whether a saved tensor was modified in place; the unpack hook does that check
    itself (the alias shares the version counter), so behaviour is unchanged.
    """

    def __init__(self) -> None:
        self.total_bytes = 0
        self.pack_calls = 0
        self.held_peak_bytes = 0
        self._held = 0
        self._holders: Dict[int, list] = {}  # data pointer -> [bytes, live _Saved count]
        self._storages: Dict[int, Tuple[int, Any]] = {}
        self._ctx = None

    def _pack(self, tensor):
        self.pack_calls += 1
        try:
            storage = tensor.untyped_storage()
            ptr, nbytes = storage.data_ptr(), storage.nbytes()
        except (RuntimeError, NotImplementedError):  # sparse, nested, meta, ...
            ptr, nbytes = 0, 0
        if nbytes:
            known = self._storages.get(ptr)
            if known is None or known[1].expired():
                from torch.multiprocessing.reductions import StorageWeakRef

                self._storages[ptr] = (nbytes, StorageWeakRef(storage))
                self.total_bytes += nbytes
            self._hold(ptr, nbytes)
        try:
            version = tensor._version
        except RuntimeError:  # e.g. no version counter: nothing to check later
            version = None
        return _Saved(tensor.detach(), version, ptr if nbytes else 0, self)

    def _hold(self, ptr: int, nbytes: int) -> None:
        entry = self._holders.get(ptr)
        if entry is None:
            self._holders[ptr] = [nbytes, 1]
            self._held += nbytes
            self.held_peak_bytes = max(self.held_peak_bytes, self._held)
        else:
            entry[1] += 1

    def _release(self, ptr: int) -> None:
        entry = self._holders.get(ptr)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] <= 0:
            del self._holders[ptr]
            self._held -= entry[0]

    @staticmethod
    def _unpack(saved: _Saved):
        tensor = saved.tensor
        if saved.version is not None and tensor._version != saved.version:
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                "inplace operation: [%s %s] is at version %d; expected version %d instead."
                % (tensor.type(), list(tensor.shape), tensor._version, saved.version))
        return tensor

    @property
    def storages(self) -> int:
        """How many distinct storages were saved (address reuse counts again)."""
        return len(self._storages)

    def held_bytes(self) -> int:
        """Bytes that graphs still hold for a backward pass now (after a garbage collection)."""
        gc.collect()
        return self._held

    def __enter__(self) -> "SavedTensorBytes":
        import torch

        self._ctx = torch.autograd.graph.saved_tensors_hooks(self._pack, self._unpack)
        self._ctx.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._ctx.__exit__(*exc)
        self._ctx = None


def _status_bytes(field: str) -> Optional[int]:
    try:
        with open(_STATUS) as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _maxrss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


class PeakRSS:
    """Peak resident set size above the baseline taken at `start()`.

    On Linux the kernel's high-water mark (VmHWM) is reset through /proc/self/clear_refs, so the
    peak is exact. Elsewhere ru_maxrss deltas are used: they only see growth above the process's
    earlier peak (a lower bound); `method` says which was used.
    """

    def __init__(self) -> None:
        self.method = "ru_maxrss"
        self._baseline = 0

    def start(self) -> None:
        gc.collect()
        try:
            with open(_CLEAR_REFS, "w") as fh:
                fh.write("5")
            rss = _status_bytes("VmRSS")
            if rss is not None and _status_bytes("VmHWM") is not None:
                self.method, self._baseline = "vmhwm", rss
                return
        except OSError:
            pass
        self.method, self._baseline = "ru_maxrss", _maxrss_bytes()

    def peak_bytes(self) -> int:
        if self.method == "vmhwm":
            return max(0, (_status_bytes("VmHWM") or 0) - self._baseline)
        return max(0, _maxrss_bytes() - self._baseline)


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def synchronize() -> None:
    """Wait for queued CUDA work (a no-op without CUDA), so a timer or a peak sees all of it."""
    import torch

    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()


class CudaPeak:
    """Peak CUDA memory allocated above what was allocated at `start()`; None without CUDA."""

    def __init__(self) -> None:
        import torch

        self._cuda = torch.cuda if torch.cuda.is_available() else None
        self._baseline = 0

    def start(self) -> None:
        if self._cuda is not None:
            self._cuda.synchronize()
            self._cuda.reset_peak_memory_stats()
            self._baseline = int(self._cuda.memory_allocated())

    def peak_bytes(self) -> Optional[int]:
        if self._cuda is None:
            return None
        self._cuda.synchronize()
        return max(0, int(self._cuda.max_memory_allocated()) - self._baseline)


def iter_tensors(value: Any, modules: bool = True) -> Iterable[Any]:
    """Every tensor in a value (nested lists, tuples, sets, dicts; modules' parameters and
    buffers unless `modules` is false)."""
    import torch

    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, torch.nn.Module):
        if modules:
            yield from value.parameters()
            yield from value.buffers()
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_tensors(item, modules)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from iter_tensors(item, modules)


def graph_nodes(value: Any, limit: Optional[int] = None, modules: bool = True) -> int:
    """Number of distinct autograd nodes reachable from the tensors in `value` (at most
    `limit`)."""
    seen: Dict[int, Any] = {}  # keeps the wrappers alive so ids stay unique while walking
    stack = [t.grad_fn for t in iter_tensors(value, modules) if t.grad_fn is not None]
    while stack and (limit is None or len(seen) < limit):
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen[id(node)] = node
        stack.extend(fn for fn, _ in getattr(node, "next_functions", ()))
    return len(seen)


class GraphWatch:
    """The largest autograd graph that a function of the script held when it returned.

    A trace function sees each return from a frame of the script file (other code is not
    traced line by line) and counts the graph nodes reachable from the frame's local variables,
    one level into plain objects (`self.history`), and its return value; at the return of the
    target function also the module's globals. This is what an accumulator that drags every
    iteration's graph along (NG102) keeps, even when nothing of it is returned. Counting stops
    after `budget` nodes in all, so a script with huge graphs is not slowed down without end.
    """

    PER_WALK = 2_000_000

    def __init__(self, filename: str, target: Any, budget: int = 20_000_000) -> None:
        self.filename = filename
        self.target_code = getattr(target, "__code__", None)
        self.budget = budget
        self.largest = 0
        self.where: Optional[str] = None
        self.exhausted = False
        self._previous = None

    def _walk(self, frame, value) -> None:
        values = [v for v in frame.f_locals.values() if not _is_code_object(v)] + [value]
        values += [_plain_attributes(v) for v in list(values)]
        if frame.f_code is self.target_code:
            values.append({k: v for k, v in frame.f_globals.items() if not _is_code_object(v)})
        count = graph_nodes(values, limit=min(self.PER_WALK, self.budget), modules=False)
        self.budget -= count
        if count > self.largest:
            self.largest, self.where = count, frame.f_code.co_name
        if self.budget <= 0:
            self.exhausted = True

    def _local(self, frame, event, arg):
        if event == "return" and not self.exhausted:
            self._walk(frame, arg)
        return self._local

    def _global(self, frame, event, arg):
        if event == "call" and frame.f_code.co_filename == self.filename and not self.exhausted:
            frame.f_trace_lines = False
            return self._local
        return None

    def __enter__(self) -> "GraphWatch":
        self._previous = sys.gettrace()
        sys.settrace(self._global)
        return self

    def __exit__(self, *exc) -> None:
        sys.settrace(self._previous)


def _is_code_object(value: Any) -> bool:
    """Modules, classes and functions: nothing an accumulator is."""
    import types

    return isinstance(value, (types.ModuleType, type, types.FunctionType, types.MethodType,
                              types.BuiltinFunctionType))


def _plain_attributes(value: Any) -> Any:
    """The attributes of a plain object (not a tensor, module or container), else None."""
    import torch

    if isinstance(value, (torch.Tensor, torch.nn.Module, dict, list, tuple, set, frozenset,
                          str, bytes, int, float)) or _is_code_object(value):
        return None
    attributes = getattr(value, "__dict__", None)
    return dict(attributes) if isinstance(attributes, dict) else None


def grad_mode() -> Tuple[bool, bool]:
    """(torch.is_grad_enabled(), torch.is_inference_mode_enabled()) right now."""
    import torch

    return torch.is_grad_enabled(), torch.is_inference_mode_enabled()


def seed_everything(seed: Optional[int]) -> None:
    """Seed Python's `random`, NumPy (when installed) and torch (CPU and CUDA) with `seed`."""
    if seed is None:
        return
    import random

    import torch

    random.seed(seed)
    try:
        import numpy
    except ImportError:
        pass
    else:
        numpy.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def device_name() -> str:
    """`CPU`, or `CUDA (NAME)` when a CUDA device is available to the child."""
    import torch

    if torch.cuda.is_available():
        return "CUDA (%s)" % torch.cuda.get_device_name(0)
    return "CPU"


def warm_up_torch(uses_optimizer: bool = True) -> None:
    """Run torch's one-time set-up before the baseline, so it is not charged to the script:
    the thread pool, the allocator, CUDA's context and libraries when a device is available,
    and, when the script builds an optimizer, the hundreds of modules (tens of MB, about a
    second) that the first `torch.optim` optimizer imports."""
    import torch

    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    for device in devices:
        weight = torch.nn.Parameter(torch.ones(64, 64, device=device))
        (weight @ weight).relu().sum().backward()
        if uses_optimizer:
            torch.optim.SGD([weight], lr=0.1, momentum=0.9).step()
    synchronize()
