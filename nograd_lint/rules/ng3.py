"""NG3: grad-mode decorators and context managers used in ways that do not do what they say."""
from __future__ import annotations

import re
from typing import Iterable, Optional

import libcst as cst

from .. import edits, names
from ..config import Settings
from ..diagnostics import Fix, FixSafety
from ..gradmode import (CallFact, ContextUse, Fact, FileAnalysis, FunctionInfo, GradState, Mode, Origin,
                        WithFact, _class_of)
from ..imports import dotted_name
from ..prefilter import Signals
from ..roles import activity_of, forward_callee, not_models
from ..values import local_names
from .base import Finding, Rule
from ..treewalk import children, iter_nodes
from .registry import register

GradContext = names.GradContext
EXPLICIT = (Origin.WITH, Origin.DECORATOR, Origin.STATEMENT)
INSTANCE_KINDS = (GradContext.NO_GRAD, GradContext.INFERENCE_MODE, GradContext.ENABLE_GRAD)
# Decorators that make a generator a context manager or fixture: its yield is meant to run the
# caller's code inside the generator's `with` block.
YIELD_ON_PURPOSE = re.compile(r"(^|\.)(contextmanager|asynccontextmanager|fixture|yield_fixture)$")


# -- shared helpers (also used by NG2 and NG4) ----------------------------------------------------

def explicit_state(analysis: FileAnalysis, fact: Fact) -> Optional[GradState]:
    """The grad state at `fact` when code in sight sets it (see `explicit`); else None."""
    return explicit(analysis, analysis.state_of(fact))


def explicit(analysis: FileAnalysis, state: Optional[GradState]) -> Optional[GradState]:
    """`state` when code in sight set it: a `with`, a decorator (which has no effect on an
    `async def`) or an earlier `set_grad_enabled(...)` statement; else None."""
    if state is None or state.origin not in EXPLICIT:
        return None
    if state.origin is Origin.DECORATOR:
        function = decorated_function(analysis, state.node)
        if function is None or function.is_async:
            return None
    return state


def disables(state: Optional[GradState]) -> bool:
    return state is not None and state.mode.disables_grad


def decorated_function(analysis: FileAnalysis, expression) -> Optional[FunctionInfo]:
    """The function a grad-mode decorator expression belongs to."""
    table = analysis.cache.get("ng3_decorated")
    if table is None:
        table = {id(use.node): f for f in analysis.functions for use in f.decorator_uses}
        analysis.cache["ng3_decorated"] = table
    return table.get(id(expression))


def decorator_node(function: FunctionInfo, use: ContextUse) -> cst.Decorator:
    return next(d for d in function.node.decorators if d.decorator is use.node)


def with_of_item(analysis: FileAnalysis, item) -> Optional[tuple[WithFact, ContextUse]]:
    """The with-statement fact and context use of a `WithItem`."""
    table = analysis.cache.get("ng3_with_items")
    if table is None:
        table = {id(i): (w, u) for w in analysis.withs for i, u in w.uses}
        analysis.cache["ng3_with_items"] = table
    return table.get(id(item))


def code_of(analysis: FileAnalysis, node: cst.CSTNode, limit: int = 60) -> str:
    """Source text of a node on one line, shortened for messages."""
    text = " ".join(analysis.module.code_for_node(node).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def context_text(analysis: FileAnalysis, state: GradState) -> str:
    """How the code that set `state` is written: `torch.no_grad()`, `@torch.no_grad()`, ..."""
    node = state.node
    if isinstance(node, cst.WithItem):
        return code_of(analysis, node.item)
    if state.origin is Origin.DECORATOR:
        return "@" + code_of(analysis, node)
    if isinstance(node, cst.SimpleStatementLine):
        return code_of(analysis, node.body[0])
    return code_of(analysis, node) if node is not None else state.mode.value


def mode_words(mode: Mode) -> str:
    return {Mode.DISABLED: "gradients disabled", Mode.INFERENCE: "inference mode on",
            Mode.ENABLED: "gradients enabled"}.get(mode, "an unknown grad mode")


def kind_of(call: CallFact) -> Optional[GradContext]:
    return names.GRAD_CONTEXTS.get(call.qualified or "")


def literal_false(call: cst.Call) -> bool:
    return bool(call.args) and isinstance(call.args[0].value, cst.Name) and call.args[0].value.value == "False"


def suspends(node: cst.CSTNode) -> bool:
    """True when the code (outside nested functions) contains await, async for/with, or yield."""
    stack = list(node.body.body) if isinstance(node, cst.FunctionDef) else [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.Await, cst.Yield)) or (
                isinstance(current, (cst.For, cst.With)) and current.asynchronous is not None):
            return True
        if not isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            stack.extend(children(current))
    return False


