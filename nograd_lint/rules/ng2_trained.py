"""NG208: a module that is trained (its parameters are in an optimizer that is stepped, or they
are unfrozen) whose forward pass runs with gradients disabled, so it never learns."""
from __future__ import annotations

from typing import Iterable, Optional

import libcst as cst

from ..analysis.contexts import decorated_function, explicit
from ..analysis.gradmode import CallFact, FileAnalysis, FunctionInfo, GradState, Mode, Origin
from ..analysis.imports import dotted_name
from ..analysis.evaluation import has_parameters
from ..analysis.interpret import USED, ScopeResult, _named_params
from ..analysis.knowledge import FORWARD_METHODS, split_words
from ..analysis.lattice import Graph, Kind, NoGrad
from ..analysis.plain_fields import field_reads
from ..analysis.summaries import ClassModel, ModuleModel, model_of
from ..analysis.syntax import runs_only_in_eval_mode
from ..analysis.trainable import (GradSwitch, OptimizerBuild, class_methods, grad_switches, module_class,
                                  optimizer_builds, stepped_optimizer, stepping)
from ..analysis.treewalk import iter_nodes
from ..diagnostics import Confidence
from ..io.config import Settings
from .base import Finding
from .common import ContextRule, code_of, context_text, turns_gradients_on
from .ng2_modules import training_scope
from .registry import register

MAX_CALLEE_DEPTH = 3  # how deep callees are searched for a forward pass of the module with gradients on


