"""NG104: the target of a loss is computed by the module being trained, with its graph."""
from __future__ import annotations

from typing import Iterable, Optional

import libcst as cst

from ..analysis.gradmode import AssignFact, FileAnalysis, Mode
from ..analysis.interpret import INDEXING_REDUCTIONS, LossTarget, ScopeResult, Token, USED
from ..analysis.lattice import Graph, Kind
from ..analysis.prefilter import Signals
from ..analysis.summaries import model_of
from ..analysis.treewalk import iter_nodes
from ..diagnostics import Confidence, Fix, FixSafety
from ..fixes import edits
from ..io.config import Settings
from .base import Finding, Rule
from .common import code_of
from .registry import register

# How many assignments a target is followed back through (`y = r + gamma * q_next`, `q_next = ...`).
MAX_NAME_HOPS = 3


@register
class TargetWithGradients(Rule):
    """
    ## What it does
    Finds a torch loss of a prediction and a target (`F.mse_loss(pred, target)`,
    `nn.SmoothL1Loss()(pred, target)`, `F.cross_entropy`, `F.kl_div`, ... the second argument or
    `target=`) whose target is computed by a forward pass of the same module as the prediction
    (the same `self.model`, the same local name, or a helper called with that module), with
    gradients on and not detached, in code that backpropagates the loss or trains.

    It reports the target's forward pass when the target is built from that output: a
    bootstrapped value (`r + gamma * model(s2).max(1)[0]`, any sum or difference with other
    values, a `max`/`min` over the outputs) or what a project helper that runs the module returns
    (pseudo labels from `self.pseudo_labeler(self.model, x)`).

    It stays silent when the target is computed under `torch.no_grad()`, detached, or comes from
    another module (a separate target network or teacher: its parameters are usually frozen or not
    in the optimizer); when the target's forward pass is the same one as the prediction's
    (`z = enc(x)` then `mse(dec(z), z)`); when the same output is also trained as a prediction of
    another loss; when the target is a plain output of the module or of one of its methods
    (`self.gen.enc_style(x)`), maybe scaled or passed through a softmax (consistency and
    alignment losses such as the Π-model or R-Drop differentiate both branches on purpose); and for pair losses whose inputs are all meant to be trained
    (`CosineEmbeddingLoss`, `MarginRankingLoss`, `TripletMarginLoss`).

    ## Why is this bad
    A target is a fixed value the prediction should move towards. When it carries the graph of
    the model being trained, the backward pass also differentiates the target: the update is not
    the semi-gradient that TD learning (DQN, critics) or self-training (pseudo labels) are
    defined with, and the forward pass of the target keeps its activations for a backward pass
    that should not happen. PyTorch's DQN tutorial computes the next-state values under
    `torch.no_grad()`.

    ## Example
    ```python
    q = model(state).gather(1, action)
    target = reward + gamma * model(next_state).max(1)[0].unsqueeze(1)
    loss = F.smooth_l1_loss(q, target)
    loss.backward()
    ```

    ## Use instead
    ```python
    q = model(state).gather(1, action)
    with torch.no_grad():
        target = reward + gamma * model(next_state).max(1)[0].unsqueeze(1)
    loss = F.smooth_l1_loss(q, target)
    loss.backward()
    ```
    or pass `target.detach()` to the loss.

    ## Fix safety
    The fix wraps the target's own assignment statement in `with torch.no_grad():` (it reuses the
    module's torch alias and adds `import torch` only when missing); when the target is computed
    inside the loss call, or its statement computes more than the target, it appends `.detach()`
    to the target argument. It is **unsafe**: it changes the gradients, which is its purpose.

    ## Known limits
    The module is recognised by how it is spelled in one function (`self.model`, `model`); an
    alias (`net = self.model`) or a target computed in another function and passed in is not
    followed. Losses of the project's own classes are read only when they derive from a torch
    loss of a prediction and a target and keep its `forward`. A pseudo labeller or a loss given
    to a trainer from outside (a constructor argument) is an unknown callable: a target it
    computes is not seen. A target computed from the same forward pass as the
    prediction (`q = model(torch.cat([s, s2]))` split in two) is not reported.
    """

    code = "NG104"
    name = "target-with-gradients"
    summary = "A loss target is computed by the module being trained, with gradients on and not detached."
    fix_availability = "unsafe"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.loss and signals.forward

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        model = model_of(analysis)
        if not model.may_use_torch:
            return
        reported: set[int] = set()
        context = None
        for result in model.all_results():
            for loss in result.loss_targets.values():
                for token in _targets_from_trained_module(analysis, result, loss):
                    if id(token.call.node) in reported:
                        continue
                    reported.add(id(token.call.node))
                    if context is None:  # the module's bindings are read only when something is reported
                        context = edits.torch_callable(analysis.module, "no_grad")
                    yield self._finding(analysis, result, loss, token, context)

    def _finding(self, analysis: FileAnalysis, result: ScopeResult, loss: LossTarget, token: Token,
                 context: Optional[tuple[str, bool]]) -> Finding:
        module = token.runs[0]
        loss_name = code_of(analysis, loss.fact.node.func, 40)
        statement = _own_assignment(result, loss, token)
        if statement is not None and context is not None:
            spelled, needs_import = context
            fix = Fix(FixSafety.UNSAFE, f"compute the target under `with {spelled}():`",
                      edits.wrap_in_with((statement,), f"{spelled}()", needs_import), anchor=statement)
        else:
            fix = Fix(FixSafety.UNSAFE, "detach the target", edits.replace(loss.target_node, _detached(loss.target_node)),
                      anchor=loss.fact.statement)
        message = (f"the target of `{loss_name}` is computed by `{module}`, the module being trained, with "
                   f"gradients on: the loss also backpropagates through its target; compute it under "
                   f"`torch.no_grad()` or detach it")
        return Finding(token.call.node, message, fix, Confidence.MEDIUM)


