"""NG301-NG303: grad-mode contexts that do nothing (redundant, never called, created on their own)."""
from __future__ import annotations

from typing import Iterable, Optional

import libcst as cst

from ..fixes import edits
from ..io.config import Settings
from ..analysis.contexts import disables, explicit_state, kind_of
from ..diagnostics import Fix, FixSafety
from ..analysis.gradmode import ContextUse, FileAnalysis, GradState, Mode, Origin, WithFact
from ..analysis.knowledge import GradContext
from ..analysis.project import torch_floor
from ..analysis.syntax import suspends
from .base import Finding
from ..analysis.prefilter import Signals
from .common import INSTANCE_KINDS, ContextRule, code_of, context_text, mode_words
from .registry import register


@register
class RedundantContext(ContextRule):
    """
    ## What it does
    Finds a grad-disabling context (`with torch.no_grad():`, `with torch.inference_mode():`,
    `with torch.set_grad_enabled(False):`) inside code that already runs with gradients disabled:
    a function decorated with `@torch.no_grad()`/`@torch.inference_mode()`, or an enclosing `with`
    block.

    `no_grad` inside `inference_mode` is redundant; `inference_mode` inside `no_grad` is **not**
    (it also turns inference mode on) and is not reported. `enable_grad` inside a disabled region
    is a different matter (see NG401).

    ## Why is this bad
    The inner context does nothing: gradients are already off. It makes the reader wonder whether
    the outer context is missing somewhere, and it costs an indentation level.

    ## Example
    ```python
    @torch.no_grad()
    def predict(model, x):
        with torch.no_grad():
            return model(x).argmax(1)
    ```

    ## Use instead
    ```python
    @torch.no_grad()
    def predict(model, x):
        return model(x).argmax(1)
    ```

    ## Fix safety
    The fix removes the inner context and dedents its body (or removes only that item from a
    `with` that has several). It is **safe**: the mode inside is the same. There is no fix when the
    inner block suspends (`yield`, `await`) or changes the mode itself, where the inner context
    decides what happens on exit.

    ## Known limits
    Only contexts in sight are considered: an outer `no_grad` in a caller, a framework hook or a
    decorator on an `async def` (which has no effect) do not count.
    """

    code = "NG301"
    name = "redundant-grad-context"
    summary = "A grad-disabling context inside code that already disables gradients."
    fix_availability = "safe"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.nested_context

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        for fact in analysis.withs:
            outer = explicit_state(analysis, fact)
            for item, use in fact.uses:
                if use.called and disables(outer) and _redundant(outer.mode, use):
                    yield self._finding(analysis, fact, item, use, outer)
                if use.called and use.mode is not Mode.UNKNOWN:
                    outer = GradState(use.mode, Origin.WITH, item)
                elif use.called:
                    outer = None

    def _finding(self, analysis, fact: WithFact, item: cst.WithItem, use: ContextUse, outer: GradState) -> Finding:
        fix = None
        if item.asname is None and not suspends(fact.node) and not _sets_mode(analysis, fact):
            fix = Fix(FixSafety.SAFE, f"remove the redundant `{code_of(analysis, item.item)}`",
                      edits.unwrap_with(fact.node, item), anchor=fact.node)
        message = (f"`{code_of(analysis, item.item)}` is redundant: {mode_words(outer.mode)} already by "
                   f"`{context_text(analysis, outer)}`; remove it")
        return Finding(item.item, message, fix)


def _redundant(outer: Mode, use: ContextUse) -> bool:
    if use.mode is Mode.DISABLED:
        return outer in (Mode.DISABLED, Mode.INFERENCE)
    return use.mode is Mode.INFERENCE and outer is Mode.INFERENCE


def _sets_mode(analysis: FileAnalysis, fact: WithFact) -> bool:
    """A bare `set_grad_enabled(...)` inside the with-block: its exit restores what that set."""
    return any(call.is_bare_statement and kind_of(call) is GradContext.SET_GRAD_ENABLED
               for call in analysis.facts_in(analysis.calls, fact.function, fact.span))


