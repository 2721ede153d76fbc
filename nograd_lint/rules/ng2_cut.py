"""NG210: a forward pass under `no_grad` fed a tensor that carries the graph of a module being
trained, whose output reaches that module's loss: the gradient through it is lost."""
from __future__ import annotations

from typing import Iterable, Optional

from ..analysis.contexts import explicit
from ..analysis.cuts import how_cut, params_cut
from ..analysis.gradmode import FileAnalysis
from ..analysis.imports import dotted_name
from ..analysis.interpret import ScopeResult
from ..analysis.lattice import Graph
from ..analysis.summaries import ModuleModel, model_of
from ..analysis.trainable import stepping
from ..diagnostics import Confidence
from ..io.config import Settings
from .base import Finding
from .common import BackwardRule, code_of, context_text
from .ng2_gated import gated_cuts
from .ng2_trained import required_parameters
from .registry import register


@register
class NoGradCutsTrainedGraph(BackwardRule):
    """
    ## What it does
    Finds a module (or a project function that runs one) called under `torch.no_grad()`,
    `torch.inference_mode()` or `torch.set_grad_enabled(False)` on a tensor that carries the
    graph of another module's forward pass, when the output reaches a backward pass that also
    has a graph, and an optimizer stepped in that function holds the parameters of the module
    whose graph was cut: a SAC policy update that evaluates the critics on the
    reparameterized actions under `no_grad`, a generator's perceptual loss whose feature network
    runs on the generated images under `no_grad`.

    Also a call, with gradients on, of a project module or function that computes from its input
    only under a `no_grad` block of its own (every read of the parameter is inside the block, or
    after the block rebinds it: a discriminator that makes its input's spectrogram under
    `torch.no_grad()`), on a tensor that carries the graph of a module an optimizer stepped in the
    scope trains, whose output reaches the scope's backward pass: the module it runs still
    learns, but nothing flows back through it to what made its input (a generator's adversarial
    term trains nothing). The same when the callee's `forward` (or the function) is decorated
    with `@torch.no_grad()`, or when it hands that input only to callees that cut it: a loss
    module that gives the predicted features to a frozen encoder whose `forward` is decorated,
    and adds the alignment term it returns to the loss (the feature head gets nothing from it).

    Also such a forward pass under a context written in sight in a project function the scope
    calls with gradients on (an `actor_loss` helper that evaluates the critic on the actor's
    actions under `no_grad` and returns the objective), when the scope backpropagates what the
    helper returns and steps an optimizer that holds the module whose graph the helper cut: the
    module as the caller spells it (the argument given to the helper's parameter, `self.actor`
    for a method called on `self`). It is reported at the cut, in the helper's module, with the
    caller's backward pass as the related location.

    Also a forward pass under `torch.set_grad_enabled(a and b)` in a method whose parameter
    feeds it what another method of the class (its caller, in this module or a base class's)
    computed under a `set_grad_enabled` of its own whose flags do not include `b`
    (`set_grad_enabled(is_train and train_text_encoder)` for the conditioning, then
    `set_grad_enabled(is_train and train_unet)` for the denoiser), when the method returns the
    forward's output and the caller's result is backpropagated in its module: with the first
    gate on and `b` false, the module trained under the first gate gets no gradient through it.

    ## Why is this bad
    Nothing computed with gradients disabled records a graph, whatever its input carries. The
    loss still has a graph through its other terms, so `backward()` runs and nothing fails, but
    the term computed under `no_grad` sends no gradient back to the module that produced its
    input: the policy ignores the critic, the generator ignores the perceptual loss. Freezing the
    module that runs under `no_grad` is what was meant: `requires_grad_(False)` keeps its
    parameters fixed and still lets the gradient flow through it to its input (checked in
    tests/test_torch_facts.py).

    ## Example
    ```python
    actions = policy(obs).rsample()
    log_pi = policy(obs).log_prob(actions)
    with torch.no_grad():
        q = critic(obs, actions)
    loss = (alpha * log_pi - q).mean()
    loss.backward()
    policy_optimizer.step()
    ```

    ## Use instead
    ```python
    critic.requires_grad_(False)
    q = critic(obs, actions)
    critic.requires_grad_(True)
    loss = (alpha * log_pi - q).mean()
    ```

    ## Fix safety
    There is no automatic fix: whether the module under `no_grad` must stay frozen (and how its
    own optimizer is kept out) is the author's decision.

    ## Known limits
    A callee's own block is read in its `forward` (or the function called); an input it hands
    on is followed only when passed as it is (`self.encoder(images, predicted)`, not
    `predicted.float()`), and a parameter read anywhere else outside the block (even only for its
    `.shape`; a test against `None` aside) counts as reaching the output with its graph. A loss
    module whose `forward` cuts every input a caller must pass is NG209's, not each call's.
    Otherwise only a context written in sight, in the function that runs the backward pass, is
    read; the cut term must reach a backward pass of the same function, and an optimizer stepped
    there must be built in sight over the producing module's `parameters()` (a `torch.optim`
    class, or a parameter whose default is one, `optimizer=torch.optim.Adam`; in the function,
    for `self.opt` in a method of the class, or, for an optimizer the function is given, by every
    call of it in the module). The graph is followed into the block through conversions that
    keep it outside one (`torch.Tensor(actions)`, arithmetic), not through `detach()` or a copy
    (`torch.tensor(actions)`). A cut term that then multiplies, or is the loss's target for, a
    value that may carry a graph (an advantage weight computed from the policy's own actions, a
    TD target from shared features) is a stop-gradient on purpose: not reported; one cut on
    purpose and added to the loss (a constant offset) reads the same as the bug: confidence is
    medium. A helper's own cut is followed one call deep, through a function given the module
    as it is or a method called on `self`; a method called on another object
    (`learner.policy_loss(obs)`, whose `self.actor` the caller calls `actor`) is not matched, and
    a caller in another module is seen only when the run checks both files (not by flake8, which
    checks one file at a time). The gated shape compares the two gates' flags as written, one call deep (through a
    function nested in the method); a flag that implies the other at run time
    (`train_text_encoder` only ever true with `train_unet`) is not seen: medium confidence.
    """

    code = "NG210"
    name = "no-grad-cuts-trained-graph"
    summary = "A forward pass under no_grad takes a trained module's output into its loss, so no gradient flows back through it."
    fix_availability = "none"

    @classmethod
    def relevant(cls, signals) -> bool:
        return signals.grad_context  # a gated forward pass's caller may backpropagate in another module

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        model = model_of(analysis)
        yield from gated_cuts(analysis, model)
        reported: set[int] = set()
        for result in model.all_results():
            for call, value in result.backwards:
                if value.graph is Graph.NO:
                    continue  # nothing has a graph: NG201's (the backward pass raises)
                reached = f"`{code_of(analysis, call.node, 30)}`"
                for fact, (spelled, optimizer), callee, given in _cuts_of_trained(analysis, model, result, value,
                                                                                  reported, call):
                    if callee is None:  # the call itself runs under a context written in sight
                        state = analysis.state_of(fact)
                        message = (f"`{code_of(analysis, fact.node, 40)}` runs under `{context_text(analysis, state)}` "
                                   f"on a tensor that carries the graph of `{spelled}`, and its output reaches "
                                   f"{reached}: no gradient flows back through it to `{spelled}`, which "
                                   f"`{optimizer}` trains; run it with gradients enabled (a module frozen with "
                                   "`requires_grad_(False)` keeps its parameters and still passes the gradient on)")
                        related = ()
                    else:
                        how, node, where = how_cut(model, callee, given[0]) if given else (callee.display_name, None, None)
                        message = (f"`{code_of(analysis, fact.node, 40)}` gives a tensor that carries the graph of "
                                   f"`{spelled}` to {how}: nothing computed from it there records a graph, so its "
                                   f"output reaches {reached}, but no gradient flows back through it to "
                                   f"`{spelled}`, which `{optimizer}` trains; compute that part with gradients "
                                   "enabled (a network frozen with `requires_grad_(False)` still passes the "
                                   "gradient on)")
                        related = ((node, where, "gradients are disabled here"),) if node is not None else ()
                    yield Finding(fact.node, message, None, Confidence.MEDIUM, related)
                for fact, (spelled, optimizer), callee, site in inner_cuts(model, result, value, reported, call):
                    if model.owner_model(callee) is model:
                        yield self._inner_finding(analysis, fact, spelled, optimizer, callee, call, analysis)
        yield from self._cut_for_callers_elsewhere(analysis, model, reported)

    def _cut_for_callers_elsewhere(self, analysis: FileAnalysis, model: ModuleModel, reported: set[int]) -> Iterable[Finding]:
        """The cuts of this module's functions whose callers in other modules backpropagate what
        they return (those modules' checks cannot report here)."""
        for function in analysis.functions:
            summary = model.summary_of(function)
            if summary is None or not summary.result.severed.keys() & summary.returned.fed_without_grad:
                continue
            for result, site, _, _ in model.callers_of(function):
                caller = model.owner_model(result.scope) if result.scope is not None else None
                if caller is None or caller is model:
                    continue
                for call, value in result.backwards:
                    if value.graph is Graph.NO:
                        continue
                    for fact, (spelled, optimizer), _, called in inner_cuts(caller, result, value, reported, call):
                        here = _same_call(summary.result.severed, fact)  # the caller read another reading of this file
                        if called.node is site.node and here is not None:
                            yield self._inner_finding(analysis, here, spelled, optimizer, function, call, caller.analysis)

    @staticmethod
    def _inner_finding(analysis: FileAnalysis, fact, spelled: str, optimizer: str, callee, backward,
                       where: FileAnalysis) -> Finding:
        """A cut inside `callee`, whose returned output a caller's backward pass reaches."""
        state = analysis.state_of(fact)
        message = (f"`{code_of(analysis, fact.node, 40)}` runs under `{context_text(analysis, state)}` on a tensor "
                   f"that carries the graph of `{spelled}`, and `{callee.display_name}` returns its output to a "
                   f"caller whose `{code_of(where, backward.node, 30)}` reaches it: no gradient flows back "
                   f"through it to `{spelled}`, which `{optimizer}` trains there; run it with gradients enabled "
                   "(a module frozen with `requires_grad_(False)` keeps its parameters and still passes the "
                   "gradient on)")
        return Finding(fact.node, message, None, Confidence.MEDIUM, ((backward.node, where, "the backward pass"),))


