"""NG205: an optimizer's `step` calls its closure with gradients disabled."""
from __future__ import annotations

from typing import Iterable, Optional

import libcst as cst

from ..analysis.contexts import explicit, with_of_item
from ..analysis.gradmode import (CallFact, ContextUse, FileAnalysis, FunctionInfo, GradState, Mode, Origin, call_sites,
                                 class_of)
from ..analysis.knowledge import GradContext
from ..analysis.interpret import _parameter_names
from ..analysis.summaries import model_of
from ..analysis.treewalk import names_in
from ..diagnostics import Confidence, Fix, FixSafety
from ..fixes import edits
from ..io.config import Settings
from ..analysis.prefilter import Signals
from .base import Finding
from .common import ContextRule, code_of, context_text
from .registry import register

CLOSURE = "closure"  # the parameter of `Optimizer.step(closure=None)`


@register
class ClosureWithGradientsDisabled(ContextRule):
    """
    ## What it does
    Finds an optimizer's `step(self, closure=None)` that calls `closure()` with gradients
    disabled: `step` is decorated with `@torch.no_grad()` (or `@torch.inference_mode()`), or the
    call runs inside a disabling `with` block or after `torch.set_grad_enabled(False)`, and no
    `with torch.enable_grad():` surrounds the call. A helper method that receives the closure
    (as a parameter named `closure`) and is only called with gradients disabled (from such a
    `step`, or through other such helpers) is read the same way; it is reported once, at the call
    in `step` that runs it with gradients disabled, and the closure calls it reaches are the
    finding's related locations (a line search that calls the closure twenty times is one mistake).

    `with torch.enable_grad(): loss = closure()` and `closure = torch.enable_grad()(closure)`
    (torch.optim's own idioms) are correct and not reported, except in a `step` that runs in
    inference mode: `enable_grad` turns gradients on but does not leave inference mode, so there
    the closure needs `torch.inference_mode(False)`.

    Confidence is high in a subclass of `torch.optim.Optimizer` (through any import spelling or a
    base class of the module), medium in another class whose `step` takes a `closure` (an
    optimizer wrapper, or a base class we cannot resolve), and low elsewhere.

    ## Why is this bad
    The closure protocol of `optimizer.step(closure)` is that the closure re-evaluates the model
    and runs the backward pass: LBFGS needs one, Lightning's automatic optimization passes its
    training step, `zero_grad` and `backward` as one, and SAM-style training loops pass one.
    torch.optim's optimizers decorate `step` with no_grad for the parameter update and call the
    closure under `torch.enable_grad()`. Called directly inside the no_grad `step`, the closure's
    forward pass records nothing and its `backward()` raises
    `RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn`.

    ## Example
    ```python
    class SignSGD(torch.optim.Optimizer):
        @torch.no_grad()
        def step(self, closure=None):
            loss = None
            if closure is not None:
                loss = closure()
            ...
    ```

    ## Use instead
    ```python
            if closure is not None:
                with torch.enable_grad():
                    loss = closure()
    ```

    ## Fix safety
    The fix puts the statement that calls the closure (`closure()`, `loss = closure()` or
    `return closure()`) inside `with torch.enable_grad():`; in a `step` that runs in inference
    mode it uses `torch.inference_mode(False)` instead, also in place of an `enable_grad` there.
    It is **safe**: it is what every torch.optim optimizer does, so a closure written for
    `optimizer.step(closure)` runs exactly as it does with torch's own optimizers. The grad mode
    changes no value a forward pass computes; what changes is that the closure's graph is
    recorded, so a closure that called `backward()` now works instead of raising, and the loss it
    returns carries its graph, as the loss returned by torch's optimizers does. Only that one
    statement runs with gradients enabled; the parameter updates around it stay under no_grad.
    There is no fix when the call is part of a larger statement.

    Reported through helpers, the fix wraps every closure call the disabled call reaches (none
    when one of them is part of a larger statement). It is safe under a decorated `step`, as
    above, and **unsafe** when `step` switches gradients off around the call with a `with` block
    or `torch.set_grad_enabled(False)`: that is often on purpose (a line search that only needs
    the closure's value), and with the fix every evaluation there records a graph and, if the
    closure calls `backward()`, overwrites the gradients. Making the switch optional, or passing
    the line search a closure that does not call `backward()`, may fit such code better.

    ## Known limits
    Only a parameter named `closure` is followed, and names it is given as it is (`get_grad =
    closure`, called `get_grad()`). A closure rebound in `step` (wrapped in `functools.partial`,
    or anything else) is not reported. A closure meant to run without
    gradients would now record a graph (it runs with gradients under torch's own optimizers too).
    """

    code = "NG205"
    name = "closure-with-gradients-disabled"
    summary = "An optimizer `step` calls its closure with gradients disabled."
    fix_availability = "sometimes"


    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.closure_call

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        through_helpers: list[CallFact] = []
        for call in analysis.calls:
            function = call.function
            if (function is None or call.in_lambda or not isinstance(call.node.func, cst.Name)
                    or CLOSURE not in _parameter_names(function)
                    or call.node.func.value not in _closure_names(analysis, function)):
                continue
            state = _disabling_state(analysis, call)
            if state is not None and state.origin is Origin.CALLERS:
                through_helpers.append(call)
            elif state is not None:
                yield Finding(call.node, _message(analysis, call, state), _wrap_fix(analysis, call, state),
                              _confidence(analysis, function))
            else:
                use = _enable_grad_in_inference_mode(analysis, call)
                if use is not None:
                    yield Finding(call.node, _inference_message(analysis, function, use),
                                  _replace_fix(analysis, use), _confidence(analysis, function))
        yield from _helper_findings(analysis, through_helpers)


