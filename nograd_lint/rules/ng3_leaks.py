"""NG304-NG306: grad modes that outlive the code that set them (a `set_grad_enabled(False)` never
restored, one context object entered in several places, a `yield` inside a grad-mode block)."""
from __future__ import annotations

import re
from typing import Iterable, Optional

import libcst as cst

from ..fixes import edits
from ..io.config import Settings
from ..analysis.contexts import kind_of, with_of_item
from ..analysis.treewalk import iter_nodes
from ..diagnostics import Confidence, Fix, FixSafety
from ..analysis.gradmode import (CallFact, ContextUse, FileAnalysis, FunctionInfo, GradState, Origin, WithFact, class_of,
                                 is_main_guard)
from ..io.notebooks import is_notebook
from ..analysis.imports import dotted_name
from ..analysis.knowledge import GradContext
from ..analysis.syntax import sub_suites
from .base import Finding
from ..analysis.prefilter import Signals
from .common import INSTANCE_KINDS, ContextRule, code_of, is_module_forward, literal_flag, mode_words
from .ng3_contexts import OldestTorch
from .ng3_reenable import decorator_leaks, reenabling
from .registry import register

# Top-level calls that configure a library rather than do a script's work, and calls that read a
# script's command line.
CONFIGURATION_PREFIXES = ("warnings.", "logging.", "torch.set_", "torch.backends.", "torch._C.", "os.environ.")
SCRIPT_METHODS = frozenset({"parse_args", "parse_known_args"})
SAVED_MODE = frozenset({"torch.is_grad_enabled", "torch._C.is_grad_enabled"})
# Decorators that make a generator a context manager or fixture: its yield is meant to run the
# caller's code inside the generator's `with` block.
YIELD_ON_PURPOSE = re.compile(r"(^|\.)(contextmanager|asynccontextmanager|fixture|yield_fixture)$")


