"""Evaluation regions: functions, loops and statements that run forward passes with gradients on
whose graphs nothing uses, with the evidence for it and the confidence it gives.

The decision rests on what the values do (see `interpret.py`): a module in eval mode, a graph
built and thrown away (inside a loop: at every batch), callers that consume what a function
returns without differentiating it. Names (`evaluate`, `val_loader`, `model`) only add or take
away confidence; on their own they make a finding of low confidence at most.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Iterator, Optional, Sequence, Union

import libcst as cst

from . import knowledge
from .calls import is_backward, is_optimizer_call
from .knowledge import in_test_folder, is_evaluation_name, is_test_file, looks_like_transform
from .phases import compared_phases, literal_phases, training_branches
from .syntax import is_false, suite_statements
from ..diagnostics import Confidence
from .gradmode import (AssignFact, CallFact, FileAnalysis, FunctionInfo, LoopInfo, Mode, Origin, Span, bound_names,
                       is_main_guard, script_bodies)
from .imports import dotted_name
from .interpret import INDEX_VALUED, RETURNED, TENSOR_CREATION, STORED, USED, ScopeResult, Token, _named_params, root_name
from .lattice import UNKNOWN, Evidence, Graph, Kind, Training, Value
from .summaries import MODULE_API, ClassModel, ModuleModel, model_of, path_in_project
from .trainable import class_methods, grad_switches, stepping
from .treewalk import iter_nodes, names_in


@dataclasses.dataclass(eq=False)
class EvalRegion:
    """Code that evaluates a model with gradients on: a whole function, a loop, or statements."""

    kind: str  # "function", "loop" or "statements"
    scope: Optional[FunctionInfo]
    statements: tuple[cst.CSTNode, ...]  # the FunctionDef, the loop, or consecutive statements
    tokens: list[Token]
    evidence: str
    confidence: Confidence
    escapes: bool  # a graph (or a tensor that may carry one) leaves the region: the fix is unsafe
    grad_flag: Optional[str] = None  # the fix enables gradients only where this is true (`phase == "train"`)
    what: str = "evaluation"  # what the region does, as messages name it ("rollout": acting to collect data,
    # "acting": one action for an environment)
    # a module's own method that returns its graphs, judged by what its callers do with them (an
    # `encoder` a sampling method runs): where a caller is reported as surely, the fix goes there
    # (see `_one_finding_per_call_tree`)
    by_callers: bool = False

    @property
    def forwards(self):
        return [token.call for token in self.tokens]

    @property
    def anchor(self):
        """The forward pass a finding underlines: the first one of a module in eval mode, when
        there is one (calls before the `.eval()` are not what makes it evaluation), else the first."""
        return next((token.call for token in self.tokens
                     if token.module.kind is Kind.MODULE and token.module.training is Training.EVAL), self.tokens[0].call)


def is_test_function(analysis: FileAnalysis, function: FunctionInfo) -> bool:
    """A test, or a test helper: any function of a test suite (a test file that imports a test
    framework or has a test class: its tests and the helpers they share, `_assert_same_outputs`),
    `test*` methods of test classes elsewhere (`Test*` for pytest, a `TestCase` subclass for
    unittest), and the functions pytest collects from a test file. `Trainer.test()` elsewhere,
    or `test(model, users)` in a research repository's `batch_test.py`, evaluates a model: not a
    test."""
    if _is_test_suite(analysis):
        return True
    if _pytest_function(analysis, function):
        return True
    info = function.class_info
    return function.name.startswith("test") and info is not None and (
        _is_test_class_name(info.name) or any(base.rpartition(".")[2].endswith("TestCase") for base in info.bases))


def _is_test_class_name(name: str) -> bool:
    """`TestModel` (pytest), `ModelTestCase` (a unittest base or mixin that test classes derive from)."""
    return name.startswith("Test") or name.endswith("TestCase")


TEST_FRAMEWORKS = frozenset({"pytest", "unittest", "hypothesis", "nose", "nose2", "doctest"})
EVERY_BATCH_DROPPED = "it throws the graph of every batch away"  # evidence words the confidence steps rephrase
LOADED_NEVER_TRAINED = "the script loads the model's weights and never trains"
LOADED_BY_ITS_CLASS = "its class loads the model's weights, and nothing in this file trains"
LOADED_BY_THE_MODULE = "it runs a model this module loads weights into, and nothing in this file trains"
LOADED_BY_THE_FUNCTION = "it loads weights into the model it builds, and nothing in this file trains"
GRAPH_UNUSED = "nothing uses the graph it records"
CELL_MARK = "# %%"  # a comment that starts a cell of a script run cell by cell (VS Code, Spyder, Jupytext)


def has_cells(text: Union[str, bytes]) -> bool:
    """Does the source have `# %%` cells? They are comments, which a tree built from `ast` does not
    hold (io/bare_trees.py), and they split a script's runs of statements."""
    return (CELL_MARK.encode() if isinstance(text, bytes) else CELL_MARK) in text


def _pytest_function(analysis: FileAnalysis, function: FunctionInfo) -> bool:
    """`def test_layer_shapes():` at the top of a test file pytest collects (no import of pytest
    needed), taking no argument or kept in a `tests` folder: a unit test, not a test-set loop."""
    if function.class_name is not None or function.parent is not None or not function.name.startswith("test_"):
        return False
    path = path_in_project(analysis.path, analysis.project)
    if not is_test_file(path):
        return False
    params = function.node.params
    return not (params.params or params.posonly_params or params.kwonly_params) or in_test_folder(path)


def _is_test_suite(analysis: FileAnalysis) -> bool:
    """A test file (by pytest's patterns or folder) that reads as a suite of tests."""
    if not is_test_file(path_in_project(analysis.path, analysis.project)):
        return False
    roots = {qualified.split(".")[0] for qualified in analysis.imports.aliases.values()}
    return bool(roots & TEST_FRAMEWORKS) or any(_is_test_class_name(name) for name in analysis.classes)


def is_evaluation_loader(loop: LoopInfo, loops: Sequence[LoopInfo]) -> bool:
    """Does the loop iterate what its name says is an evaluation split (`val_loader`, `test`)?
    Not a name another loop of the function binds (`for key, val in outputs.items()`, then
    `for image in val`): that is an element, whatever it is called."""
    if not loop.iter_name:
        return False
    if any(other.function is loop.function and loop.iter_name in other.target_names for other in loops):
        return False
    return bool(knowledge.EVALUATION_LOADER.search(loop.iter_name.rpartition(".")[2]))


def evaluation_regions(analysis: FileAnalysis, extra_names: Sequence[str] = ()) -> list[EvalRegion]:
    """Every region of the file that evaluates a model while gradients are recorded."""
    key = ("evaluation_regions", tuple(extra_names))
    if key in analysis.cache:
        return analysis.cache[key]
    model = model_of(analysis)
    if not model.may_use_torch:
        analysis.cache[key] = []
        return []
    regions: list[EvalRegion] = []
    whole: dict[int, EvalRegion] = {}
    for function in analysis.functions:
        for result in model.results_of(function):
            found = _capped_for_dispatch(model, function, _function_regions(model, function, result, extra_names))
            found = _capped_under_enable_grad(model, result, found)
            for region in found:
                if region.kind == "function":
                    if id(function) in whole:
                        continue
                    whole[id(function)] = region
                regions.append(region)
    if model.module_result is not None:
        regions.extend(_block_regions(model, None, model.module_result, extra_names))
    _COMPUTING.add(id(analysis))
    try:
        whole.update(_helpers_reported_elsewhere(model, regions, extra_names))
    finally:
        _COMPUTING.discard(id(analysis))
    regions = _one_finding_per_call_tree(model, regions, whole)
    # a region one of whose passes may need gradients to be evaluated at all: its `no_grad` would break it
    regions = [region for region in _one_per_place(model, regions)
               if not any(_may_differentiate_its_input(model, token) for token in region.tokens)]
    analysis.cache[key] = regions
    return regions


_COMPUTING: set[int] = set()  # analyses whose regions are being found (an import cycle stops here)


def _helpers_reported_elsewhere(model: ModuleModel, regions: list[EvalRegion], extra_names: Sequence[str]) -> dict:
    """The whole-function regions of the helpers in other modules of the project that these
    regions call: a caller covered by them is not reported as well (one finding per wasted
    graph, across files as within one)."""
    found: dict[int, EvalRegion] = {}
    project = model.project
    if project is None:
        return found
    for region in regions:
        for token in region.tokens:
            owner = project.owner_of(token.callee) if token.callee is not None else None
            if owner is None or owner is model or id(owner.analysis) in _COMPUTING:
                continue
            for elsewhere in evaluation_regions(owner.analysis, extra_names):
                if elsewhere.kind == "function" and elsewhere.scope is token.callee:
                    found[id(token.callee)] = elsewhere
    return found


def _one_per_place(model: ModuleModel, regions: list[EvalRegion]) -> list[EvalRegion]:
    """The strongest region per statement, and per first forward pass (a function evaluated in two
    contexts, a loop inside evaluation code: one finding); of equals, the one whose fix is safe."""
    best: dict[int, EvalRegion] = {}
    for region in regions:
        key = id(region.statements[0])
        if key not in best or region.confidence > best[key].confidence:
            best[key] = region
    by_forward: dict[int, EvalRegion] = {}
    for region in best.values():
        key = id(region.forwards[0].node)
        known = by_forward.get(key)
        if known is None or (region.confidence, not region.escapes) > (known.confidence, not known.escapes):
            by_forward[key] = region
    best = {id(region.statements[0]): region for region in by_forward.values()}
    return sorted(best.values(), key=lambda r: model.order(r.tokens[0]))


def _one_finding_per_call_tree(model: ModuleModel, regions: list[EvalRegion], whole: dict) -> list[EvalRegion]:
    """One finding per wasted graph. A caller whose only forward passes are calls of helpers
    reported themselves is covered by the fix in the helpers, unless the evidence is stronger in
    the caller (`reinforce_sample` called on a model in eval mode, its `encoder` and `decoder`
    seen only through it): then the caller is reported and helpers it alone calls are not."""
    kept, stronger = [], {}
    here = _functions_here(model)
    for region in regions:
        callees = [_read_here(model, here, t.callee) for t in region.tokens]
        helpers = [whole[id(callee)] for callee in callees
                   if callee is not None and id(callee) in whole and callee is not region.scope]
        if helpers and len(helpers) == len(region.tokens):
            if all(_outranks(helper, region) for helper in helpers):
                continue
            if region.kind == "function":
                stronger[id(region.scope)] = region
            elif region.scope is None and model.module_result is not None:  # a script's loop over the helper
                stronger[id(model.module_result)] = max(region, stronger.get(id(model.module_result), region),
                                                        key=lambda r: r.confidence)
        kept.append(region)
    return [region for region in kept if not _covered_by_callers(model, region, stronger)]


def _functions_here(model: ModuleModel) -> dict:
    return {(f.class_name, f.name, f.span.start): f for f in model.analysis.functions}


def _read_here(model: ModuleModel, here: dict, callee: Optional[FunctionInfo]) -> Optional[FunctionInfo]:
    """`callee` as this module's reading of it: a call resolved through callers that read the
    module apart (a notebook that imports it) names the same function of another reading."""
    if callee is None or model.project is None:
        return callee
    owner = model.project.owner_of(callee)
    if owner is None or owner is model or owner.analysis.path != model.analysis.path:
        return callee
    return here.get((callee.class_name, callee.name, callee.span.start), callee)


def _covered_by_callers(model: ModuleModel, region: EvalRegion, stronger: dict) -> bool:
    """A whole-function region whose every caller that runs it with gradients on is reported with
    stronger evidence (nnU-Net's `_internal_predict_2D_2Dconv`: `predict_2D` calls it under
    `no_grad`, an unused `predict_3D_pseudo3D_2Dconv` without, reported itself), a function or a
    script's top level (a benchmark loop after `model.eval()` over the helper)."""
    if region.kind != "function" or id(region.scope) in stronger:
        return False
    analyses = {id(fact): analysis for fact, analysis in model.call_sites(region.scope)}
    sites = [site for site in model.callers_of(region.scope)
             if not _runs_disabled(analyses.get(id(site[1]), model.analysis), site[1])]
    keys = [id(site[0].scope) if site[0].scope is not None else id(site[0]) for site in sites]
    return bool(sites) and all(key in stronger and not _outranks(region, stronger[key]) for key in keys)


def _outranks(helper: EvalRegion, caller: EvalRegion) -> bool:
    """Is the helper's finding the one to keep, of a helper and a caller that runs it? The surer
    one; of equals, the helper, unless it is a building block of the caller's own class judged by
    its callers (a seq2seq's `encoder`, whose graph its `sample` method throws away: the fix
    belongs in `sample`)."""
    if helper.confidence != caller.confidence:
        return helper.confidence > caller.confidence
    return not (helper.by_callers and caller.scope is not None and helper.scope is not None
                and caller.scope.class_name is not None and caller.scope.class_name == helper.scope.class_name)


def _capped_for_dispatch(model: ModuleModel, function: FunctionInfo, regions: list[EvalRegion]) -> list[EvalRegion]:
    """A method reached only through a computed name (`getattr(self, '_' + mode)(*args)` in a
    model's `forward`, or a method only such a one calls): the grad mode it runs in is the one its
    dispatcher's callers give for that name (`model(images, mode='sample')` under `no_grad`, and
    `mode='train'` with gradients on), which the analysis does not follow: low confidence."""
    if not regions or all(region.confidence is Confidence.LOW for region in regions):
        return regions
    dispatcher = _reached_by_dispatch(model, function)
    if dispatcher is None:
        return regions
    note = f"`{dispatcher.class_name}.{dispatcher.name}` may call it by a computed name, in a grad mode not followed"
    return [dataclasses.replace(region, confidence=Confidence.LOW, evidence=f"{region.evidence}; {note}")
            if region.confidence > Confidence.LOW else region for region in regions]