def _cuts_of_trained(analysis: FileAnalysis, model: ModuleModel, result: ScopeResult, value,
                     reported: set[int], backward) -> Iterable[tuple]:
    """(call, (trained module, its optimizer), callee, its parameters cut) for each call of the
    scope whose cut reaches the backward pass's `value` and drops the graph of a module the scope
    trains: a forward pass under a context written in sight (callee None), or a call with
    gradients on of a project function that cuts the graph of that argument (`cuts.params_cut`).
    Not a call after the backward pass (in a loop, what it gives reaches the next iteration's
    backward pass, whose graph its input's is not: an augmentation probability tuned on the
    discriminator's last outputs)."""
    after = model.call_order.get(id(backward.node), 0)
    # (a cut term that weighs what carries a graph, or is its loss's target, is a constant on purpose)
    cuts = [(key, *result.severed[key], None, ()) for key in value.fed_without_grad & result.severed.keys()
            if explicit(analysis, analysis.state_of(result.severed[key][0])) is not None and key not in result.weighed]
    cuts += [(key, *result.cut_in_callee[key]) for key in value.fed_without_grad & result.cut_in_callee.keys()
             if key not in result.weighed]
    for key, fact, carried, callee, given in sorted(cuts, key=lambda cut: model.call_order.get(cut[0], 0)):
        if (key in reported or fact.function is not result.scope or model.call_order.get(key, 0) > after
                or (callee is not None and _loss_cut_whole(model, callee))):
            continue
        trained = trained_producer(model, result, carried)
        if trained is not None:
            reported.add(key)
            yield fact, trained, callee, given