@register
class TrainedModuleWithoutGradients(ContextRule):
    """
    ## What it does
    Finds a module that the code trains but whose forward pass runs with gradients disabled:

    - the `forward` of an `nn.Module` subclass decorated with `@torch.no_grad()` (or whose
      forward passes all run inside a `with torch.no_grad():` block of its own), when its
      parameters are handed to an optimizer (`torch.optim.Adam(self.tower.parameters())`, a
      param group) or unfrozen (`requires_grad_(True)`, `requires_grad_(flag)`,
      `p.requires_grad = True` over its parameters) in its own class, a base class of the
      project, or the module that builds it: a pretrained encoder wrapper with an "unfreeze" or
      "tune the whole model" option;
    - a training step that runs a module under `torch.no_grad()` and feeds the output to the
      loss it backpropagates (in the same function, or through the parameter of a method it
      calls), when the optimizer stepped after that backward pass holds the same module's
      parameters, and no forward pass of the module with gradients on feeds that step: an RL
      agent whose `update` encodes observations under `no_grad` (directly, or through a method
      of its own such as `self.aug_and_encode(obs)`) while `self.encoder_opt` is built from
      `self.encoder.parameters()` and stepped after the critic's backward pass. When the
      output is the only input of a loss term (a contrastive loss of features made under `no_grad`
      beside pseudo-labels from the same pass), that term has no graph and trains nothing even
      though the module runs with gradients on elsewhere in the step: reported too.

    - a module whose `forward` is decorated with `@torch.no_grad()`, or returns only from inside
      a `with torch.no_grad():` block of its own, and computes its outputs from its inputs (a
      rotary position embedding, a constraint that clamps a kernel), or a function or method
      decorated so (`self.log_prob(state, action)`), called in a module's `forward` on the
      outputs of layers with parameters or on that module's own parameters (`self.kernel`), when
      that `forward` builds its own output from what it returns: the layers and parameters get
      no gradient through it (`q_proj` and `k_proj` never learn when the rotated queries and keys
      carry no graph; a Gabor kernel clamped under `no_grad` before it builds the filters never
      changes). Medium confidence.

    - a `with torch.no_grad():` block written in a module's `forward` that computes on
      activations carrying a graph (from the module's parameters or layers), runs one of the
      module's own layers with parameters (`self.conv`), and whose result builds the forward's
      output: that layer never gets a gradient, and none flows back through the block (a graph
      network's message passing left inside `no_grad`). A block fed only the raw input is a frozen
      feature extractor, and a layer named as a copy (`target_q`, `teacher`, `ema`) a stop-gradient
      on purpose: neither is reported. Medium confidence.

    - an in-place update written in a module's `forward` under `with torch.no_grad():`
      (`embedding += picked_mask @ self.picked`) on an activation that carries a graph and builds
      the output, when the term reads one of the module's own parameters (an `nn.Parameter` or a
      tensor that requires grad) that its methods read nowhere with gradients on: torch updates
      the activation in place, so it keeps its graph and the rest of the module trains, but the
      term records nothing, and that parameter never gets a gradient (a graph Q-network adding a
      learned bias for the picked node under `no_grad`). Medium confidence.

    Frozen modules are not reported: a module whose parameters no optimizer holds and that
    nothing unfreezes (a teacher, a target network updated by copying or EMA, a pretrained
    encoder frozen with `requires_grad_(False)`), a module also run with gradients on in the
    same training step (a `no_grad` target computed by the trained network itself, as in DQN),
    and a `forward` that turns gradients back on with `enable_grad`.

    Confidence is high when the optimizer holding the module's parameters is stepped, or the
    module is unfrozen in code that trains; medium when it is unfrozen (or given to an
    optimizer) and nothing in the file steps it.

    ## Why is this bad
    Nothing computed with gradients disabled records a graph, so the loss's backward pass never
    reaches the module: its parameters' `.grad` stays `None`, and an optimizer step skips
    parameters without a gradient, so they never change. Unlike NG201, nothing raises: the
    rest of the model trains, and the module silently keeps its initial (or pretrained) weights.

    ## Example
    ```python
    class VisionTower(nn.Module):
        def __init__(self, encoder, unfreeze=False):
            super().__init__()
            self.encoder = encoder
            self.encoder.requires_grad_(unfreeze)

        @torch.no_grad()
        def forward(self, images):
            return self.encoder(images)
    ```

    ## Use instead
    ```python
    class VisionTower(nn.Module):
        ...
        def forward(self, images):
            return self.encoder(images)
    ```
    A frozen tower (`requires_grad_(False)`) fed plain images still records nothing.

    ## Fix safety
    There is no automatic fix: removing the `no_grad` makes the module train, which changes
    the model, its memory use and the results; whether it should train is the author's
    decision (then remove the `no_grad`), or it should not (then do not give its parameters to
    an optimizer, and freeze it explicitly).

    ## Known limits
    Optimizers are read where they are built from `.parameters()` calls, in the same class
    (its base classes of the project too), function or module, or, for one the training
    function is given (`train(model, optimizer)`), where every call of it in the module builds
    what it passes; one built by a helper (`make_optimizer(model)`), by a trainer library, or
    passed from another module is not seen. A module that is only part of
    a larger model whose `model.parameters()` reach the optimizer is not reported (freezing an
    encoder with `no_grad` there is common and deliberate). Unfreezing code in another module
    than the class and its base classes (a training script) is not seen. A module run under
    `no_grad` through a helper is followed when the helper is a method called on `self`
    (`self.aug_and_encode(obs)`, two calls deep), not through other objects or functions. A
    `no_grad` module or method cutting its inputs' gradients is found when it is called in the
    same file (a method or function only when decorated, not a `with` inside it: such a block
    in the module's own `forward` is the case above); a module must
    compute its outputs from every input a caller must pass (one that only reads a mask or a flag
    from an input is not reported). A decorated function that returns an input unchanged would
    keep its graph; it is read as cutting it. The in-place shape reads `h += term` on a name (not
    `self.h += term`, nor `h.add_(term)`), and a parameter counts as read with gradients on only
    where its class's own methods spell `self.name`.
    """

    code = "NG208"
    name = "trained-module-without-gradients"
    summary = "A module that is trained runs its forward pass with gradients disabled, so it never learns."

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        model = model_of(analysis)
        yield from _disabled_forwards(analysis, model)
        yield from _inputs_cut(analysis, model)
        yield from _layers_cut_in_forward(analysis, model)
        yield from _parameters_added_in_forward(analysis, model)
        yield from _steps_fed_without_grad(analysis, model)