@register
class LeakingSetGradEnabled(ContextRule):
    """
    ## What it does
    Finds `torch.set_grad_enabled(False)`, or `torch.set_grad_enabled(flag)` with a runtime flag,
    called as a statement inside a function without the previous mode being restored: neither
    later in the same block (or an enclosing one) on every path, nor in a `finally`. In the
    `forward` of a module class, `torch.set_grad_enabled(True)` leaks the same way (medium
    confidence): a forward runs inside its callers' contexts, and turns their `no_grad` off.

    It also finds a `torch.set_grad_enabled(True)` statement that ends an earlier
    `torch.set_grad_enabled(False)` of the same function: it turns gradients on, not back to the
    mode the function was entered with. And `@torch.set_grad_enabled(False)` used as a decorator
    when the project supports a torch older than 2.2 (its declared torch requirement, or the
    `torch-version` setting): there, the constructor turns gradients off when
    the decorator is applied, at import, and they stay off until the function first returns
    (torch 2.2 restores the mode in the decorator; checked on real torch in the test suite).

    It also finds `torch.set_grad_enabled(False)` at the top level of a library module, which runs
    when the module is imported. A script's top level is a deliberate setting for the run and is
    not reported: a file with `if __name__ == "__main__":`, a notebook, or a file whose top level
    does the work itself (calls that are not configuration, loops, `with` blocks, `sys.argv`,
    `parse_args()`). A call under `if __name__ == "__main__":` is never reported, nor one in a
    command of a command-line program (a function decorated with click's, typer's or sacred's
    `command`, or sacred's `automain`), which the program runs and exits, nor one in the function
    a process or thread is started to run (`mp.spawn(main_worker, ...)`, `Process(target=...)`):
    the grad mode is the thread's own.

    ## Why is this bad
    The mode is global to the thread: after the function returns, gradients stay disabled for
    whatever runs next, and a later `loss.backward()` fails far from the cause with
    `element 0 of tensors does not require grad and does not have a grad_fn`. A flag leaks the
    same way whenever it is `False` (and when it is `True` inside a caller's `no_grad` block, it
    turns gradients on for the rest of that block). Imported, a library module that disables
    gradients at import time does it for every program that imports it, and their training
    fails the same way.

    A function that turns gradients back on with `True` leaks the other way: called inside a
    caller's `torch.no_grad()` (an evaluation loop, a validation step), it records graphs for the
    rest of its own body and for everything the caller runs after it in that block (a fix in
    geomloss did exactly this: save the mode, then restore it).

    ## Example
    ```python
    def embed(model, x):
        torch.set_grad_enabled(False)
        return model(x)

    def solve(cost, a, steps):
        torch.set_grad_enabled(False)
        for _ in range(steps):
            a = torch.logsumexp(a - cost, dim=1)
        torch.set_grad_enabled(True)  # not the caller's mode
        return a
    ```

    ## Use instead
    ```python
    def embed(model, x):
        with torch.set_grad_enabled(False):
            return model(x)
    ```

    ## Fix safety
    For a function that turns gradients back on, the fix saves the mode first
    (`grad_was_enabled = torch.is_grad_enabled()` before the `False` statement) and puts it back
    at each `True` statement: **unsafe**, since a caller under `no_grad` then stops recording after
    the call, which was the point but changes what runs. There is no fix when a `True` statement
    is outside the block of the `False` one, or the name is taken. The decorator is replaced by
    `@torch.no_grad()` (**safe**: the same mode inside the function, and none at import); a
    decorator given a runtime flag has no fix.

    Otherwise, in a function, the fix turns the statement into `with torch.set_grad_enabled(...):` over the
    rest of its block. It is **unsafe**: code after the function that relied on the mode staying
    set (knowingly or not) now runs in the caller's mode. There is no fix when the call is the
    last statement of its block, when it is the one-line body of an `if` (`if set_grad_enabled:
    set_grad_enabled(False)`, a shim for old torch: the test would be lost), nor for a library
    module's top level: which of its functions should run without gradients
    (`@torch.no_grad()`) is the author's decision.

    ## Known limits
    A function that turns gradients back on is reported with high confidence when a caller of the
    run calls it under a disabling context, low when it trains or when what runs it (its module,
    or its callers followed up) is a script or a test, and medium otherwise (a library's function,
    which its users may call under `no_grad`). A restore in a caller, or through a helper function, is not seen. A `return` between the call
    and the restore counts as a path that leaks. A restore in a later block that is not around the
    call counts only when it puts back a mode saved before the call (`previous =
    torch.is_grad_enabled()`, disabled under `else:` of `if phase == "train":` and put back under
    a later `if phase == "val":`): the code pairs the two on its own paths, which the analysis
    does not follow. When another method of the same class (or a
    short function of the module, at most three statements) turns gradients back on, as in
    `__enter__`/`__exit__`, `setUp`/`tearDown` or `freeze_all()`/`unfreeze_all()`, the pair is
    taken to manage the mode and nothing is reported (so is an `__exit__` or `tearDown` of any
    length); a longer function or method that turns them on at its start (a training epoch after a
    leaking evaluation, `Trainer.run_train` after `Trainer.run_predict`) only compensates, and the
    leak is reported. A function whose last statement
    is `set_grad_enabled(flag)` sets the mode for its caller on purpose and is not reported. A
    library module is told from a script by its own text only, so its findings have medium
    confidence; a conditional top-level call (under `if` or `try`) is not reported.
    """

    code = "NG304"
    name = "leaking-set-grad-enabled"
    summary = "`torch.set_grad_enabled(False)` leaves gradients disabled after its function returns or its module is imported."
    fix_availability = "unsafe"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.leaking_statement

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        yield from reenabling(analysis, _runs_as_script)
        yield from decorator_leaks(analysis, OldestTorch(analysis, settings))
        for call in analysis.calls:
            if not call.is_bare_statement or kind_of(call) is not GradContext.SET_GRAD_ENABLED:
                continue
            if call.function is None:
                finding = _import_time(analysis, call)
                if finding is not None:
                    yield finding
                continue
            enables = _enables_in_forward(analysis, call)
            if not (_literal_false(call.node) or _sets_flag(analysis, call) or enables):
                continue
            leak = _leak(analysis, call)
            if leak is None or _sibling_restores(analysis, call.function) or (
                    not enables and (_command_line_entry(analysis, call.function)
                                     or _process_entry(analysis, call.function))):
                continue
            fix = None
            block = edits.find_block(call.function.node, call.statement)
            if block is not None and block.body[-1] is not call.statement and isinstance(
                    call.statement, cst.SimpleStatementLine):  # not `if flag: torch.set_grad_enabled(False)`
                fix = Fix(FixSafety.UNSAFE, "use `with` over the rest of the block",
                          edits.wrap_rest_in_with(call.statement), anchor=call.statement)
            spelled = code_of(analysis, call.node)
            if enables:
                yield Finding(call.node, f"`{spelled}` leaves gradients enabled {leak}: a caller's `no_grad` block "
                                         f"(an evaluation loop) records graphs from then on; use `with {spelled}:` "
                                         "around the code that needs them",
                              fix, Confidence.MEDIUM)
                continue
            flag = _flag(call.node)
            when = f" when `{code_of(analysis, flag, 30)}` is False" if flag is not None else ""
            yield Finding(call.node, f"`{spelled}` leaves gradients disabled {leak}{when}; use `with {spelled}:` "
                                     "around the code that needs it, or restore the previous mode in a `finally`",
                          fix)