def _disabling_state(analysis: FileAnalysis, call: CallFact) -> Optional[GradState]:
    """The grad state that disables gradients at the call, when code in sight sets it (a with, a
    decorator, a statement) or every in-module caller of the function runs with them disabled."""
    state = analysis.state_of(call)
    if not state.mode.disables_grad:
        return None
    if state.origin is Origin.CALLERS:
        return state
    return explicit(analysis, state)


def _helper_findings(analysis: FileAnalysis, calls: list[CallFact]) -> Iterable[Finding]:
    """Closure calls in helpers that only disabled callers run, reported once per call that
    disables them: the `step` that switches gradients off and passes the closure on is where the
    mistake is, and the closure calls it reaches are its related locations (fixed together)."""
    groups: dict[int, tuple[CallFact, GradState, list[CallFact]]] = {}
    for call in calls:
        roots = _disabling_roots(analysis, call.function)
        if not roots:  # disabled by callers whose own mode no code in sight sets: report the call
            state = analysis.state_of(call)
            yield Finding(call.node, _message(analysis, call, state), _wrap_fix(analysis, call, state),
                          _confidence(analysis, call.function))
        for root, state in roots:
            groups.setdefault(id(root.node), (root, state, []))[2].append(call)
    for root, state, reached in groups.values():
        related = tuple((call.node, analysis, f"`{_called(call)}()` in `{call.function.display_name}`") for call in reached)
        yield Finding(root.node, _root_message(analysis, root, state, reached), _wrap_all_fix(analysis, reached, state),
                      _confidence(analysis, root.function) if root.function else Confidence.LOW, related)


def _disabling_roots(analysis: FileAnalysis, function: FunctionInfo) -> list[tuple[CallFact, GradState]]:
    """The call sites, up the in-module call chain, where code in sight disables gradients for
    `function` (whose callers all run with them disabled)."""
    roots: list[tuple[CallFact, GradState]] = []
    seen = {function}
    pending = [function]
    while pending:
        for site in call_sites(analysis)[pending.pop()]:
            state = analysis.state_of(site)
            if state.origin is Origin.CALLERS:
                if site.function is not None and site.function not in seen:
                    seen.add(site.function)
                    pending.append(site.function)
            elif explicit(analysis, state) is not None:
                roots.append((site, state))
    return roots


