"""NG2: gradients needed but disabled (a forward pass under no_grad that feeds backward, training
steps inside no_grad or inference_mode, inference tensors reused for training)."""
from __future__ import annotations

from typing import Iterable

from ..io.config import Settings
from ..analysis.contexts import decorated_function, explicit_state, sure_state
from ..diagnostics import Confidence
from ..analysis.gradmode import CallFact, FileAnalysis, FunctionInfo, GradState, Mode, Origin
from ..analysis.calls import is_backward, is_optimizer_call
from ..analysis.lattice import NoGrad, Value
from ..analysis.summaries import model_of
from .base import Finding
from ..analysis.prefilter import Signals
from .common import BackwardRule, ContextRule, code_of, context_text, enable_advice, where_disabled
from .ng2_fix import take_out_fix
from .registry import register


def _training_step_functions(analysis: FileAnalysis) -> dict[int, tuple[FunctionInfo, CallFact, Value]]:
    """NG202's functions: decorated to disable gradients, stepping an optimizer, and running backward on
    something they computed under the decorator. Keyed by the decorator expression."""
    key = "ng2_steps"
    if key in analysis.cache:
        return analysis.cache[key]
    found: dict[int, tuple[FunctionInfo, CallFact, Value]] = {}
    model = model_of(analysis)
    for call, value in model.nograd_backwards():
        state = value.nograd_state
        function = call.function
        if (state.origin is not Origin.DECORATOR or function is None
                or decorated_function(analysis, state.node) is not function or id(state.node) in found):
            continue
        if any(is_optimizer_call(c) for r in model.results_of(function) for c in r.training):
            found[id(state.node)] = (function, call, value)
    analysis.cache[key] = found
    return found


@register
class BackwardThroughNoGrad(BackwardRule):
    """
    ## What it does
    Finds a forward pass or loss computed with gradients disabled (inside `with torch.no_grad():`,
    `torch.inference_mode()`, `torch.set_grad_enabled(False)`, or in a function decorated with one
    of them) whose result reaches `backward()`, `torch.autograd.backward/grad`,
    `scaler.scale(loss).backward()` or `accelerator.backward(loss)`, in the same block or after
    it.

    The value is followed through assignments and arithmetic within the function. Arithmetic done
    under the context on a forward pass's output records nothing whatever its other operand is
    (`((model(x) - y) ** 2).mean()` in a training loop put under `no_grad` whole). A loss that also
    depends on a forward pass run with gradients on (a no_grad target or teacher output, as in
    distillation or DQN) is fine and not reported, also when the two are passed to a torch loss
    the other way round (`F.mse_loss(td_target, q_values)`: torch differentiates a loss's target
    too); so is a backward inside `no_grad` on a loss computed outside it, which works.

    It also finds a call, under such a context, of a project function that runs `backward()` on a
    loss it computes itself, directly or through the functions and callables it is given: a
    validation loop run under `no_grad` with the training loss helper, whose `__call__` calls
    `loss.backward()` (the backward pass is named as a related location).

    Both are also found in a hook that a framework runs with gradients disabled, in a class known
    to derive from the framework's class (here, or in another module of the project): a
    `LightningModule` whose `validation_step`, `test_step` or `on_validation_epoch_end` takes a
    derivative with `torch.autograd.grad` (a physics-informed network's residual, an input
    gradient, a gradient penalty). Lightning runs them under `torch.inference_mode()` by default
    (`torch.no_grad()` with `Trainer(inference_mode=False)`). These findings have medium
    confidence: the context is known from the class's bases, not written in sight.

    ## Why is this bad
    Nothing computed with gradients disabled records a graph, so the backward pass raises
    `RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn`.

    ## Example
    ```python
    with torch.no_grad():
        logits = model(x)
    loss = criterion(logits, y)
    loss.backward()
    ```

    ```python
    class LossCompute:
        def __call__(self, out, y):
            loss = self.criterion(self.generator(out), y)
            loss.backward()
            return loss.item()

    with torch.no_grad():
        valid_loss = run_epoch(valid_batches, model, LossCompute(generator, criterion))
    ```

    ## Use instead
    ```python
    logits = model(x)
    loss = criterion(logits, y)
    loss.backward()
    ```
    For the helper, give validation a loss that does not backpropagate (or skip `backward()`
    when `torch.is_grad_enabled()` is False). In a Lightning evaluation hook, take the
    derivative inside `with torch.enable_grad():` and give the Trainer `inference_mode=False`:
    `enable_grad` undoes `no_grad` but not `inference_mode`.

    ## Fix safety
    When everything the `with` block (or the decorated function) does is training (computing what
    reaches the backward pass, the backward pass, optimizer calls, logging), the fix removes the
    context and dedents its body (or removes the decorator). It is **unsafe**: values computed
    there now carry a graph. Otherwise there is no fix.

    ## Known limits
    Values are followed through assignments, containers, returns and calls of the project's own
    functions (a helper called under `no_grad` whose loss reaches a backward pass is reported at
    the call). Anything that may carry a graph keeps the finding away: a value from code the
    analysis cannot see into, or a leaf that requires grad (`nn.Parameter`, `requires_grad=True`,
    `t.requires_grad = True`) mixed into the loss, as temperature scaling does. A context not
    written in sight (a caller's `no_grad` in another module) is not reported here, except a
    framework's hook; not one whose class derives from a base that cannot be read (it may not
    be the framework's), nor one the module's own code also calls. Through a
    call, only a backward pass that runs whenever the function does is reported: not one under a
    branch that the function's parameters, its locals or the grad state decide (`if train:`,
    `if self.opt is not None:` with an optimizer the caller may give, `if loss.requires_grad:`),
    not one inside `try`, not one on a loss the caller passes in unchanged, and not in a function
    that sets its own grad mode (`@torch.enable_grad()`). A loss put in a container slot under
    `no_grad` in one module and summed into a loss backpropagated in another is not reported;
    nor are values written into a tensor under `no_grad` (`advantage[t] = delta`: a buffer of
    constants, not a loss kept for later).
    """

    code = "NG201"
    name = "backward-through-no-grad"
    summary = "A forward pass computed with gradients disabled feeds a backward pass."
    fix_availability = "sometimes"

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.grad_context and (signals.backward or signals.call_in_context)

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        steps = _training_step_functions(analysis)
        reported: set[int] = set()
        for call, value in model_of(analysis).nograd_backwards():
            origin, state = value.nograd_node, value.nograd_state
            if value.nograd is not NoGrad.SURE or id(origin) in reported or id(state.node) in steps:
                continue
            reported.add(id(origin))
            fix = take_out_fix(analysis, state)
            message = (f"`{code_of(analysis, origin, 40)}` runs {where_disabled(analysis, state)}, so it records no "
                       f"graph, and it reaches `{code_of(analysis, call.node, 40)}`, which raises RuntimeError; compute "
                       f"it {enable_advice(analysis, state)}")
            yield Finding(origin, message, fix, _confidence(state))
        yield from _failing_calls(analysis)