# -- rules ----------------------------------------------------------------------------------------

@register
class RedundantContext(Rule):
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
        return signals.grad_context

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
class UncalledContext(Rule):
    """
    ## What it does
    Finds grad-mode context managers used without calling them: `with torch.no_grad:`,
    `with torch.inference_mode:`, `with torch.enable_grad:`, `with torch.set_grad_enabled:`, and
    `@torch.set_grad_enabled` used as a decorator without its `True`/`False` argument.

    ## Why is this bad
    `with torch.no_grad:` raises `TypeError: 'type' object does not support the context manager
    protocol` when the line runs. `@torch.set_grad_enabled` without an argument raises
    `TypeError: set_grad_enabled(): argument 'enabled' (position 1) must be bool, not function`
    when the module is imported.

    (`@torch.no_grad`, `@torch.inference_mode` and `@torch.enable_grad` without parentheses work
    since torch 2.0 and are not reported.)

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
    The fix adds the call `()` to `no_grad`, `inference_mode` and `enable_grad`: **safe**, the
    statement raised before. `set_grad_enabled` needs a mode that only the author knows, so it has
    no automatic fix.

    ## Known limits
    Only names that resolve to torch through the file's imports are recognised.
    """

    code = "NG302"
    name = "uncalled-grad-context"
    summary = "A grad-mode context manager is used without calling it."
    fix_availability = "sometimes"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.grad_context

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        for fact in analysis.withs:
            for item, use in fact.uses:
                if not use.called:
                    yield self._uncalled_with(analysis, item, use)
                elif use.kind is GradContext.SET_GRAD_ENABLED and not use.args:
                    yield Finding(use.node, f"`{code_of(analysis, use.node)}` raises TypeError: pass the mode, "
                                            "`True` or `False`")
        for function in analysis.functions:
            for use in function.decorator_uses:
                if use.kind is GradContext.SET_GRAD_ENABLED and not use.args:
                    yield Finding(use.node, f"`@{code_of(analysis, use.node)}` without an argument raises TypeError "
                                            "when the function is defined: pass the mode, `True` or `False` "
                                            "(or use `@torch.no_grad()`/`@torch.enable_grad()`)")

    def _uncalled_with(self, analysis, item: cst.WithItem, use: ContextUse) -> Finding:
        spelled = code_of(analysis, use.node)
        if use.kind is GradContext.SET_GRAD_ENABLED:
            return Finding(use.node, f"`with {spelled}:` raises TypeError: call it with the mode, "
                                     f"`with {spelled}(False):` or `with {spelled}(True):`")
        fix = Fix(FixSafety.SAFE, f"call it: `{spelled}()`", edits.replace(use.node, cst.Call(func=use.node)),
                  anchor=item)
        return Finding(use.node, f"`with {spelled}:` raises TypeError (the class is not a context manager); "
                                 f"call it: `with {spelled}():`", fix)