def inner_cuts(model: ModuleModel, result: ScopeResult, value, reported: set[int], backward) -> Iterable[tuple]:
    """(call, (trained module as the scope spells it, its optimizer), callee, the scope's call of
    it) for each forward pass under a context written in sight in a project function the scope
    calls with gradients on, run on a tensor that carries the graph of a module the callee runs,
    whose output the callee returns and reaches the backward pass's `value`: an `actor_loss`
    helper that evaluates the critic on the policy's actions under `no_grad`, backpropagated by
    the update that steps the policy's optimizer. One call deep."""
    after = model.call_order.get(id(backward.node), 0)
    sites = [(fact, function) for fact, function, _, _ in result.outgoing
             if fact.function is result.scope and model.call_order.get(id(fact.node), 0) <= after
             and not _cut_at_call(model, fact)]
    for fact, function in sites:
        owner = model.owner_model(function)
        summary = owner.summary_of(function) if owner is not None else None
        if summary is None:
            continue
        inner = summary.result
        for key in sorted(value.fed_without_grad & inner.severed.keys() & summary.returned.fed_without_grad - inner.weighed,
                          key=lambda k: owner.call_order.get(k, 0)):
            cut, carried = inner.severed[key]
            if key in reported or explicit(owner.analysis, owner.analysis.state_of(cut)) is None:
                continue
            trained = _trained_through(model, result, inner, carried, fact, function)
            if trained is not None:
                reported.add(key)
                yield cut, trained, function, fact