def _capped_under_enable_grad(model: ModuleModel, result: ScopeResult, regions: list[EvalRegion]) -> list[EvalRegion]:
    """Forward passes the author put under an explicit `with torch.enable_grad():` (or
    `set_grad_enabled(True)`) in code that differentiates something there (an attack's steps
    inside a robust evaluation loop): gradients were asked for on purpose, so the passes that
    did not need them are at most low confidence."""
    if not result.training:
        return regions
    return [dataclasses.replace(region, confidence=Confidence.LOW)
            if region.confidence > Confidence.LOW and all(model.explicitly_enabled(t.call) for t in region.tokens)
            else region for region in regions]


def _reached_by_dispatch(model: ModuleModel, function: FunctionInfo, depth: int = 0) -> Optional[FunctionInfo]:
    """The method that may call `function` by a computed name while leaving its grad mode open
    (`_grad_mode_unsettled`), when nothing else calls `function`, directly or through callers (of
    this module, at most two levels up) that only such a method reaches."""
    sites = model.callers_of(function)
    if not sites:
        if model.base_class_calls(function):
            return None
        return next((dispatcher for dispatcher in model.dispatch_callers(function)
                     if _grad_mode_unsettled(model, dispatcher)), None)
    scopes = {id(site[0].scope): site[0].scope for site in sites}
    if depth >= 2 or any(scope is None or model.owner_model(scope) is not model for scope in scopes.values()):
        return None
    found = [_reached_by_dispatch(model, scope, depth + 1) for scope in scopes.values()]
    return found[0] if all(found) else None


def _grad_mode_unsettled(model: ModuleModel, dispatcher: FunctionInfo) -> bool:
    """A dispatcher whose callers do not settle the grad mode it runs its targets in: a module's
    `forward` (run by calls of the module, in training and under `no_grad` alike), or a method
    some callers run under `no_grad` and others not. One every caller runs with gradients on
    (`Evaluator.run` called by a script) passes that mode on."""
    if dispatcher.name in knowledge.FORWARD_METHODS or dispatcher.entry.mode is not Mode.ENABLED:
        return True
    owner = model.owner_model(dispatcher) or model
    return id(dispatcher) in owner.mixed_entry


# -- whole functions -----------------------------------------------------------------------------
def _function_regions(model: ModuleModel, function: FunctionInfo, result: ScopeResult,
                      extra_names: Sequence[str]) -> list[EvalRegion]:
    analysis = model.analysis
    if function.entry.mode is not Mode.ENABLED or is_test_function(analysis, function):
        return []
    if any(state.mode.disables_grad for _, state, _, _ in model.base_class_calls(function)):
        return []  # a template method its base class runs under no_grad
    if function.name == "__init__":
        return _constructor_regions(model, function, result)
    if _is_model_internal(model, function) and _overridden_hook(function) is None:
        if _decodes_step_by_step(model, result):
            region = _whole_function(model, function, result, _recording(model, result), extra_names)
            return [region] if region is not None else []
        if not _returns_a_loss(result):
            return _layers_detached_at_once(model, function, result)
        # a module's `forward` that computes the training loss: a teacher run only to be detached
        return _single_statement_regions(model, function, result, _recording(model, result), [])
    if ((result.wants_grad and not result.training and not _requires_grad_moot(model, function, result)
         and not _enables_grad_for_nothing(result))
            or _callers_disable_unseen(model, function, result)):
        return []  # (a function that trains too: see `_wants_grad_beside_training`)
    tokens = _recording(model, result)
    if not tokens:
        return []
    if result.training:
        return _block_regions(model, function, result, extra_names)
    summary = model.summary_of(function)
    if result.context.constants and summary is not None and (
            _trains_where_skipped(summary.result, result) or any(other.training for other in model.results_of(function))
            or _caller_verdict(model, function) == "differentiated"):
        # it trains (with the arguments some caller gives, `compute_loss(..., eval=False)`), or a
        # caller backpropagates through what it returns, for other arguments
        # (`sample(with_details=True)`): disabling gradients in it would break those calls
        return []
    if _reported_at_call_sites(model, function):
        return []
    region = _whole_function(model, function, result, tokens, extra_names)
    if region is not None and (_unresolved_calls_disabled(model, function)
                               or _run_disabled_but_by_tests(model, function)):
        return []
    if region is not None:
        return [region]
    return _block_regions(model, function, result, extra_names)


def _constructor_regions(model: ModuleModel, function: FunctionInfo, result: ScopeResult) -> list[EvalRegion]:
    """`__init__` of a plain class (a trainer, a coach) that runs a model for a value it detaches
    at once (`self.latent_avg = self.net.decoder.mean_latent(10 ** 5)[0].detach()`): that
    statement threw the pass's graph away. A module's `__init__` runs a dummy input through its
    layers for their shapes: never reported."""
    cls = model.classes.get(function.class_name or "")
    if cls is None or cls.is_module or _in_module_class(function):
        return []  # (a module class of the project's own bases too: a prompt encoder's `BasePromptEncoder`)
    regions = []
    for token in _recording(model, result):
        statement = token.call.statement
        how = _detached_at_once(token)
        if how is None or not result.dead(token) or not isinstance(statement, cst.SimpleStatementLine):
            continue
        regions.append(EvalRegion("statements", function, (statement,), [token],
                                  f"{how} while the object is built", Confidence.MEDIUM, escapes=False))
    return regions


def _trains_where_skipped(summary: ScopeResult, result: ScopeResult) -> bool:
    """Does the function's summary train at a call that `result`, interpreted with its callers'
    literal arguments, did not reach (`if not eval: loss.backward()`)? One it reached and read
    otherwise (a method of the model its callers pass, known there) trains for no other argument."""
    reached = {key if isinstance(key, int) else key[0] for key in (*result.tokens, *result.outgoing_calls)}
    reached.update(result.training_calls)
    return any(id(call.node) not in reached for call in summary.training)


def _whole_function(model: ModuleModel, function: FunctionInfo, result: ScopeResult, tokens: list[Token],
                    extra_names: Sequence[str]) -> Optional[EvalRegion]:
    if any(result.fate(t.id) & {"used"} for t in tokens):
        return None
    evidence: list[str] = []
    evaled = _evaled(tokens, result)
    if evaled:
        evidence.append(evaled)
    dead = all(result.dead(t) for t in tokens)
    dead_loop = [t for t in tokens if t.in_loop and result.dead(t)]
    # outputs read only as values (`.item()`, `.argmax()`, `.numpy()`): data flowed, the graph did not
    read_loop = [t for t in dead_loop if t.id in result.read_as_data]
    escaping = [t for t in tokens if not result.dead(t)]
    if escaping and dead_loop and all(not t.in_loop and t.call.index < dead_loop[0].call.index for t in escaping):
        # an early path returns a graph (`if framework: return self.model(x)`, for a caller to
        # differentiate), a loop after it throws every batch's away: the loop is the finding, not
        # the whole function
        return None
    returned_only = all(result.fate(t.id) <= {"returned"} for t in escaping)
    callers = _caller_verdict(model, function) if escaping and returned_only else None
    if callers == "differentiated":
        return None
    dead_words = EVERY_BATCH_DROPPED if dead_loop else GRAPH_UNUSED
    if dead or dead_loop:
        evidence.append(dead_words)
    if callers:
        evidence.append(callers)
    base_calls = model.base_class_calls(function)
    if base_calls and not model.callers_of(function):
        caller = base_calls[0][0]
        evidence.append(f"`{caller.class_name}.{caller.name}` calls it with gradients on")
    override = _overridden_hook(function)
    hint = None
    if override is not None:
        evidence.append(f"it overrides `{override}.{function.name}`, which the framework runs with gradients on")
    elif is_evaluation_name(function.name, extra_names):
        hint = f"its name is `{function.name}`"
    loader = next((loop for loop in model.analysis.loops if loop.function is function and is_evaluation_loader(loop, model.analysis.loops)), None)
    if loader is not None and hint is None:
        hint = f"it iterates `{loader.iter_name}`"
    if hint is None:
        hint = _scores_with_a_metric(model, function)
    kept = _kept_for_detached_reads(model, result, escaping)
    module_evidence = max((t.module.evidence for t in tokens if t.module.kind is Kind.MODULE),
                          default=min(Evidence.CALLERS, max((_callee_evidence(model, t) for t in tokens),
                                                            default=Evidence.CALLERS)))
    sure_module = module_evidence >= Evidence.CALLERS and not all(_runs_only_named_modules(model, t) for t in tokens)
    if override is not None:
        confidence = Confidence.HIGH
    elif evaled and (dead or callers):
        confidence = Confidence.HIGH
    elif kept:
        places = ", ".join(f"`.{name}`" for name in kept)
        evidence.append(f"it keeps the outputs only in {places}, which the code reads only detached")
        confidence = Confidence.HIGH if evaled else Confidence.MEDIUM
    elif _volatile(tokens, result) is not None:  # outputs leave, but their author made them without graphs
        confidence = Confidence.MEDIUM
    elif evaled and any(t.in_loop for t in tokens):  # in eval mode, batch after batch
        evidence.append("it runs them in a loop")
        confidence = Confidence.MEDIUM
    elif evaled:  # outputs leave for callers we cannot see: library code may differentiate them
        confidence = Confidence.MEDIUM if hint else Confidence.LOW
    elif dead_loop and sure_module and hint:
        confidence = Confidence.HIGH
    elif dead_loop and hint:
        confidence = Confidence.MEDIUM
    elif dead_loop and sure_module and read_loop:
        evidence[evidence.index(EVERY_BATCH_DROPPED)] = (
            "it reads values from the outputs of every step and throws their graphs away")
        confidence = Confidence.MEDIUM
    elif dead and all(_probed(model, result, t) for t in tokens):
        # a probe (`value = critic(s, a)[0].item()`, `math.exp(self.get_loss(x, y).data[0])`):
        # only values leave, whoever calls it
        evidence[evidence.index(dead_words)] = (
            "it reads values from the outputs and throws the graph away")
        confidence = Confidence.MEDIUM
    elif dead and all(t.callee is None and t.id in result.detached and t.module.kind is Kind.MODULE
                      and _given_module(function, t) for t in tokens) and not _returns_a_loss_of_its_inputs(model, result):
        # `self.model(x).detach().numpy()`: its author knew the outputs carry a graph and dropped it
        # (not a teacher's targets for a loss of what the function is given: that one statement is)
        evidence[evidence.index(dead_words)] = "it detaches the outputs and throws the graph away"
        confidence = Confidence.MEDIUM
    elif dead_loop and sure_module:
        # alone, a dead graph in a loop is weak: on library code the loops are mostly over modules
        # (building, moving, registering them), not over batches
        confidence = Confidence.LOW
    elif callers and hint:
        confidence = Confidence.MEDIUM
    elif (callers and sure_module and _runs_modules_with_parameters(model, tokens) and not _module_method(model, function)
          and all(_module_from_outside(model, function, t) for t in tokens if _module_pass(model, t))):
        # every caller drops what it returns (an RL loop's `select_action(state).data`): a model
        # with parameters, run for outputs whose graph nobody wants (a module's own methods are
        # judged in their callers; a kernel the function builds itself is a fixed filter)
        confidence = Confidence.MEDIUM
    elif (dead or callers) and hint:
        confidence = Confidence.LOW if not sure_module else Confidence.MEDIUM
    elif dead and _profiles_with_hooks(model, function, result, tokens):
        evidence[evidence.index(dead_words)] = (
            "it runs the model only for what forward hooks record, and nothing reads the output")
        confidence = Confidence.MEDIUM
    elif served := _serves_loaded_weights(model, function, result, tokens):
        evidence.append(served)
        confidence = Confidence.MEDIUM
    elif hint:
        confidence = Confidence.LOW
    else:
        return None
    if (confidence > Confidence.LOW and not evaled and not model.imports_torch and module_evidence <= Evidence.NAME
            and not any(t.module.params - {"self", "cls"} for t in tokens)):
        # in a module that imports no PyTorch package, a model it holds known by its name only
        # (an n-gram model's `self.model.logscore(...)`) may be no network at all; one it is
        # given (`evaluate(model, loader)`) is its callers'
        confidence = Confidence.LOW
    if confidence is Confidence.LOW and _configured(function.name, extra_names):
        confidence = Confidence.MEDIUM  # the user said this name evaluates
    if not evaled and confidence > Confidence.LOW and _framework_template_method(model, function):
        confidence = Confidence(confidence - 1)
    if confidence is Confidence.HIGH and not evaled and all(id(t.call.node) in result.guessed for t in tokens):
        confidence = Confidence.MEDIUM  # at most: each pass is a method guessed by its name and its receiver's
    if confidence > Confidence.LOW and _shape_check(model, function, tokens):
        if dead_loop:  # not batches: each model built in the loop's list, run once
            evidence = [e for e in evidence if e != EVERY_BATCH_DROPPED]
            evidence.append("it builds models and runs each once on made-up tensors, a shape check")
        else:
            evidence.append("it builds the model and runs it once on made-up tensors, a shape check")
        confidence = Confidence.LOW
    if result.wants_grad and _enables_grad_for_nothing(result):
        evidence.insert(0, "it turns gradients on with `torch.set_grad_enabled(True)`, and nothing differentiates")
    if hint:
        evidence.append(hint)
    return EvalRegion("function", function, (function.node,), tokens, "; ".join(evidence), confidence,
                      escapes=bool(escaping) or _returns_tensor(result),
                      by_callers=bool(callers) and not dead and _module_method(model, function))