@register
class BareContextCall(Rule):
    """
    ## What it does
    Finds a statement that only creates a grad-mode context manager: `torch.no_grad()`,
    `torch.inference_mode()` or `torch.enable_grad()` on a line of its own.

    ## Why is this bad
    Creating the object does nothing: gradients stay as they were. The author meant the code after
    it to run without (or with) gradients, and it does not. (`torch.set_grad_enabled(False)` is
    different: it does change the mode, see NG304.)

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

    ## Fix safety
    There is no automatic fix: which statements were meant to be covered is not written down.

    ## Known limits
    Only names that resolve to torch through the file's imports are recognised.
    """

    code = "NG303"
    name = "bare-grad-context-call"
    summary = "A grad-mode context manager is created on its own line and has no effect."

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.grad_context

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        for call in analysis.calls:
            if call.is_bare_statement and kind_of(call) in INSTANCE_KINDS:
                spelled = code_of(analysis, call.node)
                yield Finding(call.node, f"`{spelled}` on its own does nothing; use `with {spelled}:` around the "
                                         f"code, or `@{spelled}` on the function")


@register
class LeakingSetGradEnabled(Rule):
    """
    ## What it does
    Finds `torch.set_grad_enabled(False)` called as a statement inside a function without the
    previous mode being restored: neither later in the same block (or an enclosing one) on every
    path, nor in a `finally`.

    A module-level call (including under `if __name__ == "__main__":`) is a deliberate setting for
    an inference script and is not reported.

    ## Why is this bad
    The mode is global to the thread: after the function returns, gradients stay disabled for
    whatever runs next, and a later `loss.backward()` fails far from the cause with
    `element 0 of tensors does not require grad and does not have a grad_fn`.

    ## Example
    ```python
    def embed(model, x):
        torch.set_grad_enabled(False)
        return model(x)
    ```

    ## Use instead
    ```python
    def embed(model, x):
        with torch.set_grad_enabled(False):
            return model(x)
    ```

    ## Fix safety
    The fix turns the statement into `with torch.set_grad_enabled(False):` over the rest of its
    block. It is **unsafe**: code after the function that relied on gradients staying disabled
    (knowingly or not) now runs with them enabled. There is no fix when the call is the last
    statement of its block.

    ## Known limits
    A restore in a caller, or through a helper function, is not seen. A `return` between the call
    and the restore counts as a path that leaks. When another method of the same class (or function
    of the module) turns gradients back on, as in `__enter__`/`__exit__` or `setUp`/`tearDown`,
    the pair is taken to manage the mode and nothing is reported.
    """

    code = "NG304"
    name = "leaking-set-grad-enabled"
    summary = "`torch.set_grad_enabled(False)` leaves gradients disabled after the function returns."
    fix_availability = "unsafe"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.grad_context

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        for call in analysis.calls:
            if (call.function is None or not call.is_bare_statement or not literal_false(call.node)
                    or kind_of(call) is not GradContext.SET_GRAD_ENABLED):
                continue
            leak = _leak(analysis, call)
            if leak is None or _sibling_restores(analysis, call.function):
                continue
            fix = None
            block = edits.find_block(call.function.node, call.statement)
            if block is not None and block.body[-1] is not call.statement:
                fix = Fix(FixSafety.UNSAFE, "use `with` over the rest of the block",
                          edits.wrap_rest_in_with(call.statement), anchor=call.statement)
            spelled = code_of(analysis, call.node)
            yield Finding(call.node, f"`{spelled}` leaves gradients disabled {leak}; use `with {spelled}:` "
                                     "around the code that needs it, or restore the previous mode in a `finally`",
                          fix)


def _leak(analysis: FileAnalysis, call: CallFact) -> Optional[str]:
    """How the mode set by `call` escapes (a phrase for the message), or None when it is restored."""
    function = call.function
    chains, tries = _structure(analysis, function)
    chain = chains.get(id(call.statement), ())
    restores = [fact for fact in analysis.facts_in(analysis.calls, function) if _is_restore(analysis, fact)]
    if any(_restores_in_finally(t, restores) and _in_body_of(analysis, t, call) for t in tries):
        return None
    points = [(fact.index, fact.statement) for fact in restores if fact.index > call.index]
    points += [(analysis.span_of(t).start, t) for t in tries
               if analysis.span_of(t).start > call.index and _restores_in_finally(t, restores)]
    points = [(index, statement) for index, statement in points if chains.get(id(statement), (None,))[-1] in chain]
    if not points:
        return f"after `{function.name}` returns"
    end = min(index for index, _ in points)
    for exit_ in analysis.facts_in(analysis.returns, function):
        if call.index < exit_.index < end:
            exit_chain = chains.get(id(exit_.statement), ())
            covered = any(call.index < index < exit_.index and chains.get(id(s), (None,))[-1] in exit_chain
                          for index, s in points + [(f.index, f.statement) for f in restores])
            if not covered:
                return "when the function " + ("yields" if exit_.is_yield else "returns") + " before the restore"
    return None


