"""NG211: a loss made a constant (`.detach()`, `.item()`) before it is added to the loss a backward
pass differentiates, or a term computed on a detached input by a module no optimizer of the step
trains: the term trains nothing."""
from __future__ import annotations

from typing import Iterable

from ..analysis.calls import differentiated_again
from ..analysis.gradmode import FileAnalysis
from ..analysis.interpret import makes_a_new_leaf
from ..analysis.lattice import Graph
from ..analysis.summaries import model_of
from ..analysis.trainable import build_named, stepped_optimizer, stepping
from ..diagnostics import Confidence
from ..io.config import Settings
from .base import Finding, Rule
from .common import code_of
from .ng2_cut import trained_producer
from .registry import register


CONSTANT_MAKERS = frozenset({"detach", "item"})  # what makes a constant of a loss (else: a loss of detached inputs)


@register
class DetachedLossTerm(Rule):
    """
    ## What it does
    Finds a loss that carries the graph of a module's forward pass, made a constant (`.detach()`,
    or a Python number with `.item()`) and then summed into the loss that a backward pass
    differentiates, when that function trains the
    module: an optimizer stepped there holds its parameters, or the backward pass also reaches
    the module's graph through the other terms and an optimizer is stepped after it. An
    attention-distillation term written
    `criterion(student_maps, teacher_maps).detach() * beta` and added to the classification
    loss, an auxiliary head's loss detached "to save memory" before it joins the total. Also a
    loss computed with gradients on but on tensors detached from such a graph alone (a memory
    loss `memory.memory_loss(features.detach(), labels)` against a bank of detached features):
    it is a constant as well.

    Also a module run with gradients on, on an input detached from the graph of a module that
    an optimizer stepped in the function trains (and carrying no other graph), whose output
    reaches the backward pass, when no
    optimizer stepped after that backward pass (before the next one) holds the module run: a
    generator step that scores `netD(fake.detach())`. The term has a graph through the
    discriminator only, which this step does not train, and none back to the generator: it
    trains nothing. (The discriminator's own step detaches the fake on purpose: its optimizer
    steps the discriminator.)

    Also a new leaf made of such a module's outputs through what records no graph (an `argmax`,
    a `.detach()`) with `x.requires_grad = True`, `x.requires_grad_()` or
    `torch.tensor(x, requires_grad=True)`, from
    which a loss reaching the backward pass is computed: a Dice loss on `torch.argmax(logits,
    1).float()`, made a leaf because `backward()` raised, or a loss on
    `torch.tensor(pred.detach().numpy()[mask], requires_grad=True)`. The gradient stops at the leaf; the
    module gets none (a latent optimized by its own optimizer is a leaf on purpose: no optimizer
    stepped there trains the module that made it, so it is not reported).

    ## Why is this bad
    A detached tensor is a constant to autograd. Added to a loss, it changes the value that is
    printed and nothing else: the gradient of `loss + c` is the gradient of `loss`. The term the
    method is about trains nothing, the other terms still have a graph, so `backward()` runs and
    nothing fails; a head that only that term reaches keeps `.grad is None` (checked in
    tests/test_torch_facts.py). Usually the stop-gradient was meant for one input of the loss,
    the teacher's outputs or the target, not for the loss itself.

    ## Example
    ```python
    maps_s, logits = student(x)
    with torch.no_grad():
        maps_t, _ = teacher(x)
    loss = F.cross_entropy(logits, y) + beta * attention_loss(maps_s, maps_t).detach()
    loss.backward()
    optimizer.step()
    ```

    ## Use instead
    ```python
    loss = F.cross_entropy(logits, y) + beta * attention_loss(maps_s, maps_t.detach())
    ```
    and, in a generator step, `netD(fake)` (the discriminator's parameters get gradients that
    its own step zeroes first; freeze it with `requires_grad_(False)` to skip them).

    ## Fix safety
    There is no automatic fix: which input the stop-gradient belongs to (or whether the term
    should train anything) is the author's decision.

    ## Known limits
    The loss must be computed in sight, in the function that runs the backward pass, by a loss
    the analysis knows as one (a `torch.nn.functional` loss, a loss module, a project function
    or module that returns one, or whose name says loss), and made a constant with `.detach()` or
    `.item()` (not `.data` or `float(...)`, which do so too), or computed on inputs detached with
    `.detach()` alone. The module whose graph it had must be trained in
    that function (see above); which parameters an optimizer given to the function holds is not
    always known, so a module the backward pass reaches counts as trained when any optimizer is
    stepped after it. A
    detached loss that then weighs, or is the target of, what may carry a graph (an uncertainty
    weight, a loss's target) is a constant on purpose: not reported; nor `loss - loss.detach()`,
    a shift that keeps the gradient (a name detached and read as it is in the same statement).
    A module run on a detached input is reported only when the optimizers stepped after the
    backward pass are built in sight and none may hold it (one built over `self`, or over an
    object the module belongs to, may); the detached graph must be recorded in the same function
    (a fake stored in a field by another method, `self.fake.detach()`, is not followed). A
    `torch.autograd.grad(..., create_graph=True)` is no backward pass of its own here: its
    gradients are differentiated again (a WGAN-GP penalty on the critic's interpolates, built from
    the fakes' values on purpose), and the terms are judged where that is backpropagated.
    """

    code = "NG211"
    name = "detached-loss-term"
    summary = ("A loss term is cut from the trained graph by `.detach()` or `.item()`, or computed on detached inputs "
               "alone, before the backward pass, so it trains nothing.")
    fix_availability = "none"

    @classmethod
    def relevant(cls, signals) -> bool:
        return signals.backward

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        model = model_of(analysis)
        reported: set[int] = set()
        for result in model.all_results():
            if not result.detached_losses and not result.detached_feeds:
                continue
            for call, value in result.backwards:
                if value.graph is Graph.NO:
                    continue  # nothing has a graph: NG201's (the backward pass raises)
                if differentiated_again(call):
                    continue  # a gradient penalty's inner gradient: judged where the penalty is backpropagated
                for key in _marks_before(model, result, value.dropped, result.detached_losses, call, reported):
                    fact, carried = result.detached_losses[key]
                    trained = trained_producer(model, result, carried) or _trained_here(result, value, carried)
                    if trained is None:
                        continue
                    reported.add(key)
                    spelled, optimizer = trained
                    if makes_a_new_leaf(fact):
                        yield Finding(fact.node, _new_leaf_message(analysis, fact, call, spelled, optimizer), None,
                                      Confidence.MEDIUM)
                        continue
                    made = (f"makes a constant of a loss that carries the graph of `{spelled}`"
                            if fact.method in CONSTANT_MAKERS else
                            f"computes a loss on tensors detached from the graph of `{spelled}` alone")
                    yield Finding(fact.node, (
                        f"`{code_of(analysis, fact.node, 40)}` {made}, and it is summed into the loss that "
                        f"`{code_of(analysis, call.node, 30)}` differentiates: "
                        f"a detached term is a constant there, so it gives `{spelled}` (trained here: "
                        f"`{optimizer}` is stepped after the backward pass) no gradient; detach the input meant as "
                        "a fixed target instead (a teacher's outputs), or drop the term"), None, Confidence.MEDIUM)
                yield from _detached_feeds(analysis, model, result, value, call, reported)


