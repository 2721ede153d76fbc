"""The runtime sentinel on real torch, in this process (no mocks).

Call sites are located by marker comments in this file (`# site: NAME`), so the expected line
and column are read from the source, not written twice.
"""
import dataclasses
import gc
import threading
import weakref
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from nograd_lint.sentinel import Sentinel  # noqa: E402
from nograd_lint.sentinel.records import SiteRecord, merge  # noqa: E402

FLOAT = 4
SOURCE = Path(__file__).read_text(encoding="utf-8").splitlines()
HERE = str(Path(__file__).resolve())


def site(name, call):
    """(line, column) of `call` on the line marked `# site: name` (1-based, like the linter)."""
    for number, text in enumerate(SOURCE, 1):
        if text.rstrip().endswith("# site: " + name):
            return number, text.index(call) + 1
    raise AssertionError("no marker " + name)


def where(record):
    return record.path, record.line, record.column


def hooks_active():
    return torch._C._autograd._top_saved_tensors_default_hooks(False) is not None


def mlp():
    return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))


# Activations the MLP saves for backward on a (16, 64) input that needs no grad: the input
# (for the first weight's gradient) and the ReLU output (ReLU's backward and the second
# weight's gradient share it). The weights themselves are the module's state, not counted.
MLP_SAVED = 16 * 64 * FLOAT + 16 * 32 * FLOAT


class Evaluator:
    """Evaluation dispatched by name, the way configs pick tasks."""

    def __init__(self, model):
        self.model = model

    def task_logits(self, x):
        return self.model(x)  # site: dispatch

    def run(self, task, x):
        return getattr(self, "task_" + task)(x)


def run_callbacks(callbacks, batch):
    return [callback(batch) for callback in callbacks]


# --- what is reported -----------------------------------------------------------------------

def test_eval_forward_through_getattr_dispatch_and_a_callback_is_reported():
    model = mlp().eval()
    x = torch.randn(16, 64)
    with Sentinel() as sentinel:
        logits = Evaluator(model).run("logits", x)
        outputs = run_callbacks([lambda batch: model(batch).argmax(1)], x)  # site: callback
    findings = sentinel.findings()  # equal bytes: in file order
    assert [(r.line, r.column, r.function) for r in findings] == [
        (*site("dispatch", "self.model(x)"), "Evaluator.task_logits"),
        (*site("callback", "model(batch)"), "test_eval_forward_through_getattr_dispatch_and_a_"
                                            "callback_is_reported.<locals>.<lambda>"),
    ]
    for record in findings:
        assert record.path == HERE
        assert (record.kind, record.modules, record.forwards) == ("eval", ["Sequential"], 1)
        assert record.saved_bytes == MLP_SAVED
        assert record.used is False and record.finding
    del logits, outputs


def test_outermost_eval_module_is_reported_not_its_submodules():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = mlp()

        def forward(self, x):
            return self.body(x)

    model = Net().eval()
    with Sentinel() as sentinel:
        for _ in range(3):
            model(torch.randn(16, 64))  # site: nested
    (record,) = sentinel.records()
    assert (record.line, record.column) == site("nested", "model(torch")
    assert (record.modules, record.forwards, record.saved_bytes) == (["Net"], 3, 3 * MLP_SAVED)


