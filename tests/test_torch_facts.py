"""Ground-truth checks, on real torch, of the behaviour facts the rules rely on.

Every test backs one (or more) rule codes, named in its docstring. The tests
assert what torch *really* does (measured on torch 2.13 / CPython 3.11).
If one of them starts failing after a torch upgrade, the corresponding rule's
rationale (and docs/rules) must be re-checked.

All grad-mode state is thread-local; the autouse fixture restores the global
mode after each test, and tests that knowingly leak inference mode do so in a
throw-away thread, because an inference-mode leak cannot be undone safely
from Python.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import gc
import importlib
import inspect
import re
import sys
import threading
import warnings
import weakref

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from torch.autograd.graph import saved_tensors_hooks  # noqa: E402

from nograd_lint.analysis import knowledge  # noqa: E402
from nograd_lint.analysis.interpret import (ALIASING_VIEWS, GRAPHLESS_DRAWS, INDEX_VALUED,  # noqa: E402
                                            INDEXING_REDUCTIONS, NUMPY_CONVERSIONS)

# --------------------------------------------------------------------------
# Stable message fragments (these are quoted in the rule documentation).
# --------------------------------------------------------------------------
NO_GRAD_FN = "does not require grad and does not have a grad_fn"
CM_PROTOCOL = "'type' object does not support the context manager protocol"
SGE_NEEDS_BOOL = "set_grad_enabled(): argument 'enabled' (position 1) must be bool, not function"
INFERENCE_INPLACE = "Inplace update to inference tensor outside InferenceMode"
INFERENCE_SAVED = "Inference tensors cannot be saved for backward"
LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation"
BACKWARD_TWICE = "Trying to backward through the graph a second time"


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _restore_grad_mode():
    torch.set_grad_enabled(True)
    assert not torch.is_inference_mode_enabled()
    yield
    torch.set_grad_enabled(True)
    assert not torch.is_inference_mode_enabled(), "test leaked inference mode"


def mode():
    """(grad enabled, inference mode enabled) of the current thread."""
    return (torch.is_grad_enabled(), torch.is_inference_mode_enabled())


def run_in_fresh_thread(fn):
    """Run fn in a new thread (fresh grad-mode TLS) and return its result."""
    box = {}

    def target():
        try:
            box["result"] = fn()
        except BaseException as exc:  # pragma: no cover - re-raised below
            box["error"] = exc

    th = threading.Thread(target=target)
    th.start()
    th.join()
    if "error" in box:
        raise box["error"]
    return box["result"]


def tiny_model(seed=0):
    torch.manual_seed(seed)
    return nn.Linear(3, 1)


def tiny_batch(seed=1):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(4, 3, generator=g), torch.randn(4, 1, generator=g)


def mse(model, x, y):
    return nn.functional.mse_loss(model(x), y)


class _Packed:
    """Box handed to autograd by the pack hook; autograd (not the meter) owns it."""

    __slots__ = ("t", "__weakref__")

    def __init__(self, t):
        self.t = t


class SavedBytesMeter:
    """saved_tensors_hooks meter that records sizes only, never the tensors.

    ``total`` counts every byte ever packed; ``live`` counts the bytes whose
    packed box is still referenced by some autograd graph.
    """

    def __init__(self):
        self.total = 0
        self.live = 0

    def pack(self, t):
        nbytes = t.numel() * t.element_size()
        self.total += nbytes
        self.live += nbytes
        box = _Packed(t)
        weakref.finalize(box, self._release, nbytes)
        return box

    def _release(self, nbytes):
        self.live -= nbytes

    @staticmethod
    def unpack(box):
        return box.t

    def hooks(self):
        return saved_tensors_hooks(self.pack, self.unpack)


# ==========================================================================
# NG201 -- backward through a graph built with grad disabled
# ==========================================================================
@pytest.mark.parametrize(
    "ctx",
    [torch.no_grad, torch.inference_mode, lambda: torch.set_grad_enabled(False)],
    ids=["no_grad", "inference_mode", "set_grad_enabled(False)"],
)
def test_forward_and_backward_inside_disabled_block_raises(ctx):
    """NG201: forward + loss.backward() inside no_grad / inference_mode /
    set_grad_enabled(False) raises RuntimeError
    'element 0 of tensors does not require grad and does not have a grad_fn'."""
    model = tiny_model()
    x, y = tiny_batch()
    with pytest.raises(RuntimeError, match=NO_GRAD_FN) as info:
        with ctx():
            loss = mse(model, x, y)
            loss.backward()
    assert str(info.value) == "element 0 of tensors " + NO_GRAD_FN
    assert model.weight.grad is None


def test_forward_under_no_grad_backward_outside_raises():
    """NG201: forward under no_grad, backward outside: same RuntimeError."""
    model = tiny_model()
    x, y = tiny_batch()
    with torch.no_grad():
        loss = mse(model, x, y)
    assert loss.grad_fn is None and not loss.requires_grad
    with pytest.raises(RuntimeError, match=NO_GRAD_FN):
        loss.backward()


@pytest.mark.parametrize("make", [
    lambda: torch.nn.Parameter(torch.ones(1)),
    lambda: torch.ones(1, requires_grad=True),
    lambda: torch.ones(1).requires_grad_(),
])
def test_no_grad_logits_with_a_trainable_leaf_backpropagate_to_the_leaf(make):
    """NG201 must not flag temperature scaling: logits from a frozen pass, combined with a leaf
    that requires grad, give a loss whose backward reaches the leaf (and only it)."""
    model = tiny_model()
    x, y = tiny_batch()
    temperature = make()
    with torch.no_grad():
        logits = model(x)
    ((logits / temperature - y) ** 2).mean().backward()
    assert temperature.grad is not None and model.weight.grad is None


def test_an_operator_under_no_grad_records_nothing_whatever_the_other_operand():
    """NG201 reads `model(x) - y` under no_grad as having no graph whatever `y` is: an operator
    on a tensor is torch's, and with gradients disabled it records nothing, even when the other
    operand requires grad (a parameter) or carries a graph. Views are not operators: indexing a
    leaf that requires grad under no_grad still gives a tensor that requires grad."""
    model = tiny_model()
    x, y = tiny_batch()
    leaf = torch.ones(1, requires_grad=True)
    carried = model(x) * 2
    with torch.no_grad():
        results = [model(x) - y, model(x) - leaf, leaf * model(x), (model(x) - carried) ** 2, -model(x)]
        view = leaf[0]
    assert [r.requires_grad for r in results] == [False] * 5
    assert view.requires_grad
    with pytest.raises(RuntimeError, match=NO_GRAD_FN):
        results[1].mean().backward()


def test_the_legacy_new_constructor_makes_a_tensor_without_a_graph():
    """NG101 reads `weight.new(n, h)` (the legacy constructor an RNN's `init_hidden` calls on
    `next(self.parameters()).data`) as `new_zeros`: a new tensor that records nothing, whatever
    graph its receiver carries, so a frozen encoder run on it records nothing either."""
    model = tiny_model()
    carried = model(tiny_batch()[0])
    for made in (carried.new(2, 3), carried.new(2, 3).zero_(), carried.new([1.0, 2.0])):
        assert (made.requires_grad, made.grad_fn) == (False, None)
    for param in model.parameters():
        param.requires_grad = False
    hidden = next(model.parameters()).data.new(2, 3).zero_()
    assert not model(hidden).requires_grad


def test_a_module_under_no_grad_cuts_its_input_graph_and_a_frozen_one_does_not():
    """NG210: a critic run under no_grad on the policy's actions gives the policy no gradient
    through it (the loss still backpropagates through its other term); the same critic frozen
    with `requires_grad_(False)` keeps its parameters out and passes the gradient to the policy."""
    policy, critic = nn.Linear(4, 2), nn.Linear(2, 1)
    obs = torch.randn(8, 4)
    actions = policy(obs)
    other_term = actions.pow(2).sum()
    with torch.no_grad():
        q = critic(actions)
    (other_term - q.sum()).backward()
    through_other_term_only = policy.weight.grad.clone()
    policy.zero_grad()
    other_term = policy(obs).pow(2).sum()
    other_term.backward()
    assert torch.allclose(through_other_term_only, policy.weight.grad)
    policy.zero_grad()
    critic.requires_grad_(False)
    actions = policy(obs)
    (actions.pow(2).sum() - critic(actions).sum()).backward()
    assert not torch.allclose(through_other_term_only, policy.weight.grad)
    assert critic.weight.grad is None


def test_a_term_from_a_no_grad_decorated_forward_adds_nothing_and_a_weight_from_one_scales():
    """NG210: a module whose `forward` is `@torch.no_grad()` (a frozen encoder's alignment term),
    given a trained head's output through a loss module and added to the loss, sends the head no
    gradient (only the other term's reaches the model); a weight made that way still scales the
    gradient of the term it multiplies (a constant on purpose: not reported)."""

    class Alignment(nn.Module):
        @torch.no_grad()
        def forward(self, predicted):
            return (predicted - 1).pow(2).mean()

    class Criterion(nn.Module):
        def __init__(self):
            super().__init__()
            self.alignment = Alignment()

        def forward(self, reconstruction, predicted):
            return reconstruction.pow(2).mean() + 0.5 * self.alignment(predicted)

    trunk, head = nn.Linear(4, 3), nn.Linear(3, 2)
    features = trunk(torch.randn(8, 4))
    loss = Criterion()(features, head(features))
    assert loss.requires_grad
    loss.backward()
    assert trunk.weight.grad is not None and head.weight.grad is None
    logits = head(trunk(torch.randn(8, 4)))
    weight = Alignment()(logits)
    assert not weight.requires_grad
    (weight * logits.pow(2).sum()).backward()
    assert head.weight.grad is not None and head.weight.grad.abs().sum() > 0


def test_a_forward_gated_on_another_flag_cuts_the_graph_of_its_input():
    """NG210: `set_grad_enabled(training and train_denoiser)` with `train_denoiser` false runs the
    denoiser without gradients, so an encoder whose gate (`training and train_encoder`) is on gets
    no gradient through its output; gated on `training` alone, the gradient reaches it."""
    encoder, denoiser = nn.Linear(4, 3), nn.Linear(3, 2)
    training, train_encoder, train_denoiser = True, True, False
    with torch.set_grad_enabled(training and train_encoder):
        cond = encoder(torch.randn(5, 4))
    with torch.set_grad_enabled(training and train_denoiser):
        pred = denoiser(cond)
    assert cond.requires_grad and not pred.requires_grad
    with torch.set_grad_enabled(training):
        pred = denoiser(cond)
    pred.sum().backward()
    assert encoder.weight.grad is not None


def test_the_legacy_tensor_constructor_aliases_its_input_and_under_no_grad_records_nothing():
    """NG210: `torch.Tensor(t)` of a tensor is an alias that keeps its graph, so the analysis
    follows the graph through it; made under no_grad, the alias records no graph (it still says
    `requires_grad`, but nothing flows back through it), and `torch.tensor(t)` copies without it
    anywhere."""
    policy = nn.Linear(4, 2)
    actions = policy(torch.randn(8, 4))
    alias = torch.Tensor(actions)
    assert alias.requires_grad and alias.grad_fn is not None
    with torch.no_grad():
        cut = torch.Tensor(actions)
    assert cut.grad_fn is None
    (cut.sum() + 0 * policy.bias.sum()).backward()
    assert policy.weight.grad is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns that `torch.tensor(t)` copies a tensor
        copied = torch.tensor(actions)
    assert not copied.requires_grad


def test_set_grad_enabled_true_in_a_forward_leaks_into_the_callers_no_grad_block():
    """NG304: a forward that calls `torch.set_grad_enabled(True)` as a statement turns its
    caller's `no_grad` off for the rest of the block: what runs after it records a graph."""

    class Leaky(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Linear(3, 1)

        def forward(self, x):
            torch.set_grad_enabled(True)
            return self.net(x)

    model, probe = Leaky(), nn.Linear(1, 1)
    with torch.no_grad():
        out = model(torch.randn(4, 3))
        after = probe(out)
        assert torch.is_grad_enabled()
    assert out.requires_grad and after.requires_grad


def test_a_loss_of_no_grad_outputs_alone_adds_nothing_to_the_gradient():
    """NG208: a loss term computed (with gradients on) from outputs made under no_grad has no
    graph; summed into a loss that has one, the model's gradient is what the other terms give."""
    torch.manual_seed(0)
    model = nn.Linear(4, 3)
    x, u = torch.randn(8, 4), torch.randn(8, 4)
    with torch.no_grad():
        features = model(u)
    term = nn.functional.normalize(features, dim=-1).pow(2).sum()
    assert term.grad_fn is None
    (model(x).pow(2).mean() + 0.1 * term).backward()
    with_term = model.weight.grad.clone()
    model.zero_grad()
    model(x).pow(2).mean().backward()
    assert torch.equal(with_term, model.weight.grad)


def test_a_tensor_given_to_an_optimizer_does_not_start_requiring_grad():
    """An optimizer does not make its parameters require grad: with no_grad logits the backward
    still raises (NG201 stays reported)."""
    model = tiny_model()
    x, y = tiny_batch()
    offset = torch.zeros(1)
    torch.optim.SGD([offset], lr=0.1)
    with torch.no_grad():
        logits = model(x)
    assert not offset.requires_grad
    with pytest.raises(RuntimeError, match=NO_GRAD_FN):
        ((logits - offset - y) ** 2).mean().backward()


def test_forward_outside_backward_inside_no_grad_works():
    """NG201 must not flag: graph built outside, backward() called inside
    no_grad works and populates .grad (same values as outside)."""
    x, y = tiny_batch()
    ref = tiny_model()
    mse(ref, x, y).backward()

    model = tiny_model()
    loss = mse(model, x, y)
    with torch.no_grad():
        loss.backward()
    assert model.weight.grad is not None
    assert model.bias.grad is not None
    torch.testing.assert_close(model.weight.grad, ref.weight.grad)


def test_gradients_from_autograd_grad_carry_no_graph_unless_create_graph():
    """Gradients `torch.autograd.grad` returns are plain values for a total (a MAML inner loop's
    meta-gradients, summed over tasks): no graph unless `create_graph=True` asks for one."""
    net = torch.nn.Linear(3, 1)
    loss = net(torch.randn(4, 3)).pow(2).mean()
    plain = torch.autograd.grad(loss, list(net.parameters()), retain_graph=True)
    assert all(g.grad_fn is None and not g.requires_grad for g in plain)
    kept = torch.autograd.grad(loss, list(net.parameters()), create_graph=True)
    assert all(g.requires_grad for g in kept)


def test_autograd_grad_create_graph_inside_no_grad_works():
    """NG201 must not flag: torch.autograd.grad(y, x, create_graph=True) on a
    graph built outside, called inside no_grad, returns gradients; with
    create_graph=True the result even carries a graph (engine runs with
    grad mode = create_graph)."""
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x ** 3).sum()
    with torch.no_grad():
        (g,) = torch.autograd.grad(y, x, create_graph=True)
    torch.testing.assert_close(g.detach(), 3 * x.detach() ** 2)
    assert g.requires_grad and g.grad_fn is not None
    # second order still works outside
    (gg,) = torch.autograd.grad(g.sum(), x)
    torch.testing.assert_close(gg, 6 * x.detach())


@pytest.mark.parametrize("evaluation", [torch.no_grad, torch.inference_mode])
def test_derivatives_in_an_evaluation_context_need_gradients_turned_back_on(evaluation):
    """NG201 in a framework's evaluation hook (Lightning's `validation_step` runs under
    `inference_mode`, or `no_grad` with `Trainer(inference_mode=False)`): a derivative of a
    forward pass taken there raises, even of an input that requires grad. `enable_grad` undoes
    `no_grad` but not `inference_mode`, which only `inference_mode(False)` undoes: the advice
    the finding gives."""
    net = nn.Linear(2, 1)
    batch = torch.randn(4, 2)

    def derivative():
        points = batch.clone().requires_grad_(True)
        return torch.autograd.grad(net(points).sum(), points)[0]

    with evaluation():
        with pytest.raises(RuntimeError, match="does not require grad"):
            derivative()
        with torch.enable_grad():
            if evaluation is torch.no_grad:
                assert derivative().shape == (4, 2)
            else:
                with pytest.raises(RuntimeError, match="does not require grad"):
                    derivative()
        with torch.inference_mode(False), torch.enable_grad():
            assert derivative().shape == (4, 2)

# ==========================================================================
# NG202 -- optimizer idiom (no_grad step + enable_grad closure)
# ==========================================================================
def test_no_grad_step_with_enable_grad_closure_works():
    """NG202 must not flag: @torch.no_grad() step that does
    `with torch.enable_grad(): loss = closure(); loss.backward()` and then
    updates params in place works."""
    model = tiny_model()
    x, y = tiny_batch()
    seen = {}

    def closure():
        seen["closure"] = mode()
        return mse(model, x, y)

    @torch.no_grad()
    def step(params, closure, lr=0.1):
        seen["step"] = mode()
        with torch.enable_grad():
            loss = closure()
            for p in params:
                p.grad = None
            loss.backward()
        for p in params:
            p.add_(p.grad, alpha=-lr)  # in-place on a leaf: legal under no_grad
        return loss

    w0 = model.weight.detach().clone()
    loss = step(list(model.parameters()), closure)
    assert seen == {"step": (False, False), "closure": (True, False)}
    assert loss.requires_grad
    assert model.weight.grad is not None
    assert not torch.equal(w0, model.weight.detach())
    assert mode() == (True, False)


@pytest.mark.parametrize(
    "opt_cls, kwargs",
    [(torch.optim.SGD, {"lr": 0.1}), (torch.optim.LBFGS, {"lr": 0.5, "max_iter": 5})],
    ids=["SGD", "LBFGS"],
)
def test_real_optimizer_step_with_closure_works(opt_cls, kwargs):
    """NG202 must not flag: real optimizer .step(closure) (which runs the
    closure under enable_grad) works; the closure sees grad enabled."""
    model = tiny_model()
    x, y = tiny_batch()
    opt = opt_cls(model.parameters(), **kwargs)
    seen = []

    def closure():
        opt.zero_grad()
        seen.append(mode())
        loss = mse(model, x, y)
        loss.backward()
        return loss

    w0 = model.weight.detach().clone()
    losses = [float(opt.step(closure).detach()) for _ in range(3)]
    assert seen and all(s == (True, False) for s in seen)
    assert losses[-1] < losses[0]
    assert not torch.equal(w0, model.weight.detach())


# ==========================================================================
# NG302 -- missing parentheses
# ==========================================================================
@pytest.mark.parametrize(
    "cls",
    [torch.no_grad, torch.inference_mode, torch.enable_grad, torch.set_grad_enabled],
    ids=lambda c: c.__name__,
)
def test_with_class_without_call_is_type_error(cls):
    """NG302: `with torch.no_grad:` (class, not instance) raises TypeError
    "'type' object does not support the context manager protocol"
    (CPython 3.11 wording; the same for inference_mode / enable_grad /
    set_grad_enabled)."""
    with pytest.raises(TypeError, match=CM_PROTOCOL):
        with cls:  # type: ignore[attr-defined]
            pass
    assert mode() == (True, False)


@pytest.mark.parametrize(
    "deco, expected_inside",
    [
        (torch.no_grad, (False, False)),
        (torch.inference_mode, (False, True)),
        (torch.enable_grad, (True, False)),
    ],
    ids=["no_grad", "inference_mode", "enable_grad"],
)
def test_decorator_without_parentheses_works(deco, expected_inside):
    """NG302 does not flag these for torch >= 2.1: @torch.no_grad / @torch.inference_mode /
    @torch.enable_grad without parentheses decorate correctly: the body runs
    in the expected mode and the mode is restored afterwards."""

    @deco
    def f():
        return mode()

    outer = torch.no_grad() if deco is torch.enable_grad else _nullcontext()
    with outer:
        before = mode()
        assert f() == expected_inside
        assert mode() == before
    assert mode() == (True, False)


class _nullcontext:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def test_set_grad_enabled_as_bare_decorator_is_type_error_at_decoration():
    """NG302: @torch.set_grad_enabled without an argument raises TypeError at
    decoration time (the function is passed as `mode`):
    "set_grad_enabled(): argument 'enabled' (position 1) must be bool, not function"."""
    with pytest.raises(TypeError) as info:

        @torch.set_grad_enabled
        def f():  # pragma: no cover - never defined
            return None

    assert str(info.value) == SGE_NEEDS_BOOL
    assert mode() == (True, False)


def test_a_function_argument_is_taken_by_new_alone():
    """NG302 (torch < 2.1): `@torch.no_grad` and `torch.no_grad(fn)` work only because a
    `__new__` hands a function argument to the decorator (torch.utils._contextlib's
    `_NoParamDecoratorContextManager`, added in torch 2.1). torch 2.0's `no_grad` and
    `enable_grad` derived from `_DecoratorContextManager` alone; classes built that way reject
    the function with TypeError, and accept the called form `cls()(fn)`."""
    from torch.utils._contextlib import _DecoratorContextManager

    def f():
        return torch.is_grad_enabled()

    for cls in (torch.no_grad, torch.enable_grad):
        assert "_NoParamDecoratorContextManager" in [base.__name__ for base in cls.__mro__]
    assert torch.inference_mode(f)() is False  # its own `__new__`: a non-bool mode is the function

    class OldNoGrad(_DecoratorContextManager):  # torch 2.0's shape
        def __init__(self):
            self.prev = False

        def __enter__(self):
            self.prev = torch.is_grad_enabled()
            torch.set_grad_enabled(False)

        def __exit__(self, *exc):
            torch.set_grad_enabled(self.prev)

    class OldEnableGrad(_DecoratorContextManager):
        def __enter__(self):
            self.prev = torch.is_grad_enabled()
            torch.set_grad_enabled(True)

        def __exit__(self, *exc):
            torch.set_grad_enabled(self.prev)

    for old in (OldNoGrad, OldEnableGrad):
        with pytest.raises(TypeError):
            old(f)
    assert OldNoGrad()(f)() is False
    assert torch.no_grad(f)() is False  # what torch >= 2.1 accepts


def test_inference_mode_takes_a_mode_not_a_function():
    """NG302 (torch < 2.1): `inference_mode`'s constructor takes `mode`; on older torch a
    function passed there was kept as a (truthy) mode, and `@torch.inference_mode` bound the
    name to a context-manager object. NG302 reports no `torch.inference_mode(flag)` call."""
    assert list(inspect.signature(torch.inference_mode.__init__).parameters)[:2] == ["self", "mode"]


# ==========================================================================
# NG303 -- bare context-manager constructor statement
# ==========================================================================
def test_bare_no_grad_statement_does_nothing():
    """NG303: a bare `torch.no_grad()` statement leaves grad mode unchanged
    (same for bare inference_mode(), and bare enable_grad() inside no_grad)."""
    torch.no_grad()
    assert mode() == (True, False)
    torch.inference_mode()
    assert mode() == (True, False)
    w = torch.ones(2, requires_grad=True)
    assert (w * 2).requires_grad
    with torch.no_grad():
        torch.enable_grad()
        assert mode() == (False, False)


def test_contexts_joined_by_and_or_or_enter_only_one():
    """NG303: `with torch.no_grad() and ctx:` enters only `ctx` (`and` gives its last operand, and
    a context object is true), so gradients stay on; `with ctx or torch.no_grad():` enters only
    `ctx`; `with torch.no_grad(), ctx:` enters both."""
    import contextlib

    entered = []

    @contextlib.contextmanager
    def ctx():
        entered.append(torch.is_grad_enabled())
        yield

    with torch.no_grad() and ctx():
        assert torch.is_grad_enabled()
    with ctx() or torch.no_grad():
        assert torch.is_grad_enabled()
    with torch.no_grad(), ctx():
        assert not torch.is_grad_enabled()
    assert entered == [True, True, False]


@pytest.mark.parametrize("make, inside", [(lambda f: torch.enable_grad()(f), True),
                                          (lambda f: torch.no_grad(f), False),
                                          (lambda f: torch.inference_mode()(f), False)],
                         ids=["enable_grad()(f)", "no_grad(f)", "inference_mode()(f)"])
def test_wrapping_a_function_does_not_call_it(make, inside):
    """NG303: `torch.enable_grad()(closure)` (and `torch.no_grad(fn)`) only returns a wrapper:
    the function does not run until the wrapper is called, and then in the wrapper's mode."""
    calls = []

    def closure():
        calls.append(torch.is_grad_enabled())

    wrapper = make(closure)
    assert calls == [] and callable(wrapper)
    with torch.no_grad() if inside else torch.enable_grad():
        wrapper()
    assert calls == [inside]


# ==========================================================================
# NG304 -- leaking set_grad_enabled(False)
# ==========================================================================
def test_set_grad_enabled_true_after_false_turns_a_callers_no_grad_off():
    """NG304: a function that turns gradients off and then on with `set_grad_enabled(True)`
    leaves them on inside its caller's `no_grad` block, and records graphs there; saving the mode
    and putting it back does not."""
    weight = torch.ones(3, requires_grad=True)

    def reenabling(x):
        torch.set_grad_enabled(False)
        x = x * 2
        torch.set_grad_enabled(True)
        return x * weight

    def restoring(x):
        grad_was_enabled = torch.is_grad_enabled()
        torch.set_grad_enabled(False)
        x = x * 2
        torch.set_grad_enabled(grad_was_enabled)
        return x * weight

    with torch.no_grad():
        out = reenabling(torch.ones(3))
        after = (weight * 3).requires_grad
    assert out.requires_grad and after  # the caller's block records from the call on
    with torch.no_grad():
        out = restoring(torch.ones(3))
        after = (weight * 3).requires_grad
    assert not out.requires_grad and not after
    assert torch.is_grad_enabled()


def test_set_grad_enabled_decorator_restores_the_mode_since_torch_2_2():
    """NG304: since torch 2.2, `@torch.set_grad_enabled(False)` puts the mode back when it
    decorates (before, the constructor's switch stayed until the function first returned); this
    torch must be one where it does, as the rule reports only older supported versions."""
    assert tuple(int(part) for part in torch.__version__.split(".")[:2]) >= (2, 2)

    @torch.set_grad_enabled(False)
    def decorated():
        return torch.is_grad_enabled()

    assert torch.is_grad_enabled() is True  # nothing changed at decoration
    assert decorated() is False and torch.is_grad_enabled() is True


def test_bare_set_grad_enabled_false_leaks_out_of_function():
    """NG304: bare `torch.set_grad_enabled(False)` in a function leaks: after
    return torch.is_grad_enabled() is False; try/finally restore keeps it
    True; the `with` form restores too."""

    def leaky():
        torch.set_grad_enabled(False)
        return torch.is_grad_enabled()

    assert leaky() is False
    assert torch.is_grad_enabled() is False  # leaked
    torch.set_grad_enabled(True)

    def restoring():
        prev = torch.is_grad_enabled()
        torch.set_grad_enabled(False)
        try:
            return torch.is_grad_enabled()
        finally:
            torch.set_grad_enabled(prev)

    assert restoring() is False
    assert torch.is_grad_enabled() is True

    def with_form():
        with torch.set_grad_enabled(False):
            return torch.is_grad_enabled()

    assert with_form() is False
    assert torch.is_grad_enabled() is True


# ==========================================================================
# NG305 -- re-entering one context-manager instance
# ==========================================================================
def test_reentering_one_no_grad_instance_leaks():
    """NG305: `ng = torch.no_grad()` entered twice, nested: the inner
    __enter__ overwrites ng.prev with False, so after both exit grad mode is
    still False (leak). Fresh instances restore correctly."""
    ng = torch.no_grad()
    with ng:
        with ng:
            assert mode() == (False, False)
        assert mode() == (False, False)
    assert torch.is_grad_enabled() is False  # leaked
    torch.set_grad_enabled(True)

    with torch.no_grad():
        with torch.no_grad():
            pass
        assert torch.is_grad_enabled() is False
    assert torch.is_grad_enabled() is True

    # sequential (non-nested) reuse of one instance is fine
    with ng:
        pass
    with ng:
        assert torch.is_grad_enabled() is False
    assert torch.is_grad_enabled() is True


def test_reentering_one_inference_mode_instance_leaks():
    """NG305: one `torch.inference_mode()` instance entered twice, nested.
    The inner __enter__ replaces the stored C++ guard, whose destructor
    restores the pre-outer state, so the *inner body runs with inference mode
    OFF and grad ON*; after both exit inference mode is still ON (leak).
    Run in a throw-away thread because the leak cannot be undone."""

    def scenario():
        im = torch.inference_mode()
        seen = {}
        with im:
            seen["outer"] = mode()
            with im:
                seen["inner"] = mode()
            seen["after_inner"] = mode()
        seen["after_both"] = mode()
        seen["new_tensor_is_inference"] = torch.ones(1).is_inference()
        return seen

    seen = run_in_fresh_thread(scenario)
    assert seen == {
        "outer": (False, True),
        "inner": (True, False),
        "after_inner": (False, True),
        "after_both": (False, True),
        "new_tensor_is_inference": True,
    }

    def fresh_instances():
        with torch.inference_mode():
            with torch.inference_mode():
                inner = mode()
        return inner, mode()

    assert run_in_fresh_thread(fresh_instances) == ((False, True), (True, False))

    def sequential_reuse():
        im = torch.inference_mode()
        with im:
            pass
        with im:
            inside = mode()
        return inside, mode()

    assert run_in_fresh_thread(sequential_reuse) == ((False, True), (True, False))


# ==========================================================================
# NG306 -- yield inside a grad-mode block
# ==========================================================================
def test_yield_inside_with_no_grad_leaks_to_consumer():
    """NG306: generator yielding inside `with torch.no_grad():` -- while it is
    suspended the consumer runs with grad disabled; mode is restored only
    when the generator finishes / is closed."""

    def gen():
        with torch.no_grad():
            for _ in range(2):
                yield mode()

    g = gen()
    body = next(g)
    assert body == (False, False)
    assert torch.is_grad_enabled() is False  # consumer sees the leak
    assert next(g) == (False, False)
    assert torch.is_grad_enabled() is False
    g.close()
    assert torch.is_grad_enabled() is True

    # also observed by a full for-loop consumer
    consumer = [mode() for _ in gen()]
    assert consumer == [(False, False), (False, False)]
    assert torch.is_grad_enabled() is True


@pytest.mark.parametrize(
    "deco", [torch.no_grad(), torch.no_grad], ids=["no_grad()", "no_grad"]
)
def test_no_grad_decorator_on_generator_is_per_step(deco):
    """NG306: with @torch.no_grad() (or @torch.no_grad) on the generator
    function instead, the body sees False and the consumer sees True at
    each yield (torch wraps generators step by step)."""

    @deco
    def gen():
        for _ in range(2):
            yield mode()

    pairs = [(body, mode()) for body in gen()]
    assert pairs == [((False, False), (True, False))] * 2


# ==========================================================================
# NG307 -- grad mode does not propagate to other threads
# ==========================================================================
def test_a_threads_set_grad_enabled_false_stays_in_that_thread():
    """NG304 leaves alone a thread's target (or a spawned process's): a bare
    `set_grad_enabled(False)` there ends with the thread; the thread that started it records."""
    worker = threading.Thread(target=torch.set_grad_enabled, args=(False,))
    worker.start()
    worker.join()
    assert torch.is_grad_enabled()
    assert torch.nn.Linear(2, 1)(torch.ones(1, 2)).requires_grad


@pytest.mark.parametrize(
    "ctx", [torch.no_grad, torch.inference_mode], ids=["no_grad", "inference_mode"]
)
def test_grad_mode_not_inherited_by_threads(ctx):
    """NG307: a threading.Thread and a ThreadPoolExecutor task started inside
    `with torch.no_grad():` (or inference_mode) see grad enabled and
    inference mode off in the worker."""
    result = {}
    with ctx():
        th = threading.Thread(target=lambda: result.__setitem__("thread", mode()))
        th.start()
        th.join()
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as ex:
            result["pool"] = ex.submit(mode).result()
        assert torch.is_grad_enabled() is False
    assert result == {"thread": (True, False), "pool": (True, False)}


# ==========================================================================
# NG308 -- grad-mode decorators on async def
# ==========================================================================
@pytest.mark.parametrize(
    "deco",
    [torch.no_grad(), torch.no_grad, torch.inference_mode()],
    ids=["no_grad()", "no_grad", "inference_mode()"],
)
def test_grad_decorator_on_async_def_has_no_effect(deco):
    """NG308: @torch.no_grad() / @torch.inference_mode() on an `async def`
    neither raises nor warns at decoration or call time, but has no effect:
    the body, awaited via asyncio.run, sees grad enabled (the wrapper only
    creates the coroutine inside the context). The wrapped function is no
    longer recognised as a coroutine function."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")

        @deco
        async def body():
            await asyncio.sleep(0)
            return mode()

        assert not inspect.iscoroutinefunction(body)
        coro = body()
        assert inspect.iscoroutine(coro)
        assert mode() == (True, False)
        assert asyncio.run(coro) == (True, False)
    assert [str(w.message) for w in caught] == []


# ==========================================================================
# NG203 -- backward / step inside inference_mode
# ==========================================================================
def test_backward_and_step_inside_inference_mode_first_iteration_works():
    """NG203: graph built outside, backward() + optimizer.step() inside
    inference_mode works the first time; the resulting .grad is an
    inference tensor (the parameter itself is not)."""
    model = tiny_model()
    x, y = tiny_batch()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    w0 = model.weight.detach().clone()
    loss = mse(model, x, y)
    with torch.inference_mode():
        loss.backward()
        opt.step()
    assert model.weight.grad is not None
    assert model.weight.grad.is_inference()
    assert not model.weight.is_inference()
    assert not torch.equal(w0, model.weight.detach())


@pytest.mark.parametrize(
    "opt_cls, kwargs",
    [
        (torch.optim.SGD, {"lr": 0.1}),
        (torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
        (torch.optim.Adam, {"lr": 0.1}),
    ],
    ids=["SGD", "SGD-momentum", "Adam"],
)
def test_loop_entirely_inside_inference_mode_does_not_raise(opt_cls, kwargs):
    """NG203 (fact correction): if backward() AND step() are *both* inside
    inference_mode on every iteration (zero_grad with the default
    set_to_none=True), later iterations do NOT raise: accumulation into the
    inference .grad happens inside inference mode."""
    model = tiny_model()
    x, y = tiny_batch()
    opt = opt_cls(model.parameters(), **kwargs)
    for _ in range(3):
        opt.zero_grad()
        loss = mse(model, x, y)
        with torch.inference_mode():
            loss.backward()
            opt.step()
    assert model.weight.grad.is_inference()


def test_inference_grad_accumulated_outside_inference_mode_raises():
    """NG203: the second iteration raises once the inference-tensor .grad
    made by a backward() inside inference_mode is accumulated into by a
    backward() outside it: RuntimeError 'Inplace update to inference tensor
    outside InferenceMode is not allowed...'."""
    model = tiny_model()
    x, y = tiny_batch()
    loss = mse(model, x, y)
    with torch.inference_mode():
        loss.backward()
    loss = mse(model, x, y)
    with pytest.raises(RuntimeError, match=INFERENCE_INPLACE) as info:
        loss.backward()
    assert str(info.value) == (
        "Inplace update to inference tensor outside InferenceMode is not "
        "allowed.You can make a clone to get a normal tensor before doing "
        "inplace update.See https://github.com/pytorch/rfcs/pull/17 for more "
        "details."
    )


def test_inference_grad_zeroed_in_place_outside_raises():
    """NG203: loop with backward()+step() in inference_mode and
    opt.zero_grad(set_to_none=False) outside raises on the 2nd iteration's
    zero_grad (in-place zero_ of the inference .grad)."""
    model = tiny_model()
    x, y = tiny_batch()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    iterations_done = 0
    with pytest.raises(RuntimeError, match=INFERENCE_INPLACE):
        for _ in range(2):
            opt.zero_grad(set_to_none=False)
            loss = mse(model, x, y)
            with torch.inference_mode():
                loss.backward()
                opt.step()
            iterations_done += 1
    assert iterations_done == 1


@pytest.mark.parametrize(
    "opt_cls, kwargs, state_key",
    [
        (torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}, "momentum_buffer"),
        (torch.optim.Adam, {"lr": 0.1}, "exp_avg"),
    ],
    ids=["SGD-momentum", "Adam"],
)
def test_optimizer_state_made_in_inference_mode_then_step_outside_raises(
    opt_cls, kwargs, state_key
):
    """NG203: optimizer.step() inside inference_mode creates inference-tensor
    optimizer state; a later normal step() outside raises the same
    'Inplace update to inference tensor outside InferenceMode' error."""
    model = tiny_model()
    x, y = tiny_batch()
    opt = opt_cls(model.parameters(), **kwargs)
    mse(model, x, y).backward()
    with torch.inference_mode():
        opt.step()
    assert opt.state[model.weight][state_key].is_inference()
    opt.zero_grad()
    mse(model, x, y).backward()
    with pytest.raises(RuntimeError, match=INFERENCE_INPLACE):
        opt.step()


# ==========================================================================
# NG204 -- inference tensors used in autograd-recorded computation
# ==========================================================================
def test_inference_tensor_saved_for_backward_raises_at_forward():
    """NG204: a tensor made under inference_mode used in a forward op that
    autograd saves for backward raises RuntimeError 'Inference tensors cannot
    be saved for backward...' -- already at forward time, not at backward."""
    with torch.inference_mode():
        x = torch.randn(3) * 2
    assert x.is_inference()
    w = torch.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=INFERENCE_SAVED) as info:
        w * x  # mul saves x for w's gradient
    assert "use `torch.no_grad()` instead of `torch.inference_mode()`" in str(info.value)

    model = tiny_model()
    with torch.inference_mode():
        batch = torch.randn(4, 3)
    with pytest.raises(RuntimeError, match=INFERENCE_SAVED):
        model(batch)

    # ops that do not save the inference tensor are fine
    (w + x).sum().backward()
    assert w.grad is not None
    # the suggested workaround: clone outside inference mode
    w.grad = None
    (w * x.clone()).sum().backward()
    assert w.grad is not None