_COMMAND_DECORATORS = {"click": ("command",), "typer": ("command",), "sacred": ("command", "automain", "main")}


def _command_line_entry(analysis: FileAnalysis, function: FunctionInfo) -> bool:
    """A command of a command-line program (`@click.command()`, `@cli.command()` of a click
    group, typer's `@app.command()`, sacred's `@ex.command`/`@ex.automain` of an experiment): the
    program runs it and exits, so the mode it sets is the run's, as at a script's top level."""
    packages = {qualified.split(".", 1)[0] for qualified in analysis.imports.aliases.values()}
    names = {name for package, found in _COMMAND_DECORATORS.items() if package in packages for name in found}
    if not names:
        return False
    for decorator in function.node.decorators:
        spelled = dotted_name(decorator.decorator.func if isinstance(decorator.decorator, cst.Call)
                              else decorator.decorator) or ""
        if spelled.rpartition(".")[2] in names:
            return True
    return False


# What starts a process or a thread that runs a function of the module and ends with it: the
# grad mode is the thread's own, so what the function leaves it in dies with it.
PROCESS_STARTERS = {"torch.multiprocessing.spawn": "fn", "torch.multiprocessing.start_processes": "fn",
                    "torch.multiprocessing.Process": "target", "multiprocessing.Process": "target",
                    "threading.Thread": "target"}


def _process_entry(analysis: FileAnalysis, function: FunctionInfo) -> bool:
    """A top-level function the module hands to a new process or thread as the work it runs
    (`mp.spawn(main_worker, nprocs=n)`, `Process(target=worker)`): the mode it sets is that
    process's or thread's, as at a script's top level."""
    if function.parent is not None or function.class_name is not None:
        return False
    for call in analysis.calls:
        keyword = PROCESS_STARTERS.get(call.qualified or "")
        if keyword is None:
            continue
        given = [arg.value for arg in call.node.args if arg.keyword is not None and arg.keyword.value == keyword]
        if keyword == "fn" and call.node.args and call.node.args[0].keyword is None:
            given.append(call.node.args[0].value)
        if any(isinstance(value, cst.Name) and value.value == function.name for value in given):
            return True
    return False


def leaking_disable(analysis: FileAnalysis, function: FunctionInfo) -> Optional[CallFact]:
    """The `set_grad_enabled(False)` statement of `function` that leaves gradients disabled after
    it returns (what NG304 reports there), if there is one."""
    for call in analysis.facts_in(analysis.calls, function):
        if (call.function is function and call.is_bare_statement and _literal_false(call.node)
                and kind_of(call) is GradContext.SET_GRAD_ENABLED):
            leak = _leak(analysis, call)
            if leak is not None and leak.startswith("after") and not _sibling_restores(analysis, function):
                return call
    return None


def _flag(call: cst.Call) -> Optional[cst.BaseExpression]:
    """The argument of `set_grad_enabled(flag)` when it is not a literal `True`/`False`."""
    if not call.args:
        return None
    value = call.args[0].value
    return None if isinstance(value, cst.Name) and value.value in ("True", "False") else value


def _sets_flag(analysis: FileAnalysis, call: CallFact) -> bool:
    """`set_grad_enabled(flag)` that sets a mode inside its function (not one that puts a saved
    mode back, nor a setter whose job is to set the caller's mode)."""
    flag = _flag(call.node)
    return flag is not None and not _sets_for_caller(call) and not _restores(analysis, call, flag)


def _sets_for_caller(call: CallFact) -> bool:
    """`def set_mode(flag): ...; torch.set_grad_enabled(flag)` as the function's last statement:
    setting the mode for the caller is what the function is for."""
    body = call.function.node.body
    return isinstance(body, cst.IndentedBlock) and body.body[-1] is call.statement


