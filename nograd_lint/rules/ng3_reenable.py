"""Two more ways a grad mode outlives the code that set it (NG304): a function that turns gradients
off and then on again (`set_grad_enabled(True)` where the mode it was entered with belongs), and
`@torch.set_grad_enabled(False)` on a torch before 2.2, whose constructor turns gradients off when
the decorator is applied."""
from __future__ import annotations

from typing import Callable, Iterable, Optional

import libcst as cst

from ..analysis.contexts import kind_of
from ..analysis import knowledge
from ..analysis.gradmode import CallFact, FileAnalysis, FunctionInfo, Mode, Origin
from ..analysis.knowledge import GradContext
from ..analysis.summaries import model_of
from ..analysis.treewalk import iter_nodes
from ..diagnostics import Confidence, Fix, FixSafety
from ..fixes import edits
from .base import Finding
from .common import code_of, is_module_forward, literal_flag

SAVED_NAME = "grad_was_enabled"
# torch/autograd/grad_mode.py: `set_grad_enabled.__init__` sets the mode; from torch 2.2 (PR
# #113359, for issue #113298) its `__call__` puts the previous mode back when it decorates.
DECORATOR_RESTORES_SINCE = (2, 2)
MAX_CALLERS_WALKED = 64


def reenabling(analysis: FileAnalysis, runs_as_script: Callable[[FileAnalysis], bool]) -> Iterable[Finding]:
    """`set_grad_enabled(True)` statements that end an earlier `set_grad_enabled(False)` of their
    function: a caller's `no_grad` is turned off from there on. High confidence when a caller
    runs the function with gradients disabled; low when it trains, or when what runs it is a
    script or a test (with gradients on); medium for a library's function (an API its users may
    call under `no_grad`)."""
    for function in analysis.functions:
        switches = [call for call in analysis.facts_in(analysis.calls, function)
                    if call.function is function and call.is_bare_statement
                    and kind_of(call) is GradContext.SET_GRAD_ENABLED and literal_flag(call.node) is not None]
        off = next((call for call in switches if literal_flag(call.node) is False), None)
        if off is None:
            continue
        ons = [call for call in switches if call.index > off.index and literal_flag(call.node) is True]
        if not ons or is_module_forward(analysis, function):  # a forward's `True` is reported as it is
            continue
        confidence = _confidence(analysis, function, runs_as_script)
        fix = _restore_fix(analysis, function, off, ons)
        for on in ons:
            message = (f"`{code_of(analysis, on.node)}` turns gradients on, not back to the mode `{function.name}` "
                       f"was entered with (after `{code_of(analysis, off.node)}`): called under `torch.no_grad()` "
                       f"(an evaluation), it records graphs from here on; save the mode first "
                       f"(`{SAVED_NAME} = torch.is_grad_enabled()`) and put it back")
            yield Finding(on.node, message, fix if on is ons[0] else None, confidence)


def decorator_leaks(analysis: FileAnalysis, oldest) -> Iterable[Finding]:
    """`@torch.set_grad_enabled(False)` (or a flag) on a torch that `oldest` (an `OldestTorch`) says
    the project supports before 2.2."""
    for function in analysis.functions:
        for use in function.decorator_uses:
            if use.kind is not GradContext.SET_GRAD_ENABLED or not use.called or not use.args:
                continue
            literal = literal_flag(use.node)
            if literal is True or not oldest.before(DECORATOR_RESTORES_SINCE):
                continue
            spelled = code_of(analysis, use.node)
            fix = None
            spelling = edits.torch_callable(analysis.module, "no_grad") if literal is False else None
            if spelling is not None:
                name, needs_import = spelling
                fix = Fix(FixSafety.SAFE, f"use `@{name}()`",
                          edits.replace(use.node, cst.Call(func=cst.parse_expression(name)), import_torch=needs_import),
                          anchor=use.node)
            yield Finding(use.node, f"`@{spelled}` turns gradients off when the decorator is applied (at import) "
                                    "and leaves them off until the function first returns, on torch before 2.2, and "
                                    f"{oldest.why()}: use `@torch.no_grad()`", fix)


def _confidence(analysis: FileAnalysis, function: FunctionInfo,
                runs_as_script: Callable[[FileAnalysis], bool]) -> Confidence:
    entry = function.entry
    if entry.origin is Origin.CALLERS and entry.mode is not Mode.ENABLED:
        return Confidence.HIGH  # a caller runs it with gradients disabled
    summary = model_of(analysis).summary_of(function)
    if (summary is not None and summary.result.training) or _run_by_a_script(analysis, function, runs_as_script):
        return Confidence.LOW
    return Confidence.MEDIUM


def _run_by_a_script(analysis: FileAnalysis, function: FunctionInfo,
                     runs_as_script: Callable[[FileAnalysis], bool]) -> bool:
    """Is the function a script's or a test's, or do its callers, followed up (a bounded walk),
    start in one (its top level or a function of it)? Then the code that runs it is in sight."""
    seen: set[int] = set()
    todo = [(analysis, function)]
    while todo and len(seen) < MAX_CALLERS_WALKED:
        where, current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if runs_as_script(where) or knowledge.is_test_file(where.path):
            return True
        for fact, caller in model_of(where).call_sites(current):
            if fact.function is None:
                return True  # called from a module's top level
            todo.append((caller, fact.function))
    return False


def _restore_fix(analysis: FileAnalysis, function: FunctionInfo, off: CallFact, ons: list) -> Optional[Fix]:
    """Save the mode before `off` and put it back at each of `ons`: possible when `off` is a line of
    its own whose block holds every `on`, and the saved name is free."""
    block = edits.find_block(function.node, off.statement)
    spelling = edits.torch_callable(analysis.module, "is_grad_enabled")
    if (block is None or spelling is None or not isinstance(off.statement, cst.SimpleStatementLine)
            or len(off.statement.body) != 1 or SAVED_NAME in _names(function.node)):
        return None
    inside = {id(node) for node in iter_nodes(block)}
    if not all(id(on.node) in inside for on in ons):
        return None
    name, needs_import = spelling
    save = cst.parse_statement(f"{SAVED_NAME} = {name}()\n").with_changes(leading_lines=off.statement.leading_lines)
    body = list(block.body)
    index = next(i for i, statement in enumerate(body) if statement is off.statement)
    body[index:index + 1] = [save, off.statement.with_changes(leading_lines=())]
    flags = {id(on.node.args[0].value) for on in ons}
    restored = block.with_changes(body=body).visit(_SavedModeBack(flags))
    return Fix(FixSafety.UNSAFE, "save the mode before turning gradients off and put it back",
               edits.replace(block, restored, import_torch=needs_import), anchor=off.statement)


def _names(node: cst.CSTNode) -> set:
    return {n.value for n in iter_nodes(node) if isinstance(n, cst.Name)}


class _SavedModeBack(cst.CSTTransformer):
    """`set_grad_enabled(True)` -> `set_grad_enabled(grad_was_enabled)` at the given flags."""

    def __init__(self, flags: set) -> None:
        self.flags = flags

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        return cst.Name(SAVED_NAME) if id(original) in self.flags else updated