def test_every_tensor_an_inference_mode_function_makes_is_an_inference_tensor():
    """NG204 through calls: what a function decorated with `@torch.inference_mode()` returns is an
    inference tensor when the function made it (a concatenation with its argument, a new tensor,
    the result of a loop that rebinds it), but not the argument handed back as it is, nor a view
    of it. Fed to a trained embedding, the generated ids raise at the forward pass."""
    embed = nn.Embedding(10, 4)

    @torch.inference_mode()
    def generate(ids, steps):
        for _ in range(steps):
            nxt = embed(ids)[:, -1].sum(-1, keepdim=True).long().clamp(0, 9)
            ids = torch.cat([ids, nxt], 1)
        return ids

    @torch.inference_mode()
    def fresh(ids):
        return torch.zeros_like(ids), ids, ids[:, :1]

    prompts = torch.zeros(2, 3, dtype=torch.long)
    assert generate(prompts, 2).is_inference()
    assert not generate(prompts, 0).is_inference()  # the loop never ran: the argument as it is
    made, same, view = fresh(prompts)
    assert made.is_inference() and not same.is_inference() and not view.is_inference()
    with pytest.raises(RuntimeError, match=INFERENCE_SAVED):
        embed(generate(prompts, 2))
    embed(generate(prompts, 2).clone()).sum().backward()
    assert embed.weight.grad is not None