def _scores_with_a_metric(model: ModuleModel, function: Optional[FunctionInfo], span=None) -> Optional[str]:
    """Why the function (or its code in `span`) evaluates, when it calls an evaluation metric of
    predictions against references (`nltk.translate.bleu_score.sentence_bleu`, `sklearn.metrics.f1_score`)."""
    for call in model.analysis.facts_in(model.analysis.calls, function, span):
        if call.qualified is not None and call.qualified.startswith(knowledge.METRIC_FUNCTION_PREFIXES):
            return f"it computes the metric `{call.qualified.rpartition('.')[2]}`"
    return None


def _shape_check(model: ModuleModel, function: FunctionInfo, tokens: list[Token]) -> bool:
    """`def test(): net = ResNet18(); y = net(torch.randn(1, 3, 32, 32)); print(y.size())`: a
    function given nothing runs a model it builds, untrained, once on tensors it makes up (random
    or constant), or each of several it builds (`for net in [ResNet18(), ResNet34()]`): a smoke
    test of the shapes, which evaluates nothing."""
    params = function.node.params
    if (params.params or params.posonly_params or params.kwonly_params or params.star_kwarg is not None
            or isinstance(params.star_arg, cst.Param)):
        return False
    analysis = model.analysis
    if any(fact.method in WEIGHT_LOADING or fact.qualified == "torch.load"
           for fact in analysis.facts_in(analysis.calls, function)):
        return False
    made: dict[str, list] = {}
    for assign in analysis.facts_in(analysis.assigns, function):
        for name in assign.targets:
            made.setdefault(name, []).append(assign.value)
    return all(t.callee is None and t.call.callee in made
               and (all(isinstance(value, cst.Call) for value in made[t.call.callee]) and not t.in_loop
                    or all(_constructors_listed(value) for value in made[t.call.callee]))
               and all(_made_up(model, arg.value, made) for arg in t.call.node.args) for t in tokens)


def _constructors_listed(node: Optional[cst.BaseExpression]) -> bool:
    """`[ResNet18(10), ResNet34(10)]`, what `for net in ...` runs over: models built there."""
    return isinstance(node, (cst.List, cst.Tuple)) and bool(node.elements) and all(
        isinstance(element, cst.Element) and isinstance(element.value, cst.Call) for element in node.elements)


WEIGHT_LOADING = frozenset({"load_state_dict", "from_pretrained", "load_from_checkpoint"})


def _made_up(model: ModuleModel, node: cst.BaseExpression, made: dict, depth: int = 0) -> bool:
    """A tensor made here from nothing (`torch.randn(2, 3)`, through `Variable(...)`, `.cuda()` or
    a name bound to one), not data."""
    if depth > 3:
        return False
    if isinstance(node, cst.Name):
        return node.value in made and all(_made_up(model, value, made, depth + 1) for value in made[node.value])
    if not isinstance(node, cst.Call):
        return False
    fact = model.calls_by_node.get(id(node))
    qualified = fact.qualified if fact is not None else None
    if qualified is not None and qualified.startswith("torch.") and qualified.rpartition(".")[2] in TENSOR_CREATION:
        return True
    if isinstance(node.func, cst.Attribute) and qualified is None:  # `x.cuda()`, `x.to(device)`
        return _made_up(model, node.func.value, made, depth + 1)
    return (fact is not None and (fact.callee or "").rpartition(".")[2] == "Variable" and bool(node.args)
            and _made_up(model, node.args[0].value, made, depth + 1))


def _profiles_with_hooks(model: ModuleModel, function: FunctionInfo, result: ScopeResult, tokens: list[Token]) -> bool:
    """`get_flops(model)`: the function (or one it nests) registers forward hooks that count what
    each layer does, runs the model on an input and reads nothing of the output, and returns no
    graph: a profiling pass, whose graph nobody can use."""
    if _returns_tensor(result) or not all(
            t.callee is None and not result.fate(t.id) and t.id not in result.read_as_data for t in tokens):
        return False
    analysis = model.analysis
    hooked = analysis.cache.get("forward_hook_scopes")
    if hooked is None:  # the functions that register forward hooks, found once per file
        if analysis.bodies is not None:
            for method in knowledge.FORWARD_HOOK_METHODS:
                analysis.bodies.expand_mentioning(method, attribute=True)  # bodies not walked yet
        hooked = analysis.cache["forward_hook_scopes"] = {
            id(fact.function) for fact in analysis.calls if fact.method in knowledge.FORWARD_HOOK_METHODS}
    return any(id(scope) in hooked for scope in [function] + [f for f in analysis.functions if f.parent is not None
                                                              and _nested_in(f, function)]) if hooked else False


def _nested_in(inner: FunctionInfo, outer: FunctionInfo) -> bool:
    """Is `inner` defined inside `outer`, at any depth?"""
    parent = inner.parent
    while parent is not None:
        if parent is outer:
            return True
        parent = parent.parent
    return False


def _requires_grad_moot(model: ModuleModel, function: FunctionInfo, result: ScopeResult) -> bool:
    """The function asks for gradients only by `requires_grad=True` on what it builds (a FLOP
    counter's dummy input), and runs the model only for what forward hooks record: nothing can
    differentiate what it made."""
    return (all(isinstance(fact, CallFact) and fact.method not in knowledge.GRADIENT_WANTING_METHODS
                and fact.qualified not in knowledge.GRAD_CONTEXTS
                and any(arg.keyword is not None and arg.keyword.value in knowledge.GRADIENT_WANTING_KEYWORDS
                        for arg in fact.node.args) for fact in result.wants_grad)
            and _profiles_with_hooks(model, function, result, _recording(model, result)))


def _enables_grad_for_nothing(result: ScopeResult) -> bool:
    """The function asks for gradients only by turning them on for the rest of its body
    (`torch.set_grad_enabled(True)` as a statement, as its training twin starts) and trains
    nothing: no backward pass, no `autograd.grad`, no input made to require gradients (a
    `predict` that then runs the model over the test loader and keeps every prediction)."""
    return not result.training and all(
        isinstance(fact, CallFact) and fact.is_bare_statement
        and knowledge.GRAD_CONTEXTS.get(fact.qualified) is knowledge.GradContext.SET_GRAD_ENABLED
        and len(fact.node.args) == 1 and isinstance(fact.node.args[0].value, cst.Name)
        and fact.node.args[0].value.value == "True" for fact in result.wants_grad)


def _module_from_outside(model: ModuleModel, function: FunctionInfo, token: Token) -> bool:
    """The token runs a module the function did not build: `self.policy`, `self.actors[i]`, a
    parameter, a global."""
    root = root_name(token.call.node.func)
    return root is not None and root not in model.analysis.names_bound_in(function)


def _module_method(model: ModuleModel, function: FunctionInfo) -> bool:
    """A method of a module class: its callers run it for their outputs (`decode_greedily` running
    `f.encode`), and the modules it runs are as often fixed helpers (a normaliser, a matcher) as
    trained models."""
    cls = model.classes.get(function.class_name or "")
    return cls is not None and cls.is_module


def _runs_modules_with_parameters(model: ModuleModel, tokens: list[Token]) -> bool:
    """The forward passes are of modules with parameters (at least one, and no other)."""
    modules = [t.module for t in tokens if _module_pass(model, t)]
    return bool(modules) and all(has_parameters(module) for module in modules)


def _module_pass(model: ModuleModel, token: Token) -> bool:
    """A module run as a layer: its `forward` through `__call__`, or the `__call__` a project module
    class defines instead of `forward` (older code: `class ActorNetwork(nn.Module)` with
    `def __call__(self, state)`) that runs its layers itself and returns their graph (not one
    that hands the input to another method, `return self.predict(source)`)."""
    if token.callee is None:
        return True
    if token.callee.name != "__call__" or token.callee.class_name is None or token.module.kind is not Kind.MODULE:
        return False
    summary = model.summary_of(token.callee)
    return (summary is not None and summary.returns_graph and bool(summary.result.forwards)
            and all(inner.callee is None for inner in summary.result.forwards))


def _probed(model: ModuleModel, result: ScopeResult, token: Token) -> bool:
    """Values are read from the outputs of a forward pass of a module with parameters, or from
    what a project function returns that runs one and gives its graph back without training or
    wanting gradients itself (`math.exp(self.get_loss(x, y).data[0])`): probing the model."""
    if _module_pass(model, token):
        return token.id in result.values_read and has_parameters(token.module)
    summary = model.summary_of(token.callee) if token.id in result.read_as_data else None
    if summary is None or token.internal or not summary.returns_graph or summary.result.training or summary.wants_grad:
        return False
    if result.returns and (result.returned.kind is Kind.TENSOR or result.returned.graph is Graph.YES):
        return False  # it returns a graph: what the helper gave back may leave in it, untraced
    owner = model.owner_model(token.callee) or model
    inner = summary.result.forwards
    # a kernel the helper builds itself and runs once is a fixed filter, not the model probed
    return _runs_modules_with_parameters(owner, inner) and all(
        _module_from_outside(owner, token.callee, t) for t in inner if t.callee is None)


def _given_module(function: FunctionInfo, token: Token) -> bool:
    """The token runs a module the function was given (`self.model`, a parameter), not one it
    builds there (a fixed filter, a kernel made from samples)."""
    root = (dotted_name(token.call.node.func) or "").split(".")[0]
    return root == "self" or root in {param.name.value for param in _named_params(function)}


def _kept_for_detached_reads(model: ModuleModel, result: ScopeResult, escaping: list[Token]) -> list[str]:
    """The attributes the outputs that leave are stored in (`memory.logprobs.append(lp)`, for a
    later update), when storing is all they do and every read of those attributes in the module
    is detached (`torch.stack(memory.logprobs).detach()`): nothing ever uses their graphs."""
    places: set[str] = set()
    for token in escaping:
        kept_in = result.kept_in.get(token.id, set())
        if result.fate(token.id) != {STORED} or not kept_in or "" in kept_in:
            return []
        places |= kept_in
    reads = model.attribute_reads()
    if places and all(reads.get(name, (0, 0))[0] and not reads[name][1] for name in places):
        return sorted(places)
    return []


def has_parameters(module: Value) -> bool:
    """A module whose class shows trainable parameters, so that its forward records a graph even
    on a plain input: a module class of the project, a torch.nn layer with weights, a module the
    code loads a state dict into. Not one of
    an unknown class (`resize: nn.Module` may be a parameter-free transform)."""
    if module.kind is not Kind.MODULE or module.frozen:
        return False
    if module.weights:
        return True  # a checkpoint is loaded into it
    refs = module.ref if isinstance(module.ref, tuple) else (module.ref,)
    return all((isinstance(ref, ClassModel) and ref.is_module and not ref.is_loss)
               or (isinstance(ref, str) and ref.startswith(knowledge.MODULE_PACKAGES)
                   and ref not in knowledge.PARAMETER_FREE_LAYERS and ref not in knowledge.MODULE_BASES
                   and not ref.endswith("Loss"))
               for ref in refs)


def _configured(name: str, extra_names: Sequence[str]) -> bool:
    return bool(extra_names) and (name in extra_names or bool(set(knowledge.split_words(name)) & set(extra_names)))


def _framework_template_method(model: ModuleModel, function: FunctionInfo) -> bool:
    """A method of a class derived from a class defined elsewhere, that nothing here calls: most
    likely a hook the base class calls, often under no_grad."""
    info = function.class_info
    if info is None or model.callers_of(function) or model.base_class_calls(function):
        return False  # called here, or by a base class of the project: not an unknown hook
    return any(base not in knowledge.PLAIN_BASES and base not in model.classes for base in info.bases)


def _recording(model: ModuleModel, result: ScopeResult) -> list[Token]:
    """Forward passes (and calls of functions that run them) recording a graph, in source order."""
    tokens = [t for t in result.forwards if not t.call.in_lambda and not _for_old_torch(model, result, t)
              and not model.forward_decorated_off(t)]
    return sorted(tokens, key=model.order)


def _may_differentiate_its_input(model: ModuleModel, token: Token) -> bool:
    """A module of no known class (built by a loader or a registry) in a project with a module
    whose evaluation calls `torch.autograd.grad` (see `differentiating_forward_imported`): it may
    be one of those models, whose evaluation needs gradients (a learned potential's forces, a
    renderer's surface normals)."""
    return (token.callee is None and token.module.kind is Kind.MODULE and token.module.ref is None
            and model.differentiating_forward_imported())


def _for_old_torch(model: ModuleModel, result: ScopeResult, token: Token) -> bool:
    """A forward pass on inputs made with `Variable(..., volatile=True)` in a function that also
    runs the same callable with gradients disabled: code for both sides of PyTorch 0.4
    (`if torch.__version__ < ...: volatile` / `else: with torch.no_grad():`), each branch
    without gradients on the torch it runs on."""
    if token.call.callee is None or not any(_same_place(v, token.call) and getattr(v, "qualified", None) not in knowledge.GRAD_CONTEXTS
                                            for v in result.volatile_calls):
        return False
    analysis = model.analysis
    return any(fact.callee == token.call.callee and fact is not token.call
               and (state := analysis.state_of(fact)) is not None and state.mode.disables_grad
               for fact in analysis.facts_in(analysis.calls, token.call.function))


