"""The sentinel: global module hooks that watch forwards which build a graph nobody uses.

While a `Sentinel` is active, every module call passes through a global forward pre-hook. With
gradients disabled it returns at once. Otherwise the outermost
forward of a module that is in eval mode with parameters that require grad (`eval`), or whose
parameters all have `requires_grad=False` (`frozen`), is watched: its call site is the innermost
frame in the user's files, and until a backward has used a graph built at that call site, the
forward runs under `saved_tensors_hooks` that count the bytes it saves for backward (keeping no
tensor alive) and note when a backward unpacks one of them. A prehook on the grad_fn of each
output tensor notes a backward through the outputs too (for forwards whose tensors the hooks did
not see); a forward hook on the watched module ends the forward. A call site is a finding when
no backward reached any of its graphs by the end of the watch. An error inside the sentinel's
own hooks stops the watch (`Sentinel.error` says why) instead of reaching the program.

torch is imported when a watch starts, never at import time.
"""
from __future__ import annotations

import collections
import dataclasses
import sys
import threading
import weakref
from typing import Any, Dict, Iterable, List, Optional, Tuple

from ..verify.measure import SavedTensorBytes, iter_tensors
from .frames import CallSites, Location
from .records import EVAL, FROZEN, SiteRecord, merge

_MAX_OUTPUT_NODES = 16  # grad_fn prehooks per forward; outputs with more tensors are rare
_ACTIVE: list = []  # the sentinels watching now; only the innermost one records


def kind_of(module) -> Optional[str]:
    """`eval`, `frozen` or None (a module in training mode with trainable parameters, or one
    without parameters): what a forward of `module` with gradients on would be watched as.

    Runs for every module call with gradients on outside a watched forward, so it walks the
    module tree itself (cheaper than `parameters()`) and stops at the first trainable parameter.
    """
    has_parameters = False
    stack = [module]
    while stack:
        current = stack.pop()
        for parameter in current._parameters.values():
            if parameter is None:
                continue
            if parameter.requires_grad:
                return None if module.training else EVAL
            has_parameters = True
        stack.extend(m for m in reversed(current._modules.values()) if m is not None)
    return FROZEN if has_parameters else None


class _Thread(threading.local):
    forward: Optional["_Forward"] = None  # the watched forward running in this thread


class _Site:
    """Live state of one call site and kind; `pack`/`unpack` are its saved-tensor hooks."""

    def __init__(self, where: Location, callers: List[Location], kind: str,
                 thread: _Thread) -> None:
        self.where, self.callers, self.kind, self._thread = where, callers, kind, thread
        self.modules: set = set()
        self.forwards = self.unmeasured = 0
        self.used = False
        self.activations = SavedTensorBytes()
        self.state = SavedTensorBytes()  # the module's own parameters and buffers

    def pack(self, tensor):
        # Only a leaf or a view can be the module's state (an activation has its own grad_fn).
        if tensor.grad_fn is None or tensor._base is not None:
            forward = self._thread.forward
            try:
                state = forward is not None and forward.is_state(tensor)
            except Exception:  # noqa: BLE001 - a module whose parameters cannot be listed
                state = False
            if state:
                return self.state._pack(tensor)
        return self.activations._pack(tensor)

    def unpack(self, saved):
        self.used = True
        return SavedTensorBytes._unpack(saved)

    def on_backward(self, grad_outputs) -> None:
        self.used = True

    def record(self) -> SiteRecord:
        where = self.where
        return SiteRecord(path=where.path, line=where.line, column=where.column,
                          function=where.function, kind=self.kind, modules=sorted(self.modules),
                          forwards=self.forwards, saved_bytes=self.activations.total_bytes,
                          used=self.used, unmeasured=self.unmeasured,
                          callers=[[c.path, c.line, c.function] for c in self.callers])