def test_a_helper_called_in_inference_mode_makes_inference_tensors():
    """NG204 through a caller's `with torch.inference_mode():`: a plain function called there makes
    inference tensors (what it computes, an `argmax` too), fed to a trained embedding they raise;
    a buffer it hands back stays a normal tensor."""
    embed = nn.Embedding(10, 4)
    prompts = torch.zeros(2, 3, dtype=torch.long)

    def sample(ids):
        return embed(ids).sum(-1).long().clamp(0, 9).argmax(-1, keepdim=True)

    def fixed():
        return prompts

    with torch.inference_mode():
        actions, kept = sample(prompts), fixed()
    assert actions.is_inference() and not kept.is_inference()
    with pytest.raises(RuntimeError, match=INFERENCE_SAVED):
        embed(actions)
    embed(kept).sum().backward()


def test_an_aliasing_view_of_a_normal_tensor_taken_in_inference_mode_is_normal():
    """NG204: the methods in `ALIASING_VIEWS`, called in inference mode on a normal tensor, give
    a normal tensor, which a trained layer can save for backward."""
    x = torch.rand(3, 1)
    calls = {"view": lambda t: t.view(-1), "detach": lambda t: t.detach(), "squeeze": lambda t: t.squeeze(),
             "unsqueeze": lambda t: t.unsqueeze(0), "permute": lambda t: t.permute(1, 0),
             "transpose": lambda t: t.transpose(0, 1), "t": lambda t: t.t(), "expand": lambda t: t.expand(3, 2),
             "expand_as": lambda t: t.expand_as(torch.empty(3, 2)), "narrow": lambda t: t.narrow(0, 0, 2),
             "select": lambda t: t.select(1, 0), "view_as": lambda t: t.view_as(torch.empty(1, 3)),
             "unflatten": lambda t: t.unflatten(0, (3, 1))}
    assert set(calls) == ALIASING_VIEWS
    w = torch.rand(1, requires_grad=True)
    for name, call in calls.items():
        with torch.inference_mode():
            view = call(x)
        assert not view.is_inference(), name
        (w * view).sum().backward()  # saved for w's gradient


