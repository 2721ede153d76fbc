"""NG307-NG308: grad modes that do not reach the code they were meant for (a thread started in a
disabling block, a grad-mode decorator on an `async def`)."""
from __future__ import annotations

import dataclasses
from typing import Iterable, Optional

import libcst as cst

from ..fixes import edits
from ..io.config import Settings
from ..analysis.contexts import EXPLICIT, decorator_node, disables, explicit_state
from ..diagnostics import Fix, FixSafety
from ..analysis.gradmode import ENABLED_BY_DEFAULT, CallFact, FileAnalysis, FunctionInfo, Mode, Origin, callees
from ..analysis.imports import dotted_name
from ..analysis.prefilter import Signals
from ..analysis import knowledge
from ..analysis.interpret import interpret
from ..analysis.summaries import model_of
from ..analysis.syntax import node_ids, suspends
from .base import Finding, Rule
from .common import ContextRule, code_of, context_text
from .registry import register

THREAD_CLASSES = frozenset({"threading.Thread"})
EXECUTORS = frozenset({"concurrent.futures.ThreadPoolExecutor", "concurrent.futures.thread.ThreadPoolExecutor",
                       "multiprocessing.pool.ThreadPool", "multiprocessing.dummy.Pool"})
SUBMIT_METHODS = frozenset({"submit", "map", "imap", "imap_unordered", "apply_async", "starmap", "apply"})


@register
class ThreadInsideContext(Rule):
    """
    ## What it does
    Finds a thread (`threading.Thread(target=...)`), a thread-pool task (`executor.submit`,
    `executor.map`, `ThreadPool.map`), `asyncio.to_thread(...)` or `loop.run_in_executor(...)`
    started inside a grad-disabling block or function, when the function it runs is defined in the
    same module and runs a forward pass with gradients on.

    ## Why is this bad
    The grad mode is thread-local. A new thread (and a pool's worker thread) starts with gradients
    **enabled**, whatever the mode of the code that started it: the worker records a graph for
    every forward pass, using the memory and time the `no_grad` block was meant to save.

    ## Example
    ```python
    def run(model, x):
        return model(x)

    with torch.no_grad():
        with ThreadPoolExecutor() as pool:
            outputs = list(pool.map(lambda x: run(model, x), batches))
    ```

    ## Use instead
    ```python
    @torch.no_grad()
    def run(model, x):
        return model(x)
    ```
    or `with torch.no_grad():` inside the worker function.

    ## Fix safety
    There is no automatic fix: the worker function may be used elsewhere with gradients on purpose.

    ## Known limits
    Only workers passed by name (`target=work`, `pool.submit(work, ...)`, `functools.partial(work,
    ...)`, `self.work`, a function nested in the method, whose `self` is the method's) or as a
    lambda whose body calls a model are followed; a helper the worker calls that runs a forward
    pass counts unless the helper is decorated with its own grad mode. Workers from other modules
    are not followed. Processes are not reported.
    """

    code = "NG307"
    name = "thread-inside-grad-context"
    summary = "A thread started inside a grad-disabling block runs its model with gradients enabled."

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.forward and signals.thread_in_context  # a worker's forward pass, started where grad is off

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        executors = _executor_names(analysis)
        for call in analysis.calls:
            state = explicit_state(analysis, call)
            if not disables(state):
                continue
            worker = _worker_argument(analysis, call, executors)
            if worker is None:
                continue
            runs = _worker_forward(analysis, call, worker)
            if runs is None:
                continue
            yield Finding(call.node, f"`{code_of(analysis, call.node, 40)}` starts a thread inside "
                                     f"`{context_text(analysis, state)}`, but grad mode is per thread: `{runs}` runs "
                                     "with gradients enabled there; disable them in the worker (`@torch.no_grad()` "
                                     "on it, or `with torch.no_grad():` inside it)")


def _executor_names(analysis: FileAnalysis) -> set[str]:
    found = set()
    for assign in analysis.assigns:
        value = assign.value
        if isinstance(value, cst.Call) and analysis.imports.resolve(value.func) in EXECUTORS:
            found |= set(assign.targets)
            if isinstance(assign.node, cst.Assign):
                found |= {dotted_name(t.target) for t in assign.node.targets if dotted_name(t.target)}
    return found


def _worker_argument(analysis: FileAnalysis, call: CallFact, executors: set[str]) -> Optional[cst.BaseExpression]:
    node = call.node
    if call.qualified in THREAD_CLASSES:
        for index, arg in enumerate(node.args):
            if (arg.keyword is not None and arg.keyword.value == "target") or (arg.keyword is None and index == 1):
                return arg.value
        return None
    positional = [arg.value for arg in node.args if arg.keyword is None]
    if call.qualified == "asyncio.to_thread":
        return positional[0] if positional else None
    if call.method == "run_in_executor":
        return positional[1] if len(positional) > 1 else None
    receiver = call.receiver
    if call.method in SUBMIT_METHODS and receiver is not None and positional:
        if dotted_name(receiver) in executors or (
                isinstance(receiver, cst.Call) and analysis.imports.resolve(receiver.func) in EXECUTORS):
            return positional[0]
    return None