def _same_call(severed: dict, fact):
    """The call of `severed` (this reading of a module) that is `fact` of another reading of it."""
    return next((cut for cut, _ in severed.values() if cut.index == fact.index and cut.callee == fact.callee), None)


def _cut_at_call(model: ModuleModel, fact) -> bool:
    """Is the call itself run with gradients disabled (nothing inside it records a graph then)?"""
    analysis = model.analysis
    return analysis.state_of(fact).mode.disables_grad


def _trained_through(model: ModuleModel, result: ScopeResult, inner: ScopeResult, carried: frozenset, site,
                     function) -> Optional[tuple[str, str]]:
    """(the module whose graph the callee cut, as the caller spells it, the optimizer stepped in
    the caller's scope that holds its parameters): `self.actor` in the callee is `agent.actor` for
    `agent.actor_loss(obs)`; a parameter of the callee is the argument given to it."""
    tokens = inner.token_by_id()
    receiver = dotted_name(site.receiver) if site.receiver is not None else None
    arguments = _bound_names(site, function)
    for token_id in sorted(carried):
        token = tokens.get(token_id)
        for run in (token.runs if token is not None else ()):
            head, dot, rest = run.partition(".")
            base = receiver if head == "self" and function.class_name else arguments.get(head)
            if base is None:
                continue
            spelled = base + dot + rest
            stepped = stepping(model, result.scope, [(result.scope, result)], spelled)
            if stepped is not None:
                return spelled, stepped[0].name
    return None


def _bound_names(site, function) -> dict[str, str]:
    """The callee's parameters given a name or a field as they are (`actor=self.actor`)."""
    from ..analysis.interpret import _bind_arguments, _takes_self  # binds call arguments to parameters
    bound_self = site.node if site.receiver is not None and _takes_self(function) else None
    bound = _bind_arguments(function, [(arg, arg.value) for arg in site.node.args], bound_self)
    return {name: spelled for name, expression in bound.items()
            if (spelled := dotted_name(expression)) is not None}


def _loss_cut_whole(model: ModuleModel, callee) -> bool:
    """The `forward` of a loss module that cuts every input a caller must pass: NG209's, at the
    block or decorator, not each call's."""
    owner = model.owner_model(callee)
    cls = owner.classes.get(callee.class_name) if owner is not None and callee.class_name else None
    inputs = set(required_parameters(callee)) - {"self"}
    return (cls is not None and cls.is_loss and callee.name == "forward" and bool(inputs)
            and inputs <= params_cut(model, callee))


def trained_producer(model: ModuleModel, result: ScopeResult, carried: frozenset) -> Optional[tuple[str, str]]:
    """(the module, as written, whose forward pass made the graph that was cut, the optimizer
    stepped in the scope that holds its parameters), for the first such module."""
    tokens = result.token_by_id()
    for token_id in sorted(carried):
        token = tokens.get(token_id)
        for spelled in (token.runs if token is not None else ()):
            stepped = stepping(model, result.scope, [(result.scope, result)], spelled)
            if stepped is not None:
                return spelled, stepped[0].name
    return None