def _configures(analysis: FileAnalysis, call: cst.Call) -> bool:
    """`warnings.filterwarnings(...)`, `logging.getLogger(__name__).addHandler(...)`: the call
    chain starts at a configuration API."""
    node: cst.BaseExpression = call.func
    while isinstance(node, (cst.Attribute, cst.Call)) and dotted_name(node) is None:
        node = node.func if isinstance(node, cst.Call) else node.value
    qualified = analysis.imports.resolve(node) or ""
    return qualified.startswith(CONFIGURATION_PREFIXES)


def _restores(analysis: FileAnalysis, call: CallFact, flag: cst.BaseExpression) -> bool:
    """`set_grad_enabled(previous)` after an earlier `set_grad_enabled` statement of its function, or
    with a flag saved from `torch.is_grad_enabled()`: it puts a mode back, it does not set one."""
    if any(fact.index < call.index and fact.is_bare_statement and kind_of(fact) is GradContext.SET_GRAD_ENABLED
           for fact in analysis.facts_in(analysis.calls, call.function)):
        return True
    return _holds_saved_mode(analysis, dotted_name(flag))


def _puts_saved_mode_back(analysis: FileAnalysis, restore: CallFact, call: CallFact) -> bool:
    """`torch.set_grad_enabled(previous)` where `previous = torch.is_grad_enabled()` was saved in
    the function before `call`."""
    return _holds_saved_mode(analysis, dotted_name(restore.node.args[0].value), call)


def _holds_saved_mode(analysis: FileAnalysis, written: Optional[str], before: Optional[CallFact] = None) -> bool:
    """Is `written` assigned `torch.is_grad_enabled()` (in the module; with `before`, in its
    function ahead of it)?"""
    assigns = analysis.assigns if before is None else analysis.facts_in(analysis.assigns, before.function)
    return written is not None and any(
        (before is None or assign.index < before.index) and isinstance(assign.value, cst.Call)
        and isinstance(assign.node, cst.Assign) and analysis.imports.resolve(assign.value.func) in SAVED_MODE
        and any(dotted_name(target.target) == written for target in assign.node.targets)
        for assign in assigns)


def _import_time(analysis: FileAnalysis, call: CallFact) -> Optional[Finding]:
    """A top-level `set_grad_enabled(False)` of a library module, not restored at top level."""
    top = analysis.module.body
    if not _literal_false(call.node) or not isinstance(call.statement, cst.SimpleStatementLine) or not any(
            statement is call.statement for statement in top):
        return None  # (under `if`, it is conditional: not reported)
    if any(fact.function is None and fact.index > call.index and _is_restore(analysis, fact, call)
           and any(statement is fact.statement for statement in top) for fact in analysis.calls):
        return None
    if _runs_as_script(analysis):
        return None
    spelled = code_of(analysis, call.node)
    return Finding(call.node, f"`{spelled}` at the top level of a library module disables gradients for every "
                              "program that imports it, and their training then fails (backward raises "
                              "RuntimeError); disable gradients in the functions that need it "
                              "(`@torch.no_grad()`), or do this in a script", None, Confidence.MEDIUM)


def _runs_as_script(analysis: FileAnalysis) -> bool:
    """The file is run, not imported: a notebook, a `__main__` guard, or a top level that does
    the work itself (calls other than configuration, loops, with blocks, command-line arguments)."""
    if is_notebook(analysis.path):
        return True
    for statement in analysis.module.body:
        if isinstance(statement, cst.If) and is_main_guard(statement.test):
            return True
        if isinstance(statement, (cst.For, cst.While, cst.With)):
            return True
    top_level_calls = [fact for fact in analysis.calls if fact.function is None and not fact.in_lambda]
    for fact in top_level_calls:
        if fact.callee in ("sys.argv",) or fact.method in SCRIPT_METHODS:
            return True
        if fact.is_bare_statement and kind_of(fact) is None and not _configures(analysis, fact.node):
            return True
    return any(use.function is None and use.name == "argv" for use in analysis.name_uses)