def _sibling_restores(analysis: FileAnalysis, function: FunctionInfo) -> bool:
    """Another method of the class (or function of the module) turns gradients back on: a pair
    such as `__enter__`/`__exit__`, `setUp`/`tearDown` or `freeze()`/`unfreeze()` manages the mode."""
    disabling = {id(fact.function) for fact in analysis.calls if fact.is_bare_statement
                 and literal_false(fact.node) and kind_of(fact) is GradContext.SET_GRAD_ENABLED}
    return any(fact.function is not function and fact.function is not None and id(fact.function) not in disabling
               and fact.function.class_name == function.class_name and fact.function.parent is function.parent
               and _is_restore(analysis, fact) for fact in analysis.calls)


def _is_restore(analysis: FileAnalysis, fact: CallFact) -> bool:
    if not fact.is_bare_statement or not fact.node.args or literal_false(fact.node):
        return False
    return (kind_of(fact) is GradContext.SET_GRAD_ENABLED
            or fact.qualified == "torch._C._set_grad_enabled")


def _restores_in_finally(statement: cst.Try, restores: list[CallFact]) -> bool:
    final = statement.finalbody
    if final is None or not isinstance(final.body, cst.IndentedBlock):
        return False
    return any(r.statement is s for s in final.body.body for r in restores)


def _in_body_of(analysis: FileAnalysis, statement: cst.Try, call: CallFact) -> bool:
    span = analysis.span_of(statement)
    final = statement.finalbody.body.body
    final_start = analysis.span_of(final[0]).start if final else span.end + 1
    return span.start < call.index < final_start


def _structure(analysis: FileAnalysis, function: FunctionInfo):
    """For the statements of a function: the chain of blocks around each, and the try-statements."""
    key = ("ng3_blocks", id(function))
    if key in analysis.cache:
        return analysis.cache[key]
    chains: dict[int, tuple[int, ...]] = {}
    tries: list[cst.Try] = []

    def walk(block: cst.BaseSuite, chain: tuple[int, ...]) -> None:
        chain = (*chain, id(block))
        if not isinstance(block, cst.IndentedBlock):
            return
        for statement in block.body:
            chains[id(statement)] = chain
            if isinstance(statement, cst.Try):
                tries.append(statement)
            if not isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                for sub in sub_suites(statement):
                    walk(sub, chain)

    walk(function.node.body, ())
    analysis.cache[key] = (chains, tries)
    return chains, tries