# -- a module whose forward disables gradients -----------------------------------------------------
def _disabled_forwards(analysis: FileAnalysis, model: ModuleModel) -> Iterable[Finding]:
    for cls in model.classes.values():
        state = _disabled_forward(analysis, model, cls) if cls.is_module else None
        evidence = _trained(analysis, model, cls) if state is not None else None
        if evidence is None:
            continue
        confidence, why = evidence
        node = state.node.item if state.origin is Origin.WITH else state.node
        message = (f"`{cls.name}.forward` runs under `{context_text(analysis, state)}`, so its outputs carry no graph "
                   f"and no gradient reaches its parameters, but the code trains them ({why}): an optimizer step "
                   "leaves parameters without a gradient unchanged, so the module never learns; run the forward "
                   "pass with gradients enabled (and freeze the module with `requires_grad_(False)` where it "
                   "should not train)")
        yield Finding(node, message, None, confidence)


# -- a no_grad module or method fed the outputs of trained layers ---------------------------------
def _inputs_cut(analysis: FileAnalysis, model: ModuleModel) -> Iterable[Finding]:
    """A module whose `forward` (or a method) runs under `@torch.no_grad()` and computes its
    outputs from its inputs (a rotary embedding, a log-probability), called in another module's
    `forward` on the outputs of layers with parameters, where what it returns reaches that
    `forward`'s output: the layers get no gradient through it."""
    reported: set[int] = set()
    for callee, state, caller, call, layers, parameters in [*_module_sites(analysis, model),
                                                            *_method_sites(analysis, model)]:
        if id(callee) in reported:
            continue
        reported.add(id(callee))
        name = callee.display_name
        given = [f"outputs of {_names(layers)}"] if layers else []
        given += [f"its parameter{'s' if len(parameters) > 1 else ''} {_names(parameters)}"] if parameters else []
        message = (f"`{name}` runs under `{context_text(analysis, state)}`, but `{caller.class_name}.forward` gives "
                   f"it {' and '.join(given)} and builds its own output from what it returns: the gradient stops "
                   f"there, and none reaches {_names([*layers, *parameters])} through it; keep under `no_grad` only "
                   "what needs no gradient (a frequency table, a mask), not what is computed from those inputs")
        related = ((call, analysis, f"`{callee.name}` is run here on inputs that carry a graph"),)
        yield Finding(state.node.item if state.origin is Origin.WITH else state.node, message, None,
                      Confidence.MEDIUM, related)


# what a layer run under `no_grad` on purpose is named: a target network, a teacher, an EMA copy
_COPY_WORDS = frozenset({"target", "teacher", "ema", "momentum", "frozen", "old", "prev", "previous", "ref",
                         "reference", "slow", "avg", "average", "mean"})


def _layers_cut_in_forward(analysis: FileAnalysis, model: ModuleModel) -> Iterable[Finding]:
    """A `with torch.no_grad():` block written in a module's `forward` that computes on activations
    that carry a graph (from the module's parameters or layers) and runs one of the module's own
    layers with parameters, when the forward builds its output from what the block computes: the
    layer never gets a gradient, and none flows through the block to what computed its input. (A
    block that runs a layer on the raw input only is a frozen feature extractor: not reported.)"""
    for caller, result in _module_forwards(analysis, model):
        if disabling_decorator(analysis, model, caller) is not None:
            continue  # the whole forward is disabled: `_disabled_forwards`
        reported: set[int] = set()
        for key in sorted(result.returned.fed_without_grad & result.runs_without_grad.keys(),
                          key=lambda key: result.runs_without_grad[key][0].index):
            fact, module = result.runs_without_grad[key]
            state = analysis.state_of(fact)
            spelled = fact.callee or ""
            if (state.origin is not Origin.WITH or state.mode is not Mode.DISABLED or id(state.node) in reported
                    or id(state.node) not in result.graphs_cut_under
                    or not set_in(analysis, state, caller) or explicit(analysis, state) is None
                    or not spelled.startswith("self.") or not has_parameters(module)
                    or _COPY_WORDS & set(split_words(spelled.rpartition(".")[2]))
                    or runs_only_in_eval_mode(caller.node, state.node)):
                continue  # (the `else` of `if self.training:` runs at inference only: no gradient is wanted)
            reported.add(id(state.node))
            message = (f"`{caller.class_name}.forward` computes on activations that carry a graph under "
                       f"`{context_text(analysis, state)}`, runs `{spelled}` there and builds its output from what "
                       f"that block computes: `{spelled}` never gets a gradient, and none flows through the block to "
                       "the layers and parameters before it; run the block with gradients on (and freeze with "
                       "`requires_grad_(False)` what should not train)")
            related = ((fact.node, analysis, f"`{spelled}` runs here without gradients"),)
            yield Finding(state.node.item, message, None, Confidence.MEDIUM, related)