def _leak(analysis: FileAnalysis, call: CallFact) -> Optional[str]:
    """How the mode set by `call` escapes (a phrase for the message), or None when it is restored."""
    function = call.function
    chains, tries = _structure(analysis, function)
    chain = chains.get(id(call.statement), ())
    restores = [fact for fact in analysis.facts_in(analysis.calls, function) if _is_restore(analysis, fact, call)]
    if any(_restores_in_finally(t, restores) and _in_body_of(analysis, t, call) for t in tries):
        return None
    points = [(fact.index, fact.statement) for fact in restores if fact.index > call.index]
    points += [(analysis.span_of(t).start, t) for t in tries
               if analysis.span_of(t).start > call.index and _restores_in_finally(t, restores)]
    points = [(index, statement) for index, statement in points if chains.get(id(statement), (None,))[-1] in chain]
    if not points:
        # the mode saved before the call put back later in another block (`else:` of `if phase ==
        # "train":` disables, `if phase == "test":` restores): the code pairs them on its own paths
        points = [(fact.index, fact.statement) for fact in restores
                  if fact.index > call.index and _puts_saved_mode_back(analysis, fact, call)]
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
    """Another method of the class (or a short function of the module) turns gradients back on:
    a pair such as `__enter__`/`__exit__`, `setUp`/`tearDown` or `freeze()`/`unfreeze()` manages
    the mode. A long function or method that turns them on at its start (a training epoch after
    an evaluation that leaks) compensates for the leak; it does not manage the mode."""
    disabling = {id(fact.function) for fact in analysis.calls if fact.function is not None and fact.is_bare_statement
                 and kind_of(fact) is GradContext.SET_GRAD_ENABLED
                 and (_literal_false(fact.node) or _sets_flag(analysis, fact))}
    return any(fact.function is not function and fact.function is not None and id(fact.function) not in disabling
               and fact.function.class_name == function.class_name and fact.function.parent is function.parent
               and (fact.function.name in MANAGER_METHODS or _statement_count(fact.function) <= MANAGER_STATEMENTS)
               and _is_restore(analysis, fact) for fact in analysis.calls)


MANAGER_STATEMENTS = 3  # a function or method this short that turns gradients on manages the mode
# Methods that undo what their twin set up, however long: `__enter__`/`__exit__`, `setUp`/`tearDown`.
MANAGER_METHODS = frozenset({"__exit__", "__aexit__", "tearDown", "teardown", "teardown_method", "close", "restore"})


def _statement_count(function: FunctionInfo) -> int:
    """Statements in the function's body at any depth, its docstring left out."""
    count = sum(1 for node in iter_nodes(function.node.body)
                if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)))
    body = function.node.body
    first = body.body[0] if isinstance(body, cst.IndentedBlock) and body.body else None
    return count - 1 if first is not None and edits.is_docstring(first) else count


def _is_restore(analysis: FileAnalysis, fact: CallFact, setting: Optional[CallFact] = None) -> bool:
    """A statement that puts the mode back: turns gradients back on (not to the same flag
    `setting` set); after a `set_grad_enabled(True)`, turns them off or to a flag."""
    if not fact.is_bare_statement or not fact.node.args:
        return False
    turned_on = setting is not None and literal_flag(setting.node) is True
    if literal_flag(fact.node) is turned_on:
        return False  # the same mode again
    if setting is not None and setting.node.args and fact.node.args[0].value.deep_equals(setting.node.args[0].value):
        return False
    return (kind_of(fact) is GradContext.SET_GRAD_ENABLED
            or fact.qualified == "torch._C._set_grad_enabled")


def _literal_false(call: cst.Call) -> bool:
    return literal_flag(call) is False


def _enables_in_forward(analysis: FileAnalysis, call: CallFact) -> bool:
    """`torch.set_grad_enabled(True)` as a statement in the `forward` of a module class: the
    forward runs inside its callers' contexts (a `no_grad` evaluation loop), which it overrides
    for everything after it."""
    return literal_flag(call.node) is True and is_module_forward(analysis, call.function)


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


@register
class ReusedContextInstance(ContextRule):
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
        return signals.stored_context

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
            key, owner = f"self.{target.attr.value}", class_of(assign.function)
        if key is None:
            continue
        if key in stored:
            assigned_twice.add(key)
        value = node.value
        if isinstance(value, cst.Call) and analysis.context_kind(value.func) in INSTANCE_KINDS:
            stored[key] = (value, owner)
    result: dict[str, tuple[cst.Call, list]] = {}
    for key, (value, owner) in stored.items():
        if key in assigned_twice:
            continue
        uses = [(fact, item) for fact in analysis.withs for item in fact.node.items
                if _enters(analysis, fact, item.item, key, owner)]
        result[key] = (value, uses)
    return result


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
        return fact.function is not None and class_of(fact.function) == owner
    return fact.function is None or key not in analysis.names_bound_in(fact.function)


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
class YieldInsideContext(ContextRule):
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
        return signals.yield_in_context

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