def _targets_from_trained_module(analysis: FileAnalysis, result: ScopeResult, loss: LossTarget) -> list[Token]:
    """The forward passes of the prediction's module whose graphs the loss's target carries."""
    if analysis.state_of(loss.fact).mode is not Mode.ENABLED or loss.target.graph is Graph.NO:
        return []
    tokens = result.token_by_id()
    predicted = [tokens[s] for s in loss.prediction.sources if s in tokens]
    modules = {name for token in predicted for name in token.runs}
    trains = bool(result.training)
    # a forward pass trained as a prediction somewhere is not only a target (consistency losses)
    predictions = set().union(*(other.prediction.sources for other in result.loss_targets.values()))
    found = []
    for source in sorted(loss.target.sources - predictions):
        token = tokens.get(source)
        if (token is None or token.internal or token.call.function is not result.scope
                or not modules & set(token.runs) or token.module.frozen):
            continue
        if not (USED in result.fate(token.id) or trains):
            continue
        if analysis.state_of(token.call).mode is not Mode.ENABLED:
            continue
        if (token.callee is None or token.module.kind is Kind.MODULE) and not _built_from(analysis, loss, token):
            # a plain output, maybe softmaxed, of a forward pass or of a method of the module
            # (`self.gen.enc_style(x)`): a consistency loss differentiates both on purpose
            continue
        found.append(token)
    return found


def _built_from(analysis: FileAnalysis, loss: LossTarget, token: Token) -> bool:
    """The target is built from the forward's output: a sum or difference with other values
    (`r + gamma * q_next`) or a `max`/`min` over it, in the target expression or in the
    assignments it reads (followed back a few names)."""
    expressions = [loss.target_node]
    seen: set[str] = set()
    for _ in range(MAX_NAME_HOPS + 1):
        following = []
        for expression in expressions:
            for node in iter_nodes(expression):
                if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Subtract)):
                    return True
                if (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
                        and node.func.attr.value in INDEXING_REDUCTIONS and node.args):
                    return True
                if isinstance(node, cst.Name) and node.value not in seen:
                    seen.add(node.value)
                    if _added_to(analysis, loss, node.value):
                        return True  # `y[mask] += gamma * q_next[mask]`
                    assigned = _last_assignment(analysis, loss, node.value)
                    if assigned is not None:
                        following.append(assigned)
        expressions = following
        if not expressions:
            break
    return False


def _last_assignment(analysis: FileAnalysis, loss: LossTarget, name: str) -> Optional[cst.BaseExpression]:
    """The value of the last plain assignment to `name` before the loss call, in its function."""
    found: Optional[AssignFact] = None
    for assign in analysis.facts_in(analysis.assigns, loss.fact.function):
        if (assign.index < loss.fact.index and name in assign.targets and assign.augmented is None
                and isinstance(assign.node, cst.Assign) and (found is None or assign.index > found.index)):
            found = assign
    return found.node.value if found is not None else None


def _added_to(analysis: FileAnalysis, loss: LossTarget, name: str) -> bool:
    """`name += ...`, `name -= ...` or `name[i] += ...` before the loss call, in its function."""
    for assign in analysis.facts_in(analysis.assigns, loss.fact.function):
        node = assign.node
        if (assign.index < loss.fact.index and isinstance(node, cst.AugAssign)
                and isinstance(node.operator, (cst.AddAssign, cst.SubtractAssign))):
            target = node.target
            while isinstance(target, cst.Subscript):  # (not `self.iter += 1`: no part of `self` is the target)
                target = target.value
            if isinstance(target, cst.Name) and target.value == name:
                return True
    return False


def _own_assignment(result: ScopeResult, loss: LossTarget, token: Token) -> Optional[cst.SimpleStatementLine]:
    """The target forward's statement, when it is one assignment of its own: not the loss's
    statement, and computing nothing the prediction carries."""
    statement = token.call.statement
    if (not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1
            or not isinstance(statement.body[0], (cst.Assign, cst.AnnAssign)) or statement is loss.fact.statement):
        return None
    tokens = result.token_by_id()
    inside = {id(node) for node in iter_nodes(statement)}
    if any(s in tokens and id(tokens[s].call.node) in inside for s in loss.prediction.sources):
        return None
    return statement


def _detached(node: cst.BaseExpression) -> cst.Call:
    """`node.detach()`, parenthesised when `node` is not an atom (`(r + gamma * q).detach()`)."""
    atomic = isinstance(node, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)) or node.lpar
    inner = node if atomic else node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.Call(func=cst.Attribute(value=inner, attr=cst.Name("detach")))