def test_no_grad_tensor_saved_for_backward_is_fine():
    """NG204: the same with no_grad instead of inference_mode is fine."""
    with torch.no_grad():
        x = torch.randn(3) * 2
    assert not x.is_inference()
    w = torch.randn(3, requires_grad=True)
    (w * x).sum().backward()
    assert w.grad is not None
    torch.testing.assert_close(w.grad, x)


# What each target loss takes besides a prediction of shape (2, 3) and a target of the same shape.
_INDEX_TARGET = {"cross_entropy", "nll_loss", "CrossEntropyLoss", "NLLLoss"}
_SIGN_TARGET = {"soft_margin_loss", "SoftMarginLoss"}
_LOG_PREDICTION = {"nll_loss", "NLLLoss", "kl_div", "KLDivLoss"}
_PROBABILITY_PREDICTION = {"binary_cross_entropy", "BCELoss"}
_VARIANCE = {"gaussian_nll_loss", "GaussianNLLLoss"}


def _run_target_loss(name: str, function: bool, **options) -> torch.Tensor:
    """The loss `name` (functional or a class) of a trained prediction and a target made under
    inference_mode."""
    prediction = nn.Linear(4, 3)(torch.randn(2, 4))
    if name in _LOG_PREDICTION:
        prediction = torch.log_softmax(prediction, 1)
    if name in _PROBABILITY_PREDICTION:
        prediction = torch.sigmoid(prediction)
    with torch.inference_mode():
        target = torch.rand(2, 3)
        target = target.argmax(1) if name in _INDEX_TARGET else (target - 0.5).sign() if name in _SIGN_TARGET else target
    extra = (torch.ones(2, 3),) if name in _VARIANCE else ()
    if function:
        return getattr(nn.functional, name)(prediction, target, *extra, **options).sum()
    return getattr(nn, name)(**options)(prediction, target, *extra).sum()


@pytest.mark.parametrize("name, function", [(name, True) for name in sorted(knowledge.TARGET_LOSS_FUNCTIONS)]
                         + [(name, False) for name in sorted(knowledge.TARGET_LOSS_CLASSES)])
def test_a_target_loss_saves_an_inference_target_unless_known_not_to(name, function):
    """NG204: a torch loss given a graph-carrying prediction and an inference tensor as target
    raises at once when it saves the target for the backward pass; the losses listed in
    `knowledge.TARGET_NOT_SAVED` compute with `input - target` and do not (`KLDivLoss` only with
    its default `log_target=False`, hence listed as unknown)."""
    if name in knowledge.TARGET_NOT_SAVED and name != "KLDivLoss":
        _run_target_loss(name, function).backward()
        return
    with pytest.raises(RuntimeError, match=INFERENCE_SAVED):
        _run_target_loss(name, function)


def test_a_tensor_made_in_inference_mode_is_an_inference_tensor_even_without_gradients():
    """NG204: `argmax` (no gradient of its own) made in inference mode is an inference tensor;
    the same op outside inference mode, on an inference tensor, makes a normal one; a view
    (`detach`) of an inference tensor is one wherever it is made."""
    with torch.inference_mode():
        logits = torch.randn(2, 3)
        labels = logits.argmax(1)
    assert labels.is_inference()
    assert not logits.argmax(1).is_inference()
    assert logits.detach().is_inference()


@pytest.mark.parametrize("operator, saves", [("*", True), ("/", True), ("@", True), ("**", True),
                                             ("+", False), ("-", False)])
def test_operators_that_save_an_inference_operand(operator, saves):
    """NG204: `*`, `/`, `@` and `**` save both operands for the backward pass, so an inference
    tensor on either side of a graph raises; `+` and `-` save neither."""
    with torch.inference_mode():
        made = torch.rand(3, 3) + 0.5
    layer = nn.Linear(3, 3)
    for trained_left in (True, False):
        trained = layer(torch.rand(3, 3)) + 2.0
        left, right = (trained, made) if trained_left else (made, trained)
        compute = {"*": lambda: left * right, "/": lambda: left / right, "@": lambda: left @ right,
                   "**": lambda: left ** right, "+": lambda: left + right, "-": lambda: left - right}[operator]
        if saves:
            with pytest.raises(RuntimeError, match=INFERENCE_SAVED):
                compute()
        else:
            compute().sum().backward()


def test_kl_div_with_a_log_target_saves_no_inference_target():
    """NG204: `kl_div(..., log_target=True)` (and `KLDivLoss(log_target=True)`) does not save an
    inference target, so neither is reported."""
    _run_target_loss("kl_div", True, log_target=True).backward()
    _run_target_loss("KLDivLoss", False, log_target=True).backward()


# ==========================================================================
# NG103 -- in-place update of a leaf parameter outside no_grad
# ==========================================================================
def _param_with_grad():
    model = tiny_model()
    x, y = tiny_batch()
    mse(model, x, y).backward()
    return model.weight


def _isub(p):
    p -= 0.1 * p.grad


IN_PLACE_UPDATES = {
    "isub": _isub,
    "add_": lambda p: p.add_(p.grad, alpha=-0.1),
    "mul_": lambda p: p.mul_(0.5),
    "copy_": lambda p: p.copy_(torch.zeros_like(p)),
    "zero_": lambda p: p.zero_(),
}


@pytest.mark.parametrize("name", list(IN_PLACE_UPDATES))
def test_in_place_update_of_parameter_outside_no_grad_raises(name):
    """NG103: `p -= lr * p.grad`, p.add_/mul_/copy_/zero_ on an nn.Linear
    parameter outside no_grad raise RuntimeError 'a leaf Variable that
    requires grad is being used in an in-place operation.'"""
    p = _param_with_grad()
    with pytest.raises(RuntimeError, match=LEAF_INPLACE) as info:
        IN_PLACE_UPDATES[name](p)
    assert str(info.value) == LEAF_INPLACE + "."


@pytest.mark.parametrize("name", list(IN_PLACE_UPDATES))
def test_in_place_update_of_parameter_inside_no_grad_works(name):
    """NG103: the same in-place updates inside torch.no_grad() work and keep
    the parameter a leaf that requires grad."""
    p = _param_with_grad()
    before = p.detach().clone()
    with torch.no_grad():
        IN_PLACE_UPDATES[name](p)
    assert not torch.equal(before, p.detach())
    assert p.is_leaf and p.requires_grad and p.grad_fn is None