def _confidence(state: GradState) -> Confidence:
    """High where code in sight disables gradients; medium in a framework's hook, whose framework
    is known only from the class's bases."""
    return Confidence.MEDIUM if state.origin is Origin.HOOK else Confidence.HIGH


MAX_CALLS_SHOWN = 3  # calls on the way to the backward pass named as related locations


def _failing_calls(analysis: FileAnalysis) -> Iterable[Finding]:
    """Calls with gradients disabled (by code in sight) of project functions that run a backward
    pass on what they compute: `run_epoch(val_batches, LossCompute(...))` under `no_grad`."""
    reported: set[int] = set()
    for result in model_of(analysis).all_results():
        for fact, chain in result.failing_calls.values():
            state = sure_state(analysis, analysis.state_of(fact))
            if state is None or not state.mode.disables_grad or id(fact.node) in reported:
                continue
            reported.add(id(fact.node))
            backward, where, function = chain[-1]
            related = tuple((node, owner, f"called in `{callee.display_name}`")
                            for node, owner, callee in chain[:-1][:MAX_CALLS_SHOWN])
            related += ((backward, where, f"the backward pass that raises, in `{function.display_name}`"),)
            message = (f"`{code_of(analysis, fact.node, 40)}` runs {where_disabled(analysis, state)}, and "
                       f"`{function.display_name}` calls `{code_of(where, backward, 30)}` on a value it computes "
                       f"there, which then has no graph: the backward pass raises RuntimeError; call it "
                       f"{enable_advice(analysis, state)}, or make it skip the backward pass when gradients are off")
            yield Finding(fact.node, message, confidence=_confidence(state), related=related)