def _parameters_added_in_forward(analysis: FileAnalysis, model: ModuleModel) -> Iterable[Finding]:
    """`h += torch.mm(mask, self.bias)` under a `with torch.no_grad():` written in a module's
    `forward`, `h` carrying a graph and building the output: torch updates `h` in place, so it
    keeps its graph, but records nothing for the term, and a parameter of the module (`self.bias`,
    an `nn.Parameter`) that only such code reads never gets a gradient."""
    for caller, result in _module_forwards(analysis, model):
        cls = model.classes.get(caller.class_name)
        reported: set[int] = set()
        for key in sorted(result.returned.fed_without_grad & result.updated_without_grad.keys(),
                          key=lambda key: model.call_order.get(key, 0)):
            statement, state = result.updated_without_grad[key]
            if (state.origin is not Origin.WITH or state.mode is not Mode.DISABLED or id(state.node) in reported
                    or not set_in(analysis, state, caller) or explicit(analysis, state) is None
                    or runs_only_in_eval_mode(caller.node, state.node)):
                continue
            parameters = [f"self.{attr}" for attr in _own_parameter_reads(cls, statement.value)
                          if _read_only_without_grad(analysis, model, cls, attr)]
            if not parameters:
                continue
            reported.add(id(state.node))
            target = code_of(analysis, statement.target, 30)
            message = (f"`{caller.class_name}.forward` adds a term of {_names(parameters)} to `{target}` under "
                       f"`{context_text(analysis, state)}`: the update is in place, so `{target}` keeps its graph, "
                       f"but nothing records the term, and {_names(parameters)} (read nowhere with gradients on) "
                       "never gets a gradient; compute the term with gradients on")
            related = ((statement, analysis, f"`{target}` is updated here without gradients"),)
            yield Finding(state.node.item, message, None, Confidence.MEDIUM, related)


def _own_parameter_reads(cls: Optional[ClassModel], expression: cst.CSTNode) -> list[str]:
    """The attributes `x` of `self.x` read in `expression` that hold one of the module's own
    parameters (an `nn.Parameter` or a tensor that requires grad, not a forward pass's output)."""
    found: list[str] = []
    for node in iter_nodes(expression) if cls is not None else ():
        if (node.__class__ is cst.Attribute and node.value.__class__ is cst.Name and node.value.value == "self"
                and node.attr.value not in found and _holds_own_parameter(cls, node.attr.value)):
            found.append(node.attr.value)
    return found


def _read_only_without_grad(analysis: FileAnalysis, model: ModuleModel, cls: ClassModel, attr: str) -> bool:
    """Is every read of `self.attr` in the class's own methods (its `__init__` aside) made with
    gradients disabled?"""
    for method in cls.own_methods.values():
        for node in field_reads(method, attr) if method.name != "__init__" else ():
            fact = model.facts_by_node.get(id(node.value))
            state = analysis.state_of(fact) if fact is not None else None
            if state is None or not state.mode.disables_grad:
                return False
    return True


def _names(spelled: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in spelled[:3])