def _new_leaf_message(analysis: FileAnalysis, fact, backward, spelled: str, optimizer: str) -> str:
    return (f"`{code_of(analysis, fact.node, 40)}` makes a new leaf of a tensor computed from the outputs of "
            f"`{spelled}` through what records no graph (an `argmax`, a `.detach()`), and a loss "
            f"computed from it reaches `{code_of(analysis, backward.node, 30)}`: the gradient stops at the leaf, so "
            f"`{spelled}` (trained here: `{optimizer}` is stepped after the backward pass) gets none from it; "
            "compute the loss from the module's outputs with a differentiable function (a soft Dice on the "
            "probabilities, not on the argmax)")


def _detached_feeds(analysis: FileAnalysis, model, result, value, backward, reported: set[int]) -> Iterable[Finding]:
    """A module run with gradients on, on an input detached from the graph of a module an
    optimizer stepped here trains, whose output reaches the backward pass, when no optimizer
    stepped here holds the module run: the term trains nothing (a generator's adversarial loss
    computed on `netD(fake.detach())`)."""
    for key in _marks_before(model, result, value.fed_without_grad, result.detached_feeds, backward, reported):
        fact, token, carried = result.detached_feeds[key]
        if not token.runs:
            continue
        trained = trained_producer(model, result, carried)
        consumer = token.runs[0]
        if trained is None or consumer == trained[0] or _stepped_over(model, result, consumer, trained[1], backward):
            continue
        reported.add(key)
        spelled, optimizer = trained
        yield Finding(fact.node, (
            f"`{code_of(analysis, fact.node, 40)}` runs `{consumer}` on a tensor detached from the graph of "
            f"`{spelled}`, and its output reaches `{code_of(analysis, backward.node, 30)}`: no gradient flows back "
            f"to `{spelled}`, which `{optimizer}` trains, and no optimizer stepped here holds `{consumer}`, so the "
            f"term trains nothing; pass the tensor undetached (freeze `{consumer}` with `requires_grad_(False)` if "
            "it must not change)"), None, Confidence.MEDIUM)


def _marks_before(model, result, marks: frozenset, table: dict, backward, reported: set[int]) -> list[int]:
    """The keys of `table` among a value's `marks`, neither weighed nor reported, of calls of the
    scope made before the backward pass, in call order."""
    order = model.call_order
    after = order.get(id(backward.node), 0)
    return [key for key in sorted(marks & table.keys() - result.weighed - reported, key=lambda k: order.get(k, 0))
            if table[key][0].function is result.scope and order.get(key, 0) <= after]


def _stepped_over(model, result, spelled: str, optimizer: str, backward) -> bool:
    """May an optimizer stepped after the backward pass (before the next one) hold the parameters
    of `spelled`? Yes when one holds them, or when the optimizer that holds the producer's is
    built over an object that may contain it (`self`, or `spelled`'s owner), or is not built in
    sight."""
    order = model.call_order
    start = order.get(id(backward.node), 0)
    later = [order.get(id(call.node), 0) for call, _ in result.backwards if order.get(id(call.node), 0) > start]
    end = min(later, default=None)
    if stepping(model, result.scope, [(result.scope, result)], spelled,
                only=lambda call: order.get(id(call.node), 0) > start and (end is None or order.get(id(call.node), 0) < end)):
        return True
    build = build_named(model, result.scope, result.scope, optimizer)
    return build is None or any(spelled.startswith(module + ".") or module == "self" for module in build.modules)


def _trained_here(result, value, carried: frozenset):
    """(a module whose graph the detached loss had, the optimizer stepped) when that module's
    graph also reaches the backward pass undetached and the function steps an optimizer: the
    backward pass trains it (`snet`, given in a dict with the optimizer built by the caller)."""
    steps = [call for call in result.training if stepped_optimizer(call) is not None]
    tokens = result.token_by_id()
    for token_id in sorted(carried & value.sources):
        token = tokens.get(token_id)
        if steps and token is not None and token.runs:
            return token.runs[0], stepped_optimizer(steps[0])
    return None