def test_frozen_encoder_fed_a_graph_inside_training_is_reported():
    encoder = mlp().requires_grad_(False)  # frozen, left in training mode
    adapter = nn.Linear(64, 64)
    head = nn.Linear(64, 10)
    optimizer = torch.optim.SGD(list(adapter.parameters()) + list(head.parameters()), lr=0.1)
    x = torch.randn(16, 64)
    with Sentinel() as sentinel:
        for _ in range(2):
            features = adapter(x)
            target = encoder(features).softmax(1).detach()  # site: teacher
            loss = nn.functional.cross_entropy(head(features), target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    (record,) = sentinel.records()
    assert (record.line, record.column) == site("teacher", "encoder(features)")
    assert (record.kind, record.modules, record.forwards) == ("frozen", ["Sequential"], 2)
    # Frozen weights: the first layer needs no input for a weight gradient, only its weight
    # (module state, not counted) for the input's; the ReLU output is saved, per forward.
    assert record.saved_bytes == 2 * 16 * 32 * FLOAT
    assert record.finding


def test_frozen_module_the_backward_flows_through_is_not_reported():
    perceptual = mlp().eval().requires_grad_(False)
    decoder = nn.Linear(64, 64)
    x = torch.randn(16, 64)
    with Sentinel() as sentinel:
        loss = (perceptual(decoder(x)) - perceptual(x)).pow(2).mean()  # site: perceptual
        loss.backward()
    (record,) = sentinel.records()  # perceptual(x): an input without a graph builds none
    assert (record.line, record.column) == site("perceptual", "perceptual(decoder")
    assert (record.kind, record.used, record.finding) == ("frozen", True, False)
    assert sentinel.findings() == []


def test_saliency_map_in_eval_mode_is_not_reported():
    model = mlp().eval()
    with Sentinel() as sentinel:
        image = torch.randn(1, 64, requires_grad=True)
        model(image)[0, 3].backward()  # vanilla gradients
        path = torch.randn(8, 64, requires_grad=True)
        grads, = torch.autograd.grad(model(path)[:, 3].sum(), path)  # integrated gradients
    assert image.grad is not None and grads.shape == (8, 64)
    assert [r.used for r in sentinel.records()] == [True, True]
    assert sentinel.findings() == []


def test_training_step_is_not_watched():
    model = mlp()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with Sentinel() as sentinel:
        loss = model(torch.randn(16, 64)).sum()
        loss.backward()
        optimizer.step()
    assert sentinel.records() == []


def test_eval_submodule_inside_training_is_used_by_its_backward():
    backbone = mlp().eval()  # frozen batch statistics, trainable weights
    head = nn.Linear(10, 2)
    with Sentinel() as sentinel:
        head(backbone(torch.randn(16, 64))).sum().backward()
    (record,) = sentinel.records()
    assert (record.kind, record.used) == ("eval", True)


def test_backward_through_an_intermediate_activation_counts_as_use():
    model = mlp().eval()
    captured = []
    handle = model[1].register_forward_hook(lambda module, args, out: captured.append(out))
    with Sentinel() as sentinel:
        model(torch.randn(16, 64))  # the output is dropped; a feature is backpropagated
        captured[0].sum().backward()
    handle.remove()
    assert [r.used for r in sentinel.records()] == [True]


def test_no_grad_and_inference_mode_forwards_are_not_watched():
    model = mlp().eval()
    with Sentinel() as sentinel:
        with torch.no_grad():
            model(torch.randn(16, 64))
        with torch.inference_mode():
            model(torch.randn(16, 64))
        assert not hooks_active()
    assert sentinel.records() == []


def test_backward_after_the_watch_ended_does_not_count():
    model = mlp().eval()
    with Sentinel() as sentinel:
        out = model(torch.randn(16, 64))
    out.sum().backward()  # too late: findings are decided when the watch ends
    (record,) = sentinel.findings()
    assert (record.used, record.saved_bytes) == (False, MLP_SAVED)


# --- what it must not change -----------------------------------------------------------------

def test_the_sentinel_keeps_no_tensor_alive():
    model = mlp().eval()
    x = torch.randn(16, 64)
    alive = weakref.ref(x)
    with Sentinel() as sentinel:
        out = model(x)
    del x, out
    gc.collect()
    assert alive() is None  # the graph that saved `x` is gone, and nothing else held it
    assert sentinel.findings()[0].saved_bytes == MLP_SAVED


def test_an_exception_inside_a_watched_forward_leaves_no_hook_behind():
    class Failing(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = nn.Linear(4, 4)

        def forward(self, x):
            self.layer(x)
            raise ValueError("bad batch")

    model = Failing().eval()
    with Sentinel() as sentinel:
        with pytest.raises(ValueError, match="bad batch"):
            model(torch.randn(2, 4))
        assert not hooks_active()
        model.layer(torch.randn(2, 4))
    assert not hooks_active()
    assert len(model._forward_hooks) == len(model.layer._forward_hooks) == 0
    assert [(r.modules, r.saved_bytes) for r in sentinel.records()] == [
        (["Failing"], 2 * 4 * FLOAT), (["Linear"], 2 * 4 * FLOAT)]


def test_the_programs_own_saved_tensor_hooks_stay_in_charge():
    packed = []

    def pack(tensor):
        packed.append(tuple(tensor.shape))
        return tensor

    @dataclasses.dataclass
    class Output:
        logits: torch.Tensor

    class Wrapped(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = mlp()

        def forward(self, x):
            return Output(self.body(x))

    model = Wrapped().eval()
    with Sentinel() as sentinel:
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            unused = model(torch.randn(16, 64))
            used = model(torch.randn(16, 64))  # site: own hooks
        used.logits.sum().backward()  # seen through the prehook on the output's grad_fn
    assert (16, 64) in packed and (16, 32) in packed  # the program's hooks saw every tensor
    used_record, unused_record = sorted(sentinel.records(), key=lambda r: r.line, reverse=True)
    assert (used_record.line, used_record.used) == (site("own hooks", "model(")[0], True)
    assert (unused_record.used, unused_record.unmeasured, unused_record.saved_bytes) == (
        False, 1, 0)
    del unused


def test_forwards_in_threads_are_watched_per_thread():
    model = mlp().eval()

    def work():
        for _ in range(5):
            model(torch.randn(16, 64))  # site: thread

    with Sentinel() as sentinel:
        threads = [threading.Thread(target=work) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    (record,) = sentinel.records()
    assert (record.line, record.function, record.forwards) == (
        site("thread", "model(")[0], "test_forwards_in_threads_are_watched_per_thread.<locals>.work", 15)


def test_no_hook_is_left_on_modules_after_the_watch():
    from torch.nn.modules import module

    before = (len(module._global_forward_pre_hooks), len(module._global_forward_hooks))
    model = mlp().eval()
    with Sentinel():
        model(torch.randn(16, 64))
    assert (len(module._global_forward_pre_hooks), len(module._global_forward_hooks)) == before
    assert all(len(m._forward_hooks) == 0 for m in model.modules())


# --- records ----------------------------------------------------------------------------------

def test_records_merge_by_call_site_and_round_trip_through_json():
    a = SiteRecord("f.py", 3, 5, "evaluate", "eval", ["Net"], 2, 100, False, 0, ["t1"])
    b = SiteRecord("f.py", 3, 5, "evaluate", "eval", ["Head"], 1, 50, False, 1, ["t2"])
    c = SiteRecord("f.py", 9, 1, "probe", "eval", ["Net"], 1, 500, True)
    merged = merge([b, c, a])
    assert [(r.line, r.forwards, r.saved_bytes, r.modules, r.tests, r.unmeasured) for r in merged] == [
        (3, 3, 150, ["Head", "Net"], ["t2", "t1"], 1), (9, 1, 500, ["Net"], [], 0)]
    assert SiteRecord.from_dict(merged[0].to_dict()) == merged[0]
    assert merged[0].to_dict()["finding"] is True


def test_an_inner_sentinel_takes_over_from_an_outer_one():
    model = mlp().eval()
    with Sentinel() as outer:
        model(torch.randn(16, 64))  # site: outer
        with Sentinel() as inner:
            model(torch.randn(16, 64))  # site: inner
        model(torch.randn(16, 64))  # site: outer again
    assert [r.line for r in inner.records()] == [site("inner", "model(")[0]]
    assert [(r.line, r.saved_bytes) for r in outer.records()] == [
        (site("outer", "model(")[0], MLP_SAVED), (site("outer again", "model(")[0], MLP_SAVED)]


class Wrapper(nn.Module):
    def __init__(self):
        super().__init__()
        self.inner = nn.Linear(4, 4)

    def forward(self, x):
        return self.inner(x)


def test_an_error_of_the_sentinel_itself_stops_the_watch_not_the_program():
    model = Wrapper().eval()
    # Not a module, ahead of the one with parameters: the sentinel's walk fails on it.
    model._modules = {"plugin": "registered later", "inner": model.inner}
    with Sentinel() as sentinel:
        out = model.inner(torch.ones(2, 4))  # watched
        out = model(torch.ones(2, 4))  # the sentinel fails here and stops
        model.inner(torch.ones(2, 4))  # no longer watched
        assert not hooks_active()
    assert out.shape == (2, 4)
    assert sentinel.error == "AttributeError: 'str' object has no attribute '_parameters'"
    assert [(r.modules, r.forwards) for r in sentinel.records()] == [(["Linear"], 1)]


def test_a_module_whose_parameters_cannot_be_listed_is_still_measured():
    class Lazy(Wrapper):
        def parameters(self, recurse=True):
            raise RuntimeError("parameters are computed lazily")

    model = Lazy().eval()
    with Sentinel() as sentinel:
        out = model(torch.ones(2, 4))
    assert out.shape == (2, 4) and sentinel.error is None
    assert [(r.modules, r.saved_bytes) for r in sentinel.records()] == [(["Lazy"], 2 * 4 * FLOAT)]


def test_user_files_are_outside_libraries_unless_included():
    import sys
    import sysconfig

    from nograd_lint.sentinel.frames import CallSites

    package = Path(sysconfig.get_paths()["purelib"]) / "evalpkg"
    namespace = {"sys": sys}
    exec(compile("def where():\n    return sys._getframe()\n", str(package / "run.py"), "exec"),
         namespace)
    installed = namespace["where"]()  # a real frame of a file in site-packages
    assert CallSites().user_frame(installed) is not installed  # this test's frame instead
    assert CallSites().user_frame(installed).f_code.co_filename == HERE
    assert CallSites((str(package),)).user_frame(installed) is installed
    this_frame = sys._getframe()
    assert CallSites().user_frame(this_frame) is this_frame  # this file is the user's


def test_autograd_nodes_cannot_be_weakly_referenced():
    """Why findings are decided when the watch ends, not when a graph is freed (docs/sentinel.md):
    nodes implemented in C++ accept no weak reference, so their end cannot be observed."""
    x = torch.randn(4, 8, requires_grad=True)
    out = nn.Linear(8, 2)(x * 2).sum()
    for node in (out.grad_fn, out.grad_fn.next_functions[0][0], (x * 2).grad_fn):
        with pytest.raises(TypeError, match="cannot create weak reference"):
            weakref.ref(node)