def _module_sites(analysis: FileAnalysis, model: ModuleModel) -> Iterable[tuple]:
    """(forward, the state that disables its gradients, caller, call, layers, parameters) for calls of
    modules whose `forward`, decorated or returning from inside a disabling `with`, computes its
    outputs from every input a caller must pass; the layers are those whose outputs the call is
    given, and the caller's own parameters given to it (`self.kernel`)."""
    for cls in model.classes.values():
        forward = cls.methods.get("forward") if cls.is_module else None
        own = forward is not None and forward.class_name == cls.name
        state = _cutting_state(analysis, model, forward) if own else None
        inputs = set(required_parameters(forward)) - {"self"} if state is not None else set()
        if not inputs or any(not inputs <= result.returned.params for result in model.results_of(forward)):
            continue  # an input it does not compute its outputs from (a mask, a flag)
        for caller, result in _module_forwards(analysis, model):
            for token in result.forwards:
                value = result.values.get(id(token.call.node))
                if (token.module.ref is cls and caller.class_name != cls.name and value is not None
                        and token.id in result.returned.sources):
                    layers = _layers(result, value.sources - {token.id})
                    parameters = _own_parameters(model, caller, token.call.node)
                    if layers or parameters:
                        yield forward, state, caller, token.call.node, layers, parameters


def _cutting_state(analysis: FileAnalysis, model: ModuleModel, function: FunctionInfo) -> Optional[GradState]:
    """The decorator of `function` that disables gradients, or the `with` written in it that
    every value it returns is computed under (`with torch.no_grad(): return kernel.clamp(...)`)."""
    state = disabling_decorator(analysis, model, function)
    if state is not None or not keeps_gradients_off(analysis, model, function):
        return state
    states = [result.returned.nograd_state if result.returned.graph is Graph.NO and result.returned.nograd
              else None for result in model.results_of(function)]
    state = states[0] if states and all(other is states[0] for other in states) else None
    if (state is None or state.mode is not Mode.DISABLED or explicit(analysis, state) is None
            or not set_in(analysis, state, function)):
        return None
    return state


def _own_parameters(model: ModuleModel, caller: FunctionInfo, call: cst.Call) -> list[str]:
    """The arguments of `call` that are parameters of the caller's module (`self.kernel`, set to
    an `nn.Parameter` or a tensor that requires grad, not to a forward pass's output)."""
    cls = model.classes.get(caller.class_name)
    found = []
    for arg in call.args if cls is not None else ():
        node = arg.value
        if (node.__class__ is cst.Attribute and node.value.__class__ is cst.Name and node.value.value == "self"
                and _holds_own_parameter(cls, node.attr.value)):
            found.append(f"self.{node.attr.value}")
    return found


def _holds_own_parameter(cls: ClassModel, attr: str) -> bool:
    """Does `self.attr` hold a parameter of the module itself: an `nn.Parameter` or a tensor that
    requires grad (a graph of no forward pass)?"""
    field = cls.fields.get(attr)
    return field is not None and field.kind is Kind.TENSOR and field.graph is Graph.YES and not field.sources


def _method_sites(analysis: FileAnalysis, model: ModuleModel) -> Iterable[tuple]:
    """The same for calls of project functions decorated with `no_grad` (`self.get_log_prob(s, a)`)
    whose result reaches the caller's output, given a graph they compute it from."""
    for caller, result in _module_forwards(analysis, model):
        for fact, callee, params, _ in result.outgoing:
            state = disabling_decorator(analysis, model, callee)
            summary = model.summary_of(callee) if state is not None else None
            if summary is None or id(fact.node) not in result.returned.fed_without_grad:
                continue
            sources = frozenset().union(*(params[name].sources for name in summary.returned_params
                                          if name in params and params[name].graph is Graph.YES))
            layers = _layers(result, sources)
            if layers:
                yield callee, state, caller, fact.node, layers, []