@register
class UncalledContext(ContextRule):
    """
    ## What it does
    Finds grad-mode context managers used without calling them: `with torch.no_grad:`,
    `with torch.inference_mode:`, `with torch.enable_grad:`, `with torch.set_grad_enabled:`, and
    `@torch.set_grad_enabled` used as a decorator without its `True`/`False` argument.

    In a project that supports torch older than 2.1, it also finds `@torch.no_grad`,
    `@torch.enable_grad` and `@torch.inference_mode` without parentheses, and a function passed
    to the constructor (`torch.no_grad(fn)`). The oldest supported torch is the `torch-version`
    setting, or else what the project requires in `pyproject.toml`, `setup.cfg`, `setup.py`,
    `requirements*.txt` or `requirements/*.txt` (`torch>=1.9`). A plain `torch` admits every release in a package (a
    `setup.py`, a `setup.cfg`, or a `pyproject.toml` with project metadata: pip keeps the torch its
    users have), and so does a ComfyUI custom node package (its `__init__.py` exports
    `NODE_CLASS_MAPPINGS`) that sets no bound: it runs on the torch its host has installed; in an
    application, which installs the newest torch, it says nothing.

    ## Why is this bad
    `with torch.no_grad:` raises `TypeError: 'type' object does not support the context manager
    protocol` when the line runs. `@torch.set_grad_enabled` without an argument raises
    `TypeError: set_grad_enabled(): argument 'enabled' (position 1) must be bool, not function`
    when the module is imported.

    Decorating without parentheses, and `torch.no_grad(fn)`, work only since torch 2.1. On older
    torch, `@torch.no_grad` and `@torch.enable_grad` raise `TypeError` when the module is imported,
    and `@torch.inference_mode` replaces the function with a context-manager object that never
    runs it. Users of the versions the project says it supports get those errors.

    ## Example
    ```python
    with torch.no_grad:
        preds = model(x)
    ```

    ## Use instead
    ```python
    with torch.no_grad():
        preds = model(x)
    ```

    ## Fix safety
    The fix adds the call `()` to `no_grad`, `inference_mode` and `enable_grad`
    (`@torch.no_grad()`, `torch.no_grad()(fn)`): **safe**, the code raised before, and on
    torch >= 2.1 both spellings mean the same. `set_grad_enabled` needs a mode that only the
    author knows, so it has no automatic fix.

    ## Known limits
    Only names that resolve to torch through the file's imports are recognised. The project's
    requirement is read at its root (the folder with `pyproject.toml`, `setup.py`, `setup.cfg` or
    `.git`); a requirement set elsewhere (a conda environment file, a lock file) is not read.
    """

    code = "NG302"
    name = "uncalled-grad-context"
    summary = "A grad-mode context manager is used without calling it."
    fix_availability = "sometimes"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.uncalled_context

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        for fact in analysis.withs:
            for item, use in fact.uses:
                if not use.called:
                    yield self._uncalled_with(analysis, item, use)
                elif use.kind is GradContext.SET_GRAD_ENABLED and not use.args:
                    yield Finding(use.node, f"`{code_of(analysis, use.node)}` raises TypeError: pass the mode, "
                                            "`True` or `False`")
        oldest = OldestTorch(analysis, settings)
        for function in analysis.functions:
            for use in function.decorator_uses:
                if use.kind is GradContext.SET_GRAD_ENABLED and not use.args:
                    yield Finding(use.node, f"`@{code_of(analysis, use.node)}` without an argument raises TypeError "
                                            "when the function is defined: pass the mode, `True` or `False` "
                                            "(or use `@torch.no_grad()`/`@torch.enable_grad()`)")
                elif not use.called and use.kind in INSTANCE_KINDS and oldest.before_2_1():
                    yield self._bare_decorator(analysis, use, oldest)
        for call in analysis.calls:
            if kind_of(call) in _NO_ARGUMENT_KINDS and call.node.args and oldest.before_2_1():
                yield self._given_function(analysis, call, oldest)

    def _uncalled_with(self, analysis, item: cst.WithItem, use: ContextUse) -> Finding:
        spelled = code_of(analysis, use.node)
        if use.kind is GradContext.SET_GRAD_ENABLED:
            return Finding(use.node, f"`with {spelled}:` raises TypeError: call it with the mode, "
                                     f"`with {spelled}(False):` or `with {spelled}(True):`")
        fix = Fix(FixSafety.SAFE, f"call it: `{spelled}()`", edits.replace(use.node, cst.Call(func=use.node)),
                  anchor=item)
        return Finding(use.node, f"`with {spelled}:` raises TypeError (the class is not a context manager); "
                                 f"call it: `with {spelled}():`", fix)


    def _bare_decorator(self, analysis, use: ContextUse, oldest: "OldestTorch") -> Finding:
        spelled = code_of(analysis, use.node)
        effect = ("replaces the function with a context manager that never runs it"
                  if use.kind is GradContext.INFERENCE_MODE else "raises TypeError when the module is imported")
        fix = Fix(FixSafety.SAFE, f"call it: `@{spelled}()`", edits.replace(use.node, cst.Call(func=use.node)),
                  anchor=use.node)
        return Finding(use.node, f"`@{spelled}` without parentheses works only since torch 2.1; on older torch it "
                                 f"{effect}, and {oldest.why()}: write `@{spelled}()`", fix)

    def _given_function(self, analysis, call, oldest: "OldestTorch") -> Finding:
        spelled = code_of(analysis, call.node.func)
        wrapped = cst.Call(func=cst.Call(func=call.node.func), args=call.node.args)
        fix = Fix(FixSafety.SAFE, f"make the context first: `{spelled}()(...)`", edits.replace(call.node, wrapped),
                  anchor=call.node)
        return Finding(call.node, f"`{spelled}(...)` takes no argument before torch 2.1 and raises TypeError there, "
                                  f"and {oldest.why()}: write `{spelled}()(...)`", fix)


