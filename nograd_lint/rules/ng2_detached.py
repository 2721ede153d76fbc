"""NG211: a loss detached before it is added to the loss a backward pass differentiates: the term
is a constant there, and the module whose graph it had gets no gradient from it."""
from __future__ import annotations

from typing import Iterable

from ..analysis.gradmode import FileAnalysis
from ..analysis.lattice import Graph
from ..analysis.summaries import model_of
from ..analysis.trainable import stepped_optimizer
from ..diagnostics import Confidence
from ..io.config import Settings
from .base import Finding, Rule
from .common import code_of
from .ng2_cut import trained_producer
from .registry import register


@register
class DetachedLossTerm(Rule):
    """
    ## What it does
    Finds a loss that carries the graph of a module's forward pass, detached (`.detach()`) and
    then summed into the loss that a backward pass differentiates, when that function trains the
    module: an optimizer stepped there holds its parameters, or the backward pass also reaches
    the module's graph through the other terms and an optimizer is stepped after it. An
    attention-distillation term written
    `criterion(student_maps, teacher_maps).detach() * beta` and added to the classification
    loss, an auxiliary head's loss detached "to save memory" before it joins the total.

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

    ## Fix safety
    There is no automatic fix: which input the stop-gradient belongs to (or whether the term
    should train anything) is the author's decision.

    ## Known limits
    The loss must be computed in sight, in the function that runs the backward pass, by a loss
    the analysis knows as one (a `torch.nn.functional` loss, a loss module, a project function
    or module that returns one), and detached with `.detach()` (not `.data`, `.item()` or
    `float(...)`, which also make a constant). The module whose graph it had must be trained in
    that function (see above); which parameters an optimizer given to the function holds is not
    always known, so a module the backward pass reaches counts as trained when any optimizer is
    stepped after it. A
    detached loss that then weighs, or is the target of, what may carry a graph (an uncertainty
    weight, a loss's target) is a constant on purpose: not reported; nor `loss - loss.detach()`,
    a shift that keeps the gradient (a name detached and read as it is in the same statement).
    """

    code = "NG211"
    name = "detached-loss-term"
    summary = "A loss is detached before it is added to the loss that is backpropagated, so it trains nothing."
    fix_availability = "none"

    @classmethod
    def relevant(cls, signals) -> bool:
        return signals.backward

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        model = model_of(analysis)
        reported: set[int] = set()
        for result in model.all_results():
            if not result.detached_losses:
                continue
            for call, value in result.backwards:
                if value.graph is Graph.NO:
                    continue  # nothing has a graph: NG201's (the backward pass raises)
                after = model.call_order.get(id(call.node), 0)
                keys = sorted(value.dropped & result.detached_losses.keys() - result.weighed - reported,
                              key=lambda key: model.call_order.get(key, 0))
                for key in keys:
                    fact, carried = result.detached_losses[key]
                    if fact.function is not result.scope or model.call_order.get(key, 0) > after:
                        continue
                    trained = trained_producer(model, result, carried) or _trained_here(result, value, carried)
                    if trained is None:
                        continue
                    reported.add(key)
                    spelled, optimizer = trained
                    yield Finding(fact.node, (
                        f"`{code_of(analysis, fact.node, 40)}` detaches a loss that carries the graph of `{spelled}`, "
                        f"and it is summed into the loss that `{code_of(analysis, call.node, 30)}` differentiates: "
                        f"a detached term is a constant there, so it gives `{spelled}` (trained here: "
                        f"`{optimizer}` is stepped after the backward pass) no gradient; detach the input meant as "
                        "a fixed target instead (a teacher's outputs), or drop the term"), None, Confidence.MEDIUM)


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