def sub_suites(node: cst.CSTNode) -> Iterable[cst.BaseSuite]:
    """The bodies of a compound statement, including its else/except/finally/elif/case parts."""
    for child in node.children:
        if isinstance(child, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            yield child
        elif isinstance(child, (cst.Else, cst.If, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally,
                                cst.MatchCase)):
            yield from sub_suites(child)


@register
class ReusedContextInstance(Rule):
    """
    ## What it does
    Finds one grad-mode context manager object (`NO_GRAD = torch.no_grad()` at module level, or
    `self._ctx = torch.inference_mode()`) entered with `with` in more than one place, or in a
    function that calls itself.

    ## Why is this bad
    The object remembers the mode to restore in itself. Entered a second time before the first
    exit (a helper using it while its caller is inside it), the inner entry overwrites the saved
    mode: after both blocks exit, gradients stay disabled. For `inference_mode` the inner block
    even runs with inference mode **off**, and inference mode stays **on** afterwards. Sequential
    use is harmless, but whether two uses can nest is not visible where they are written.

    ## Example
    ```python
    NO_GRAD = torch.no_grad()

    def features(model, x):
        with NO_GRAD:
            return model.backbone(x)

    def predict(model, x):
        with NO_GRAD:
            return model.head(features(model, x))
    ```

    ## Use instead
    ```python
    def features(model, x):
        with torch.no_grad():
            return model.backbone(x)
    ```
    (a fresh object for every `with`).

    ## Fix safety
    The fix writes the stored call (`torch.no_grad()`) at each `with`. It is **safe**: a fresh
    object behaves like the shared one in every non-nested use, and correctly in nested ones. There
    is no fix when the stored call has non-literal arguments.

    ## Known limits
    Objects stored on a class body, passed around, or imported from another module are not
    followed. Two uses in one function that cannot nest are not reported.
    """

    code = "NG305"
    name = "reused-grad-context-instance"
    summary = "One grad-mode context manager object is entered in several places."
    fix_availability = "sometimes"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.grad_context

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        for key, (value, uses) in _stored_instances(analysis).items():
            if not uses or (len(uses) == 1 and not _reentrant(analysis, uses[0][0].function)):
                continue
            if len(uses) > 1 and _cannot_nest(analysis, uses):
                continue
            fix = None
            if all(_literal(arg.value) for arg in value.args):
                fix = Fix(FixSafety.SAFE, f"use a fresh `{code_of(analysis, value)}` at each `with`",
                          edits.replace_each([(item.item, value.deep_clone()) for _, item in uses]),
                          anchor=uses[0][1])
            where = "in several places" if len(uses) > 1 else "in a function that calls itself"
            for _, item in uses:
                yield Finding(item.item, f"`{key}` holds one `{code_of(analysis, value)}` object entered {where}: "
                                         "nested entries leave the grad mode changed after they exit; write "
                                         f"`with {code_of(analysis, value)}:` here instead", fix)


def _stored_instances(analysis: FileAnalysis) -> dict[str, tuple[cst.Call, list[tuple[WithFact, cst.WithItem]]]]:
    """`NAME` or `self.attr` -> (the stored call, the with-items that enter it)."""
    stored: dict[str, tuple[cst.Call, Optional[str]]] = {}
    assigned_twice: set[str] = set()
    class_bodies = _class_spans(analysis)
    for assign in analysis.assigns:
        node = assign.node
        if not isinstance(node, cst.Assign) or len(node.targets) != 1:
            continue
        if assign.function is None and any(span.contains(assign.index) for span in class_bodies):
            continue  # a class attribute, entered as `self.name`: not followed
        target = node.targets[0].target
        key = None
        if isinstance(target, cst.Name) and assign.function is None:
            key, owner = target.value, None
        elif (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name)
              and target.value.value == "self" and assign.function is not None):
            key, owner = f"self.{target.attr.value}", _class_of(assign.function)
        if key is None:
            continue
        if key in stored:
            assigned_twice.add(key)
        value = node.value
        if isinstance(value, cst.Call) and _instance_kind(analysis, value) in INSTANCE_KINDS:
            stored[key] = (value, owner)
    result: dict[str, tuple[cst.Call, list]] = {}
    for key, (value, owner) in stored.items():
        if key in assigned_twice:
            continue
        uses = [(fact, item) for fact in analysis.withs for item in fact.node.items
                if _enters(analysis, fact, item.item, key, owner)]
        result[key] = (value, uses)
    return result


def _instance_kind(analysis: FileAnalysis, call: cst.Call) -> Optional[GradContext]:
    return names.GRAD_CONTEXTS.get(analysis.imports.resolve(call.func) or "")


def _class_spans(analysis: FileAnalysis) -> list:
    """Spans of the classes outside functions (their assignments are facts without a function)."""
    spans = []

    def walk(statements) -> None:
        for statement in statements:
            if isinstance(statement, cst.ClassDef):
                spans.append(analysis.span_of(statement))
            elif isinstance(statement, cst.BaseCompoundStatement) and not isinstance(statement, cst.FunctionDef):
                for suite in sub_suites(statement):
                    if isinstance(suite, cst.IndentedBlock):
                        walk(suite.body)

    walk(analysis.module.body)
    return spans