_NO_ARGUMENT_KINDS = (GradContext.NO_GRAD, GradContext.ENABLE_GRAD)  # `inference_mode(mode)` takes a flag


class OldestTorch:
    """The oldest torch a file must run on: the `torch-version` setting, else what its project
    requires (read once per check, and only when a finding depends on it)."""

    def __init__(self, analysis: FileAnalysis, settings: Settings) -> None:
        self._analysis, self._settings = analysis, settings
        self._known: Optional[tuple[Optional[tuple[int, int]], str]] = None

    def _find(self) -> tuple[Optional[tuple[int, int]], str]:
        if self._known is None:
            if self._settings.torch_version is not None:
                version = self._settings.torch_version
                self._known = (version, f"the configured torch-version is {version[0]}.{version[1]}")
            else:
                floor = torch_floor(self._analysis.path)
                self._known = ((floor.version, floor.supports())
                               if floor is not None else (None, ""))
        return self._known

    def before(self, version: tuple[int, int]) -> bool:
        """Must the file run on a torch older than `version`? False when nothing says."""
        oldest = self._find()[0]
        return oldest is not None and oldest < version

    def before_2_1(self) -> bool:
        return self.before((2, 1))

    def why(self) -> str:
        return self._find()[1]


@register
class BareContextCall(ContextRule):
    """
    ## What it does
    Finds a statement that only creates a grad-mode context manager: `torch.no_grad()`,
    `torch.inference_mode()` or `torch.enable_grad()` on a line of its own. Also a statement that
    only wraps a function in one and throws the wrapper away: `torch.enable_grad()(closure)`,
    `torch.no_grad(fn)`. And a grad-mode context joined to another by `and` or `or` in a `with`
    statement: `with torch.no_grad() and set_exploration_type(mode):`.

    ## Why is this bad
    Creating the object does nothing: gradients stay as they were. The author meant the code after
    it to run without (or with) gradients, and it does not. (`torch.set_grad_enabled(False)` is
    different: it does change the mode, see NG304.)

    A wrapped function is not called: `torch.enable_grad()(closure)` in an optimizer's `step`
    looks like it runs the closure with gradients on, and the closure never runs.

    `with a and b:` enters only `b`: `and` gives its last operand when the others are true, and a
    context object is. `with a or b:` enters only `a` and never makes `b`. The block runs with
    gradients on (checked on real torch in the test suite).

    ## Example
    ```python
    def predict(model, x):
        torch.no_grad()
        return model(x)
    ```

    ## Use instead
    ```python
    @torch.no_grad()
    def predict(model, x):
        return model(x)
    ```
    or `with torch.no_grad():` around the statements that should run without gradients.

    For a wrapper, call it (`torch.enable_grad()(closure)()`) or keep it
    (`closure = torch.enable_grad()(closure)`) and call it later.

    For contexts joined by `and`, enter each: `with torch.no_grad(), set_exploration_type(mode):`.

    ## Fix safety
    Contexts joined by `and` are fixed by entering each, in the order written (the `as` target
    stays on the last): **unsafe**, since the block then runs without gradients, which the
    author meant but the code did not do. There is no automatic fix for the rest: which
    statements were meant to be covered, whether a wrapper was meant to be called now or kept, or
    which of the contexts joined by `or` was meant, is not written down.

    ## Known limits
    Only names that resolve to torch through the file's imports are recognised.
    """

    code = "NG303"
    name = "bare-grad-context-call"
    summary = "A grad-mode context manager is created and never entered, so it has no effect."
    fix_availability = "unsafe"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.bare_context_call

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        for call in analysis.calls:
            if not call.is_bare_statement:
                continue
            wrapped = _wrapped_function(analysis, call)
            if wrapped is not None:
                spelled, function = code_of(analysis, call.node), code_of(analysis, wrapped)
                yield Finding(call.node, f"`{spelled}` only makes a wrapped function and throws it away: `{function}` "
                                         f"does not run; call it (`{spelled}()`) or keep it "
                                         f"(`{function} = {spelled}`)")
            elif kind_of(call) in INSTANCE_KINDS:
                spelled = code_of(analysis, call.node)
                yield Finding(call.node, f"`{spelled}` on its own does nothing; use `with {spelled}:` around the "
                                         f"code, or `@{spelled}` on the function")
        for fact in analysis.withs:
            for item in fact.node.items:
                if isinstance(item.item, cst.BooleanOperation):
                    yield from self._in_boolean_operation(analysis, fact.node, item)

    def _in_boolean_operation(self, analysis: FileAnalysis, statement: cst.With,
                              item: cst.WithItem) -> Iterable[Finding]:
        """`with torch.no_grad() and ctx:` enters only `ctx` (`and` gives its last operand; a
        context object is true); `with ctx or torch.no_grad():` enters only `ctx`, and never
        even makes the other."""
        operator = "and" if isinstance(item.item.operator, cst.And) else "or"
        operands = _operands(item.item, type(item.item.operator))
        entered = operands[-1] if operator == "and" else operands[0]
        lost = [operand for operand in operands if operand is not entered and isinstance(operand, cst.Call)
                and analysis.context_kind(operand.func) in _MODE_KINDS]
        if not lost:
            return
        whole, kept = code_of(analysis, item.item), code_of(analysis, entered)
        fix = None
        if operator == "and":
            items = [cst.WithItem(operand) for operand in operands[:-1]] + [item.with_changes(item=operands[-1])]
            at = statement.items.index(item)
            new = statement.with_changes(items=[*statement.items[:at], *items, *statement.items[at + 1:]])
            listed = ", ".join(code_of(analysis, operand) for operand in operands)
            fix = Fix(FixSafety.UNSAFE, f"enter each: `with {listed}:`", edits.replace(statement, new), anchor=item)
        for operand in lost:
            spelled = code_of(analysis, operand)
            how = ("gives its last operand" if operator == "and"
                   else "stops at its first operand, and the others are never made")
            yield Finding(operand, f"`with {whole}:` enters only `{kept}` (`{operator}` {how}): `{spelled}` has no "
                                   f"effect; enter each with a comma, `with {spelled}, {kept}:`", fix)


_MODE_KINDS = frozenset((*INSTANCE_KINDS, GradContext.SET_GRAD_ENABLED))


def _operands(operation: cst.BooleanOperation, operator: type) -> list[cst.BaseExpression]:
    """The operands of a chain of one boolean operator (`a and b and c`), in order."""
    found = []
    for side in (operation.left, operation.right):
        same = isinstance(side, cst.BooleanOperation) and isinstance(side.operator, operator) and not side.lpar
        found.extend(_operands(side, operator) if same else [side])
    return found


def _wrapped_function(analysis: FileAnalysis, call) -> Optional[cst.BaseExpression]:
    """The function `torch.enable_grad()(fn)` or `torch.no_grad(fn)` wraps, if `call` is one."""
    func = call.node.func
    if len(call.node.args) != 1 or call.node.args[0].keyword is not None:
        return None
    if func.__class__ is cst.Call and not func.args and analysis.context_kind(func.func) in INSTANCE_KINDS:
        return call.node.args[0].value
    return call.node.args[0].value if kind_of(call) in _NO_ARGUMENT_KINDS else None