def _worker_forward(analysis: FileAnalysis, call: CallFact, worker: cst.BaseExpression) -> Optional[str]:
    """A forward pass the worker runs with gradients on by default, as text; None if none is seen."""
    if isinstance(worker, cst.Call) and analysis.imports.resolve(worker.func) == "functools.partial" and worker.args:
        worker = worker.args[0].value
    if isinstance(worker, cst.Lambda):
        inside = node_ids(worker.body)
        models = model_of(analysis).duck_modules(call.function)
        for fact in analysis.facts_in(analysis.calls, call.function):
            if id(fact.node) not in inside or fact.callee is None:
                continue
            if fact.qualified is None and (fact.callee in models or knowledge.looks_like_model(fact.callee)):
                return code_of(analysis, fact.node, 40)
            function = _local_function(analysis, call, fact.callee)
            found = _runs_forward(analysis, function) if function is not None else None
            if found:
                return found
        return None
    function = _local_function(analysis, call, dotted_name(worker))
    return _runs_forward(analysis, function) if function is not None else None


def _runs_forward(analysis: FileAnalysis, function: FunctionInfo) -> Optional[str]:
    if function.decorator_uses:
        return None
    result = _in_a_new_thread(analysis, function)
    if result.training or result.wants_grad:
        return None
    for token in sorted(result.forwards, key=lambda t: t.call.index):
        # Only the worker's own contexts count: what its callers (or the module) set is not in force
        # in a new thread. A helper it calls that runs a forward pass (`self._decode_loop(q)`) runs
        # it in the thread too, with gradients on unless the helper disables them itself.
        if (not token.module.is_loss and (token.callee is None or not token.callee.decorator_uses)
                and analysis.state_of(token.call).origin not in (*EXPLICIT, Origin.HOOK)):
            return code_of(analysis, token.call.node, 40)
    return None


def _in_a_new_thread(analysis: FileAnalysis, function: FunctionInfo):
    """The function interpreted as a new thread starts it: with gradients on, whatever its callers
    here set (grad mode is per thread)."""
    model = model_of(analysis)
    if function.entry.origin is not Origin.CALLERS:
        return model.summary_of(function).result
    saved, function.entry = function.entry, ENABLED_BY_DEFAULT
    try:
        return interpret(model, function)
    finally:
        function.entry = saved


def _local_function(analysis: FileAnalysis, call: CallFact, dotted: Optional[str]) -> Optional[FunctionInfo]:
    """The function `dotted` names where `call` is: a module-level def or one nested in the caller,
    or a method through `self`/`cls` (see `callees`)."""
    if not dotted:
        return None
    found = callees(analysis, dataclasses.replace(call, callee=dotted))  # as if `call` called `dotted`
    return next((f for f in found if "." in dotted or f.parent is None or f.parent is call.function), None)


@register
class DecoratorOnAsync(ContextRule):
    """
    ## What it does
    Finds `@torch.no_grad()`, `@torch.inference_mode()`, `@torch.enable_grad()` and
    `@torch.set_grad_enabled(...)` on an `async def`.

    ## Why is this bad
    The decorator wraps the call that creates the coroutine, not the coroutine's execution: the
    body runs later, when it is awaited, in whatever mode is in force then. Gradients stay on
    inside, silently (no error, no warning).

    ## Example
    ```python
    @torch.no_grad()
    async def predict(model, x):
        return model(x)
    ```

    ## Use instead
    ```python
    async def predict(model, x):
        with torch.no_grad():
            return model(x)
    ```
    Keep `await` outside the `with` block: while a coroutine waits, other tasks run in its mode.

    ## Fix safety
    When the body has no `await`, `async for` or `async with`, the fix replaces the decorator by a
    `with` block around the body: **safe**, the body cannot be suspended inside the block. Otherwise
    there is no fix, since the block must not span an `await`.

    ## Known limits
    Decorators from other libraries that wrap coroutines correctly are not affected; only torch's
    grad-mode decorators are reported.
    """

    code = "NG308"
    name = "grad-decorator-on-async"
    summary = "A grad-mode decorator on an `async def` has no effect on its body."
    fix_availability = "sometimes"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.async_decorated

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        for function in analysis.functions:
            if not function.is_async:
                continue
            for use in function.decorator_uses:
                context = use.node if use.called else cst.Call(func=use.node)
                spelled = code_of(analysis, context)
                fix = None
                if not suspends(function.node) and not function.is_generator and use.mode is not Mode.UNKNOWN:
                    fix = Fix(FixSafety.SAFE, f"use `with {spelled}:` inside `{function.name}`",
                              edits.decorator_to_with(function.node, decorator_node(function, use), context),
                              anchor=function.node)
                yield Finding(use.node, f"`@{code_of(analysis, use.node)}` has no effect on the body of async "
                                        f"`{function.name}`; use `with {spelled}:` inside it (not spanning an "
                                        "`await`)", fix)
