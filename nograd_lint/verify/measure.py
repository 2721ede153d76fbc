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
    """What the pack hook hands autograd: a detached alias and the version it was saved at."""

    __slots__ = ("tensor", "version")

    def __init__(self, tensor, version: int) -> None:
        self.tensor, self.version = tensor, version


class SavedTensorBytes:
    """Count the bytes autograd saves for backward while active, each storage once.

    The pack hook records `(nbytes, weak reference)` keyed by the storage's data pointer; it
    never keeps a tensor, so the measurement keeps nothing alive. A data pointer whose storage
    has been freed counts again when reused (the allocator hands the address to a new storage).

    Autograd gets back the same data but as a detached alias: returning the tensor itself would
    tie a saved *output* (ReLU, sigmoid, ...) to its own grad_fn in a reference cycle through
    C++ that is never collected, so every graph would leak. With hooks registered autograd no
    longer checks whether a saved tensor was modified in place; the unpack hook does that check
    itself (the alias shares the version counter), so behaviour is unchanged.
    """

    def __init__(self) -> None:
        self.total_bytes = 0
        self.pack_calls = 0
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
        try:
            return _Saved(tensor.detach(), tensor._version)
        except RuntimeError:  # e.g. no version counter: nothing to check later
            return _Saved(tensor.detach(), None)

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

    def retained_bytes(self) -> int:
        """Bytes of saved storages that are still alive now (after a garbage collection)."""
        gc.collect()
        return sum(n for n, ref in self._storages.values() if not ref.expired())

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


class CudaPeak:
    """`torch.cuda.max_memory_allocated` around a run; None without a GPU."""

    def __init__(self) -> None:
        import torch

        self._cuda = torch.cuda if torch.cuda.is_available() else None

    def start(self) -> None:
        if self._cuda is not None:
            self._cuda.synchronize()
            self._cuda.reset_peak_memory_stats()

    def peak_bytes(self) -> Optional[int]:
        if self._cuda is None:
            return None
        self._cuda.synchronize()
        return int(self._cuda.max_memory_allocated())


def iter_tensors(value: Any) -> Iterable[Any]:
    """Every tensor in a returned value (nested lists, tuples, dicts, modules)."""
    import torch

    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, torch.nn.Module):
        yield from value.parameters()
        yield from value.buffers()
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_tensors(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from iter_tensors(item)


def graph_nodes(value: Any) -> int:
    """Number of distinct autograd nodes reachable from the tensors in `value`."""
    seen: Dict[int, Any] = {}  # keeps the wrappers alive so ids stay unique while walking
    stack = [t.grad_fn for t in iter_tensors(value) if t.grad_fn is not None]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen[id(node)] = node
        stack.extend(fn for fn, _ in getattr(node, "next_functions", ()))
    return len(seen)


def grad_mode() -> Tuple[bool, bool]:
    """(torch.is_grad_enabled(), torch.is_inference_mode_enabled()) right now."""
    import torch

    return torch.is_grad_enabled(), torch.is_inference_mode_enabled()


def warm_up_torch(uses_optimizer: bool = True) -> None:
    """Run torch's one-time set-up before the baseline, so it is not charged to the script:
    the thread pool, the allocator and, when the script builds an optimizer, the hundreds of
    modules (tens of MB, about a second) that the first `torch.optim` optimizer imports."""
    import torch

    weight = torch.nn.Parameter(torch.ones(64, 64))
    (weight @ weight).sum().backward()
    if uses_optimizer:
        torch.optim.SGD([weight], lr=0.1, momentum=0.9).step()
