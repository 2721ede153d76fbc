"""NG207: training after a call that leaves gradients disabled (the consequence of an NG304 leak)."""
from __future__ import annotations

from typing import Iterable, Optional

import libcst as cst

from ..analysis.calls import is_backward
from ..analysis.gradmode import CallFact, FileAnalysis, FunctionInfo, Mode
from ..analysis.interpret import _parameter_names
from ..analysis.prefilter import Signals
from ..analysis.summaries import ModuleModel, model_of
from ..analysis.treewalk import iter_nodes, names_in
from ..diagnostics import Confidence, FixSafety
from ..io.config import Settings
from .base import Finding, Rule
from .common import code_of, turns_gradients_on
from .ng2_optim import wrap_call_fix
from .ng3_leaks import leaking_disable
from .registry import register


@register
class TrainingAfterLeakedDisable(Rule):
    """
    ## What it does
    Finds training code that calls a function which turns gradients off with a bare
    `torch.set_grad_enabled(False)` and never turns them back on (NG304 reports that statement),
    when a backward pass of the training code runs after the call: later in the same function,
    in the next iteration of a loop around both, or at the next call of the training function
    (an evaluation helper called at the end of every epoch).

    ## Why is this bad
    The grad mode is global to the thread. Once the helper returns with gradients off, the next
    forward pass of the training code records no graph, and `loss.backward()` raises
    `RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn`: the
    first epoch trains, the second fails.

    ## Example
    ```python
    def check_accuracy(model, loader):
        torch.set_grad_enabled(False)
        model.eval()
        ...

    def train_epoch(model, loader, optimizer):
        for x, y in loader:
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
        check_accuracy(model, val_loader)

    for epoch in range(10):
        train_epoch(model, loader, optimizer)
    ```

    ## Use instead
    Turn gradients off in the helper with a block that restores the mode (`with
    torch.no_grad():` or `@torch.no_grad()`; see NG304), or call it under `with
    torch.enable_grad():`, which puts the caller's mode back when the block ends.

    ## Fix safety
    The fix calls the helper under `with torch.enable_grad():`. It is **unsafe**: the helper's
    statements before its `set_grad_enabled(False)` now record gradients even when the caller had
    them off. There is no fix when the call is part of a larger statement. NG304's fix, at the
    cause, is the better one when the helper is yours.

    ## Known limits
    The helper must be a function of the project that the analysis resolves, and its leak a
    literal `set_grad_enabled(False)` statement that no `if` on one of its parameters guards
    (`set_grad_enabled(flag)`, and `if name == "test": set_grad_enabled(False)`, leak only for
    some callers, and a call is not reported for them even when it passes the value that leaks). Training code that turns gradients back on anywhere in its body
    (`set_grad_enabled(True)`, `enable_grad`) is trusted to do so before it needs them.
    """

    code = "NG207"
    name = "training-after-grad-leak"
    summary = "Training runs after a call that leaves gradients disabled."
    fix_availability = "unsafe"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.backward

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        model = model_of(analysis)
        for function in analysis.functions:
            backwards = [call for call in analysis.facts_in(analysis.calls, function)
                         if call.function is function and is_backward(call)]
            if not backwards or turns_gradients_on(analysis, function):
                continue
            reported: set[int] = set()
            for result in model.results_of(function):
                for fact, callee, _, _ in result.outgoing_calls.values():
                    if id(fact.node) in reported or analysis.state_of(fact).mode is not Mode.ENABLED:
                        continue
                    owner = model.owner_model(callee)
                    leak = leaking_disable(owner.analysis, callee) if owner is not None else None
                    if leak is not None and _guarded_by_a_parameter(callee, leak):
                        continue  # (`if name == 'test': set_grad_enabled(False)`: only for some callers)
                    when = _backward_after(model, function, fact, backwards) if leak is not None else None
                    if when is None:
                        continue
                    reported.add(id(fact.node))
                    yield Finding(fact.node, _message(analysis, owner, fact, callee, leak, when),
                                  wrap_call_fix(analysis, fact, Mode.DISABLED, FixSafety.UNSAFE), Confidence.MEDIUM)


def _guarded_by_a_parameter(function: FunctionInfo, leak: CallFact) -> bool:
    """Is the leaking statement inside an `if` whose test reads one of the function's parameters
    (`if name == 'test': torch.set_grad_enabled(False)`)? Then it leaks only for the callers that
    pass such a value, which the call in hand may not."""
    params = set(_parameter_names(function)) - {"self", "cls"}
    for node in iter_nodes(function.node.body):
        if (node.__class__ is cst.If and any(inner is leak.statement for inner in iter_nodes(node))
                and names_in(node.test) & params):
            return True
    return False


def _backward_after(model: ModuleModel, function: FunctionInfo, call: CallFact,
                    backwards: list[CallFact]) -> Optional[str]:
    """When a backward pass of `function` runs after `call` (a phrase), or None."""
    later = next((b for b in backwards if b.index > call.index), None)
    if later is not None:
        return "later in the same function"
    if any(loop in b.loops for b in backwards for loop in call.loops):
        return "in the next iteration of the loop"
    repeated = [site for site in model.callers_of(function) if site[1].loops]
    if repeated:
        caller = repeated[0][0].scope
        return f"at the next call of `{function.name}` (in a loop of {'`' + caller.name + '`' if caller else 'the script'})"
    return None


def _message(analysis: FileAnalysis, owner: ModuleModel, call: CallFact, callee: FunctionInfo,
             leak: CallFact, when: str) -> str:
    spelled = code_of(owner.analysis, leak.node)
    return (f"`{code_of(analysis, call.node)}` leaves gradients disabled (`{callee.name}` calls `{spelled}` and "
            f"never restores the mode), and a backward pass runs after it {when}: the forward pass before it "
            "records no graph and `backward()` raises RuntimeError; disable gradients in the helper with a block "
            "that restores the mode, or call it under `with torch.enable_grad():`")