def _callers_disable_unseen(model: ModuleModel, function: FunctionInfo, result: ScopeResult) -> bool:
    """A function nothing seen calls turns a forward pass's outputs into arrays undetached
    (`self.actor(obs).cpu().numpy()`): torch raises there on a tensor that requires grad, so the
    code works only if its callers disable gradients (or its modules are frozen). With callers
    seen running it with gradients on, it fails, and `no_grad` is the fix: it stays reported.
    Only a module's own outputs count: what a project function returns may hold none of them
    (`y.type_as(x)` of a decoding loop's integer tokens)."""
    return (any(t.id in result.numpy_undetached and t.callee is None for t in result.forwards)
            and not model.call_sites(function) and not model.base_class_calls(function))


def _callee_evidence(model: ModuleModel, token: Token, depth: int = 0) -> Evidence:
    """How sure the modules a call of a project function runs are modules, as its callers make
    them (`run_topk(emb_model=model)` of a `model` known only by its name): the surest of its
    forward passes in the contexts it is interpreted in; "its callers pass one" when unknown, and
    for a module it holds or finds itself (a field known by its name: an API's `self.model`) in a
    module that imports PyTorch (in one that does not, `self.nx_generator` is a name only)."""
    if token.module.kind is Kind.MODULE:
        passed = bool(token.module.params - {"self", "cls"})
        if passed or token.module.evidence > Evidence.NAME or not model.imports_torch:
            return token.module.evidence
        return Evidence.CALLERS
    if token.callee is None or depth >= 2:
        return Evidence.CALLERS
    owner = (model.project.owner_of(token.callee) if model.project is not None else None) or model
    # the contexts its callers give it (a module read only for its imports has none: what its
    # parameters hold is not known there)
    forwards = [t for result in owner.results_of(token.callee) for t in result.forwards]
    return max((_callee_evidence(owner, t, depth + 1) for t in forwards), default=Evidence.CALLERS)


def _runs_only_named_modules(model: ModuleModel, token: Token) -> bool:
    """A call of a project function each of whose forward passes runs a module known only by its
    name, that the callee found itself (`decoder = LatGenDecoder()` of a class not read, then
    `decoder(x)`): the call is a forward pass by names alone."""
    summary = model.summary_of(token.callee) if token.callee is not None else None
    if summary is None or not summary.result.forwards or token.module.kind is Kind.MODULE:
        return False
    owner = model.project.owner_of(token.callee) if model.project is not None else None
    analysis = (owner or model).analysis
    built = {name: assign.value for assign in analysis.facts_in(analysis.assigns, token.callee)
             for name in assign.targets}
    return all(t.callee is None and t.module.kind is Kind.MODULE and t.module.evidence is Evidence.NAME
               and t.module.ref is None and not t.module.params
               and _built_by_a_call_not_read(analysis, built.get(t.call.callee or "")) for t in summary.result.forwards)


def _built_by_a_call_not_read(analysis: FileAnalysis, value: Optional[cst.BaseExpression]) -> bool:
    """`LatticeDecoder(beam=13.0)`: an instance of a class imported from a package not read (no
    torch class, no class of the project)."""
    if not isinstance(value, cst.Call):
        return False
    qualified = analysis.imports.resolve(value.func)
    return qualified is not None and qualified.split(".")[0] not in knowledge.TORCH_PACKAGES \
        and qualified.rpartition(".")[2][:1].isupper()


def _evaled(tokens: list[Token], result: ScopeResult) -> Optional[str]:
    """Why a module one of the tokens runs is in eval mode, if one is."""
    for token in tokens:
        module = token.module
        if module.kind is Kind.MODULE and module.training is Training.EVAL and not _duck_not_a_network(token):
            return module.eval_reason or "it runs a module in eval mode"
    for fact, callee, params, _ in result.outgoing:
        key = id(fact.node)
        module = next((v for v in params.values() if _in_eval_mode(v)), None) if key in result.tokens else None
        if module is not None:
            return module.eval_reason or f"it passes a module in eval mode to `{callee.name}`"
    volatile = _volatile(tokens, result)
    if volatile is None:
        return None
    if isinstance(volatile, AssignFact):
        return VOLATILE_ATTRIBUTE
    return IDLE_BLOCK if volatile.qualified in knowledge.GRAD_CONTEXTS else VOLATILE


def _in_eval_mode(value: Value) -> bool:
    """A module in eval mode, or a plain object one of whose methods put its modules in eval mode
    (`model.val_start()`)."""
    return value.training is Training.EVAL and (
        value.kind is Kind.MODULE or (value.kind is Kind.OBJECT and value.eval_reason is not None))


def _duck_not_a_network(token: Token) -> bool:
    """A module known only because the code calls `.eval()` on it, named as a data transform
    (`self._transform`): a transform put in eval mode says little about evaluation."""
    call = token.call
    names = [call.callee, dotted_name(call.receiver) if call.receiver is not None else None]  # `transform.inv(x)`
    return (token.module.evidence <= Evidence.DUCK and token.module.ref is None
            and any(name is not None and looks_like_transform(name) for name in names))


VOLATILE = "it wraps inputs in `Variable(..., volatile=True)`, which has no effect since PyTorch 0.4"
VOLATILE_ATTRIBUTE = "it sets `volatile = True` on its inputs, which has no effect since PyTorch 0.4"
IDLE_BLOCK = "its `no_grad` block only renames the inputs, and the forward pass runs after it"


def _volatile(tokens: list[Token], result: ScopeResult) -> Optional[CallFact]:
    """The call (or assignment) that says the author ran the forward passes without gradients
    (so no caller can need their graphs), to no effect: inputs made with `Variable(...,
    volatile=True)` or given `x.volatile = True` (torch now ignores both), or a `no_grad` block
    that only renames them (`with torch.no_grad(): v = x`)."""
    return next((volatile for volatile in result.volatile_calls for token in tokens
                 if _same_place(volatile, token.call)), None)


def _fed_volatile(token: Token, result: ScopeResult) -> bool:
    """Does the forward pass take what a `Variable(..., volatile=True)` (or `x.volatile = True`)
    before it in its scope made, inline or through the name it was bound to? At a script's top
    level, the one place of every statement, the switch says nothing of other forward passes."""
    read = names_in(token.call.node)
    for fact in result.volatile_calls:
        if fact.function is not token.call.function or fact.index > token.call.index:
            continue
        if isinstance(fact, AssignFact):  # `x.volatile = True`
            bound = {root_name(target.target) for target in fact.node.targets}
        else:
            statement = fact.statement
            smalls = statement.body if isinstance(statement, cst.SimpleStatementLine) else ()
            bound = {name for small in smalls if isinstance(small, cst.Assign) and small.value is fact.node
                     for target in small.targets for name in bound_names(target.target)}
            if any(node is fact.node for node in iter_nodes(token.call.node)):
                return True  # `net(Variable(x, volatile=True))`
        if bound & read:
            return True
    return False


def _same_place(fact, call) -> bool:
    """Two calls of one function, the first outside every loop or in the innermost loop of the
    second (the inputs it makes feed that forward pass)."""
    return fact.function is call.function and (not fact.loops or (bool(call.loops) and fact.loops[-1] is call.loops[-1]))


def _caller_verdict(model: ModuleModel, function: FunctionInfo) -> Optional[str]:
    """What the callers do with the graphs a function returns: "differentiated" when one of them
    backpropagates through it, a reason when every caller throws them away, else None."""
    sites = model.callers_of(function)
    if not sites:
        return None
    if any(not state.mode.disables_grad for _, state, _, _ in model.base_class_calls(function)):
        return None  # a base class's method calls it too (a `forward` that trains): a use not judged here
    consuming = []
    modules = {id(fact): analysis for fact, analysis in model.call_sites(function)}
    for result, fact, _, _ in sites:
        if id(fact.node) in result.guessed:
            return None  # a caller we only guessed from a method's name: not evidence
        token = result.tokens.get(id(fact.node))
        if token is None:
            continue  # the call runs with gradients off: this caller gets no graph
        if "used" in result.fate(token.id):
            return "differentiated"
        if result.fate(token.id):
            return None
        if _is_test_caller(model, result.scope):
            continue  # a test that calls the API and drops what it returns says nothing of its use
        if result.scope is not None and result.scope.name == "__init__":
            return None  # a dummy forward at construction, for the shapes (`self.stride` from an output)
        consuming.append(f"`{result.scope.name}`" if result.scope is not None
                         else _script_name(modules.get(id(fact)), model.analysis))
    if not consuming:
        return None
    return f"its callers ({', '.join(sorted(set(consuming)))}) throw the graph away"


def _unresolved_calls_disabled(model: ModuleModel, function: FunctionInfo) -> bool:
    """A method no call was resolved to (tests' calls aside), whose name the run's files call (on
    objects the analysis could not type: `waveglow.infer(mel)` on a model loaded from a
    checkpoint) only with gradients disabled, at least once, outside tests: this project never
    runs it with gradients on. Only when every call of that name in the run is seen."""
    if (function.class_name is None or function.name.startswith("__") or model.project is None
            or any(not _is_test_caller(model, result.scope) for result, _, _, _ in model.callers_of(function))
            or model.base_class_calls(function)
            or model.project.calls_unread(function.name)):
        return False
    sites = []
    for analysis in model.project.analyses():
        if analysis.bodies is not None:
            analysis.bodies.expand_mentioning(function.name, attribute=True)  # calls of it as a method
        if _is_test_suite(analysis):
            continue
        sites += [_runs_disabled(analysis, fact) for fact in analysis.calls if fact.method == function.name
                  and not _on_self(fact)
                  and not (fact.function is not None and (is_test_function(analysis, fact.function)
                                                          or _in_module_class(fact.function)))]
    return bool(sites) and all(sites)


def _run_disabled_but_by_tests(model: ModuleModel, function: FunctionInfo) -> bool:
    """Every caller outside the tests calls the function with gradients disabled (an evaluator's
    `network.predict(x)` under `no_grad`), and a test calls it with them on: the project never runs
    it with gradients on."""
    analyses = {id(fact): analysis for fact, analysis in model.call_sites(function)}
    sites, tests = [], []
    for result, fact, _, _ in model.callers_of(function):
        (tests if _is_test_caller(model, result.scope) else sites).append(fact)
    return bool(sites) and bool(tests) and all(_runs_disabled(analyses.get(id(fact), model.analysis), fact)
                                               for fact in sites)


def _runs_disabled(analysis: FileAnalysis, fact: CallFact) -> bool:
    """Does the call run with gradients disabled: in a block or a caller that disables them, or in
    a template method's hook that its base class runs only under `no_grad` (`run_all_evals`
    calling a subclass's `evaluate_mt` in a `no_grad` block)?"""
    state = analysis.state_of(fact)
    if state.mode.disables_grad:
        return True
    if state.origin is not Origin.DEFAULT or fact.function is None:
        return False
    base_calls = model_of(analysis).base_class_calls(fact.function)
    return bool(base_calls) and all(called.mode.disables_grad for _, called, _, _ in base_calls)


def _on_self(fact) -> bool:
    """`self.predict(x)`, `super().predict(x)`: a call of the caller's own class's method."""
    receiver = fact.receiver
    root = dotted_name(receiver) if receiver is not None else None
    return root in ("self", "cls") or (isinstance(receiver, cst.Call) and dotted_name(receiver.func) == "super")


def _in_module_class(function: FunctionInfo) -> bool:
    """A method of an `nn.Module` class (or a function nested in one): a call of a method of the
    same name there is a layer's, run in whatever mode its model's forward runs."""
    while function.parent is not None:
        function = function.parent
    info = function.class_info
    return info is not None and bool(info.ancestors & knowledge.MODULE_BASES)


def _script_name(caller, analysis) -> str:
    """How a finding names the top level of a module that calls a function: "the script" when it
    is the function's own module, else by its file (a notebook or another script)."""
    if caller is None or caller is analysis:
        return "the script"
    kind = "the notebook" if caller.path.endswith(".ipynb") else "the script"
    return f"{kind} `{os.path.basename(caller.path)}`"


def _is_test_caller(model: ModuleModel, scope: Optional[FunctionInfo]) -> bool:
    """`scope` (a caller, of this module or another) is a test (see `is_test_function`)."""
    if scope is None:
        return False
    owner = model.project.owner_of(scope) if model.project is not None else None
    analysis = owner.analysis if owner is not None else model.analysis
    return is_test_function(analysis, scope)


def _returns_tensor(result: ScopeResult) -> bool:
    returned = result.returned if result.returns else None
    return returned is not None and returned.kind is not Kind.PYTHON and returned.graph is not Graph.NO


def _is_model_internal(model: ModuleModel, function: FunctionInfo) -> bool:
    """`forward` and `__call__` of a module, and module methods only a forward calls, directly or
    through other such methods (`forward` calls `get_boxes`, which picks `rpn_boxes`). The
    `__call__` of a plain class (no base but `object`) is its API: a predictor object's."""
    cls = model.classes.get(function.class_name or "")
    if function.name in ("forward", "__call__"):
        return not (function.name == "__call__" and cls is not None and cls.is_plain)
    if cls is None or not cls.is_module:
        return False
    if function.name in MODULE_API or function.name.startswith(("_load_from", "_save_to", "register_")):
        return True  # an override of nn.Module's own API (`load_state_dict`, `train`): not evaluation
    return _reached_only_from_forward(model, function, frozenset())