class _Forward:
    """One watched forward: its module, site, hooks (saved-tensor hooks, the module's forward
    hook that ends it) and re-entries of the same module."""

    __slots__ = ("module", "site", "hooks", "end", "packs", "reentry", "_states", "_state")

    def __init__(self, module, site: _Site, states) -> None:
        self.module, self.site, self._states = module, site, states
        self.hooks = self.end = None
        self.packs = 0
        self.reentry = 0
        self._state: Optional[set] = None

    def is_state(self, tensor) -> bool:
        """Whether `tensor` shares storage with the module's parameters or buffers (their
        storages are looked up once per module and watch)."""
        if self._state is None:
            state = self._states.get(self.module)
            if state is None:
                state = {_storage(t) for t in self.module.parameters()}
                state.update(_storage(t) for t in self.module.buffers())
                state.discard(0)
                self._states[self.module] = state
            self._state = state
        return _storage(tensor) in self._state


def _storage(tensor) -> int:
    try:
        return tensor.untyped_storage().data_ptr()
    except (RuntimeError, NotImplementedError):
        return 0


def _packs(site: _Site) -> int:
    return site.activations.pack_calls + site.state.pack_calls


def _graph_nodes(output) -> List[Any]:
    """Distinct grad_fn nodes of the tensors in a forward's output (dataclasses included)."""
    if dataclasses.is_dataclass(output) and not isinstance(output, type):
        output = [getattr(output, f.name) for f in dataclasses.fields(output)]
    nodes: Dict[int, Any] = {}
    for tensor in iter_tensors(output):
        node = tensor.grad_fn
        if node is not None:
            nodes.setdefault(id(node), node)
            if len(nodes) >= _MAX_OUTPUT_NODES:
                break
    return list(nodes.values())