def _module_forwards(analysis: FileAnalysis, model: ModuleModel) -> Iterable[tuple[FunctionInfo, ScopeResult]]:
    for function in analysis.functions:
        owner = model.classes.get(function.class_name) if function.class_name else None
        if function.name == "forward" and owner is not None and owner.is_module:
            for result in model.results_of(function):
                yield function, result


def _layers(result: ScopeResult, sources: frozenset) -> list[str]:
    """The modules with parameters whose forward passes (token ids `sources`) a value carries."""
    found = []
    for token in result.forwards:
        if token.id in sources and has_parameters(token.module):
            helper = dotted_name(token.call.node.func) if token.callee is not None else None
            found += [helper] if helper is not None else [run for run in token.runs if run not in found]
    return found


def required_parameters(function: FunctionInfo) -> list[str]:
    """The parameters a caller must pass (no default, not `*args`): the inputs, not the options."""
    return [p.name.value for p in _named_params(function) if p.default is None]


def disabling_decorator(analysis: FileAnalysis, model: ModuleModel, function: FunctionInfo) -> Optional[GradState]:
    """The decorator of `function` (of this module) that disables gradients, if it has one."""
    if not keeps_gradients_off(analysis, model, function):
        return None
    state = function.entry
    if (state.origin is Origin.DECORATOR and state.mode is Mode.DISABLED and explicit(analysis, state) is not None
            and decorated_function(analysis, state.node) is function):
        return state
    return None


def keeps_gradients_off(analysis: FileAnalysis, model: ModuleModel, function: FunctionInfo) -> bool:
    """A function of this module whose disabling decorator or `with` covers what it runs: not an
    `async def` (a decorator does nothing there) and not one that turns gradients back on."""
    return not function.is_async and model.owner_model(function) is model and not turns_gradients_on(analysis, function)


def _disabled_forward(analysis: FileAnalysis, model: ModuleModel, cls: ClassModel) -> Optional[GradState]:
    """The decorator or `with` of the class's own `forward` that disables gradients for every
    forward pass it runs, if it has one (inference mode is NG206's)."""
    forward = cls.methods.get("forward")
    if forward is None or forward.class_name != cls.name or not keeps_gradients_off(analysis, model, forward):
        return None
    results = model.results_of(forward)
    if not results or any(result.forwards for result in results):
        return None  # a forward pass with gradients on: the module has a graph through it
    for result in results:
        for value in result.values.values():
            state = value.nograd_state
            if (value.nograd is NoGrad.SURE and state is not None and state.mode is Mode.DISABLED
                    and explicit(analysis, state) is not None and set_in(analysis, state, forward)):
                return state
    return None


def set_in(analysis: FileAnalysis, state: GradState, function: FunctionInfo) -> bool:
    """The decorator of `function`, or a `with` written in it, set `state`."""
    if state.origin is Origin.DECORATOR:
        return decorated_function(analysis, state.node) is function
    return state.origin is Origin.WITH and any(
        item is state.node for fact in analysis.facts_in(analysis.withs, function) for item in fact.node.items)


def _trained(analysis: FileAnalysis, model: ModuleModel, cls: ClassModel) -> Optional[tuple[Confidence, str]]:
    """How the code trains the module class: an optimizer over its parameters, or unfreezing
    (none when the code freezes it and never unfreezes it, or trains its parts through another
    method and never runs its `forward` in code that trains)."""
    scopes = [None, *analysis.functions]
    switches = _own_switches(model, cls) + [s for scope in scopes for s in grad_switches(model, scope)
                                            if module_class(model, s.function, s.module) is cls]
    unfreezing = [switch for switch in switches if switch.on is not False]
    runs_it = training_scope(model, cls)
    if (switches and not unfreezing) or (runs_it is None and _trains_without_forward(model, cls)):
        return None
    for scope in scopes:
        for build in optimizer_builds(model, scope):
            if any(module_class(model, scope, spelled) is cls for spelled in build.modules):
                step = _step_of(model, build)
                where = f"`{build.name}` is built over its parameters"
                if step is not None:
                    return Confidence.HIGH, f"{where} and stepped in `{_scope_name(step.function)}`"
                return Confidence.MEDIUM, where
    found = None
    for switch in unfreezing:
        what = "unfrozen" if switch.on else "unfrozen when its flag is true"
        why = f"`{code_of(analysis, switch.node, 50)}` in `{_scope_name(switch.function)}`: its parameters are {what}"
        if switch.function is not None and any(r.training for r in model.results_of(switch.function)):
            return Confidence.HIGH, why + ", in code that trains"
        if runs_it is not None:
            where = f"`{runs_it.scope.name}`" if runs_it.scope is not None else "the module's top level"
            return Confidence.HIGH, why + f", and {where} trains a model that runs it"
        found = found or (Confidence.MEDIUM, why)
    return found


