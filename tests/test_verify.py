"""The runtime harness on real torch and real subprocesses (no mocks): its measurements, its
comparisons, and every bundled example."""
import concurrent.futures
import dataclasses
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from nograd_lint.verify.examples import declared_rules  # noqa: E402
from nograd_lint.verify.measure import GraphWatch, SavedTensorBytes  # noqa: E402
from nograd_lint.verify.outputs import compare  # noqa: E402
from nograd_lint.verify.pipeline import Options, verify_file  # noqa: E402
from nograd_lint.verify.report import replace_section, table, write_markdown  # noqa: E402
from nograd_lint.verify.targets import discover  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FAST = Options(repeat=2, warmup=0, memory_runs=1, threads=1, timeout=120)
# The NG102 printout example also shows that peak memory is measured plainly, in two fresh
# processes per version.
MEMORY_RUNS = {"ng102_loss_printout_mlp.py": 2}
FAST_ARGS = ["--repeat", "2", "--warmup", "0", "--memory-runs", "1", "--threads", "1",
             "--no-progress"]
EXAMPLE_FILES = [t.path for t in discover([str(EXAMPLES)])]
FLOAT = 4  # bytes per float32
# Rules without an automatic fix: their examples are judged by the claim on the original alone.
UNFIXABLE = {"NG203", "NG204", "NG208", "NG209", "NG210", "NG211", "NG307"}
# examples of rules that are fixed in other cases, whose finding here has no automatic fix
CLAIM_ONLY = {"ng201_validation_loss_helper.py"}
INPLACE_INFERENCE = "RuntimeError: Inplace update to inference tensor outside InferenceMode is not allowed"
SAVED_INFERENCE = "RuntimeError: Inference tensors cannot be saved for backward"
NO_GRAD_FN = "RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn"