def _reached_only_from_forward(model: ModuleModel, function: FunctionInfo, seen: frozenset) -> bool:
    """Every call of the method is in its class's `forward` or `__call__`, or in a method of the
    class reached only from there (not from a method that merely shares a name of `nn.Module`'s
    API: a `train(opts, loader)` loop that calls `self.evaluate`)."""
    sites = model.callers_of(function)
    seen = seen | {id(function)}
    return bool(sites) and all(site[0].scope is not None and (
        site[0].scope.name in ("forward", "__call__") or site[0].scope.class_name == function.class_name
        and id(site[0].scope) not in seen and _reached_only_from_forward(model, site[0].scope, seen)) for site in sites)


def _decodes_step_by_step(model: ModuleModel, result: ScopeResult) -> bool:
    """A decoding loop (`generate`, beam search) in a module's own method: every step runs a
    module and reads indices or values from its outputs (`argmax`, `topk(...).indices`), and
    nothing of any step's graph is used or kept. Not a method that stores into or returns an
    argument (a TensorDict it fills with `td.set(key, logits)`): the graph may leave through it."""
    analysis, function = model.analysis, result.scope
    if any("stored" in uses for uses in result.param_uses.values()) or any(
            isinstance(fact.value, cst.Name) and fact.value.value in result.param_uses
            for fact in analysis.facts_in(analysis.returns, function)):
        return False
    tokens = _recording(model, result)
    looped = [t for t in tokens if t.in_loop]
    if not looped or not all(result.dead(t) for t in looped) or not any(t.id in result.read_as_data for t in looped):
        return False
    # after the loop, the ids it generated may be decoded and returned (`self.vae.decode(codes)`):
    # no step's graph goes with them
    last = max(t.call.index for t in looped)
    return all(result.dead(t) or (t.call.index > last and result.fate(t.id) <= {"returned"})
               for t in tokens if not t.in_loop)


def _overridden_hook(function: FunctionInfo) -> Optional[str]:
    """The framework base class whose gradient-recording hook this method overrides."""
    if function.class_info is None:
        return None
    for base, hooks in knowledge.HOOKS_WITH_GRAD.items():
        if function.name in hooks and base in function.class_info.ancestors:
            return base.rpartition(".")[2]
    return None


# -- loops and statements inside code that also trains --------------------------------------------
def _block_regions(model: ModuleModel, scope: Optional[FunctionInfo], result: ScopeResult,
                   extra_names: Sequence[str]) -> list[EvalRegion]:
    """Evaluation loops, and runs of statements after `.eval()`, in a scope that is not
    evaluation as a whole (it trains, or a script)."""
    analysis = model.analysis
    if scope is None and analysis.global_state is not None and analysis.global_state.mode is not Mode.ENABLED:
        return []
    tokens = _recording(model, result)
    if not tokens:
        return []
    if _wants_grad_beside_training(model, scope, result):
        regions = _after_differentiating_helpers(model, scope, result, tokens, [], extra_names)
        if _differentiates_only_inputs(scope, result):  # an attack: what it detaches at once is evaluation
            covered = [span for region in regions for span in _spans(analysis, region)]
            regions += _single_statement_regions(model, scope, result, tokens, covered)
        return regions
    regions: list[EvalRegion] = _phase_loop_regions(model, scope, result, tokens)
    covered: list[Span] = [analysis.span_of(region.statements[0]) for region in regions]
    for loop in analysis.loops:
        if loop.function is not scope or any(span.contains(loop.span.start) for span in covered):
            continue
        region = _loop_region(model, scope, result, loop, tokens)
        if region is not None:
            covered.append(loop.span)
            regions.append(region)
    for block, in_loop in _blocks(analysis, scope):  # outer blocks first: a run found there covers the inner ones
        found = _statement_regions(model, scope, result, block, tokens, covered, in_loop)
        covered.extend(span for r in found for span in _spans(analysis, r))
        regions.extend(found)
    regions.extend(_periodic_evaluation_regions(model, scope, result, tokens, covered))
    regions.extend(_after_differentiating_helpers(model, scope, result, tokens, covered, extra_names))
    regions.extend(_single_statement_regions(model, scope, result, tokens, covered))
    return regions


def _phase_loop_regions(model: ModuleModel, scope, result: ScopeResult, tokens: list[Token]) -> list[EvalRegion]:
    """`for phase in ["train", "val"]:` whose backward passes and optimizer steps all run under
    `if phase == "train":`, its forward passes outside it with gradients on: the other phases
    record graphs nobody uses. The region runs from the statement of the first such pass to the
    end of the loop's body, and its fix enables gradients only in the training phase."""
    analysis = model.analysis
    regions = []
    for loop in analysis.loops:
        phases = (literal_phases(loop.node) or compared_phases(loop.node)) if loop.function is scope else None
        if phases is None:
            continue
        variable, training, others = phases
        guarded = [analysis.span_of(branch) for branch in training_branches(loop.node, variable, training)]
        trains = [call for call in result.training if loop.span.contains(call.index)]
        if not trains or not all(any(span.contains(call.index) for span in guarded) for call in trains):
            continue
        inside = [t for t in tokens if loop.span.contains(t.call.index) and not any(span.contains(t.call.index) for span in guarded)
                  and analysis.state_of(t.call).mode is Mode.ENABLED]
        body = suite_statements(loop.node.body)
        first = next((i for i, statement in enumerate(body) if inside and analysis.span_of(statement).contains(inside[0].call.index)),
                     None)
        if first is None:
            continue
        named = " or ".join(f"`{name}`" for name in others)
        flag = f'{variable} == "{training}"'
        evidence = f"`{variable}` is also {named}, and only its `if {flag}:` branch backpropagates"
        regions.append(EvalRegion("statements", scope, tuple(body[first:]), inside, evidence, Confidence.MEDIUM,
                                  escapes=False, grad_flag=flag))
    return regions


def _after_differentiating_helpers(model: ModuleModel, scope, result: ScopeResult, tokens: list[Token],
                                   covered: list, extra_names: Sequence[str]) -> list[EvalRegion]:
    """A function that steps no optimizer and evaluates what a helper that differentiates makes
    (an attack, a sampler following the model's input gradients: it backpropagates and steps no
    optimizer either): in a block (the body, a loop's body) that calls the helper, the statements
    after the last such call (or other call that wants gradients) that run forward passes and
    throw every graph away (`x_adv = pgd(model, x, y)`, then `model(x_adv).argmax(1)`), judged as
    the function would be. The helper stays outside the fix. So too, in a function that steps an
    optimizer, the statements after the last update of a block whose forward passes only give
    values (test-time adaptation's `acc += (model(x).max(1)[1] == y).sum()` after the adaptation
    steps of each batch); low unless the function's name says it evaluates (a training loop's
    accuracy measured again after the step is often chosen)."""
    analysis = model.analysis
    if scope is None or not result.training:
        return []
    helpers_only = all(_only_differentiates(model, result, call) for call in result.training)
    if not helpers_only and not any(is_optimizer_call(call) and call.method == "step" for call in result.training):
        return []
    wanting = [call.index for call in result.training + result.wants_grad]
    regions = []
    for block, _ in _blocks(analysis, scope):
        spans = [analysis.span_of(statement) for statement in block]
        helped = [i for i, span in enumerate(spans) if any(span.contains(index) for index in wanting)]
        if not helped:
            continue
        tail = [i for i in range(helped[-1] + 1, len(block)) if not any(s.contains(spans[i].start) for s in covered)]
        inside = [t for t in tokens if any(spans[i].contains(t.call.index) for i in tail)]
        if not inside or any(not result.dead(t) for t in inside):
            continue
        if not helpers_only and any(t.id not in result.read_as_data for t in inside):
            continue  # after an update, only outputs read as values (a metric) say evaluation
        judged = _whole_function(model, scope, result, inside, extra_names)
        if judged is None:
            continue
        holding = [i for i in tail if any(spans[i].contains(t.call.index) for t in inside)]
        run = tuple(block[holding[0]:holding[-1] + 1])
        covered.extend(analysis.span_of(statement) for statement in run)
        confidence = judged.confidence
        if not helpers_only and not is_evaluation_name(scope.name, extra_names):
            confidence = Confidence.LOW  # a training accuracy measured again after the step: a waste, by choice
        regions.append(EvalRegion("statements", scope, run, inside, judged.evidence, confidence, escapes=False))
    return regions


def _only_differentiates(model: ModuleModel, result: ScopeResult, call: CallFact, depth: int = 0) -> bool:
    """Is the training call a call of a project function that backpropagates (here, or through the
    functions it calls) and steps no optimizer? Anything else may train a model."""
    called = result.outgoing_calls.get(id(call.node))
    summary = model.summary_of(called[1]) if called is not None else None
    if summary is None or depth > 3 or not summary.result.training:
        return False
    return all(is_backward(inner) and not is_optimizer_call(inner)
               or _only_differentiates(model, summary.result, inner, depth + 1)
               for inner in summary.result.training)


def _periodic_evaluation_regions(model: ModuleModel, scope, result: ScopeResult, tokens: list[Token],
                                 covered: list) -> list[EvalRegion]:
    """Every N steps of a loop that trains, after its training step, an `if step % N == 0:` block
    runs a module and only reads values from its outputs or detaches them (a test accuracy printed
    as training goes, samples of the fixed noise saved as images): an evaluation, whose statements
    are the region."""
    analysis = model.analysis
    regions = []
    for loop in analysis.loops:
        body = getattr(loop.node.body, "body", ())
        trained = [c.index for c in result.training if loop.span.contains(c.index)]
        if loop.function is not scope or not trained:
            continue
        for statement in (periodic for outer in body for periodic in _periodic_blocks(outer)):
            span = analysis.span_of(statement)
            if (span.start < min(trained) or any(span.contains(c) for c in trained)
                    or any(s.contains(span.start) for s in covered)):
                continue
            inside = [t for t in tokens if span.contains(t.call.index)]
            # (a module run through a helper counts: `test_loss = score_matching_loss(score, x)`)
            sure = any(_callee_evidence(model, t) >= Evidence.DUCK for t in inside)
            if not inside or not sure or not all(result.dead(t) for t in inside) or not any(
                    t.id in result.read_as_data for t in inside):
                continue
            block = list(getattr(statement.body, "body", ()))
            holding = [s for s in block if any(analysis.span_of(s).contains(t.call.index) for t in inside)]
            run = tuple(block[block.index(holding[0]):block.index(holding[-1]) + 1]) if holding else ()
            if run:
                covered.append(span)
                read = any(t.id in result.values_read for t in inside)
                evidence = ("it runs every few steps of training and reads only values from the outputs" if read
                            else "it runs every few steps of training and detaches the outputs")
                regions.append(EvalRegion("statements", scope, run, inside, evidence, Confidence.MEDIUM, escapes=False))
    return regions


def _periodic_blocks(statement: cst.CSTNode) -> Iterator[cst.If]:
    """The `if` blocks of a loop body's statement whose test holds every N steps: the statement
    itself, or one inside the bodies of `if`s around it (`if rank == 0:` then `if step % N == 0:`)."""
    if not isinstance(statement, cst.If):
        return
    if _periodic(statement.test):
        yield statement
        return
    for inner in getattr(statement.body, "body", ()):
        yield from _periodic_blocks(inner)