def _trains_without_forward(model: ModuleModel, cls: ClassModel) -> bool:
    """Another method of the class runs forward passes with gradients on (`training_step` runs
    `self.net` itself, and `forward` is the inference API)."""
    return any(result.forwards for name, method in cls.methods.items() if name != "forward"
               and model.owner_model(method) is model for result in model.results_of(method))


def _own_switches(model: ModuleModel, cls: ClassModel) -> list[GradSwitch]:
    """The statements of the class's methods (inherited ones too) that freeze or unfreeze it or a part of it."""
    return [switch for method in class_methods(model, cls) for switch in grad_switches(model, method)
            if switch.module == "self" or switch.module.startswith("self.")]


def _step_of(model: ModuleModel, build: OptimizerBuild) -> Optional[CallFact]:
    """A step of the optimizer, in the scope that builds it or, for `self.opt`, in its class."""
    analysis = model.analysis
    for call in analysis.calls:
        name = stepped_optimizer(call)
        if name != build.name:
            continue
        if name.startswith("self."):
            if call.function is not None and build.function is not None and (
                    call.function.class_name == build.function.class_name):
                return call
        elif call.function is build.function or build.function is None:
            return call
    return None


# -- a training step fed by a forward pass run without gradients ---------------------------------
def _steps_fed_without_grad(analysis: FileAnalysis, model: ModuleModel) -> Iterable[Finding]:
    reported: set[int] = set()
    for result in model.all_results():
        gradless_losses = _fed_to_gradless_losses(result)
        for key in sorted(result.used_without_grad, key=lambda k: model.call_order.get(k, 0)):
            fact = model.calls_by_node.get(key)
            if fact is None or key in reported or fact.function is not result.scope:
                continue
            state = analysis.state_of(fact)
            if state.mode is not Mode.DISABLED or explicit(analysis, state) is None:
                continue
            path = _update_path(model, result, key)
            # fed into a loss term that has no graph at all, the module gets nothing from it, even
            # when a pass with gradients on feeds the same step (the DQN-like target case)
            gradless = gradless_losses.get(key)
            found = next(((spelled, stepped) for spelled in _modules_run(model, result, fact)
                          for stepped in [stepping(model, result.scope, path, spelled)]
                          if stepped is not None and (gradless is not None or not _runs_with_grad(model, path, spelled))
                          and not _frozen(model, result.scope, spelled)), None)
            if found is None:
                continue
            reported.add(key)
            spelled, (build, step) = found
            loss = model.calls_by_node.get(gradless) if gradless is not None else None
            ran = f"`{code_of(analysis, fact.node, 40)}` runs under `{context_text(analysis, state)}`"
            if loss is not None:  # a term of the loss trains nothing; the module may learn from the others
                why = (f"and `{code_of(analysis, loss.node, 40)}` is a loss of such outputs alone: it has no graph, "
                       f"so the term gives `{spelled}` no gradient in the backward pass of "
                       f"`{_scope_name(step.function)}` that steps `{build.name}`; compute what it reads with "
                       "gradients enabled")
            else:
                why = (f"so `{spelled}` gets no gradient from the loss it feeds, but its parameters are in "
                       f"`{build.name}`, which `{_scope_name(step.function)}` steps after the backward pass: the "
                       f"step leaves them unchanged and `{spelled}` never learns; run it with gradients enabled")
            yield Finding(fact.node, f"{ran}, {why} (keep `no_grad` for targets only)", None, Confidence.HIGH)