def _enters(analysis: FileAnalysis, fact: WithFact, expression, key: str, owner: Optional[str]) -> bool:
    if dotted_name(expression) != key:
        return False
    if key.startswith("self."):
        return fact.function is not None and _class_of(fact.function) == owner
    return fact.function is None or key not in local_names(analysis, fact.function)


def _reentrant(analysis: FileAnalysis, function: Optional[FunctionInfo]) -> bool:
    if function is None:
        return False
    own = {function.name, f"self.{function.name}", f"cls.{function.name}"}
    return any(call.callee in own for call in analysis.facts_in(analysis.calls, function))


def _cannot_nest(analysis: FileAnalysis, uses) -> bool:
    """All uses in one non-recursive function, none inside another."""
    functions = {id(fact.function) for fact, _ in uses}
    if len(functions) != 1 or _reentrant(analysis, uses[0][0].function) or uses[0][0].function is None:
        return False
    spans = [fact.span for fact, _ in uses]
    return not any(a is not b and a.contains(b.start) for a in spans for b in spans)


def _literal(node: cst.BaseExpression) -> bool:
    return isinstance(node, (cst.Integer, cst.Float)) or (
        isinstance(node, cst.Name) and node.value in ("True", "False", "None"))


@register
class YieldInsideContext(Rule):
    """
    ## What it does
    Finds `yield` inside a grad-mode `with` block (`no_grad`, `inference_mode`, `enable_grad`,
    `set_grad_enabled`) in a generator.

    Generators decorated with `contextlib.contextmanager` or as pytest fixtures are not reported:
    there, running the caller's code inside the block is the point. Neither are generators with a
    grad-mode decorator, which restores the caller's mode at every `yield`.

    ## Why is this bad
    The grad mode is global to the thread, and a suspended generator does not leave its `with`
    block. While the generator waits at `yield`, the consumer's code runs in the generator's mode:
    a training loop that iterates a generator that yields inside `torch.no_grad()` computes its
    forward passes without gradients, and `backward()` fails.

    A grad-mode **decorator** on the generator function does the right thing: it sets the mode
    for each step of the generator and restores the caller's mode at every `yield`.

    ## Example
    ```python
    def predictions(model, loader):
        with torch.no_grad():
            for x, _ in loader:
                yield model(x)
    ```

    ## Use instead
    ```python
    @torch.no_grad()
    def predictions(model, loader):
        for x, _ in loader:
            yield model(x)
    ```

    ## Fix safety
    When the `with` block is the whole body of a (non-async) generator, the fix moves the context to
    a decorator: **safe**, the generator's own code runs in the same mode and the consumer gets its
    own mode back. Otherwise there is no fix.

    ## Known limits
    A `yield` under a mode set by `set_grad_enabled(False)` as a statement is reported by NG304, not
    here.
    """

    code = "NG306"
    name = "yield-inside-grad-context"
    summary = "A generator yields inside a grad-mode `with` block, leaking the mode to its consumer."
    fix_availability = "sometimes"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.grad_context

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        reported: set[int] = set()
        for fact in analysis.returns:
            state = analysis.state_of(fact)
            function = fact.function
            if (not fact.is_yield or state.origin is not Origin.WITH or function is None
                    or function.decorator_uses or _yields_on_purpose(function) or id(state.node) in reported):
                continue
            found = with_of_item(analysis, state.node)
            if found is None:
                continue
            reported.add(id(state.node))
            with_fact, use = found
            yield Finding(fact.node, self._message(analysis, state, use, function),
                          self._fix(analysis, function, with_fact, use))

    def _message(self, analysis, state: GradState, use: ContextUse, function: FunctionInfo) -> str:
        spelled = code_of(analysis, use.node)
        advice = (f"decorate `{function.name}` with `@{spelled}` instead (it restores the caller's mode at each "
                  "yield)" if not function.is_async else "yield outside the block")
        return (f"`yield` inside `with {spelled}:` runs the consumer with {mode_words(state.mode)} while the "
                f"generator is suspended; {advice}")

    def _fix(self, analysis, function: FunctionInfo, with_fact: WithFact, use: ContextUse) -> Optional[Fix]:
        statement = with_fact.node
        body = function.node.body
        if (function.is_async or not isinstance(body, cst.IndentedBlock) or len(statement.items) != 1
                or statement.items[0].asname is not None or use.kind not in INSTANCE_KINDS):
            return None
        rest = [s for s in body.body if s is not statement]
        if len(rest) > 1 or (rest and (rest[0] is not body.body[0] or not edits.is_docstring(rest[0]))):
            return None
        return Fix(FixSafety.SAFE, f"decorate `{function.name}` with `@{code_of(analysis, use.node)}`",
                   edits.with_to_decorator(function.node, statement, use.node), anchor=function.node)