def test_in_place_update_of_a_frozen_parameter_works_without_no_grad():
    """NG103 leaves a running average alone after a helper froze the parameters
    (`p.requires_grad_(False)` for every parameter): copying into them in place with gradients on
    works, and thawed again it raises."""
    target, source = nn.Linear(3, 3), nn.Linear(3, 3)
    for p in target.parameters():
        p.requires_grad_(False)
    for p_tgt, p_src in zip(target.parameters(), source.parameters()):
        p_tgt.copy_(0.9 * p_tgt + 0.1 * p_src.detach())
    for p in target.parameters():
        p.requires_grad_(True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        next(target.parameters()).copy_(torch.zeros(3, 3))


def test_a_deep_copy_of_a_frozen_module_is_frozen_and_updates_in_place():
    """NG103 leaves the running average of a generator frozen when built alone: a chain
    `Net().train().requires_grad_(False)` freezes what it makes, `copy.deepcopy` keeps
    `requires_grad=False` on the copy, and copying into the copy's parameters in place with
    gradients on works; a copy of a trainable module raises."""
    import copy

    generator = nn.Linear(3, 3).train().requires_grad_(False)
    average = copy.deepcopy(generator).eval()
    assert not any(p.requires_grad for p in average.parameters())
    for p_avg, p in zip(average.parameters(), generator.parameters()):
        p_avg.copy_(p.lerp(p_avg, 0.99))
    trainable_copy = copy.deepcopy(nn.Linear(3, 3))
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        next(trainable_copy.parameters()).copy_(torch.zeros(3, 3))

def test_in_place_update_through_data_works_without_no_grad():
    """NG103: p.data.add_/mul_/copy_ works without no_grad."""
    p = _param_with_grad()
    before = p.detach().clone()
    p.data.add_(p.grad, alpha=-0.1)
    p.data.mul_(0.5)
    p.data.copy_(p.data * 2)
    assert not torch.equal(before, p.detach())
    assert p.is_leaf and p.requires_grad


# ==========================================================================
# NG104 -- a loss target computed by the trained module, with its graph
# ==========================================================================
def _td_step(target_mode):
    """One DQN-style step with one network: the gradient of the loss on the
    weight, the bytes saved for backward, and whether the target has a graph."""
    torch.manual_seed(0)
    model = nn.Linear(3, 2)
    state, next_state = torch.randn(5, 3), torch.randn(5, 3)
    reward = torch.randn(5)
    meter = SavedBytesMeter()
    with meter.hooks():
        q = model(state).max(1)[0]
        if target_mode == "no_grad":
            with torch.no_grad():
                target = reward + 0.9 * model(next_state).max(1)[0]
        else:
            target = reward + 0.9 * model(next_state).max(1)[0]
            if target_mode == "detach":
                target = target.detach()
        loss = nn.functional.mse_loss(q, target)
    has_graph = target.grad_fn is not None
    loss.backward()
    return model.weight.grad.clone(), meter.total, has_graph, (q, target)


def test_target_of_the_trained_module_gets_gradient_and_saves_tensors():
    """NG104: without no_grad or detach, the target built from the model's own
    forward pass carries a graph, the loss's gradient flows into it (the
    weight's gradient differs from the semi-gradient) and its forward pass
    saves tensors for backward."""
    full, full_saved, full_graph, _ = _td_step("graph")
    semi, semi_saved, semi_graph, (q, target) = _td_step("no_grad")
    assert full_graph and not semi_graph
    assert not torch.allclose(full, semi)
    assert full_saved > semi_saved > 0
    # the semi-gradient: only the prediction is differentiated, the target is a constant
    torch.manual_seed(0)
    model = nn.Linear(3, 2)
    state = torch.randn(5, 3)
    expected = torch.autograd.grad(nn.functional.mse_loss(model(state).max(1)[0], target), model.weight)[0]
    torch.testing.assert_close(semi, expected)


def test_detached_target_gives_the_semi_gradient():
    """NG104: `.detach()` on the target (the fix when the target is computed
    inside the loss call) gives the same gradient as no_grad."""
    semi, _, _, _ = _td_step("no_grad")
    detached, _, detached_graph, _ = _td_step("detach")
    assert not detached_graph
    torch.testing.assert_close(detached, semi)


@pytest.mark.parametrize("name", sorted(knowledge.TARGET_LOSS_FUNCTIONS))
def test_target_loss_functions_take_input_then_target(name):
    """NG104: every functional loss the rule reads takes the prediction first
    and the target second (or `target=`)."""
    parameters = list(inspect.signature(getattr(nn.functional, name)).parameters)
    assert parameters[1] == "target" and parameters[0] in ("input",)


@pytest.mark.parametrize("name", sorted(knowledge.TARGET_LOSS_FUNCTIONS - {"nll_loss", "soft_margin_loss"}))
def test_a_loss_differentiates_a_target_that_carries_a_graph(name):
    """NG201 (no finding): a torch loss given a target with a graph backpropagates into it, so
    `F.mse_loss(td_target, q_values)`, a `no_grad` TD target as the input and the Q-values as the
    target, trains the Q-network and its backward pass does not raise. (`nll_loss` takes class
    indices; `soft_margin_loss` is not differentiable in its target: both are left out.)"""
    torch.manual_seed(0)
    net = nn.Linear(3, 3)
    with torch.no_grad():
        data = torch.rand(4, 3) * 0.8 + 0.1
    target = torch.sigmoid(net(torch.randn(4, 3)))
    extra = (torch.ones(4, 3),) if name == "gaussian_nll_loss" else ()
    getattr(nn.functional, name)(data, target, *extra).backward()
    assert net.weight.grad is not None and bool(net.weight.grad.abs().sum() > 0)


@pytest.mark.parametrize("name", sorted(knowledge.TARGET_LOSS_CLASSES))
def test_target_loss_classes_take_input_then_target(name):
    """NG104: every loss class the rule reads is called as `loss(prediction,
    target)` (PoissonNLLLoss names its prediction `log_input`)."""
    parameters = list(inspect.signature(getattr(nn, name).forward).parameters)
    assert parameters[2] == "target" and parameters[1] in ("input", "log_input")


@pytest.mark.parametrize("name", ["cosine_embedding_loss", "margin_ranking_loss", "triplet_margin_loss"])
def test_pair_losses_take_two_trained_inputs(name):
    """NG104: pair losses take two (or three) inputs before any target, so
    their second argument is no target: they are not read by the rule."""
    parameters = list(inspect.signature(getattr(nn.functional, name)).parameters)
    assert parameters[1] != "target" and name not in knowledge.TARGET_LOSS_FUNCTIONS


# ==========================================================================
# NG102 -- accumulating a loss tensor across iterations
# ==========================================================================
def _accumulate(n, how):
    torch.manual_seed(0)
    model = nn.Linear(8, 4)
    x = torch.randn(4, 8)
    y = torch.randn(4, 4)
    meter = SavedBytesMeter()
    total = 0.0 if how == "item" else torch.zeros(())
    with meter.hooks():
        for _ in range(n):
            loss = nn.functional.mse_loss(model(x), y)
            if how == "tensor":
                total = total + loss
            elif how == "item":
                total += loss.item()
            elif how == "backward":
                loss.backward()
                total += loss
            else:  # pragma: no cover
                raise AssertionError(how)
        del loss
    gc.collect()
    return total, meter


def _add_chain_length(grad_fn):
    n = 0
    while grad_fn is not None and type(grad_fn).__name__ == "AddBackward0":
        n += 1
        grad_fn = next(
            (f for f, _ in grad_fn.next_functions if type(f).__name__ == "AddBackward0"),
            None,
        )
    return n


def test_accumulating_loss_tensor_keeps_every_graph_alive():
    """NG102: `total = total + loss` (forward + criterion, no backward) over N
    iterations keeps each iteration's graph: total.grad_fn chain has N
    AddBackward0 nodes and the live saved-for-backward bytes grow linearly
    with N."""
    _, one = _accumulate(1, "tensor")
    per_iter = one.live
    assert per_iter > 0
    for n in (2, 4, 8):
        total, meter = _accumulate(n, "tensor")
        assert total.requires_grad and total.grad_fn is not None
        assert _add_chain_length(total.grad_fn) == n
        assert meter.live == n * per_iter
    # dropping the accumulator frees everything
    del total
    gc.collect()
    assert meter.live == 0


def test_accumulating_loss_item_keeps_nothing():
    """NG102: with `total += loss.item()` nothing is kept: total is a float
    and no saved bytes stay alive."""
    for n in (1, 8):
        total, meter = _accumulate(n, "item")
        assert type(total) is float
        assert meter.total > 0 and meter.live == 0


def test_accumulating_loss_after_backward_keeps_graph_nodes_not_saved_tensors():
    """NG102 (report): with loss.backward() each iteration and
    `total += loss`, the saved tensors ARE freed by backward (0 live saved
    bytes), but total still requires grad and drags a chain of N
    AddBackward0 nodes (plus the freed loss nodes); backward through it
    raises 'Trying to backward through the graph a second time'."""
    for n in (1, 8):
        total, meter = _accumulate(n, "backward")
        assert meter.total > 0 and meter.live == 0
        assert total.requires_grad
        assert _add_chain_length(total.grad_fn) == n
    with pytest.raises(RuntimeError, match=BACKWARD_TWICE):
        total.backward()


# ==========================================================================
# NG101 -- forward passes under default grad mode save activations
# ==========================================================================
@pytest.mark.parametrize(
    "ctx, saves, out_is_inference",
    [
        (None, True, False),
        (torch.no_grad, False, False),
        (torch.inference_mode, False, True),
        (lambda: torch.set_grad_enabled(False), False, False),
    ],
    ids=["default", "no_grad", "inference_mode", "set_grad_enabled(False)"],
)
def test_forward_saves_tensors_only_with_grad_enabled(ctx, saves, out_is_inference):
    """NG101: a forward under default grad mode saves tensors for backward
    (pack hook sees > 0 bytes, output has grad_fn); under no_grad /
    inference_mode / set_grad_enabled(False) 0 bytes are saved and
    output.requires_grad is False."""
    model = nn.Linear(8, 4)
    x = torch.randn(2, 8)
    meter = SavedBytesMeter()
    with meter.hooks():
        if ctx is None:
            out = torch.relu(model(x))
        else:
            with ctx():
                out = torch.relu(model(x))
    if saves:
        assert meter.total > 0 and meter.live > 0
        assert out.requires_grad and out.grad_fn is not None
    else:
        assert meter.total == 0
        assert not out.requires_grad and out.grad_fn is None
    assert out.is_inference() is out_is_inference


# ==========================================================================
# inference_mode(False) semantics (documentation of NG2xx fixes)
# ==========================================================================
def test_inference_mode_false_semantics():
    """inference_mode(False) nested in inference_mode(): grad enabled and
    inference mode off inside (new tensors are normal); at top level it is
    a no-op (True, False). Note: inside no_grad it *enables* grad."""
    with torch.inference_mode():
        assert mode() == (False, True)
        with torch.inference_mode(False):
            assert mode() == (True, False)
            assert not torch.ones(1).is_inference()
        assert mode() == (False, True)
    assert mode() == (True, False)

    with torch.inference_mode(False):
        assert mode() == (True, False)
    assert mode() == (True, False)

    with torch.no_grad():
        with torch.inference_mode(False):
            assert mode() == (True, False)  # surprising: grad re-enabled
        assert mode() == (False, False)


def test_a_later_item_of_one_with_statement_sets_the_mode():
    """Project wrappers (NG3xx, NG1xx through `local_grad_wrappers`): in
    `with torch.inference_mode(False), torch.no_grad():` (ultralytics'
    `smart_inference_mode(False)`) the body runs without gradients and out of
    inference mode, at top level and inside inference mode alike."""
    for outer in (torch.enable_grad, torch.inference_mode):
        with outer():
            with torch.inference_mode(False), torch.no_grad():
                assert mode() == (False, False)


# ==========================================================================
# Aliases the resolver must know
# ==========================================================================
def test_grad_mode_aliases_are_identical_objects():
    """Name resolution (all rules): autograd aliases are the same objects."""
    import torch.autograd.grad_mode as grad_mode

    assert torch.autograd.no_grad is torch.no_grad
    assert grad_mode.no_grad is torch.no_grad
    assert grad_mode.inference_mode is torch.inference_mode
    assert torch.autograd.inference_mode is torch.inference_mode
    assert torch.autograd.set_grad_enabled is torch.set_grad_enabled
    assert grad_mode.set_grad_enabled is torch.set_grad_enabled
    assert torch.autograd.enable_grad is torch.enable_grad
    assert grad_mode.enable_grad is torch.enable_grad
    assert torch.no_grad.__module__ == "torch.autograd.grad_mode"


# ==========================================================================
# Facts the project-wide cases in tests/cases_v2 rest on (issue #13)
# ==========================================================================
def _saved_bytes(fn):
    meter = SavedBytesMeter()
    with meter.hooks():
        out = fn()
    return out, meter.total


def test_eval_mode_still_records_but_frozen_module_on_plain_input_does_not():
    """NG101: `.eval()` (any spelling) leaves autograd on; a module whose
    parameters are all frozen, fed a tensor without a graph, records nothing;
    a trainable head after it, or a graph-carrying input, records again."""
    torch.manual_seed(0)
    body = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 4))
    x = torch.randn(2, 8)
    assert body.train(False) is body and body.half().float().eval() is body and not body.training
    out, saved = _saved_bytes(lambda: body(x))
    assert out.grad_fn is not None and saved > 0

    body.requires_grad_(False)
    out, saved = _saved_bytes(lambda: body(x))
    assert out.grad_fn is None and saved == 0

    head = nn.Linear(4, 2).eval()
    out, saved = _saved_bytes(lambda: head(body(x)))
    assert out.grad_fn is not None and saved > 0

    generated = nn.Linear(8, 8)(x)
    out, saved = _saved_bytes(lambda: body(generated).detach())
    assert out.grad_fn is None and saved > 0  # recorded, then thrown away


NUMPY_REFUSES = "Can't call numpy() on Tensor that requires grad"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # numpy 2 on `Tensor.__array__`
@pytest.mark.parametrize("convert", ["method", "cpu", *sorted(NUMPY_CONVERSIONS)])
def test_numpy_refuses_a_tensor_that_requires_grad(convert):
    """NG101: an output turned into an array undetached (`out.cpu().numpy()`, `np.asarray(out)`:
    `interpret.NUMPY_CONVERSIONS`) raises when the forward pass recorded a graph, so a function
    doing it works only where its callers disable gradients (or the model is frozen); `.tolist()`,
    `.item()` and `numpy(force=True)` take such a tensor."""
    numpy = pytest.importorskip("numpy")
    model = nn.Linear(3, 2).eval()
    x = torch.randn(1, 3)
    functions = {"method": lambda t: t.numpy(), "cpu": lambda t: t.cpu().numpy()}
    convert_to_array = functions.get(convert) or getattr(numpy, convert.rpartition(".")[2])
    with pytest.raises(RuntimeError, match=re.escape(NUMPY_REFUSES)):
        convert_to_array(model(x))
    with torch.no_grad():
        assert convert_to_array(model(x)).shape == (1, 2)
    model.requires_grad_(False)
    assert convert_to_array(model(x)).shape == (1, 2)  # frozen, fed a plain input: no graph
    model.requires_grad_(True)
    out = model(x)
    assert out.numpy(force=True).shape == (1, 2) and len(out.tolist()[0]) == 2 and out[0, 0].item() == out.tolist()[0][0]


@pytest.mark.parametrize("name", sorted(knowledge.PARAMETER_FREE_LAYERS))
def test_parameter_free_layers_record_nothing_on_a_plain_input(name):
    """NG101's probe evidence needs a module with parameters: each layer of
    `knowledge.PARAMETER_FREE_LAYERS` has none, so fed a tensor without a graph it records
    nothing, while a layer with weights does."""
    layer = _parameter_free_layer(name.rpartition(".")[2])
    assert not list(layer.parameters())
    x = torch.randn(2, 4, 8, 8, 8) if name.endswith("3d") else torch.randn(2, 4, 8, 8)
    if name.endswith("1d") or name.rpartition(".")[2] in ("Fold",):
        x = torch.randn(2, 4, 16) if not name.endswith("Fold") else torch.randn(2, 16, 9)
    out = layer(x, x) if name.endswith(("CosineSimilarity", "PairwiseDistance")) else layer(x)
    assert out.grad_fn is None
    assert nn.Linear(x.shape[-1], 2)(x).grad_fn is not None


def _parameter_free_layer(name: str) -> nn.Module:
    arguments = {"Threshold": (0.1, 0.0), "Softmax": (1,), "LogSoftmax": (1,), "Softmin": (1,),
                 "GLU": (1,), "Upsample": (None, 2), "UpsamplingNearest2d": (None, 2),
                 "UpsamplingBilinear2d": (None, 2), "Unflatten": (1, (2, 2)), "PixelShuffle": (2,),
                 "PixelUnshuffle": (2,), "ChannelShuffle": (2,), "Fold": ((4, 4), 2),
                 "Unfold": (2,), "ZeroPad2d": (1,), "LPPool1d": (2, 2), "LPPool2d": (2, 2)}
    if "Pool" in name and name not in arguments:
        return getattr(nn, name)(2)
    if "Pad" in name and name not in arguments:
        return getattr(nn, name)(1, 0.0) if name.startswith("Constant") else getattr(nn, name)(1)
    return getattr(nn, name)(*arguments.get(name, ()))