def _periodic(test: cst.BaseExpression) -> bool:
    """`step % 50 == 0`, `(i + 1) % log_every == 0`, `rank == 0 and step % 50 == 0`: a test that
    holds every N steps."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _periodic(test.left) or _periodic(test.right)
    return (isinstance(test, cst.Comparison) and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.Equal)
            and isinstance(test.left, cst.BinaryOperation) and isinstance(test.left.operator, cst.Modulo))


def _wants_grad_beside_training(model: ModuleModel, scope: Optional[FunctionInfo], result: ScopeResult) -> bool:
    """Does the scope want gradients for something other than its training steps? Unfreezing a
    module's parameters (`for p in d.parameters(): p.requires_grad_(True)`) and what wants them
    in the loop body that backpropagates (`noise.requires_grad_(True)` in a generator step, a
    gradient penalty's `Variable(x_hat, requires_grad=True)`), or before a training call outside
    every loop, are part of training; a saliency map, a helper that sets the mode itself
    (`set_grad_enabled(train)`) are not."""
    if not result.wants_grad:
        return False
    switches = {id(switch.node) for switch in grad_switches(model, scope) if switch.on is not False}
    loops = [loop for loop in model.analysis.loops if loop.function is scope]

    def innermost(index: int):
        return min((loop for loop in loops if loop.span.contains(index)), key=lambda loop: loop.span.end - loop.span.start,
                   default=None)

    trained_in = {id(loop) for loop in (innermost(call.index) for call in result.training) if loop is not None}
    # outside every loop, what wants gradients up to a training step outside every loop is that
    # step or sets it up (`p = get_params(net, net_input)`, making the input a parameter, then
    # `optimize(p, closure)`); a gradient taken for a computation (`torch.autograd.grad`) is no step
    last_step = max((call.index for call in result.training
                     if innermost(call.index) is None and _steps_weights(model, result, call)), default=-1)
    return any(id(call.node) not in switches and id(innermost(call.index)) not in trained_in
               and not (innermost(call.index) is None and call.index <= last_step)
               for call in result.wants_grad)


def _loop_region(model: ModuleModel, scope, result: ScopeResult, loop: LoopInfo, tokens: list[Token]) -> Optional[EvalRegion]:
    inside = [t for t in tokens if loop.span.contains(t.call.index)]
    if not inside or any(loop.span.contains(c.index) for c in result.training):
        return None
    held = _held_through(model, scope, loop, result, inside)
    if any(t.id in result.detached_into_backward for t in inside) and not held:
        return None  # a target network's outputs, detached into the loss the scope backpropagates
    if any(loop.span.contains(fact.index) for fact, _, _ in result.switches):
        return None
    evaled = _evaled(inside, result)
    kept = [t for t in inside if not result.dead(t)]
    if kept and not (evaled and _script_keeps_outputs(scope, result, kept)):
        return None
    hint = f"the loop iterates `{loop.iter_name}`" if is_evaluation_loader(loop, model.analysis.loops) else (
        _scores_with_a_metric(model, scope, loop.span))
    # a network: known as a module, or one whose other passes in the scope are backpropagated
    # (`self.model` of a base class, trained in the loop before)
    sure = any(t.module.kind is Kind.MODULE and t.module.evidence >= Evidence.DUCK
               or (key := _model_key(t)) is not None and _differentiated(result, key, t) for t in inside)
    read = sure and any(t.id in result.read_as_data for t in inside)
    if evaled and kept:
        evidence = "; ".join(e for e in (evaled, "it keeps the outputs of every batch, graphs and all", hint) if e)
        return EvalRegion("loop", scope, (loop.node,), inside, evidence, Confidence.MEDIUM, escapes=True)
    if evaled:
        confidence = Confidence.HIGH
    elif hint and sure:
        confidence = Confidence.MEDIUM
    elif hint:
        confidence = Confidence.LOW
    elif read:
        confidence = Confidence.MEDIUM
    else:
        return None
    thrown = ("it keeps the graph of every step until the outputs are detached after the loop" if held
              else "it reads values from the outputs of every step and throws their graphs away" if read and not hint
              else EVERY_BATCH_DROPPED)
    evidence = "; ".join(e for e in (evaled, thrown, hint) if e)
    return EvalRegion("loop", scope, (loop.node,), inside, evidence, confidence, escapes=False,
                      what=("rollout" if _steps_an_environment(model, loop) else "") if held else "evaluation")


def _acts_in_an_environment(model: ModuleModel, token: Token) -> bool:
    """Is the token's pass in a loop of its function that steps an environment?"""
    loops = [loop for loop in token.call.loops if loop.function is token.call.function]
    return bool(loops) and _steps_an_environment(model, loops[-1])


def _steps_an_environment(model: ModuleModel, loop: LoopInfo) -> bool:
    """Does the loop act in an environment (`env.step(action)`, a `step` call that is no optimizer's)?"""
    return any(fact.method == "step" and not is_optimizer_call(fact)
               for fact in model.analysis.facts_in(model.analysis.calls, loop.function, loop.span))


def _held_through(model: ModuleModel, scope, loop: LoopInfo, result: ScopeResult, inside: list[Token]) -> bool:
    """A rollout of the model the scope trains: every step's outputs are kept (in lists) through
    the whole loop and detached only after it, as the update's constants (old values and
    log-probabilities, `torch.stack(values).detach()`): no step's graph is ever used. (A target
    network's outputs detached into the TD target stay the author's stop-gradient.)"""
    detached = [t for t in inside if t.id in result.detached_into_backward]
    sites = [result.detached_at.get(t.id) for t in detached]
    return (bool(sites) and all(sites) and all(index > loop.span.end for found in sites for index in found)
            and all(_trained_here(model, scope, result, t) for t in detached))


def _script_keeps_outputs(scope, result: ScopeResult, kept: list[Token]) -> bool:
    """A script that never trains keeps the outputs of a loop only in containers (detections of
    every batch collected for a report): nothing it runs can differentiate them."""
    return scope is None and not result.training and all(result.fate(t.id) <= {"stored"} for t in kept)


def _spans(analysis: FileAnalysis, region: EvalRegion) -> list[Span]:
    return [analysis.span_of(statement) for statement in region.statements]


def _single_statement_regions(model: ModuleModel, scope, result: ScopeResult, tokens: list[Token],
                              covered: list[Span]) -> list[EvalRegion]:
    """One statement in code that trains: a forward pass whose output is detached at once (a
    teacher, an EMA copy, a metric network), or a call of a function that trains only for other
    callers (`run_epoch(..., train=False)`)."""
    analysis = model.analysis
    regions = []
    seen: set[int] = set()
    attack = _differentiates_only_inputs(scope, result)  # its backward passes train no model
    for token in tokens:
        statement = token.call.statement
        span = analysis.span_of(statement)
        if (id(statement) in seen or any(s.contains(span.start) for s in covered)
                or any(span.contains(c.index) for c in result.training) or not isinstance(statement, cst.SimpleStatementLine)):
            continue
        dead = result.dead(token)
        confidence = None
        evidence = named_inference = None
        acting = False
        if token.callee is not None:
            evidence = _call_does_not_train(model, result, token) if dead else None
            if evidence is None and dead and result.training:
                # not a pass of the trained model that training needs: it runs for its outputs
                evidence = named_inference = _inference_method_dropped(model, result, token)
                confidence = Confidence.MEDIUM if evidence is not None else None
            if evidence is None and "used" not in result.fate(token.id):
                # what a helper meant to run under no_grad returns is kept, never differentiated
                evidence, confidence = _unguarded_call_of_evaluation(model, result, token)
        elif dead and result.training:  # in code that trains; elsewhere the whole function or loop is judged
            evidence = _detached_at_once(token) or _given_to_helper_that_drops_it(model, result, token)
            if evidence is None and token.id in result.read_as_data and attack:
                evidence = "only values are read from its output"  # an attack's restart scoring
            if evidence is None and _only_detached(result, token) and _name_read_only_detached(model.analysis, scope, token):
                # the name it is assigned to is read only detached (an action to step the
                # environment); detached into the loss the scope backpropagates, it is a TD
                # target's shape (low: see `_copied_model`)
                # (or into what the scope returns, a loss for its caller to backpropagate: a GAN's
                # samples, detached for the discriminator's loss)
                into_the_loss = token.id in result.detached_into_backward or token.id in result.returned.detached
                evidence = "its output is read only detached"
                if into_the_loss:
                    evaled_here = _only_evaled_here(result, _model_key(token))
                    # low: a TD target's shape; a model this scope puts in eval mode and never
                    # back in training mode is a frozen reference (a teacher, the previous task's
                    # model in incremental learning), not a network it trains
                    evidence, confidence = "its output is detached into the loss", Confidence.LOW
                    if evaled_here is not None:
                        confidence = Confidence.MEDIUM
                        evidence = evidence if _evaled([token], result) else f"{evaled_here}; {evidence}"
                elif _acts_in_an_environment(model, token):
                    # acting: the policy the scope trains (in its update, on stored batches) runs
                    # here only for an action, whose graph nothing uses
                    evidence, acting = "it acts in an environment with the output, detached", True
        elif dead and _returns_a_loss(result):
            # code that computes the loss its callers train on (a distillation wrapper's `forward`):
            # a network run there only to be detached is a teacher (a target network's detached
            # bootstrap, in the training step itself, is read as the author's stop-gradient)
            evidence = _detached_at_once(token) or _only_detached(result, token)
        elif dead and _returns_a_loss_of_its_inputs(model, result):
            # a penalty on what it is given (the student's outputs): a network detached at once
            # there is a teacher (`self.prev_model(x).detach()`)
            evidence = _detached_at_once(token)
        copied = _copied_model(model, result, token) if dead and named_inference is None else None
        if copied is not None:
            # low: reviewers disagree whether a training step's TD target is waste worth a finding
            evidence = f"`{_model_key(token)}` is a copy of `{copied}` whose outputs are detached before the loss"
            confidence = Confidence.LOW
        elif evidence is None or (named_inference is None and not acting and not attack
                                  and _trained_here(model, scope, result, token)):
            continue
        inside = [t for t in tokens if span.contains(t.call.index)]
        if any(not result.dead(t) for t in inside if t is not token or dead):
            continue
        seen.add(id(statement))
        sure = token.callee is not None or (token.module.kind is Kind.MODULE and token.module.evidence >= Evidence.DUCK)
        evaled = _evaled([token], result)
        reasons = "; ".join(e for e in (evaled, evidence) if e)
        if confidence is None:
            confidence = Confidence.HIGH if sure else Confidence.MEDIUM
        what = "target-network" if copied is not None else "acting" if acting else "evaluation"
        regions.append(EvalRegion("statements", scope, (statement,), inside, reasons, confidence, escapes=False, what=what))
    return _joined_consecutive_passes(model.analysis, scope, regions)


def _only_evaled_here(result: ScopeResult, key: Optional[str]) -> Optional[str]:
    """Why the model `key` is in eval mode in the scope: it calls `key.eval()` and never puts it
    back in training mode (on any path: a branch may do either), or None."""
    if key is None:
        return None
    switches = {switch for _, switched, switch in result.switches if switched == key}
    return f"it calls `{key}.eval()`" if switches == {"eval"} else None


def _layers_detached_at_once(model: ModuleModel, function: FunctionInfo, result: ScopeResult) -> list[EvalRegion]:
    """A module's `forward` (or a method only it calls) runs one of its own layers and detaches
    the output at once (`x1 = self.stage1(x).detach()`: features of a backbone it does not train):
    the layer's parameters require grad, so each pass records a graph the detach throws away. A
    lagged copy's pass (a target network) is left alone, and so is a layer another pass of the
    function trains through (SimSiam's projector: the detached branch is the author's
    stop-gradient)."""
    regions = []
    tokens = _recording(model, result)
    for token in tokens:
        statement, spelled = token.call.statement, token.call.callee
        how = _detached_at_once(token)
        if (how is None or spelled is None or not spelled.startswith("self.") or token.callee is not None
                or token.module.kind is not Kind.MODULE or not result.dead(token)
                or not isinstance(statement, cst.SimpleStatementLine) or _synced_from(model, _root_of(spelled))
                or any(_model_key(other) == _root_of(spelled) and not result.dead(other)
                       for other in result.forwards if other is not token)
                or _parameters_set_frozen(model, function, spelled)):
            continue
        span = model.analysis.span_of(statement)
        inside = [t for t in tokens if span.contains(t.call.index)]
        if all(result.dead(t) for t in inside) and all(statement is not r.statements[0] for r in regions):
            regions.append(EvalRegion("statements", function, (statement,), inside, how, Confidence.MEDIUM,
                                      escapes=False, what=DETACHED_LAYERS))
    return _joined_consecutive_passes(model.analysis, function, regions)


def _parameters_set_frozen(model: ModuleModel, function: FunctionInfo, layer: str) -> bool:
    """Does a method of the function's class give the layer a parameter that requires no grad
    (`self.emb.weight = nn.Parameter(w, requires_grad=False)`, a fixed positional embedding)?"""
    prefix = layer + "."
    for method in model.analysis.functions:
        if method.class_name != function.class_name or method.parent is not None:
            continue
        method.ensure_body()  # (a body not walked yet holds no statements)
        for node in iter_nodes(method.node.body):
            if (node.__class__ is cst.Assign and node.value.__class__ is cst.Call
                    and any((dotted_name(target.target) or "").startswith(prefix) for target in node.targets)
                    and any(arg.keyword is not None and arg.keyword.value == "requires_grad" and is_false(arg.value)
                            for arg in node.value.args)):
                return True
    return False


DETACHED_LAYERS = "feature-extraction"


def _joined_consecutive_passes(analysis: FileAnalysis, scope, regions: list[EvalRegion]) -> list[EvalRegion]:
    """Target-network statements that follow each other in one block (the target actor's pass,
    then the target critic's on its actions), and layers detached at once one after another
    (`x1 = self.stage1(x).detach()`, `x2 = self.stage2(x1).detach()`), are one region: one
    `no_grad` covers them."""
    place = {id(statement): (index, position) for index, (block, _) in enumerate(_blocks(analysis, scope))
             for position, statement in enumerate(block)}
    joined: list[EvalRegion] = []
    for region in regions:
        last = joined[-1] if joined else None
        if (last is not None and region.what == last.what and region.what in ("target-network", DETACHED_LAYERS)
                and id(last.statements[-1]) in place and id(region.statements[0]) in place):
            (block, position), (other_block, other_position) = place[id(last.statements[-1])], place[id(region.statements[0])]
            if block == other_block and other_position == position + 1:
                evidence = last.evidence if region.evidence in last.evidence else f"{last.evidence}; {region.evidence}"
                joined[-1] = dataclasses.replace(last, statements=last.statements + region.statements,
                                                 tokens=last.tokens + region.tokens, evidence=evidence)
                continue
        joined.append(region)
    return joined


def _reported_at_call_sites(model: ModuleModel, function: FunctionInfo) -> bool:
    """An evaluation helper that some callers run under no_grad and the others call from code that
    trains, or from a script's top level: those callers forgot the no_grad (`test(model=model)`
    after each epoch, `generator.rollout(None)` in a test script), so the calls are reported, not
    the helper."""
    if id(function) not in model.mixed_entry:
        return False
    unguarded = [(result, fact) for result, fact, _, _ in model.callers_of(function) if id(fact.node) in result.tokens]
    return bool(unguarded) and all(result.training or _top_level_of_a_script(model, result, fact)
                                   for result, fact in unguarded)


def _top_level_of_a_script(model: ModuleModel, result: ScopeResult, fact) -> bool:
    """Is the call made at the top level of a file that is no suite of tests (a script named
    `test_controller.py` that runs a trained agent is one)?"""
    if result.scope is not None:
        return False
    return not _is_test_suite(model.caller_analysis(fact))


def _unguarded_call_of_evaluation(model: ModuleModel, result: ScopeResult,
                                  token: Token) -> tuple[Optional[str], Optional[Confidence]]:
    """A call, with gradients on, of a function that evaluates and that its other callers run
    under no_grad (`test(model=model)` in the training loop, `with no_grad(): test()` in `__main__`)."""
    owner = model.owner_model(token.callee)
    if owner is None:
        return None, None
    results = owner.results_of(token.callee)
    if results:  # its module was checked in this run: every caller is known
        if not _reported_at_call_sites(owner, token.callee):
            return None, None
    elif result.training and owner.guarded_in_module(token.callee):
        summary = owner.summary_of(token.callee)  # a module read for its imports: no phase 2
        results = [summary.result] if summary is not None else []
    else:
        return None, None
    entry = result.outgoing_calls.get(id(token.call.node))
    flags = owner.tested_flags(token.callee, entry[3] if entry else ())
    if len(results) != 1:  # interpreted once per set of flags its callers pass: this call's
        results = [r for r in results if r.context.constants == flags]
    if len(results) != 1:
        return None, None
    region = _whole_function(owner, token.callee, results[0], _recording(owner, results[0]), ())
    if region is None or region.confidence < Confidence.MEDIUM:
        return None, None
    return (f"`{token.callee.name}` evaluates ({region.evidence}) and its other callers run it under no_grad",
            region.confidence)


def _trained_here(model: ModuleModel, scope: Optional[FunctionInfo], result: ScopeResult, token: Token) -> bool:
    """Another forward pass of the same model reaches a backward pass in this scope (MAML's
    query pass, a model scored on the batch it trains on) or, for a model of `self` whose detached
    output feeds this scope's backward pass, in another method of the class (a GAN's samples,
    detached for the discriminator's loss); or an optimizer stepped here holds its parameters (a
    critic's detached TD target in the step that updates the critic): the model is being trained
    here. (A sample grid the same generator draws for a picture is still evaluation.)"""
    root = _model_key(token)
    if root is not None and _differentiated(result, root, token):
        return True
    cls = model.classes.get(scope.class_name) if scope is not None and scope.class_name else None
    feeds_backward = any(token.id in value.detached for _, value in result.backwards)
    if root is not None and root.startswith("self.") and cls is not None and feeds_backward and any(
            _differentiated(other, root, token) for method in class_methods(model, cls) if method is not scope
            for other in model.results_of(method)):
        return True
    return _stepped_here(model, scope, result, token)


def _differentiates_only_inputs(scope: Optional[FunctionInfo], result: ScopeResult) -> bool:
    """Does the scope backpropagate only for the gradients of inputs it made require them (an
    attack: `delta.requires_grad = True`, `loss.backward()`, then `delta.grad`), stepping no
    optimizer and calling nothing that trains? Its backward passes train no model, so a pass of
    that model detached at once there (PGD's restart scoring, `model(X + delta)` then
    `.detach()`) is evaluation."""
    if scope is None or not result.training or not result.wants_grad:
        return False
    if any(not is_backward(call) or is_optimizer_call(call) for call in result.training):
        return False
    wanting = {name for fact in result.wants_grad if (name := _wanting_name(fact)) is not None}
    return any(node.__class__ is cst.Attribute and node.attr.value == "grad" and node.value.__class__ is cst.Name
               and node.value.value in wanting for node in iter_nodes(scope.node.body))


def _wanting_name(fact) -> Optional[str]:
    """The local tensor a fact makes require gradients: `delta` of `delta.requires_grad = True`
    or `delta.requires_grad_()`."""
    if isinstance(fact, AssignFact):
        targets = [t.target for t in fact.node.targets] if isinstance(fact.node, cst.Assign) else []
        return next((t.value.value for t in targets if t.__class__ is cst.Attribute and t.attr.value == "requires_grad"
                     and t.value.__class__ is cst.Name), None)
    receiver = fact.receiver if isinstance(fact, CallFact) and fact.method == "requires_grad_" else None
    return receiver.value if receiver is not None and receiver.__class__ is cst.Name else None


def _stepped_here(model: ModuleModel, scope: Optional[FunctionInfo], result: ScopeResult, token: Token) -> bool:
    """An optimizer stepped in this scope holds the parameters of the model the token runs."""
    spelled = token.call.callee
    return spelled is not None and stepping(model, scope, [(scope, result)], spelled) is not None


def _differentiated(result: ScopeResult, root: str, token: Token) -> bool:
    """Does a forward pass of the model `root` other than `token` reach a backward pass in `result`,
    or the loss the scope returns for its callers to train on (SAC's `compute_loss`: the policy's
    pass on the next states, detached into the Q target, is the author's stop-gradient there)?"""
    returns_loss = _returns_a_loss(result)
    return any(_model_key(other) == root and ("used" in (fate := result.fate(other.id))
                                              or (returns_loss and "returned" in fate))
               for other in result.forwards if other is not token)


def _copied_model(model: ModuleModel, result: ScopeResult, token: Token) -> Optional[str]:
    """The model whose target network the token runs (a lagged copy of it, see `_synced_from`), in
    a scope that backpropagates or returns as its loss a pass of that model, with the token's
    output detached into that loss (a DQN's TD target): the graph the copy records is thrown
    away, and `no_grad` gives the same target without it (reported at low confidence)."""
    root = _model_key(token)
    into_the_loss = token.id in result.detached_into_backward or (
        _returns_a_loss(result) and token.id in result.returned.detached)
    if root is None or not into_the_loss:
        return None
    return next((online for online in sorted(_synced_from(model, root)) if _differentiated(result, online, token)), None)


def _synced_from(model: ModuleModel, root: str) -> frozenset[str]:
    """The models whose weights the module copies into `root` (`self.dqn_target.load_state_dict(
    self.dqn.state_dict())`, `self.target = copy.deepcopy(self.online)`): `root` is their target
    network, a lagged copy of them."""
    copies = model.analysis.cache.get("synced_models")
    if copies is None:
        copies = model.analysis.cache["synced_models"] = _synced_models(model.analysis)
    return copies.get(root, frozenset())


def _synced_models(analysis: FileAnalysis) -> dict[str, frozenset[str]]:
    """Target model -> the models the module copies into it, by `load_state_dict(x.state_dict())`,
    by an assignment of `copy.deepcopy(x)` (`x` also under the fields the same function stores it
    in: `self.actor = actor`), and by a Polyak update over `zip(x.parameters(), y.parameters())`
    (each of the two counts as the other's copy: only a pass detached into the loss is reported)."""
    found: dict[str, set[str]] = {}

    def add(target: Optional[str], source: Optional[str]) -> None:
        if target and source and target != source:
            found.setdefault(target, set()).add(source)

    for fact in analysis.calls:
        node = fact.node
        argument = node.args[0].value if len(node.args) == 1 else None
        if fact.method == "load_state_dict" and fact.receiver is not None and isinstance(argument, cst.Call):
            inner = argument.func
            if isinstance(inner, cst.Attribute) and inner.attr.value == "state_dict":
                add(_root_of(dotted_name(fact.receiver)), _root_of(dotted_name(inner.value)))
        elif fact.qualified in ("copy.deepcopy", "copy.copy") and argument is not None:
            statement = fact.statement
            assign = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) and statement.body else None
            if isinstance(assign, cst.Assign) and assign.value is node and len(assign.targets) == 1:
                target, source = _root_of(dotted_name(assign.targets[0].target)), _root_of(dotted_name(argument))
                add(target, source)
                for field in _fields_storing(analysis, fact.function, source):
                    add(target, field)
        elif fact.callee == "zip" and len(node.args) == 2:
            roots = [_root_of(dotted_name(arg.value.func.value)) if _parameters_call(arg.value) else None
                     for arg in node.args]
            add(roots[0], roots[1])
            add(roots[1], roots[0])
    return {target: frozenset(sources) for target, sources in found.items()}