@register
class TrainingStepInNoGradFunction(BackwardRule):
    """
    ## What it does
    Finds a training step (a backward pass and an optimizer `step()`/`zero_grad()`) inside a
    function decorated with `@torch.no_grad()`, `@torch.inference_mode()` or
    `@torch.set_grad_enabled(False)`, when the loss is computed in that function without an
    `enable_grad` block around it.

    The optimizer idiom, `@torch.no_grad()` on `step(self, closure)` with
    `with torch.enable_grad(): loss = closure()` inside, is correct and not reported; so is a
    decorated function that runs backward on a loss passed in by its caller.

    ## Why is this bad
    The decorator disables gradients for the whole body: the loss has no graph and `backward()`
    raises `RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn`.
    A decorator copied from an evaluation function onto a training step is a common cause.

    ## Example
    ```python
    @torch.no_grad()
    def train_step(model, optimizer, x, y):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
    ```

    ## Use instead
    ```python
    def train_step(model, optimizer, x, y):
        ...
    ```

    ## Fix safety
    When the whole function is a training step, the fix removes the decorator. It is **unsafe**:
    whatever the function returns now carries a graph. Otherwise there is no fix.

    ## Known limits
    When the loss comes from a call whose body is not in the module (`self.compute_loss(batch)`
    defined elsewhere), the finding has medium confidence: that function could enable gradients
    itself.
    """

    code = "NG202"
    name = "training-step-in-no-grad-function"
    summary = "A training step runs inside a function decorated to disable gradients."
    fix_availability = "sometimes"

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        for function, call, value in _training_step_functions(analysis).values():
            decorator = context_text(analysis, value.nograd_state)
            confidence = Confidence.HIGH if value.nograd is NoGrad.SURE else Confidence.MEDIUM
            fix = take_out_fix(analysis, value.nograd_state)
            records = ("records no graph" if value.nograd is NoGrad.SURE
                       else "records no graph unless it enables gradients itself")
            message = (f"`{function.name}` is a training step (backward pass and optimizer step) but `{decorator}` "
                       f"disables gradients: `{code_of(analysis, value.nograd_node, 40)}` {records}, and "
                       f"`{code_of(analysis, call.node, 40)}` raises RuntimeError; remove the decorator or compute "
                       "the loss under `with torch.enable_grad():`")
            yield Finding(value.nograd_state.node, message, fix, confidence)


@register
class TrainingInInferenceMode(ContextRule):
    """
    ## What it does
    Finds `backward()` or an optimizer `step()` inside an `inference_mode` block or a function
    decorated with `@torch.inference_mode()`, on a loss computed outside it (a loss computed
    inside fails at once and is NG201).

    ## Why is this bad
    It is a latent failure. Gradients accumulated in inference mode, and optimizer state (momentum,
    Adam moments) created by a step in inference mode, are inference tensors, which cannot be
    updated in place outside inference mode. A loop that always trains inside `inference_mode`
    runs, but a later backward pass outside it that accumulates into those gradients (no
    `zero_grad()` in between, or `zero_grad(set_to_none=False)`), or a later optimizer step with
    that state, fails: `RuntimeError: Inplace update to inference tensor outside InferenceMode is
    not allowed`.

    ## Example
    ```python
    loss = criterion(model(x), y)
    with torch.inference_mode():
        loss.backward()
        optimizer.step()
    ```

    ## Use instead
    ```python
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()
    ```
    or `torch.no_grad()` where a disabled mode is really wanted.

    ## Fix safety
    There is no automatic fix: whether the training belongs outside the block or the block should
    be `no_grad` is a design decision.

    ## Known limits
    A helper that is only called under `inference_mode` in its own module is reported with medium
    confidence.
    """

    code = "NG203"
    name = "training-in-inference-mode"
    summary = "A backward pass or optimizer step runs in inference mode."

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        return signals.inference_training

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        failing = {id(call.node) for call, _ in model_of(analysis).nograd_backwards()}
        groups: dict[int, list[CallFact]] = {}
        states: dict[int, GradState] = {}
        for call in analysis.calls:
            if not (is_backward(call) or (is_optimizer_call(call) and call.method == "step")):
                continue
            state = analysis.state_of(call)
            if state.mode is not Mode.INFERENCE or state.origin not in (Origin.WITH, Origin.DECORATOR, Origin.CALLERS):
                continue
            if state.origin is not Origin.CALLERS and explicit_state(analysis, call) is None:
                continue
            groups.setdefault(id(state.node), []).append(call)
            states[id(state.node)] = state
        for key, calls in groups.items():
            if any(id(c.node) in failing for c in calls):
                continue
            state, first = states[key], calls[0]
            where = (f"under `{context_text(analysis, state)}`" if state.origin is not Origin.CALLERS
                     else f"in `{first.function.name}`, which is only called under inference_mode in this module")
            confidence = Confidence.MEDIUM if state.origin is Origin.CALLERS else Confidence.HIGH
            message = (f"`{code_of(analysis, first.node, 40)}` runs {where}: the gradients and optimizer state it "
                       "makes are inference tensors, so a later backward pass that accumulates into them or an "
                       "optimizer step outside inference mode raises RuntimeError (inplace update to inference "
                       "tensor); train outside inference mode (use `torch.no_grad()` if a disabled block is needed)")
            yield Finding(first.node, message, None, confidence)