def test_moving_an_inference_tensor_where_it_is_keeps_it_an_inference_tensor():
    """NG204 follows inference tensors through `.to(device)`/`.float()` (of a tensor or of a
    batch object holding them): a move to where the tensor already is returns it unchanged, so a
    training forward pass of the moved batch still fails; a real copy (`.clone()`) does not."""
    with torch.inference_mode():
        resized = torch.nn.functional.interpolate(torch.randn(2, 3, 8, 8), size=4, mode="bilinear")
    moved = resized.to("cpu").float().contiguous()
    assert moved.is_inference() and moved is resized
    layer = nn.Conv2d(3, 4, 3)
    with pytest.raises(RuntimeError, match=INFERENCE_SAVED):
        layer(moved[:1]).sum().backward()
    layer(resized.clone()).sum().backward()
    assert layer.weight.grad is not None


@pytest.mark.parametrize("guard", ["none", "with", "wrap"])
def test_closure_called_in_a_no_grad_step(guard):
    """NG205: a `@torch.no_grad()` optimizer step that calls `closure()`
    directly makes the closure's `backward()` raise; `with enable_grad()` or
    `closure = torch.enable_grad()(closure)` (torch.optim's idiom) works."""
    model = tiny_model()
    x, y = tiny_batch()

    @torch.no_grad()
    def step(closure):
        if guard == "with":
            with torch.enable_grad():
                return closure()
        if guard == "wrap":
            return torch.enable_grad()(closure)()
        return closure()

    def closure():
        loss = mse(model, x, y)
        loss.backward()
        return loss

    if guard == "none":
        with pytest.raises(RuntimeError, match=NO_GRAD_FN):
            step(closure)
    else:
        assert step(closure).requires_grad and model.weight.grad is not None


@pytest.mark.parametrize("deco, trains", [(torch.inference_mode, False), (torch.no_grad, True)],
                         ids=["inference_mode", "no_grad"])
def test_grad_decorated_forward_inside_trained_model(deco, trains):
    """NG206: a submodule whose `forward` is `@torch.inference_mode()` makes
    the trainable layer after it raise at forward time; `@torch.no_grad()`
    gives a normal tensor and the model trains."""

    class Standardize(nn.Module):
        @deco()
        def forward(self, x):
            return (x - 1.0) / 2.0

    torch.manual_seed(0)
    model = nn.Sequential(Standardize(), nn.Linear(3, 1))
    x, y = tiny_batch()
    if trains:
        nn.functional.mse_loss(model(x), y).backward()
        assert model[1].weight.grad is not None
    else:
        with pytest.raises(RuntimeError, match=INFERENCE_SAVED):
            model(x)


def test_project_no_grad_subclass_disables_gradients():
    """NG301, NG101: a project's own `class X(torch.no_grad)` works as a
    context manager and as a decorator, exactly like `torch.no_grad`."""

    class frozen_graph(torch.no_grad):
        pass

    model = tiny_model()
    x, _ = tiny_batch()
    with frozen_graph():
        assert model(x).grad_fn is None
    assert frozen_graph()(model)(x).grad_fn is None
    assert mode() == (True, False)


def test_no_grad_loss_in_a_sum_gets_no_gradient():
    """NG201: a loss term computed under no_grad and stored in a dict slot
    does not stop `backward()` on the sum, but its module never gets a
    gradient; a list of only such losses makes `backward()` raise."""
    torch.manual_seed(0)
    seg, depth = nn.Linear(3, 1), nn.Linear(3, 1)
    x, y = tiny_batch()
    losses = {"seg": nn.functional.mse_loss(seg(x), y)}
    with torch.no_grad():
        losses["depth"] = nn.functional.mse_loss(depth(x), y)
    sum(losses.values()).backward()
    assert seg.weight.grad is not None and depth.weight.grad is None

    slots = [None, None]
    for i in range(2):
        with torch.no_grad():
            slots[i] = nn.functional.mse_loss(depth(x), y)
    with pytest.raises(RuntimeError, match=NO_GRAD_FN):
        torch.stack(slots).mean().backward()


class _SignlessSGD(torch.optim.Optimizer):
    """Plain SGD written as people write custom optimizers; `guard` is how `step` calls the closure."""

    def __init__(self, params, lr, guard):
        super().__init__(params, dict(lr=lr))
        self.guard = guard

    @torch.no_grad()
    def step(self, closure=None):
        if self.guard == "enable_grad":
            with torch.enable_grad():
                loss = closure()
        else:
            loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                p.add_(p.grad, alpha=-group["lr"])
        return loss


def _fit_with_closure(make_optimizer, steps=3):
    model = tiny_model()
    x, y = tiny_batch()
    opt = make_optimizer(model.parameters())

    def closure():
        opt.zero_grad()
        loss = mse(model, x, y)
        loss.backward()
        return loss

    losses = [opt.step(closure) for _ in range(steps)]
    return model, losses


def test_optimizer_subclass_calling_its_closure_under_no_grad():
    """NG205: `opt.step(closure)` of a torch.optim.Optimizer subclass whose `@torch.no_grad()`
    step calls `closure()` directly raises; the fix (`with torch.enable_grad():` around the call)
    makes it train exactly like torch.optim.SGD with the same closure, and the loss it returns
    carries its graph as SGD's does."""
    with pytest.raises(RuntimeError, match=NO_GRAD_FN):
        _fit_with_closure(lambda params: _SignlessSGD(params, 0.1, guard="none"))
    fixed, fixed_losses = _fit_with_closure(lambda params: _SignlessSGD(params, 0.1, guard="enable_grad"))
    reference, reference_losses = _fit_with_closure(lambda params: torch.optim.SGD(params, lr=0.1))
    torch.testing.assert_close(fixed.weight, reference.weight, rtol=0, atol=0)
    torch.testing.assert_close(fixed.bias, reference.bias, rtol=0, atol=0)
    assert [a.item() for a in fixed_losses] == [b.item() for b in reference_losses]
    assert all(loss.requires_grad for loss in fixed_losses + reference_losses)


def test_enable_grad_changes_no_value_a_closure_computes():
    """NG205 (fix safety): a closure that needs no gradients returns the same value under
    `enable_grad` inside a no_grad step; only its result now carries the graph."""
    model = tiny_model()
    x, y = tiny_batch()
    with torch.no_grad():
        plain = mse(model, x, y)
        with torch.enable_grad():
            enabled = mse(model, x, y)
    assert torch.equal(plain, enabled.detach())
    assert not plain.requires_grad and enabled.requires_grad


@pytest.mark.parametrize("guard, works", [("none", False), ("enable_grad", False), ("inference_mode(False)", True)])
def test_closure_in_an_inference_mode_step(guard, works):
    """NG205: in an `@torch.inference_mode()` step, `enable_grad()` turns gradients on but leaves
    inference mode on, so the closure's backward still raises; `inference_mode(False)` works."""
    model = tiny_model()
    x, y = tiny_batch()
    contexts = {"none": _nullcontext, "enable_grad": torch.enable_grad,
                "inference_mode(False)": lambda: torch.inference_mode(False)}

    def closure():
        loss = mse(model, x, y)
        loss.backward()
        return loss

    @torch.inference_mode()
    def step():
        with contexts[guard]():
            return mode(), closure()

    if works:
        seen, loss = step()
        assert seen == (True, False) and loss.requires_grad and model.weight.grad is not None
    else:
        with pytest.raises(RuntimeError, match=NO_GRAD_FN):
            step()


def test_no_grad_forward_matches_inference_mode_forward():
    """NG206 (fix safety): a frozen module's forward gives the same values under `no_grad` as
    under `inference_mode`; only `is_inference()` tells them apart. With `no_grad`, the model
    that contains it gets the same gradients as with an undecorated forward."""

    def standardize(deco):
        class Standardize(nn.Module):
            @deco
            def forward(self, x):
                return (x - 1.0) / 2.0
        return Standardize()

    x, y = tiny_batch()
    outputs = {name: standardize(deco)(x) for name, deco in
               [("inference", torch.inference_mode()), ("no_grad", torch.no_grad()), ("plain", lambda f: f)]}
    assert torch.equal(outputs["inference"], outputs["no_grad"]) and torch.equal(outputs["no_grad"], outputs["plain"])
    assert outputs["inference"].is_inference() and not outputs["no_grad"].is_inference()

    grads = {}
    for name, deco in [("no_grad", torch.no_grad()), ("plain", lambda f: f)]:
        torch.manual_seed(0)
        model = nn.Sequential(standardize(deco), nn.Linear(3, 1))
        nn.functional.mse_loss(model(x), y).backward()
        grads[name] = model[1].weight.grad
    torch.testing.assert_close(grads["no_grad"], grads["plain"], rtol=0, atol=0)


@pytest.mark.parametrize("kind", ["pre_hook", "hook", "recording_hook"])
def test_inference_mode_forward_hooks_in_a_trained_model(kind):
    """NG206: a forward pre-hook or forward hook decorated with `@torch.inference_mode()` that
    returns a value hands inference tensors to the trained layers, which raise; a hook that
    returns nothing leaves the model's tensors alone and training works."""
    torch.manual_seed(0)
    first, head = nn.Linear(3, 3), nn.Linear(3, 1)
    recorded = []

    @torch.inference_mode()
    def pre_hook(module, args):
        return (args[0] * 2,)

    @torch.inference_mode()
    def hook(module, inputs, output):
        return output * 2

    @torch.inference_mode()
    def recording_hook(module, inputs, output):
        recorded.append(output.clone())

    if kind == "pre_hook":
        first.register_forward_pre_hook(pre_hook)
    else:
        first.register_forward_hook(hook if kind == "hook" else recording_hook)
    model = nn.Sequential(first, head)
    x, y = tiny_batch()
    if kind == "recording_hook":
        nn.functional.mse_loss(model(x), y).backward()
        assert head.weight.grad is not None and recorded[0].is_inference()
    else:
        with pytest.raises(RuntimeError, match=INFERENCE_SAVED):
            model(x)


def test_set_grad_enabled_flag_statement_leaks_when_false():
    """NG304: a bare `torch.set_grad_enabled(training)` in a function leaves gradients off after
    it returns when `training` is False (and on, inside a caller's no_grad, when it is True);
    the `with` form restores the caller's mode."""

    def run_phase(training):
        torch.set_grad_enabled(training)
        return torch.is_grad_enabled()

    assert run_phase(False) is False and torch.is_grad_enabled() is False
    torch.set_grad_enabled(True)
    with torch.no_grad():
        assert run_phase(True) is True
        assert torch.is_grad_enabled() is True  # the caller's no_grad block is undone
    torch.set_grad_enabled(True)

    def with_form(training):
        with torch.set_grad_enabled(training):
            return torch.is_grad_enabled()

    assert with_form(False) is False and torch.is_grad_enabled() is True