def _parameters_call(node: cst.BaseExpression) -> bool:
    """`x.parameters()`."""
    return (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "parameters" and not node.args)


def _fields_storing(analysis: FileAnalysis, function, name: Optional[str]) -> list[str]:
    """The attributes `function` assigns the bare name `name` to (`self.actor = actor`, also in
    `self.actor, self.critic = actor, critic`)."""
    if name is None or "." in name:
        return []
    fields = []
    for fact in analysis.facts_in(analysis.assigns, function):
        assign = fact.node
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            continue
        target, value = assign.targets[0].target, assign.value
        pairs = [(target, value)]
        if isinstance(target, cst.Tuple) and isinstance(value, cst.Tuple) and len(target.elements) == len(value.elements):
            pairs = [(t.value, v.value) for t, v in zip(target.elements, value.elements)]
        fields += [dotted_name(t) for t, v in pairs
                   if isinstance(v, cst.Name) and v.value == name and isinstance(t, cst.Attribute) and dotted_name(t)]
    return fields


def _root_of(spelled: Optional[str]) -> Optional[str]:
    """`self.dqn` of `self.dqn.module`, `net` of `net.encoder`: the model a name roots in."""
    if spelled is None:
        return None
    parts = spelled.split(".")
    return ".".join(parts[:2]) if parts[0] in ("self", "cls") and len(parts) > 1 else parts[0]


def _model_key(token: Token) -> Optional[str]:
    """The model a forward pass runs, as `_root_of` names it."""
    return _root_of(token.call.callee)


def _detached_at_once(token: Token) -> Optional[str]:
    """The forward pass's output goes straight into `.detach()`, `.item()`, `.tolist()`, `.numpy()`,
    or only its indices are read (`q_net(obs).argmax()`: index-valued, no graph comes out)."""
    statement = token.call.statement
    for node in iter_nodes(statement):
        if (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
                and node.func.attr.value in _AT_ONCE
                and any(inner is token.call.node for inner in iter_nodes(node.func.value))):
            method = node.func.attr.value
            if method in INDEX_VALUED:
                return f"only the indices of its output are read, by `.{method}()`"
            return f"its output is `.{method}()`ed at once"
    return None


_AT_ONCE = frozenset({"detach", "item", "tolist", "numpy", "argmax", "argmin", "argsort"})


def _name_read_only_detached(analysis: FileAnalysis, scope, token: Token) -> bool:
    """`out = model(x)` (or `out, _ = model(x)`), and every read of those names in the scope until
    they are bound again is the receiver of `.detach()`, `.data`, `.item()`, `.tolist()`, `.numpy()`
    or an index-valued reduction: as written, no read can take its graph anywhere (the value model
    may have lost a path through code it cannot read)."""
    statement = token.call.statement
    assign = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 else None
    if not (isinstance(assign, cst.Assign) and assign.value is token.call.node and len(assign.targets) == 1):
        return False
    target = assign.targets[0].target
    parts = [element.value for element in target.elements] if isinstance(target, cst.Tuple) else [target]
    if not all(isinstance(part, cst.Name) for part in parts):
        return False
    names = {part.value for part in parts} - {"_"}
    start = token.call.index
    rebound = {name: min((fact for fact in analysis.facts_in(analysis.assigns, scope)
                          if name in fact.targets and fact.index > start), key=lambda fact: fact.index, default=None)
               for name in names}

    def before_rebound(use) -> bool:  # the value of a rebinding statement is read before it binds
        again = rebound[use.name]
        return again is None or use.index <= again.index or use.statement is again.statement

    reads = [use for use in analysis.facts_in(analysis.name_uses, scope)
             if use.name in names and use.index > start and before_rebound(use) and not _binds(use)]
    return bool(reads) and all(_read_detached(use) for use in reads)


def _binds(use) -> bool:
    """The name is the target an assignment binds (`action = action.detach()`'s left side)."""
    statement = use.statement
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(small, cst.Assign) and any(target.target is use.node for target in small.targets)
        for small in statement.body)


def _read_detached(use) -> bool:
    """The name read is the receiver of a detaching or value-reading attribute."""
    return any(isinstance(node, cst.Attribute) and node.value is use.node and node.attr.value in _DETACHING_READS
               for node in iter_nodes(use.statement))


_DETACHING_READS = _AT_ONCE | {"data"}  # `.data` is an attribute, not a call


def _only_detached(result: ScopeResult, token: Token) -> Optional[str]:
    """The forward pass's output is used only through `.detach()` (or `.data`), later in the
    scope: `teacher_logits = self.teacher(x)`, then `F.softmax(teacher_logits / T).detach()`."""
    return "its output is used only detached" if token.id in result.detached else None


def _returns_a_loss(result: ScopeResult) -> bool:
    """The scope computes a torch loss and returns what carries a graph: its callers backpropagate
    it (a module's `forward` that returns the training loss)."""
    return bool(result.loss_targets) and result.returned.graph is Graph.YES


def _returns_a_loss_of_its_inputs(model: ModuleModel, result: ScopeResult) -> bool:
    """It returns a loss computed (here, or by a helper it calls) from what it is given, beside
    the forward passes it runs: disabling gradients in it as a whole would cut the gradient of
    its inputs."""
    def loss_of_inputs(scope: ScopeResult) -> bool:
        return (bool(scope.loss_targets) and scope.returned.graph is not Graph.NO
                and bool(scope.returned.params - {"self"}))

    return loss_of_inputs(result) or (
        result.returned.graph is not Graph.NO and bool(result.returned.params - {"self"})
        and any(summary is not None and loss_of_inputs(summary.result)
                for summary in (model.summary_of(callee) for _, callee, _, _ in result.outgoing)))