def _enable_grad_in_inference_mode(analysis: FileAnalysis, call: CallFact) -> Optional[ContextUse]:
    """`with torch.enable_grad(): closure()` in a function that runs in inference mode: enable_grad
    turns gradients on, but inference mode stays on and nothing is recorded."""
    state = analysis.state_of(call)
    entry = call.function.entry
    if state.origin is not Origin.WITH or entry.mode is not Mode.INFERENCE or (
            entry.origin is not Origin.CALLERS and explicit(analysis, entry) is None):
        return None
    found = with_of_item(analysis, state.node)
    return found[1] if found is not None and found[1].kind is GradContext.ENABLE_GRAD else None


def _closure_names(analysis: FileAnalysis, function: FunctionInfo) -> frozenset[str]:
    """The names the closure is called by in `function`: `closure`, and a plain alias of it
    (`get_grad = closure`, perhaps another callable in another branch). None when `closure` is
    given a new value (`closure = torch.enable_grad()(closure)`), and not an alias that is ever
    given a value made from a closure (`get_grad = torch.enable_grad()(get_grad)`)."""
    assigns = list(analysis.facts_in(analysis.assigns, function))
    if any(CLOSURE in assign.targets for assign in assigns):
        return frozenset()
    aliases = {target for assign in assigns if _is_name(assign.value, CLOSURE) and not assign.augmented
               for target in assign.targets}
    wrapped = {target for assign in assigns if not any(_is_name(assign.value, name) for name in (CLOSURE, *aliases))
               and _mentions_any(assign.value, {CLOSURE, *aliases}) for target in assign.targets}
    return frozenset({CLOSURE, *(aliases - wrapped)})