def test_importing_a_module_that_disables_gradients(tmp_path, monkeypatch):
    """NG304: importing a module whose top level runs `torch.set_grad_enabled(False)` disables
    gradients in the importing thread, and the importer's training step then raises."""
    (tmp_path / "grad_off_features.py").write_text(
        "import torch\n\ntorch.set_grad_enabled(False)\n\n\ndef features(x):\n    return x * 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    def importer():
        grad_off_features = importlib.import_module("grad_off_features")
        sys.modules.pop("grad_off_features")
        model = tiny_model()
        x, y = tiny_batch()
        loss = mse(model, grad_off_features.features(x), y)
        try:
            loss.backward()
        except RuntimeError as error:
            return torch.is_grad_enabled(), str(error)
        return torch.is_grad_enabled(), None

    assert run_in_fresh_thread(importer) == (False, "element 0 of tensors " + NO_GRAD_FN)


def test_volatile_variables_no_longer_disable_gradients():
    """NG101: `Variable(x, volatile=True)` was how code ran without gradients before PyTorch 0.4;
    torch now only warns, and the forward pass it feeds records a graph."""
    from torch.autograd import Variable

    model = torch.nn.Linear(3, 3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        batch = Variable(torch.randn(2, 3), volatile=True)
    assert any("volatile was removed and now has no effect" in str(w.message) for w in caught)
    out = model(batch)
    assert out.requires_grad and out.grad_fn is not None


def test_setting_volatile_on_a_tensor_does_not_disable_gradients():
    """NG101: `x.volatile = True`, the attribute form of the pre-0.4 switch: torch warns, the
    attribute stays False, and the forward pass on `x` records a graph."""
    model = torch.nn.Linear(3, 3)
    batch = torch.randn(2, 3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        batch.volatile = True
        assert batch.volatile is False
    assert any("volatile was removed" in str(w.message) for w in caught)
    assert model(batch).grad_fn is not None


def test_detaching_every_parameter_in_place_freezes_the_module():
    """NG101: `for p in m.parameters(): p.detach_()` (a mean teacher's copy) leaves every
    parameter a leaf that no longer requires grad: the module's forward on plain inputs records
    nothing, as after `p.requires_grad = False`."""
    model = torch.nn.Linear(3, 2)
    for param in model.parameters():
        param.detach_()
    assert not any(p.requires_grad for p in model.parameters())
    assert isinstance(model.weight, torch.nn.Parameter)
    assert model(torch.randn(4, 3)).grad_fn is None


def test_a_tensor_added_into_a_numpy_array_slot_becomes_a_number():
    """NG102: `scores[i] += out` with `scores` a NumPy array stores a float (torch warns about a
    tensor that requires grad); the array keeps no tensor and no graph."""
    np = pytest.importorskip("numpy")
    scores = np.zeros(2)
    out = torch.nn.Linear(3, 1)(torch.randn(1, 3)).sum()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores[0] += out
    assert scores.dtype == np.float64 and isinstance(scores[0], np.float64)
    assert scores[0] == pytest.approx(out.item())


@pytest.mark.parametrize("make_optimizer", [
    lambda params: torch.optim.SGD(params, lr=0.1, momentum=0.9, weight_decay=0.1),
    lambda params: torch.optim.Adam(params, lr=0.1),
    lambda params: torch.optim.AdamW(params, lr=0.1, weight_decay=0.1),
], ids=["SGD", "Adam", "AdamW"])
def test_a_module_run_under_no_grad_never_learns_though_its_optimizer_steps(make_optimizer):
    """NG208: a module whose forward runs under no_grad (decorated, or in a block of the caller)
    feeds a loss that also has a graph through a trainable head: backward() works, the module's
    parameters keep `.grad is None`, and an optimizer step over them (weight decay and momentum
    too) leaves them unchanged, while the head learns. With the forward run with gradients on,
    the same step changes the module."""

    class Tower(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Linear(8, 4)

        @torch.no_grad()
        def forward(self, x):
            return self.encoder(x)

    def train(tower, encode):
        torch.manual_seed(0)
        head = nn.Linear(4, 1)
        optimizer = make_optimizer([{"params": tower.parameters()}, {"params": head.parameters()}])
        x, y = torch.randn(16, 8), torch.randn(16, 1)
        before = [p.detach().clone() for p in (*tower.parameters(), *head.parameters())]
        for _ in range(3):
            loss = ((head(encode(x)) - y) ** 2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        after = list(tower.parameters()) + list(head.parameters())
        return [not torch.equal(b, a) for b, a in zip(before, after)], [p.grad is None for p in tower.parameters()]

    torch.manual_seed(0)
    tower = Tower()
    assert train(tower, tower) == ([False, False, True, True], [True, True])

    def encode_in_block(x):
        with torch.no_grad():
            return tower.encoder(x)
    assert train(tower, encode_in_block) == ([False, False, True, True], [True, True])
    assert train(tower, tower.encoder) == ([True, True, True, True], [False, False])


def test_a_parameter_clamped_under_no_grad_and_returned_gets_no_gradient():
    """NG208: a constraint whose `forward` returns `kernel.clamp(...)` from inside
    `with torch.no_grad():` returns a tensor without a graph, so a parameter passed through it
    gets no gradient and an optimizer step leaves it unchanged; clamping differentiably, or in
    place and then reading the parameter itself, keeps its gradient."""

    class NoGradClamp(nn.Module):
        def forward(self, kernel):
            with torch.no_grad():
                return kernel.clamp(0.0, 1.0)

    class InPlaceClamp(nn.Module):
        def forward(self, kernel):
            with torch.no_grad():
                kernel.clamp_(0.0, 1.0)

    grid = torch.linspace(-1.0, 1.0, 5)
    kernel = nn.Parameter(torch.full((3, 1), 0.5))
    optimizer = torch.optim.SGD([kernel], lr=0.1)
    before = kernel.detach().clone()
    weight = torch.cos(NoGradClamp()(kernel) * grid)
    assert not weight.requires_grad  # nothing to backpropagate into the kernel
    (torch.cos(NoGradClamp()(kernel) * grid).sum() + kernel.sum() * 0).backward()
    optimizer.step()
    assert kernel.grad is not None and bool((kernel.grad == 0).all())  # only the `* 0` path
    assert torch.equal(kernel.detach(), before)
    kernel.grad = None
    InPlaceClamp()(kernel)
    torch.cos(kernel.clamp(0.0, 1.0) * grid).sum().backward()
    assert kernel.grad is not None and bool((kernel.grad != 0).any())


def test_a_no_grad_function_given_graph_outputs_cuts_the_layers_before_it():
    """NG208: a parameter-free module (or a method) decorated with `@torch.no_grad()` that computes
    its outputs from graph-carrying inputs returns tensors without a graph: the layers that made
    its inputs get no gradient through it (a rotary embedding on `q_proj`/`k_proj`), while a layer
    whose output bypasses it still does. A decorated function that returns an input unchanged
    keeps that input's graph (the known limit the rule's docs name)."""

    class Rotate(nn.Module):
        @torch.no_grad()
        def forward(self, q, k):
            return q.flip(-1) * 2, k.flip(-1) * 2

    @torch.no_grad()
    def identity(x):
        return x

    torch.manual_seed(0)
    q_proj, k_proj, v_proj = nn.Linear(4, 4), nn.Linear(4, 4), nn.Linear(4, 4)
    x = torch.randn(3, 4)
    q, k = Rotate()(q_proj(x), k_proj(x))
    assert (q.requires_grad, k.requires_grad) == (False, False)
    ((q * k).sum() + v_proj(x).sum()).backward()
    assert [p.grad is None for p in (*q_proj.parameters(), *k_proj.parameters(), *v_proj.parameters())] == [
        True, True, True, True, False, False]
    assert identity(q_proj(x)).requires_grad


def test_a_helper_that_backpropagates_what_it_computes_raises_under_a_callers_no_grad():
    """NG201 (a call of a helper that backpropagates): a loss helper called under the caller's
    `no_grad` computes its loss without a graph, so its `backward()` raises; the same helper
    called with gradients on trains. Arithmetic under `no_grad` on a loss that carries a graph
    drops the graph too, while a loss handed over unchanged keeps it."""
    x, y = tiny_batch()
    model = tiny_model()

    class LossCompute:
        def __init__(self, criterion):
            self.criterion = criterion

        def __call__(self, out, target, norm):
            loss = self.criterion(out, target) / norm
            loss.backward()
            return loss.item()

    def run_epoch(batches, net, loss_compute):
        return sum(loss_compute(net(a), b, 2.0) for a, b in batches)

    run_epoch([(x, y)], model, LossCompute(nn.MSELoss()))
    assert model.weight.grad is not None
    with torch.no_grad(), pytest.raises(RuntimeError, match=NO_GRAD_FN):
        run_epoch([(x, y)], model, LossCompute(nn.MSELoss()))

    loss = mse(model, x, y)
    with torch.no_grad():
        scaled = loss / 2.0
        handed_over = [loss][0]
    assert scaled.grad_fn is None and not scaled.requires_grad
    assert handed_over.grad_fn is not None



@pytest.mark.parametrize("ctx", [torch.no_grad, torch.inference_mode], ids=["no_grad", "inference_mode"])
def test_a_loss_computed_without_gradients_gives_its_inputs_none(ctx):
    """NG209: a feature loss whose frozen encoder runs on the prediction and the target inside a
    disabling block returns a value without a graph: added to a pixel loss, the prediction's
    gradient is exactly the pixel loss's alone; used alone, backward() raises. With only the
    target's branch in the block, the feature term does reach the prediction."""
    torch.manual_seed(0)
    encoder = nn.Conv2d(3, 4, 3, padding=1).requires_grad_(False)
    hr = torch.randn(2, 3, 8, 8)

    def feature_loss(sr, target_only):
        with ctx():
            features_hr = encoder(hr)
            features_sr = None if target_only else encoder(sr)
        if target_only:
            features_sr = encoder(sr)
        return nn.functional.l1_loss(features_sr, features_hr)

    def gradient(loss_of):
        sr = torch.randn(2, 3, 8, 8, generator=torch.Generator().manual_seed(1), requires_grad=True)
        loss_of(sr).backward()
        return sr.grad

    pixel = gradient(lambda sr: nn.functional.l1_loss(sr, hr))
    assert torch.equal(gradient(lambda sr: nn.functional.l1_loss(sr, hr) + feature_loss(sr, False)), pixel)
    assert not torch.equal(gradient(lambda sr: nn.functional.l1_loss(sr, hr) + feature_loss(sr, True)), pixel)
    with pytest.raises(RuntimeError, match="does not require grad"):
        gradient(lambda sr: feature_loss(sr, False))


@pytest.mark.parametrize("name", sorted(INDEX_VALUED))
def test_index_valued_torch_functions_give_no_graph(name):
    """NG101: `torch.argmax(logits, 1)`, `torch.multinomial(probs, 1)` and the comparisons give a
    tensor without a graph whatever their input carries (the interpreter's INDEX_VALUED), so a
    decoding loop that feeds them back throws the graph of every step away; `round`, `sign` and
    `floor` are not among them: they keep a graph (of zero gradients)."""
    x = torch.rand(3, 4, requires_grad=True)
    arguments = {"multinomial": (x, 1), "isclose": (x, x.detach()), "searchsorted": (torch.arange(4.0), x),
                 "bucketize": (x, torch.tensor([0.5])), "logical_and": (x, x), "logical_or": (x, x),
                 "logical_xor": (x, x), "eq": (x, 0.5), "ne": (x, 0.5), "gt": (x, 0.5), "lt": (x, 0.5),
                 "ge": (x, 0.5), "le": (x, 0.5)}.get(name, (x,))
    assert not getattr(torch, name)(*arguments).requires_grad
    for kept in ("round", "sign", "floor"):
        assert getattr(torch, kept)(x).requires_grad


@pytest.mark.parametrize("method", sorted(GRAPHLESS_DRAWS))
@pytest.mark.parametrize("make", [
    lambda p: torch.distributions.Categorical(logits=p),
    lambda p: torch.distributions.Normal(p, 1.0),
    lambda p: torch.distributions.Bernoulli(logits=p),
    lambda p: torch.distributions.MultivariateNormal(p, torch.eye(4)),
], ids=["Categorical", "Normal", "Bernoulli", "MultivariateNormal"])
def test_a_distribution_draws_without_a_graph_and_differentiates_the_rest(method, make):
    """NG101: `dist.sample()` (and `sample_n`) of a torch distribution built from a graph-carrying
    tensor has no graph (a rollout's sampled actions keep no step's graph), while `log_prob`
    and `entropy` differentiate the distribution's parameters (the interpreter's GRAPHLESS_DRAWS)."""
    p = torch.rand(3, 4, requires_grad=True)
    dist = make(p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sample_n is deprecated
        drawn = getattr(dist, method)(2) if method == "sample_n" else dist.sample()
    assert not drawn.requires_grad
    assert dist.log_prob(dist.sample()).requires_grad
    if not dist.has_rsample:  # a location's entropy does not depend on it
        assert dist.entropy().requires_grad
    else:
        assert dist.rsample().requires_grad


@pytest.mark.parametrize("name", sorted(INDEXING_REDUCTIONS))
def test_indices_of_a_reduction_have_no_graph(name):
    """NG101: the `.indices` of `x.topk(k)`, `x.sort()`, `x.max(dim)` (the interpreter's
    INDEXING_REDUCTIONS) carry no graph, and their `.values` do: a decoding loop that feeds
    `logits.topk(1).indices` back throws the graph of every step away."""
    x = torch.rand(3, 4, requires_grad=True)
    arguments = {"topk": (2,), "kthvalue": (2, 1)}.get(name, (1,))
    result = getattr(x, name)(*arguments)
    assert not result.indices.requires_grad
    assert result.values.requires_grad
    assert not getattr(torch, name)(x, *arguments).indices.requires_grad
    assert result[1] is result.indices or torch.equal(result[1], result.indices)  # `torch.max(x, 1)[1]`
    assert not result[1].requires_grad and result[0].requires_grad


def test_a_deep_copy_of_a_model_records_a_graph_its_detach_throws_away():
    """NG101 (a teacher copied with `copy.deepcopy(model)`, its output `.detach()`ed at once): the
    copy's parameters still require grad, so its forward pass records a graph; `detach()` only
    drops it afterwards, and under `no_grad` nothing is recorded while the values stay the same."""
    import copy

    torch.manual_seed(0)
    student = nn.Linear(4, 3)
    teacher = copy.deepcopy(student)
    x = torch.randn(2, 4)
    recorded = teacher(x)
    assert all(p.requires_grad for p in teacher.parameters())
    assert recorded.grad_fn is not None
    with torch.no_grad():
        unrecorded = teacher(x)
    assert unrecorded.grad_fn is None
    assert torch.equal(recorded.detach(), unrecorded)


def test_log_probs_appended_during_a_rollout_keep_their_graphs_for_the_update():
    """NG101 (a helper appending to its object's container is not a rollout's thrown-away graph):
    log-probabilities appended step by step keep their graphs, and the update after the episode
    backpropagates through them into the policy."""
    torch.manual_seed(0)
    policy = nn.Linear(4, 2)
    log_probs = []
    for _ in range(3):
        probs = torch.softmax(policy(torch.randn(4)), dim=-1)
        action = int(probs.argmax())
        log_probs.append(torch.log(probs[action]))
    assert all(lp.grad_fn is not None for lp in log_probs)
    (-torch.stack(log_probs).sum()).backward()
    assert policy.weight.grad is not None and policy.weight.grad.abs().sum() > 0


def test_a_model_whose_forward_differentiates_its_input_cannot_be_evaluated_under_no_grad():
    """NG101 (not reported on a model of no known class in a project whose `forward` calls
    `torch.autograd.grad`): a learned potential returns forces as the gradient of its energy with
    respect to the positions. Evaluated in eval mode with gradients on it works; under `no_grad`
    the energy has no graph and `autograd.grad` raises."""

    class EnergyNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.mlp = nn.Sequential(nn.Linear(3, 8), nn.SiLU(), nn.Linear(8, 1))

        def forward(self, pos):
            pos = pos.requires_grad_() if not pos.requires_grad else pos
            energy = self.mlp(pos).sum()
            return energy, -torch.autograd.grad(energy, pos, create_graph=self.training)[0]

    model = EnergyNet().eval()
    energy, forces = model(torch.randn(5, 3))
    assert forces.shape == (5, 3) and not forces.requires_grad
    with torch.no_grad():
        with pytest.raises(RuntimeError, match="does not require grad"):
            model(torch.randn(5, 3))


def test_an_in_place_update_under_no_grad_keeps_the_graph_but_records_nothing_for_its_term():
    """NG208 (a parameter added in place under `no_grad` in `forward`) and NG201 (not reported for
    `loss += c` under `no_grad`): an in-place update with gradients disabled leaves the tensor its
    graph, so the backward pass works and reaches what computed it, but the term records nothing
    and the parameter it reads gets no gradient. Rebinding the name out of place cuts the graph."""
    weight = nn.Parameter(torch.randn(3, 3))
    bias = nn.Parameter(torch.randn(3))
    hidden = torch.randn(2, 3) @ weight
    with torch.no_grad():
        hidden += bias
    assert hidden.requires_grad and hidden.grad_fn is not None
    hidden.sum().backward()
    assert weight.grad is not None and bias.grad is None

    loss = (torch.randn(2, 3) @ weight).pow(2).mean()
    with torch.no_grad():
        loss += 1.0
    loss.backward()  # no "does not require grad"

    rebound = torch.randn(2, 3) @ weight
    with torch.no_grad():
        rebound = rebound + bias
    assert not rebound.requires_grad


def test_target_network_copy_records_a_graph_that_detach_throws_away():
    """NG101 (target networks): a `copy.deepcopy` of the online network keeps `requires_grad=True`,
    so its pass records a graph (saved activations) even though the TD target detaches it; under
    `no_grad` the target has the same values and the online network gets the same gradients."""
    import copy

    torch.manual_seed(0)
    online = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))
    target = copy.deepcopy(online)
    state, next_state, reward = torch.randn(5, 4), torch.randn(5, 4), torch.randn(5)

    def td_gradients(disable: bool):
        online.zero_grad()
        saved = []
        with saved_tensors_hooks(lambda t: saved.append(t) or t, lambda t: t):
            if disable:
                with torch.no_grad():
                    next_q = target(next_state).max(1)[0]
            else:
                next_q = target(next_state).max(1)[0]
        records = next_q.grad_fn is not None
        td_target = (reward + 0.99 * next_q).detach()
        loss = ((online(state).max(1)[0] - td_target) ** 2).mean()
        loss.backward()
        return records, len(saved), td_target, [p.grad.clone() for p in online.parameters()]

    recorded, saved_with_grad, target_with_grad, grads_with = td_gradients(disable=False)
    unrecorded, saved_without, target_without, grads_without = td_gradients(disable=True)
    assert recorded and saved_with_grad > 0
    assert not unrecorded and saved_without == 0
    assert torch.equal(target_with_grad, target_without)
    assert all(torch.equal(a, b) for a, b in zip(grads_with, grads_without))


def test_a_forward_that_reads_its_input_under_no_grad_passes_no_gradient_back():
    """NG210 (a callee's own `no_grad`): a module whose `forward` computes from its input only
    inside `with torch.no_grad():` (a discriminator's spectrogram) returns a tensor that requires
    grad through its own layers, so the generator's loss backpropagates without error, but the
    generator gets no gradient; computed with gradients on, it gets one."""

    class Spectral(nn.Module):
        def __init__(self, cut: bool):
            super().__init__()
            self.cut = cut
            self.head = nn.Linear(8, 1)

        def forward(self, signal):
            if self.cut:
                with torch.no_grad():
                    features = signal.abs()
            else:
                features = signal.abs()
            return self.head(features)

    torch.manual_seed(0)
    for cut in (True, False):
        generator = nn.Linear(4, 8)
        output = Spectral(cut)(generator(torch.randn(3, 4)))
        assert output.requires_grad
        output.mean().backward()
        assert (generator.weight.grad is None) is cut


def test_an_attack_restart_scored_with_gradients_on_records_a_graph_no_gradient_needs():
    """NG101 (an attack's restart scoring): after following the input's gradient, PGD scores the
    perturbation with one more pass, `model(X + delta)`, whose loss is only compared or detached.
    With gradients on, that pass records a graph (the model's parameters and `delta` require
    grad); under `no_grad` it records none, and the perturbation kept is the same."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3))
    X, y = torch.randn(8, 6), torch.randint(0, 3, (8,))

    def attack(disable: bool):
        torch.manual_seed(1)
        max_loss, max_delta, recorded = torch.zeros(8), torch.zeros_like(X), []
        for _ in range(2):
            delta = torch.zeros_like(X).uniform_(-0.1, 0.1)
            delta.requires_grad = True
            for _ in range(3):
                torch.nn.functional.cross_entropy(model(X + delta), y).backward()
                delta.data = torch.clamp(delta + 0.01 * delta.grad.sign(), -0.1, 0.1)
                delta.grad.zero_()
            with torch.no_grad() if disable else contextlib.nullcontext():
                all_loss = torch.nn.functional.cross_entropy(model(X + delta), y, reduction="none")
            recorded.append(all_loss.grad_fn is not None)
            max_delta[all_loss >= max_loss] = delta.detach()[all_loss >= max_loss]
            max_loss = torch.max(max_loss, all_loss.detach())
        return recorded, max_delta

    recorded, with_grad = attack(disable=False)
    unrecorded, without_grad = attack(disable=True)
    assert recorded == [True, True] and unrecorded == [False, False]
    assert torch.equal(with_grad, without_grad)


def test_layers_detached_at_once_in_forward_record_a_graph_the_head_never_uses():
    """NG101 (layers detached at once in a module's `forward`): `x1 = self.stage1(x).detach()`
    runs a stage whose parameters require grad, so the pass records a graph (the stage's output
    has a `grad_fn` before the detach); under `no_grad` it records none, and the head's output
    and gradients are the same."""
    torch.manual_seed(0)

    class EdgeNet(nn.Module):
        def __init__(self, disable: bool):
            super().__init__()
            self.disable = disable
            self.stage1, self.stage2 = nn.Linear(6, 5), nn.Linear(5, 4)
            self.head = nn.Linear(9, 1)
            self.recorded = []

        def forward(self, x):
            with torch.no_grad() if self.disable else contextlib.nullcontext():
                out1 = self.stage1(x)
                x1 = out1.detach()
                out2 = self.stage2(x1)
                x2 = out2.detach()
            self.recorded = [out1.grad_fn is not None, out2.grad_fn is not None]
            return self.head(torch.cat([x1, x2], dim=1))

    x = torch.randn(3, 6)
    recording, silent = EdgeNet(disable=False), EdgeNet(disable=True)
    silent.load_state_dict(recording.state_dict())
    outputs = []
    for net in (recording, silent):
        out = net(x)
        out.sum().backward()
        outputs.append((out.detach(), net.head.weight.grad.clone()))
    assert recording.recorded == [True, True] and silent.recorded == [False, False]
    assert torch.equal(outputs[0][0], outputs[1][0]) and torch.equal(outputs[0][1], outputs[1][1])


def test_a_detached_loss_summed_into_the_loss_changes_its_value_and_no_gradient():
    """NG211: a loss detached and added to the loss that is backpropagated is a constant: the
    gradients are those of the other terms alone, and a head only that term reaches keeps no
    gradient; without the `.detach()`, the head gets one and the shared trunk's gradient changes."""
    torch.manual_seed(0)
    trunk, classifier, projector = nn.Linear(4, 8), nn.Linear(8, 3), nn.Linear(8, 2)
    x, y, z = torch.randn(5, 4), torch.tensor([0, 1, 2, 0, 1]), torch.randn(5, 2)

    def grads(detach: bool):
        for module in (trunk, classifier, projector):
            module.zero_grad(set_to_none=True)
        features = trunk(x)
        auxiliary = nn.functional.mse_loss(projector(features), z)
        loss = nn.functional.cross_entropy(classifier(features), y) + 0.5 * (auxiliary.detach() if detach else auxiliary)
        loss.backward()
        return trunk.weight.grad.clone(), projector.weight.grad

    detached_trunk, detached_projector = grads(detach=True)
    features = trunk(x)
    trunk.zero_grad(set_to_none=True)
    nn.functional.cross_entropy(classifier(features), y).backward()
    assert torch.equal(detached_trunk, trunk.weight.grad) and detached_projector is None
    kept_trunk, kept_projector = grads(detach=False)
    assert kept_projector is not None and not torch.allclose(kept_trunk, detached_trunk)


def test_a_discriminator_run_on_a_detached_fake_gives_the_generator_no_gradient():
    """NG211 (a detached input): in a generator step, `netD(fake.detach())` has a graph through
    the discriminator only: the generator's gradient is that of the other terms, and the
    discriminator, which the generator's optimizer does not step, is all the term reaches."""
    torch.manual_seed(0)
    generator, discriminator = nn.Linear(4, 6), nn.Linear(6, 1)
    z, real = torch.randn(5, 4), torch.randn(5, 6)

    def generator_grad(detach: bool):
        generator.zero_grad(set_to_none=True)
        fake = generator(z)
        scores = discriminator(fake.detach() if detach else fake)
        (nn.functional.softplus(-scores).mean() + nn.functional.l1_loss(fake, real)).backward()
        return generator.weight.grad.clone()

    detached = generator_grad(detach=True)
    generator.zero_grad(set_to_none=True)
    nn.functional.l1_loss(generator(z), real).backward()
    assert torch.equal(detached, generator.weight.grad)
    assert not torch.allclose(generator_grad(detach=False), detached)


def test_a_leaf_made_of_argmax_outputs_gives_the_model_no_gradient():
    """NG211 (a new leaf): `torch.argmax(logits, 1).float()` has no graph; made a leaf with
    `requires_grad = True`, a loss on it backpropagates into the leaf only, and the model that
    made the logits keeps `.grad is None` (rounded probabilities, `.detach().round().requires_grad_()`,
    likewise)."""
    torch.manual_seed(0)
    model = nn.Linear(4, 3)
    x, target = torch.randn(6, 4), torch.randint(0, 2, (6,)).float()
    preds = torch.argmax(model(x), dim=1).float()
    assert preds.grad_fn is None and not preds.requires_grad
    preds.requires_grad = True
    ((preds - target) ** 2).mean().backward()
    assert preds.grad is not None and model.weight.grad is None
    mask = torch.sigmoid(model(x))[:, 0].detach().round().requires_grad_()
    ((mask - target) ** 2).mean().backward()
    assert mask.grad is not None and model.weight.grad is None


def test_a_tensor_made_of_numpy_outputs_with_requires_grad_gives_the_model_no_gradient():
    """NG211 (a new leaf): `torch.tensor(pred.detach().numpy(), requires_grad=True)` is a leaf of its
    own; a loss on it (and on labels made the same way) backpropagates without raising, and the
    model that made `pred` keeps `.grad is None`, so its optimizer's step changes nothing."""
    torch.manual_seed(0)
    model = nn.Linear(4, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    before = model.weight.detach().clone()
    x, labels = torch.randn(6, 4), torch.randint(0, 2, (6, 1)).float()
    pred = torch.sigmoid(model(x))
    leaf = torch.tensor(pred.detach().numpy(), requires_grad=True)
    nn.BCELoss()(leaf, torch.tensor(labels.numpy(), requires_grad=True)).backward()
    optimizer.step()
    assert leaf.grad is not None and model.weight.grad is None
    assert torch.equal(model.weight, before)


def test_indices_unpacked_from_a_reduction_carry_no_graph():
    """NG104 and the value model: `values, indices = x.max(1)` (`torch.max(x, 1)`, `topk`,
    `sort`): the values carry the graph, the indices never do."""
    x = torch.randn(3, 5, requires_grad=True)
    for values, indices in (x.max(1), torch.max(x, dim=1), x.topk(2, dim=1), x.sort(dim=1), x.min(1)):
        assert values.requires_grad and values.grad_fn is not None
        assert not indices.requires_grad and indices.grad_fn is None and not indices.is_floating_point()


def test_the_tensor_method_names_are_those_of_torch_tensor():
    """NG101: a method of one of these names, on a value of unknown kind, is not guessed to be a
    project class's (`model.predict(x)` may be; `x.view(n)` never)."""
    public = {name for name in dir(torch.Tensor) if not name.startswith("_")}
    assert public == set(knowledge.TENSOR_METHODS)
    assert {"view", "detach", "sum", "backward", "register_hook"} <= knowledge.TENSOR_METHODS
    assert not {"predict", "act", "scoring_function"} & knowledge.TENSOR_METHODS