def _given_to_helper_that_drops_it(model: ModuleModel, result: ScopeResult, token: Token) -> Optional[str]:
    """The forward pass's output is passed straight to a project function that never
    differentiates anything and neither keeps nor returns it (`self.save_grid(self.gen(z))`)."""
    calls = (result.outgoing_calls.get(id(node)) for node in iter_nodes(token.call.statement))
    for fact, callee, params, constants in filter(None, calls):
        given = [name for name, value in params.items() if token.id in value.sources]
        summary = model.summary_of(callee)
        if not given or summary is None:
            continue
        summary = summary.given(constants)
        if summary.wants_grad or summary.result.training or any(
                summary.param_uses.get(name, set()) & {USED, STORED, RETURNED} for name in given):
            continue
        return f"its output goes to `{callee.name}`, which never differentiates it"
    return None


def _inference_method_dropped(model: ModuleModel, result: ScopeResult, token: Token) -> Optional[str]:
    """In code that trains, a project function named like inference (`net_g.infer(x)` for a sample
    logged every N steps) whose outputs, which carry the graphs of its forward passes, are thrown
    away, when no other call of it here is differentiated."""
    summary = model.summary_of(token.callee)
    if summary is None or not summary.returns_graph or not is_evaluation_name(token.callee.name):
        return None
    if any(other.callee is token.callee and "used" in result.fate(other.id) for other in result.forwards):
        return None
    return f"the graphs of `{token.callee.name}`'s outputs are thrown away"


def _call_does_not_train(model: ModuleModel, result: ScopeResult, token: Token) -> Optional[str]:
    """`run_epoch(..., train=False)`: the callee trains for other arguments, not for these."""
    entry = result.outgoing_calls.get(id(token.call.node))
    summary = model.summary_of(token.callee)
    if entry is None or summary is None:
        return None
    if not summary.result.training:
        return _callable_argument_does_not_train(model, token, entry[2], summary)
    if not entry[3]:
        return None
    given = summary.given(entry[3])
    # it runs a forward pass itself with gradients on, or calls a module this call passes it
    forward = bool(given.result.forwards) or any(
        value.kind is Kind.MODULE and "called" in given.param_uses.get(name, ()) for name, value in entry[2].items())
    if given is summary or given.result.training or not forward:
        return None
    flags = ", ".join(f"{name}={value!r}" for name, value in model.tested_flags(token.callee, entry[3]))
    return f"`{token.callee.name}` does not train when called with {flags}, yet records graphs"


def _callable_argument_does_not_train(model: ModuleModel, token: Token, params: dict, summary) -> Optional[str]:
    """`run_epoch(loader, model, LossCompute(gen, crit, None))`: the callee trains only through a
    callable it is given (other calls pass one that trains); this one does not."""
    callables = [name for name, uses in summary.param_uses.items() if "called" in uses and name in params
                 and model.called_function(params[name]) is not None]
    if not callables or any(model.trains_when_called(params[name]) for name in callables):
        return None
    owner = model.owner_model(token.callee) or model
    if not any(id(fact.node) in site.training_calls for site, fact, _, _ in owner.callers_of(token.callee)):
        return None
    names = ", ".join(f"`{name}`" for name in callables)
    return f"`{token.callee.name}` trains only through {names}, which does not train here, yet records graphs"


def _blocks(analysis: FileAnalysis, scope: Optional[FunctionInfo]) -> list[tuple[Sequence[cst.BaseStatement], bool]]:
    """The statement lists whose runs can be regions, each with whether it is a loop's body: a
    function's body, or the module's body and its `if __name__ == "__main__":` blocks; then the
    bodies of the scope's loops (an epoch loop: the statements after its training steps, in a
    function or at a script's or a notebook's top level)."""
    blocks: list[tuple[Sequence[cst.BaseStatement], bool]] = []
    if scope is not None:
        if not isinstance(scope.node.body, cst.IndentedBlock):
            return []
        blocks.append((scope.node.body.body, False))
    else:
        blocks.extend((body, False) for body in script_bodies(analysis.module))
    return blocks + [(loop.node.body.body, True) for loop in analysis.loops
                     if loop.function is scope and isinstance(loop.node.body, cst.IndentedBlock)]


def _statement_regions(model: ModuleModel, scope, result: ScopeResult, block, tokens: list[Token],
                       covered: list[Span], in_loop: bool = False) -> list[EvalRegion]:
    """Runs of statements in a block that run a module in eval mode and throw the graphs away.
    A run goes from the first statement with such a forward pass to the last one, without
    crossing training code, a definition, a `__main__` guard or a `# %%` cell marker. In a loop's
    body, only a module the code put in eval mode starts a run (after a training step, another
    forward pass there is as often a metric or a logging step of training)."""
    analysis = model.analysis
    regions: list[EvalRegion] = []
    run: list[cst.BaseStatement] = []
    found: list[Token] = []

    trained = False  # a statement of the block trained a model before the run
    inference_script = _inference_script(model, scope, result)

    def close() -> None:
        while run and not any(analysis.span_of(run[-1]).contains(t.call.index) for t in found):
            run.pop()
        if found:
            evaled = _evaled(found, result) or ""
            if scope is None and evaled.startswith("it calls"):
                evaled = "the script calls" + evaled[len("it calls"):] + " first"
            kept = any(not result.dead(t) for t in found)
            thrown = "it keeps the outputs, graphs and all" if kept else "nothing uses the graphs"
            ran_after = LOADED_NEVER_TRAINED if inference_script and not trained else "it runs after training"
            evidence = "; ".join(e for e in (evaled, ran_after, thrown) if e and (e != ran_after or not evaled))
            regions.append(EvalRegion("statements", scope, tuple(run), list(found), evidence,
                                      Confidence.HIGH if evaled and not kept else Confidence.MEDIUM,
                                      escapes=kept or (scope is None and _globals_read_later(analysis, run))))
        run.clear()
        found.clear()

    for statement in block:
        span = analysis.span_of(statement)
        trains = any(span.contains(c.index) for c in result.training)
        if _starts_cell(statement):
            close()  # a new cell starts a new run, with this statement in it
        if (isinstance(statement, (cst.FunctionDef, cst.ClassDef))
                or (isinstance(statement, cst.If) and is_main_guard(statement.test))
                or trains or any(s.contains(span.start) for s in covered)):
            close()
            trained = trained or any(span.contains(c.index) and _updates_weights(c) for c in result.training)
            continue
        # outputs of a model an optimizer stepped here trains, detached into the loss the scope
        # backpropagates (a critic's TD target, an advantage weight), are the author's
        # stop-gradient, not evaluation (a frozen teacher's or feature extractor's are)
        inside = [t for t in tokens if span.contains(t.call.index)
                  and not (t.id in result.detached_into_backward and _stepped_here(model, scope, result, t))
                  and _copied_model(model, result, t) is None]
        if any(not result.dead(t) and not (trained and _kept_in_eval(t, result)) for t in inside):
            close()
            continue
        evaled = [t for t in inside if t.module.kind is Kind.MODULE and t.module.training is Training.EVAL]
        after_training = trained and not in_loop and any(_module_run(t).evidence >= Evidence.DUCK for t in inside)
        loaded = inference_script and any(_runs_loaded_weights(t) for t in inside)
        # inputs the author made `volatile` (to no effect) for a module surely one
        volatile = any(_module_run(t).evidence >= Evidence.DUCK and _fed_volatile(t, result) for t in inside)
        if not found and not evaled and not after_training and not loaded and not volatile:
            continue
        run.append(statement)
        found.extend(inside)
    close()
    return regions


def _updates_weights(call: CallFact) -> bool:
    """A training call that is a step of training (`loss.backward()`, `opt.step()`), not a gradient
    taken for a computation (`torch.autograd.grad(score, features)` inside a training step)."""
    return call.qualified not in knowledge.BACKWARD_FUNCTIONS or call.qualified == "torch.autograd.backward"


def _steps_weights(model: ModuleModel, result: ScopeResult, call: CallFact, depth: int = 0) -> bool:
    """A training call that updates weights, itself or through the project functions it calls
    (`optimize(p, closure)`): not one that only takes gradients for a computation (a PINN's
    `self.net_f(x, t)`, whose `torch.autograd.grad` gives a residual)."""
    called = result.outgoing_calls.get(id(call.node))
    summary = model.summary_of(called[1]) if called is not None else None
    if summary is None or depth > 3:
        return _updates_weights(call)
    return any(_steps_weights(model, summary.result, inner, depth + 1) for inner in summary.result.training)


def _module_run(token: Token) -> Value:
    """The module a forward pass runs, or the one a helper runs that the call hands it
    (`langevin(score_net, x)`); UNKNOWN when there is none."""
    if token.module.kind is Kind.MODULE:
        return token.module
    return token.handed if token.handed is not None else UNKNOWN


def _inference_script(model: ModuleModel, scope, result: ScopeResult) -> bool:
    """A script's top level in a file where nothing trains or wants gradients (no backward pass,
    no optimizer step, here or in the file's functions) and no optimizer is built (a smoke test
    of the training forward, its backward pass commented out): a model it loads weights into is
    run for its outputs alone (`generator.load_state_dict(torch.load(ckpt))`, then samples)."""
    if scope is not None or result.training or result.backwards or result.wants_grad:
        return False
    return _nothing_trains(model) and not _builds_an_optimizer(model)


def _builds_an_optimizer(model: ModuleModel) -> bool:
    """Does the file build an optimizer (`Adam(model.parameters())`), as the values say?"""
    return any(value.kind is Kind.OPTIMIZER for result in model.all_results() for value in result.values.values())


def _nothing_trains(model: ModuleModel) -> bool:
    """No function of the file backpropagates, steps an optimizer or wants gradients."""
    return not any(r.training or r.backwards or r.wants_grad for r in model.all_results() if r.scope is not None)


def _serves_loaded_weights(model: ModuleModel, function: FunctionInfo, result: ScopeResult,
                           tokens: list) -> Optional[str]:
    """Why a function serves a trained model, in a file where nothing trains: a method of a plain
    class (no module) running models its object loaded weights into (a checkpoint, a TorchScript
    archive: `Model(model_dir).transcribe(audio)`), or a top-level function running a model of the
    module's globals that the module loaded weights into (`vqgan = load_model(ckpt)` under
    `__main__`, read by a server's request handler)."""
    own = [t for t in tokens if t.callee is None]
    if not own or result.training or not all(_runs_loaded_weights(t) for t in own):
        return None
    if function.class_name is None:
        if function.parent is not None or not _nothing_trains(model):
            return None
        if all(_global_model(model, function, t) for t in own):
            return LOADED_BY_THE_MODULE
        # a script's `main()` that builds the model, loads a checkpoint into it and runs it
        return LOADED_BY_THE_FUNCTION if all(_local_model(model, function, t) for t in own) else None
    cls = model.classes.get(function.class_name)
    served = cls is not None and not cls.is_module and all((t.call.callee or "").startswith("self.") for t in own)
    return LOADED_BY_ITS_CLASS if served and _nothing_trains(model) and not _base_class_trains_with(model, function) else None


def _base_class_trains_with(model: ModuleModel, function: FunctionInfo) -> bool:
    """Does a method of a project base class, in another file, call this hook and train (a
    trainer's `process_batch` that backpropagates what the subclass's `forward_pass` returns)?"""
    return any((summary := model.summary_of(caller)) is not None and bool(summary.result.training)
               for caller, _, _, _ in model.base_class_calls(function))


def _global_model(model: ModuleModel, function: FunctionInfo, token: Token) -> bool:
    """The forward pass runs a module-level name that the function neither takes nor binds."""
    root = (token.call.callee or "").partition(".")[0]
    analysis = model.analysis
    return (root in model.module_env and not any(param.name.value == root for param in _named_params(function))
            and not any(root in fact.targets for fact in analysis.facts_in(analysis.assigns, function)))


def _local_model(model: ModuleModel, function: FunctionInfo, token: Token) -> bool:
    """The forward pass runs a name the function binds itself and does not take."""
    root = (token.call.callee or "").partition(".")[0]
    analysis = model.analysis
    return (bool(root) and not any(param.name.value == root for param in _named_params(function))
            and any(root in fact.targets for fact in analysis.facts_in(analysis.assigns, function)))


def _runs_loaded_weights(token: Token) -> bool:
    """A forward pass (or a method) of a module the code loaded weights into (a checkpoint)."""
    module = token.module
    return module.kind is Kind.MODULE and module.weights and module.evidence >= Evidence.DUCK


def _kept_in_eval(token: Token, result: ScopeResult) -> bool:
    """A forward pass of a module this scope put in eval mode itself (`G.eval()` before `G(z)`
    or `G.forward(z)`), whose outputs are only kept (`samples.append(G(fixed_z))` after each
    epoch): the graphs live on with them, and nothing here differentiates them."""
    module, spelled = token.module, token.call.callee or ""
    return (result.fate(token.id) == {"stored"} and module.kind is Kind.MODULE and module.training is Training.EVAL
            and any(switch == "eval" and key and (spelled == key or spelled.startswith(key + "."))
                    and fact.index < token.call.index for fact, key, switch in result.switches))


def _globals_read_later(analysis: FileAnalysis, statements) -> bool:
    """Module-level names bound in the statements and read after them: globals a later cell, a
    later statement or an importer may still use as tensors."""
    first, last = analysis.span_of(statements[0]), analysis.span_of(statements[-1])
    span = Span(first.start, last.end)
    bound = set()
    for assign in analysis.facts_in(analysis.assigns, None, span):
        if not isinstance(assign.node, cst.For):
            bound |= assign.targets
    return any(use.name in bound and use.index > span.end for use in analysis.name_uses)


def _starts_cell(statement: cst.CSTNode) -> bool:
    return any(line.comment is not None and line.comment.value.startswith(CELL_MARK)
               for line in getattr(statement, "leading_lines", ()))