def run_cli(*args, cwd=ROOT):
    """The console script when installed next to this interpreter, else `python -m`."""
    script = Path(sys.executable).with_name("nograd-verify")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "nograd_lint.verify.cli"]
    return subprocess.run(command + [str(a) for a in args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


# --- the measurement itself --------------------------------------------------------------

def test_saved_bytes_of_a_linear_layer_are_exact():
    layer = torch.nn.Linear(64, 32)
    x = torch.randn(16, 64)
    with SavedTensorBytes() as saved:
        layer(x)
    # addmm saves mat1 (the input) for the weight's gradient; the weight itself is only
    # needed for the input's gradient, and the input does not require grad.
    assert saved.total_bytes == 16 * 64 * FLOAT
    x.requires_grad_()
    with SavedTensorBytes() as saved:
        layer(x)
    assert saved.total_bytes == 16 * 64 * FLOAT + 32 * 64 * FLOAT  # input + weight (as weight.t())


def test_a_storage_saved_twice_counts_once():
    x = torch.randn(16, 64, requires_grad=True)
    with SavedTensorBytes() as saved:
        y = x * x  # MulBackward saves `self` and `other`: the same storage
        z = x.view(-1) * x.view(-1)  # views of the same storage again
    assert saved.pack_calls == 4
    assert saved.storages == 1
    assert saved.total_bytes == 16 * 64 * FLOAT
    del y, z


def test_measurement_keeps_nothing_alive_and_counts_reused_addresses():
    layer = torch.nn.Linear(64, 32)
    with SavedTensorBytes() as saved:
        out = layer(torch.randn(16, 64))
        assert saved.held_bytes() == 16 * 64 * FLOAT  # held by `out`'s graph
        for _ in range(3):  # each new input may reuse the freed one's address
            out = layer(torch.randn(16, 64))
    assert saved.total_bytes == 4 * 16 * 64 * FLOAT
    assert saved.held_bytes() == 16 * 64 * FLOAT
    del out
    assert saved.held_bytes() == 0  # the pack hook kept no tensor alive


def test_held_bytes_peak_while_graphs_accumulate_and_drop_after_backward():
    w = torch.randn(1024, requires_grad=True)
    with SavedTensorBytes() as saved:
        total = 0
        for _ in range(5):  # `x * w` saves x for w's gradient (x needs none: w is not saved)
            total = total + (torch.randn(1024) * w).sum()
        assert saved.held_bytes() == 5 * 1024 * FLOAT
        total.backward()  # backward releases what every graph saved
        assert saved.held_bytes() == 0
        for _ in range(5):  # one at a time: each graph dropped when the next replaces it
            loss = (torch.randn(1024) * w).sum()
        del loss
    assert saved.held_peak_bytes == 5 * 1024 * FLOAT
    assert saved.held_bytes() == 0


def test_saved_outputs_are_freed_with_their_graph():
    # ReLU saves its output. A pack hook returning that tensor itself would tie it to its own
    # grad_fn in a reference cycle through C++: the graph would never be freed.
    x = torch.randn(256, 64, requires_grad=True)
    with SavedTensorBytes() as saved:
        y = torch.relu(x * 2)  # `* 2` saves nothing; relu saves its output, y
        assert saved.total_bytes == saved.held_bytes() == 256 * 64 * FLOAT
        del y
    assert saved.held_bytes() == 0


def test_behaviour_is_unchanged_under_the_hooks():
    x = torch.randn(8, requires_grad=True)
    with SavedTensorBytes():
        y = torch.sigmoid(x)  # saves its output
        with torch.no_grad():
            y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()
        z = (x ** 3).sum()
        (grad,) = torch.autograd.grad(z, x, create_graph=True)
        grad.sum().backward()  # double backward through unpacked tensors
    assert torch.allclose(x.grad, 6 * x.detach())


GRAPH_SCRIPT = '''\
import torch

w = torch.ones(4, requires_grad=True)
history = []


def step(x):
    return (x * w).sum()


def accumulate(steps):
    total = 0
    for _ in range(steps):
        total = total + step(torch.ones(4))
    return float(total)


def remember(steps):
    for _ in range(steps):
        history.append(step(torch.ones(4)))


def main():
    accumulate(10)
    remember(3)
'''


def test_graph_watch_sees_graphs_held_by_locals_and_globals(tmp_path):
    path = tmp_path / "graphs.py"
    path.write_text(GRAPH_SCRIPT)
    spec = importlib.util.spec_from_file_location("graphs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with GraphWatch(str(path), module.main) as watch:
        module.main()
    # step() returns a graph of 3 nodes (Sum, Mul, AccumulateGrad of w); accumulate() holds
    # ten of them joined by ten Add nodes (`0 + ...` too), sharing w's AccumulateGrad.
    assert (watch.largest, watch.where) == (10 * 3 + 1, "accumulate")
    assert watch.exhausted is False
    with GraphWatch(str(path), module.main, budget=10) as watch:
        module.accumulate(10)
    assert watch.exhausted is True
    module.history.clear()
    with GraphWatch(str(path), module.remember) as watch:  # a global list, seen at its return
        module.remember(2)
    assert (watch.largest, watch.where) == (5, "remember")


def test_compare_outputs():
    a = {"loss": torch.tensor(0.5), "logits": torch.ones(2, 3), "names": ["x"]}
    assert compare(a, {"loss": 0.5, "logits": torch.ones(2, 3), "names": ("x",)}) == (
        True, "outputs match (rtol=0.0001, atol=1e-06)", [])
    equal, detail, _ = compare(a, {"loss": 0.5, "logits": torch.ones(2, 3) * 1.1, "names": ["x"]})
    assert not equal and detail.startswith("['logits']: max |diff| 0.1")
    assert compare(torch.ones(3), torch.ones(4))[:2] == (False, "return value: shape (3,) vs (4,)")


def test_compare_reports_dtype_and_requires_grad():
    assert compare(torch.ones(3), torch.ones(3, dtype=torch.float64))[:2] == (
        False, "return value: dtype float32 vs float64")
    assert compare([torch.ones(2)], [torch.ones(2, dtype=torch.int64)])[:2] == (
        False, "[0]: dtype float32 vs int64")
    graph = torch.ones(3, requires_grad=True) * 2
    assert compare({"out": graph}, {"out": torch.full((3,), 2.0)}) == (
        True, "outputs match (rtol=0.0001, atol=1e-06)", ["['out']: requires_grad True -> False"])
    assert compare(torch.ones(2), torch.ones(2) + 1e-3, rtol=1e-2)[0] is True


def test_declarations():
    assert declared_rules("# nograd-verify: expect NG101 NG102\nx = 1\n") == ["NG101", "NG102"]
    assert declared_rules("x = 1\n") is None


def test_importing_the_cli_imports_neither_torch_nor_rich():
    code = ("import sys, nograd_lint.verify.cli; "
            "assert 'torch' not in sys.modules and 'rich' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# --- the bundled examples ----------------------------------------------------------------

@pytest.fixture(scope="session")  # once per worker, also when other files' tests interleave
def example_results():
    # Two files at a time: each verification is mostly serial, and these tests do not judge
    # timings (the command line verifies one file at a time so that timings are clean).
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda path: verify_file(path, dataclasses.replace(
            FAST, memory_runs=MEMORY_RUNS.get(path.name, 1))), EXAMPLE_FILES))
    return {Path(r.example).name: r for r in results}


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_bundled_example_passes(path, example_results):
    result = example_results[path.name]
    declared = declared_rules(path.read_text())
    assert declared and any(path.name.lower().startswith(code.lower()) for code in declared)
    assert result.found == declared, result.reason
    assert result.passed is True and result.status == "passed", result.reason
    assert result.problems == []
    if set(declared) <= UNFIXABLE or path.name in CLAIM_ONLY:
        _check_claim_only(declared, result, path.name)
    else:
        _check_fixed(declared, result)


# NG101 examples whose fixed code still trains in the same call (a rollout followed by its
# update, the training phase of a loop over phases): the training step's own graph stays
STILL_TRAINS_AFTER_THE_FIX = {"ng101_ppo_rollout_detached_after_loop.py", "ng101_phase_loop_finetuning.py"}
# NG208, NG210 and NG211 examples: (gradients None, gradients present) that main() returns
MISSING_GRADIENTS = {"ng208_unfrozen_vision_tower.py": (2, 2), "ng208_no_grad_rotary_embedding.py": (4, 4),
                     "ng208_node_bias_added_under_no_grad.py": (1, 3),
                     "ng210_vae_perceptual_loss.py": (2, 2), "ng211_detached_auxiliary_loss.py": (2, 4)}


def _check_claim_only(declared, result, name):
    """No automatic fix: only the original ran, and it showed what the finding claims."""
    assert result.unfixable == declared and not result.fix_applied and result.fixes == []
    assert result.after is None and result.comparison is None
    assert result.reason.startswith("no automatic fix: verified the finding's claim: ")
    assert [(v.label, v.safety, v.status) for v in result.verdicts] == [
        (code, "none", "passed") for code in declared]
    before = result.before
    if "NG201" in declared:  # the helper's backward pass on a loss computed under the caller's no_grad
        assert before.error.startswith(NO_GRAD_FN)
    if "NG203" in declared:  # the later, normal optimizer step fails
        assert before.error.startswith(INPLACE_INFERENCE)
    if "NG204" in declared:
        assert before.error.startswith(SAVED_INFERENCE)
    if {"NG208", "NG210", "NG211"} & set(declared):  # training runs; the cut-off layers' gradients are None
        assert before.error is None and (before.none_count, before.tensor_count) == MISSING_GRADIENTS[name]
    if "NG209" in declared:  # training with the loss alone: its backward pass has no graph to follow
        assert before.error.startswith(NO_GRAD_FN)
    if "NG307" in declared:  # the workers' outputs carry graphs although started under no_grad
        assert before.error is None and before.grad_enabled_after is True
        assert before.outputs_require_grad is True and before.outputs_have_grad_fn is True
        assert before.graph_nodes > 0


def _check_fixed(declared, result):
    runs = MEMORY_RUNS.get(Path(result.example).name, 1)
    assert result.fix_applied and set(declared) <= set(result.fixes) | set(result.found)
    assert result.unfixable == []
    # every fix passes, or is not judged because nograd-fix writes another that removes it
    assert all(v.status == "passed" or "another fix removes the finding" in v.reason
               for v in result.verdicts), result.reason
    before, after = result.before, result.after
    assert after.error is None and after.load_error is None
    assert after.outputs_have_grad_fn is False
    assert len(before.peak_rss) == len(after.peak_rss) == runs  # fresh processes, no hooks
    if "NG104" in declared:  # gradients change by design: the target no longer records a graph
        assert before.error is None and not result.comparison.equal
        assert before.outputs_have_grad_fn is True and before.saved_bytes > after.saved_bytes > 0
    elif before.error is None:
        assert result.comparison.equal, result.comparison.detail
    if "NG101" in declared and Path(result.example).name in STILL_TRAINS_AFTER_THE_FIX:
        assert before.saved_bytes > after.saved_bytes > 0  # the update's own graph stays
    elif "NG101" in declared:
        assert before.saved_bytes > 0 and after.saved_bytes == 0
        assert after.peak_rss_bytes < before.peak_rss_bytes
    if "NG102" in declared:  # graphs of earlier iterations are no longer kept during the run
        assert after.graph_nodes_kept < before.graph_nodes_kept
    if "NG103" in declared:
        assert before.error.startswith("RuntimeError: a leaf Variable that requires grad")
    if any(code.startswith("NG2") for code in declared):  # gradients missing -> present
        assert before.error or before.none_count > 0
        assert after.none_count == 0 and after.tensor_count > 0
    if "NG205" in declared:  # the closure's backward inside the no_grad step
        assert before.error.startswith(NO_GRAD_FN)
    if "NG206" in declared:  # the layer after the inference-mode forward
        assert before.error.startswith(SAVED_INFERENCE)
    if {"NG303", "NG308"} & set(declared):  # the uncovered body recorded a graph; the fixed one does not
        assert before.error is None and before.grad_enabled_after is True
        assert before.outputs_require_grad is True and after.outputs_require_grad is False
        assert before.saved_bytes > 0 and after.saved_bytes == 0
    elif any(code.startswith("NG3") for code in declared):  # error gone or grad mode restored
        assert before.error or before.grad_enabled_after is False
        assert after.grad_enabled_after is True and after.inference_mode_after is False
    assert len(before.times) == len(after.times) == 2


def test_ng102_examples_show_what_accumulating_costs(example_results):
    """Summed for a printout without backward, every batch's saved tensors stay held; with
    backward every step, only the chain of graph nodes grows."""
    printout = example_results["ng102_loss_printout_mlp.py"].verdicts[0]
    before, after = example_results["ng102_loss_printout_mlp.py"].before, printout.after
    assert (printout.label, printout.safety) == ("NG102:29", "safe")
    batch = 32 * (256 + 512 + 512) * FLOAT  # a batch's inputs and both ReLU outputs
    weights = (512 * 512 + 10 * 512) * FLOAT  # saved (as weight.t()) once for all batches
    assert before.held_peak_bytes > weights + 120 * batch  # 128 batches held at once
    assert after.held_peak_bytes < weights + 3 * batch
    assert before.graph_nodes_kept > 50 * after.graph_nodes_kept  # 128 graphs against one
    assert before.graph_kept_in == after.graph_kept_in == "initial_loss"
    # Measured plainly (with saved-tensor hooks the fixed version's peak was ~0.6 of the
    # original's): the fix keeps one batch's activations instead of all of them.
    assert after.peak_rss_bytes < 0.4 * before.peak_rss_bytes
    assert len(before.peak_rss) == 2 and "±" in table([example_results[
        "ng102_loss_printout_mlp.py"]]).splitlines()[2]
    lstm = example_results["ng102_loss_accumulation_lstm.py"]
    assert lstm.before.held_peak_bytes == pytest.approx(lstm.after.held_peak_bytes, rel=0.01)
    assert lstm.before.graph_nodes_kept > 5 * lstm.after.graph_nodes_kept
    assert "largest graph kept" in lstm.reason and "held for backward" not in lstm.reason


def test_console_script_on_an_example(tmp_path):
    example = EXAMPLES / "ng103_manual_sgd_mlp.py"
    report, markdown, plot = tmp_path / "r.json", tmp_path / "v.md", tmp_path / "p.png"
    markdown.write_text("# Title\n\n## Savings at scale\n\nkept\n")
    proc = run_cli(example, "--json", report, "--markdown", markdown, "--plot", plot, *FAST_ARGS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[1].split() == ["ng103_manual_sgd_mlp.py", "passed"]
    [entry] = json.loads(report.read_text())
    assert entry["example"].endswith("ng103_manual_sgd_mlp.py") and entry["function"] == "main"
    assert entry["rules"] == ["NG103"] and entry["fixes"] == ["NG103"] and entry["passed"] is True
    [verdict] = entry["verdicts"]
    assert (verdict["fix"], verdict["safety"], verdict["status"]) == ("NG103:26", "safe", "passed")
    for run in (entry["before"], verdict["after"]):
        for key in ("error", "outputs_require_grad", "saved_bytes", "held_peak_bytes",
                    "graph_nodes_kept", "peak_rss", "peak_rss_bytes", "cuda_peak",
                    "median_seconds", "device", "torch_version", "threads"):
            assert key in run
        assert run["device"] == "CPU" and run["threads"] == 1 and len(run["times"]) == 2
    assert entry["before"]["error"].startswith("RuntimeError: a leaf Variable that requires grad")
    assert verdict["after"]["error"] is None and verdict["after"]["outputs_require_grad"] is False
    assert entry["reason"] == "verified: no graph kept, error gone (RuntimeError)"
    assert set(verdict["ratios"]) == {"saved_bytes", "peak_rss", "cuda_peak", "time"}
    text = markdown.read_text()
    assert "## Savings at scale\n\nkept" in text and "\nng103_manual_sgd_mlp.py " in text
    assert "on CPU, 1 thread(s); seed 0; 1 memory run(s) and 2 timed round(s)" in " ".join(
        text.split())
    assert plot.read_bytes().startswith(b"\x89PNG")


def test_markdown_section_replacement(tmp_path):
    text = "intro\n<!-- x:begin -->\nold\n<!-- x:end -->\ntail\n"
    assert replace_section(text, "x", "new") == "intro\n<!-- x:begin -->\nnew\n<!-- x:end -->\ntail\n"
    assert replace_section("no markers", "x", "new") is None
    target = tmp_path / "v.md"
    write_markdown(str(target), [])
    assert "nograd-verify --markdown docs/verification.md" in target.read_text()


def test_the_table_fits_80_columns(example_results):
    lines = table(list(example_results.values())).splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[0].split() == ["fix", "safety", "saved", "peak", "memory", "time", "result"]