def _is_name(node: Optional[cst.CSTNode], name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def _mentions_any(node: Optional[cst.CSTNode], names: set[str]) -> bool:
    return node is not None and not names.isdisjoint(names_in(node))


def _confidence(analysis: FileAnalysis, function: FunctionInfo) -> Confidence:
    cls = model_of(analysis).classes.get(class_of(function) or "")
    if cls is None:
        return Confidence.LOW
    if cls.is_optimizer:
        return Confidence.HIGH
    step = cls.methods.get("step")
    if not cls.is_module and step is not None and CLOSURE in _parameter_names(step):
        return Confidence.MEDIUM
    return Confidence.LOW


def _called(call: CallFact) -> str:
    """The name the closure is called by (`closure`, or an alias of it)."""
    return call.node.func.value


def _message(analysis: FileAnalysis, call: CallFact, state: GradState) -> str:
    if state.origin is Origin.CALLERS:
        where = f"in `{call.function.name}`, which is only called with gradients disabled in this module"
    else:
        where = f"under `{context_text(analysis, state)}`"
    name = _called(call)
    called = "`closure()`" if name == CLOSURE else f"`{name}()`, the closure (`{name} = {CLOSURE}`),"
    return (f"{called} runs {where}: a closure that runs the forward and backward pass, as "
            "`optimizer.step(closure)` callers pass (Lightning, LBFGS-style loops), records no graph and its "
            f"`backward()` raises RuntimeError; call it under `with {_enabling(state.mode)}:`, as torch.optim's "
            "optimizers do")


def _root_message(analysis: FileAnalysis, root: CallFact, state: GradState, reached: list[CallFact]) -> str:
    helpers = ", ".join(dict.fromkeys(f"`{call.function.display_name}`" for call in reached))
    count = "once" if len(reached) == 1 else f"{len(reached)} times"
    return (f"`{code_of(analysis, root.node, 40)}` runs under `{context_text(analysis, state)}`, and the closure "
            f"is called there with gradients disabled ({count}, in {helpers}): a closure that runs the forward and "
            "backward pass, as `optimizer.step(closure)` callers pass (Lightning, LBFGS-style loops), records no "
            f"graph and its `backward()` raises RuntimeError; call it under `with {_enabling(state.mode)}:`, as "
            "torch.optim's optimizers do")


def _inference_message(analysis: FileAnalysis, function: FunctionInfo, use: ContextUse) -> str:
    return (f"`closure()` runs under `{code_of(analysis, use.node)}` inside `{function.name}`, which runs in "
            "inference mode: enable_grad does not leave inference mode, so the closure records no graph and its "
            "`backward()` raises RuntimeError; use `torch.inference_mode(False)` instead")


def _enabling(mode: Mode) -> str:
    """What turns gradients back on for the closure: inference mode needs its own switch."""
    return "torch.inference_mode(False)" if mode is Mode.INFERENCE else "torch.enable_grad()"


def _spelled(analysis: FileAnalysis, mode: Mode) -> Optional[tuple[str, bool]]:
    """`torch.enable_grad()` or `torch.inference_mode(False)` as this module spells torch."""
    name, argument = ("inference_mode", "False") if mode is Mode.INFERENCE else ("enable_grad", "")
    spelled = edits.torch_callable(analysis.module, name)
    return None if spelled is None else (f"{spelled[0]}({argument})", spelled[1])


def _wrap_fix(analysis: FileAnalysis, call: CallFact, state: GradState) -> Optional[Fix]:
    return wrap_call_fix(analysis, call, state.mode, FixSafety.SAFE)


def _wrap_all_fix(analysis: FileAnalysis, calls: list[CallFact], state: GradState) -> Optional[Fix]:
    """Every closure call the disabled call reaches, each under the enabling context (no fix when
    one of them cannot be wrapped). Safe under a decorated `step`, torch.optim's idiom; unsafe
    under a `with` or a statement that switches gradients off around the call on purpose (a line
    search that evaluates the closure without gradients): the closure records graphs there now."""
    safety = FixSafety.SAFE if state.origin is Origin.DECORATOR else FixSafety.UNSAFE
    fixes = [wrap_call_fix(analysis, call, state.mode, safety) for call in calls]
    if not fixes or any(fix is None for fix in fixes):
        return None
    if len(fixes) == 1:
        return fixes[0]
    return Fix(safety, f"call the closure under `with {_enabling(state.mode)}:` ({len(fixes)} calls)",
               edits.combined([fix.apply for fix in fixes]), anchor=fixes[0].anchor)


def wrap_call_fix(analysis: FileAnalysis, call: CallFact, mode: Mode, safety: FixSafety) -> Optional[Fix]:
    """Run the statement that is this call (`x = f()`, `f()`, `return f()`) under the context that
    turns gradients on from `mode` (`torch.enable_grad()`, or `torch.inference_mode(False)`)."""
    statement = call.statement
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Assign):
        whole = small.value is call.node and all(isinstance(t.target, cst.Name) for t in small.targets)
    elif isinstance(small, (cst.Expr, cst.Return)):
        whole = small.value is call.node
    else:
        whole = False
    spelled = _spelled(analysis, mode)
    if not whole or spelled is None or edits.find_block(call.function.node, statement) is None:
        return None
    return Fix(safety, f"call `{code_of(analysis, call.node)}` under `with {spelled[0]}:`",
               edits.wrap_in_with([statement], spelled[0], spelled[1]), anchor=statement)


def _replace_fix(analysis: FileAnalysis, use: ContextUse) -> Optional[Fix]:
    spelled = _spelled(analysis, Mode.INFERENCE)
    if spelled is None or not use.called:
        return None
    return Fix(FixSafety.SAFE, f"use `{spelled[0]}` instead of `{code_of(analysis, use.node)}`",
               edits.replace(use.node, cst.parse_expression(spelled[0]), spelled[1]), anchor=use.node)