@register
class InferenceTensorForTraining(BackwardRule):
    """
    ## What it does
    Finds a tensor made under `torch.inference_mode()` (for example features from a frozen
    backbone) passed, later in the same function, to a forward pass with gradients on whose result
    reaches a backward pass; or given as the target of a torch loss (`F.mse_loss`,
    `nn.CrossEntropyLoss`, ...) whose prediction is backpropagated: a teacher's outputs made under
    `inference_mode` for a distillation loss.

    ## Why is this bad
    Autograd cannot save inference tensors for backward. The forward pass fails as soon as a layer
    needs its input for the backward pass (a `Linear` or convolution with trainable weights), and
    a loss fails when it saves its target (most torch losses do):
    `RuntimeError: Inference tensors cannot be saved for backward. To work around you can make a
    clone to get a normal tensor and use it in autograd.`

    ## Example
    ```python
    with torch.inference_mode():
        features = backbone(images)
        soft_labels = teacher(images)
    loss = criterion(classifier(features), labels)
    loss = loss + F.mse_loss(student(images), soft_labels)
    loss.backward()
    ```

    ## Use instead
    ```python
    with torch.no_grad():
        features = backbone(images)
        soft_labels = teacher(images)
    ```
    or pass `features.clone()` and `soft_labels.clone()` (made outside inference mode).

    ## Fix safety
    There is no automatic fix: choosing between `no_grad` and a copy is a trade-off the author
    makes (`no_grad` keeps inference mode's speed-ups out, a copy costs memory).

    ## Known limits
    The tensor is followed through assignments, indexing and view methods (`view`, `reshape`,
    `detach`, ...), attributes of local objects (`batch.tensors = ...`), objects built from it and
    their `.to()`/`.cuda()`, and out of the project's functions that make it (a `generate` decorated
    with `@torch.inference_mode()` whose sampling loop rebinds the sequence, read as running at
    least once; a rollout engine in another file that returns what it generates; a plain helper
    its caller runs inside `with torch.inference_mode():`, whose returned tensors are inference
    tensors when it makes them, not when it hands back an argument, a field or a view of a normal
    tensor); a `.clone()` ends it. A helper that sets its own mode (`@torch.no_grad()`) and is
    run inside inference mode is not followed, nor is a tensor kept on `self` by such a helper. A decorated `forward` or `__call__` is NG206's. A model whose first layer saves
    nothing for backward (all its parameters frozen) would not fail. Losses that compute with
    `input - target` and save no target (`l1_loss`, `gaussian_nll_loss`, `kl_div` with
    `log_target=True`) are not reported, nor is `nn.KLDivLoss` (its `log_target` is set where it
    is built), nor a loss the analysis does not know as torch's (a `criterion` parameter). Of the
    operators, `*`, `/`, `@` and `**` save their operands and are reported (`student(x) *
    teacher_out`); `+` and `-` save none.
    """

    code = "NG204"
    name = "inference-tensor-for-training"
    summary = "An inference tensor is fed to a forward pass or a loss whose result is backpropagated."

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        reported: set[int] = set()
        for result in model_of(analysis).all_results():
            for fact, argument, value in result.inference_inputs:
                token = result.tokens.get(id(fact.node))
                if token is None or "used" not in result.fate(token.id) or id(argument) in reported:
                    continue
                reported.add(id(argument))
                yield self._finding(analysis, fact.node, argument, value)
            for node, argument, value, graph in result.inference_targets.values():
                if id(argument) in reported or not any("used" in result.fate(token) for token in graph):
                    continue
                reported.add(id(argument))
                yield self._finding(analysis, node, argument, value)

    @staticmethod
    def _finding(analysis: FileAnalysis, user, argument, value) -> Finding:
        made = code_of(analysis, value.inference, 40)
        message = (f"`{code_of(analysis, argument, 30)}` is an inference tensor (made by `{made}` under "
                   f"inference_mode), and `{code_of(analysis, user, 40)}` needs it for the backward pass: "
                   "this raises RuntimeError; compute it under `torch.no_grad()` instead, or pass "
                   f"`{code_of(analysis, argument, 30)}.clone()`")
        return Finding(argument, message)