class Sentinel:
    """Watch forwards that build graphs while active; `records()` afterwards.

    ::

        with Sentinel() as sentinel:
            run_my_evaluation()
        for record in sentinel.findings():
            print(record.path, record.line, record.saved_bytes)

    `include`: directories whose files count as the user's even inside site-packages. A
    sentinel entered while another one watches takes over until it exits (so a test that uses
    a Sentinel itself still works under the pytest plugin).
    """

    def __init__(self, include: Iterable[str] = ()) -> None:
        self._include = tuple(sorted(include))
        self._sites: Dict[Tuple[Any, int, str], _Site] = {}
        self._thread = _Thread()
        self._lock = threading.Lock()  # sites are shared by threads: creation and counts
        self._states = weakref.WeakKeyDictionary()  # module -> storages of its parameters, buffers
        self._handles: list = []
        # Forward hooks of finished forwards, removed when the next watched forward starts (on
        # an exception torch iterates the module's hook dict itself while calling the hook).
        self._ended: collections.deque = collections.deque()
        self._frames: Optional[CallSites] = None
        self._records: Optional[List[SiteRecord]] = None
        self.error: Optional[str] = None  # why the watch stopped early, if it did

    # --- the hooks (hot path: every module call while the watch is active) ---------------------

    def _pre_hook(self, module, args) -> None:
        if not self._grad_enabled() or not _ACTIVE or _ACTIVE[-1] is not self:
            return None
        try:
            self._start(module)
        except Exception as exc:  # noqa: BLE001 - the sentinel must never break the program
            self._stop(exc)
        return None

    def _hook(self, module, args, output) -> None:
        thread = self._thread
        forward = thread.forward
        if forward is None or forward.module is not module:
            return None
        if forward.reentry:
            forward.reentry -= 1
            return None
        thread.forward = None
        self._ended.append(forward.end)
        try:
            if forward.hooks is not None:
                forward.hooks.__exit__(None, None, None)
            self._finish(forward, output)
        except Exception as exc:  # noqa: BLE001
            self._stop(exc)
        return None

    def _stop(self, exc: Exception) -> None:
        """Stop watching after an error of the sentinel itself; keep what was recorded."""
        self.error = "%s: %s" % (type(exc).__name__, exc)
        for handle in self._handles:
            handle.remove()
        forward, self._thread.forward = self._thread.forward, None
        if forward is not None and forward.hooks is not None:
            forward.hooks.__exit__(None, None, None)

    # --- the parts of a watched forward -----------------------------------------------------------

    def _start(self, module) -> None:
        thread = self._thread
        forward = thread.forward
        if forward is not None:  # a submodule (or a re-entry) of the watched forward
            if forward.module is module:
                forward.reentry += 1
            return
        kind = kind_of(module)
        if kind is None:
            return
        site = self._site(kind)
        if site is None:
            return
        forward = _Forward(module, site, self._states)
        self._remove_ended()
        if not site.used:
            forward.packs = _packs(site)
            forward.hooks = self._start_hooks(site)
        thread.forward = forward
        # Only the watched module gets a forward hook (a global one would run on every call).
        forward.end = module.register_forward_hook(self._hook, always_call=True)

    def _remove_ended(self) -> None:
        while True:
            try:
                handle = self._ended.pop()
            except IndexError:  # empty (another thread may have emptied it meanwhile)
                return
            handle.remove()

    def _site(self, kind: str) -> Optional[_Site]:
        frame = self._frames.user_frame(sys._getframe(1))
        if frame is None:
            return None
        key = (frame.f_code, frame.f_lasti, kind)
        site = self._sites.get(key)
        if site is None:
            created = _Site(self._frames.location(frame), self._frames.callers(frame), kind,
                            self._thread)
            with self._lock:  # two threads may reach a new site at once: one of them wins
                site = self._sites.setdefault(key, created)
        return site

    def _start_hooks(self, site: _Site):
        """Enter the site's saved-tensor hooks, unless the program's own are active (replacing
        them would change what the program does: offloading, checkpointing): then None."""
        torch = self._torch
        if torch._C._autograd._top_saved_tensors_default_hooks(False) is not None:
            return None
        hooks = torch.autograd.graph.saved_tensors_hooks(site.pack, site.unpack)
        try:
            hooks.__enter__()
        except RuntimeError:  # saved-tensor hooks are disabled here (e.g. functorch transforms)
            return None
        return hooks

    def _finish(self, forward: _Forward, output) -> None:
        """Count a watched forward that built a graph; watch its outputs' grad_fn nodes."""
        site = forward.site
        if site.used:
            self._count(forward, measured=True)
            return
        nodes = _graph_nodes(output)
        saved = _packs(site) > forward.packs
        if not (saved or nodes):  # no graph was built (e.g. frozen module, inputs without one)
            return
        self._count(forward, measured=forward.hooks is not None)
        for node in nodes:
            node.register_prehook(site.on_backward)

    def _count(self, forward: _Forward, measured: bool) -> None:
        site = forward.site
        with self._lock:  # `+=` is not atomic between threads
            site.forwards += 1
            site.unmeasured += not measured
            site.modules.add(type(forward.module).__name__)

    # --- the watch --------------------------------------------------------------------------------

    def __enter__(self) -> "Sentinel":
        import torch
        from torch.nn.modules import module

        if self._handles:
            raise RuntimeError("this Sentinel is already watching")
        self._torch = torch
        self._grad_enabled = torch.is_grad_enabled
        self._frames = CallSites.shared(self._include)
        self._records = None
        self._handles = [module.register_module_forward_pre_hook(self._pre_hook)]
        _ACTIVE.append(self)
        return self

    def __exit__(self, *exc) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []
        _ACTIVE.remove(self)
        forward, self._thread.forward = self._thread.forward, None
        if forward is not None:  # interrupted inside a forward (KeyboardInterrupt)
            if forward.end is not None:
                self._ended.append(forward.end)
            if forward.hooks is not None:
                forward.hooks.__exit__(None, None, None)
        self._remove_ended()
        self._records = self._snapshot()

    def _snapshot(self) -> List[SiteRecord]:
        return merge(site.record() for site in list(self._sites.values()) if site.forwards)

    def records(self) -> List[SiteRecord]:
        """Every watched call site, findings first: as of now while the watch runs, as of its
        end afterwards (a backward after the watch ended does not count)."""
        return self._snapshot() if self._records is None else self._records

    def findings(self) -> List[SiteRecord]:
        """The call sites whose graphs no backward used."""
        return [record for record in self.records() if record.finding]