def _fed_to_gradless_losses(result: ScopeResult) -> dict[int, int]:
    """The forward passes run with gradients disabled that feed a loss without any graph (see
    `ScopeResult.gradless_losses`) summed into a backward pass that has one, each with that loss."""
    return {key: loss for _, value in result.backwards if value.graph is not Graph.NO
            for loss in sorted(value.dropped) if loss in result.gradless_losses for key in result.gradless_losses[loss]}


def _modules_run(model: ModuleModel, result: ScopeResult, fact: CallFact) -> list[str]:
    """The modules a call runs, as written where it is called: `self.encoder` in `self.encoder(x)`
    and `self.encoder.forward(x)`; for a project method called on `self` (`self.encode(obs)`), the
    modules of `self` it runs, two calls deep."""
    outgoing = result.outgoing_calls.get(id(fact.node))
    if outgoing is None:
        spelled = dotted_name(fact.receiver if fact.method in FORWARD_METHODS else fact.node.func)
        return [spelled] if spelled is not None else []
    if fact.receiver is None or dotted_name(fact.receiver) != "self":
        return []
    found: list[str] = []
    todo, seen = [(outgoing[1], 0)], set()
    while todo:
        function, depth = todo.pop()
        summary = model.summary_of(function)
        if summary is None or id(function) in seen:
            continue
        seen.add(id(function))
        for token in summary.result.forwards:
            found += [run for run in token.runs if run.startswith("self.") and run not in found]
            if token.callee is not None and depth < 1 and dotted_name(token.call.receiver) == "self":
                todo.append((token.callee, depth + 1))
    return found


def _update_path(model: ModuleModel, result: ScopeResult, key: int) -> list[tuple[Optional[FunctionInfo], ScopeResult]]:
    """The scope and the callees it gives the output of the forward pass `key` to, where they
    backpropagate it (`self.update_critic(obs, ...)`)."""
    path = [(result.scope, result)]
    for _, function, params, _ in result.outgoing:
        summary = model.summary_of(function)
        if summary is not None and any(key in value.fed_without_grad and USED in summary.param_uses.get(name, ())
                                       for name, value in params.items()):
            path.append((function, summary.result))
    if len(path) == 1 and not any(key in value.fed_without_grad and value.graph is not Graph.NO
                                  for _, value in result.backwards):
        return []  # it reaches only losses without a graph: NG201's
    return path


def _runs_with_grad(model: ModuleModel, path: list, spelled: str) -> bool:
    """A forward pass with gradients on of `spelled`, a part of it or a module that contains it,
    in the path or in what it calls."""
    todo = [(result, 0) for _, result in path]
    seen: set[int] = set()
    while todo:
        result, depth = todo.pop()
        if id(result) in seen:
            continue
        seen.add(id(result))
        for token in result.forwards:
            if any(_overlaps(run, spelled) for run in token.runs):
                return True
            summary = model.summary_of(token.callee) if token.callee is not None else None
            if summary is not None and depth < MAX_CALLEE_DEPTH:
                todo.append((summary.result, depth + 1))
    return False


def _overlaps(run: str, spelled: str) -> bool:
    return run == spelled or spelled.startswith(run + ".") or run.startswith(spelled + ".")


def _frozen(model: ModuleModel, root: Optional[FunctionInfo], spelled: str) -> bool:
    """The code freezes `spelled` and never unfreezes it."""
    cls = model.classes.get(root.class_name) if root is not None and root.class_name else None
    scopes = class_methods(model, cls) if spelled.startswith("self.") and cls is not None else [root, None]
    flags = {switch.on for scope in scopes for switch in grad_switches(model, scope) if switch.module == spelled}
    return flags == {False}


def _scope_name(function: Optional[FunctionInfo]) -> str:
    return function.name if function is not None else "the module's top level"