def _yields_on_purpose(function: FunctionInfo) -> bool:
    for decorator in function.node.decorators:
        expression = decorator.decorator
        if isinstance(expression, cst.Call):
            expression = expression.func
        if YIELD_ON_PURPOSE.search(dotted_name(expression) or ""):
            return True
    return False


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
    ...)`, `self.work`) or as a lambda whose body calls a model are followed; workers from other
    modules are not. Processes are not reported.
    """

    code = "NG307"
    name = "thread-inside-grad-context"
    summary = "A thread started inside a grad-disabling block runs its model with gradients enabled."

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.forward  # the worker runs a forward pass

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
        evaled = activity_of(analysis, call.function).evaled_models
        for fact in analysis.facts_in(analysis.calls, call.function):
            if id(fact.node) in inside and forward_callee(fact, evaled, not_models(analysis, call.function)):
                return code_of(analysis, fact.node, 40)
            if id(fact.node) in inside and _local_function(analysis, call, fact.callee):
                found = _runs_forward(analysis, _local_function(analysis, call, fact.callee))
                if found:
                    return found
        return None
    function = _local_function(analysis, call, dotted_name(worker))
    return _runs_forward(analysis, function) if function is not None else None


def _runs_forward(analysis: FileAnalysis, function: FunctionInfo) -> Optional[str]:
    activity = activity_of(analysis, function)
    if activity.training or activity.wants_grad or function.decorator_uses:
        return None
    for fact, _ in activity.forwards:
        # Only the worker's own contexts count: what its callers (or the module) set is not in force
        # in a new thread.
        if analysis.state_of(fact).origin not in (*EXPLICIT, Origin.HOOK):
            return code_of(analysis, fact.node, 40)
    return None


def _local_function(analysis: FileAnalysis, call: CallFact, dotted: Optional[str]) -> Optional[FunctionInfo]:
    """The function `dotted` names where `call` is: a nested or module-level def, or `self.method`."""
    if not dotted:
        return None
    head, _, attr = dotted.rpartition(".")
    for function in analysis.functions:
        if head in ("self", "cls") and function.name == attr and call.function is not None:
            if function.class_name == _class_of(call.function):
                return function
        elif not head and function.name == dotted and function.class_name is None:
            if function.parent is None or function.parent is call.function:
                return function
    return None


@register
class DecoratorOnAsync(Rule):
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
        return signals.grad_context

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


def calls_only_parameters(analysis: FileAnalysis, fact: WithFact) -> bool:
    """The with-block only calls functions passed in as parameters (the optimizer closure idiom)."""
    function = fact.function
    if function is None:
        return False
    params = function.node.params
    passed = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    calls = [c for c in analysis.facts_in(analysis.calls, function, fact.span) if c.index > fact.index]
    return bool(calls) and all(c.callee in passed for c in calls)


def node_ids(node: cst.CSTNode) -> set[int]:
    return {id(n) for n in iter_nodes(node)}
