"""The runtime harness on real torch and real subprocesses (no mocks)."""
import concurrent.futures
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from nograd_lint.verify import cli  # noqa: E402
from nograd_lint.verify.examples import declared_rules, discover, main_problem  # noqa: E402
from nograd_lint.verify.judge import judge_claims  # noqa: E402
from nograd_lint.verify.measure import SavedTensorBytes  # noqa: E402
from nograd_lint.verify.outputs import compare  # noqa: E402
from nograd_lint.verify.pipeline import Options, run_and_judge, verify_file  # noqa: E402
from nograd_lint.verify.records import RunRecord  # noqa: E402
from nograd_lint.verify.report import replace_section, row, write_markdown  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CASES = Path(__file__).resolve().parent / "verify_cases"
FAST = Options(repeat=3, warmup=1, threads=1, timeout=120)
FAST_ARGS = ["--repeat", "3", "--warmup", "1", "--threads", "1", "--no-progress"]
EXAMPLE_FILES = discover([EXAMPLES])
FLOAT = 4  # bytes per float32
# Rules without an automatic fix: their examples are judged by the claim on the original alone.
UNFIXABLE = {"NG203", "NG204", "NG307"}
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
        assert saved.retained_bytes() == 16 * 64 * FLOAT  # held by `out`'s graph
        for _ in range(3):  # each new input may reuse the freed one's address
            out = layer(torch.randn(16, 64))
    assert saved.total_bytes == 4 * 16 * 64 * FLOAT
    assert saved.retained_bytes() == 16 * 64 * FLOAT
    del out
    assert saved.retained_bytes() == 0  # the pack hook kept no tensor alive


def test_saved_outputs_are_freed_with_their_graph():
    # ReLU saves its output. A pack hook returning that tensor itself would tie it to its own
    # grad_fn in a reference cycle through C++: the graph would never be freed.
    x = torch.randn(256, 64, requires_grad=True)
    with SavedTensorBytes() as saved:
        y = torch.relu(x * 2)  # `* 2` saves nothing; relu saves its output, y
        assert saved.total_bytes == saved.retained_bytes() == 256 * 64 * FLOAT
        del y
    assert saved.retained_bytes() == 0


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


def test_compare_outputs():
    a = {"loss": torch.tensor(0.5), "logits": torch.ones(2, 3), "names": ["x"]}
    assert compare(a, {"loss": 0.5, "logits": torch.ones(2, 3), "names": ("x",)})[0]
    equal, detail = compare(a, {"loss": 0.5, "logits": torch.ones(2, 3) * 1.1, "names": ["x"]})
    assert not equal and detail.startswith("['logits']: max |diff| 0.1")
    assert compare(torch.ones(3), torch.ones(4)) == (False, "return value: shape (3,) vs (4,)")


def test_declarations_and_main_checks():
    assert declared_rules("# nograd-verify: expect NG101 NG102\nx = 1\n") == ["NG101", "NG102"]
    assert declared_rules("x = 1\n") is None
    assert main_problem("def main():\n    pass\n", "a.py") is None
    assert "no arguments" in main_problem("def main(x):\n    pass\n", "a.py")
    assert "defines no main()" in main_problem("x = 1\n", "a.py")


def test_importing_the_cli_does_not_import_torch():
    code = "import sys, nograd_lint.verify.cli; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# --- the bundled examples ----------------------------------------------------------------

@pytest.fixture(scope="module")
def example_results():
    # Two files at a time: each verification is mostly serial, and these tests do not judge
    # timings (the command line verifies one file at a time so that timings are clean).
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda path: verify_file(path, FAST), EXAMPLE_FILES))
    return {Path(r.example).name: r for r in results}


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_bundled_example_passes(path, example_results):
    result = example_results[path.name]
    declared = declared_rules(path.read_text())
    assert declared and path.name.lower().startswith(declared[0].lower())
    assert result.found == declared, result.reason
    assert result.passed is True and result.status == "passed", result.reason
    if set(declared) <= UNFIXABLE:
        _check_claim_only(declared, result)
    else:
        _check_fixed(declared, result)


def _check_claim_only(declared, result):
    """No automatic fix: only the original ran, and it showed what the finding claims."""
    assert result.unfixable == declared and not result.fix_applied and result.fixes == []
    assert result.after is None and result.comparison is None
    assert result.reason.startswith("no automatic fix: verified the finding's claim: ")
    assert row(result)[2] == "no automatic fix"
    before = result.before
    if "NG203" in declared:  # the later, normal optimizer step fails
        assert before.error.startswith(INPLACE_INFERENCE)
    if "NG204" in declared:
        assert before.error.startswith(SAVED_INFERENCE)
    if "NG307" in declared:  # the workers' outputs carry graphs although started under no_grad
        assert before.error is None and before.grad_enabled_after is True
        assert before.outputs_require_grad is True and before.outputs_have_grad_fn is True
        assert before.graph_nodes > 0


def _check_fixed(declared, result):
    assert result.fix_applied and set(declared) <= set(result.fixes) | set(result.found)
    assert result.unfixable == []
    before, after = result.before, result.after
    assert after.error is None and after.load_error is None
    assert after.outputs_have_grad_fn is False
    if before.error is None:
        assert result.comparison.equal, result.comparison.detail
    if "NG101" in declared:
        assert before.saved_bytes > 0 and after.saved_bytes == 0
        assert after.saved_bytes < before.saved_bytes
        assert after.peak_rss_bytes < before.peak_rss_bytes
    if "NG102" in declared:
        assert before.outputs_require_grad is True and after.outputs_require_grad is False
        assert before.graph_nodes > 0 and after.graph_nodes == 0
    if "NG103" in declared:
        assert before.error.startswith("RuntimeError: a leaf Variable that requires grad")
    if any(code.startswith("NG2") for code in declared):  # gradients missing -> present
        assert before.error or before.none_count > 0
        assert after.none_count == 0 and after.tensor_count > 0
    if "NG205" in declared:  # the closure's backward inside the no_grad step
        assert before.error.startswith(NO_GRAD_FN)
    if "NG206" in declared:  # the layer after the inference-mode forward
        assert before.error.startswith(SAVED_INFERENCE)
    if "NG308" in declared:  # the async body recorded a graph; after the fix it does not
        assert before.error is None and before.grad_enabled_after is True
        assert before.outputs_require_grad is True and after.outputs_require_grad is False
        assert before.saved_bytes > 0 and after.saved_bytes == 0
    elif any(code.startswith("NG3") for code in declared):  # error gone or grad mode restored
        assert before.error or before.grad_enabled_after is False
        assert after.grad_enabled_after is True and after.inference_mode_after is False
    assert len(before.times) == len(after.times) == 3


def test_console_script_on_an_example(tmp_path):
    example = EXAMPLES / "ng103_manual_sgd_mlp.py"
    report, markdown, plot = tmp_path / "r.json", tmp_path / "v.md", tmp_path / "p.png"
    markdown.write_text("# Title\n\n## Savings at scale\n\nkept\n")
    proc = run_cli(example, "--json", report, "--markdown", markdown, "--plot", plot, *FAST_ARGS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ng103_manual_sgd_mlp.py" in proc.stdout and "passed" in proc.stdout
    [entry] = json.loads(report.read_text())
    assert entry["example"].endswith("ng103_manual_sgd_mlp.py")
    assert entry["rules"] == ["NG103"] and entry["fix_applied"] and entry["passed"] is True
    for side in ("before", "after"):
        for key in ("error", "outputs_require_grad", "saved_bytes", "peak_rss_bytes",
                    "median_seconds"):
            assert key in entry[side]
    assert entry["before"]["error"].startswith("RuntimeError: a leaf Variable that requires grad")
    assert entry["after"]["error"] is None and entry["after"]["outputs_require_grad"] is False
    assert entry["reason"] == "verified: no graph kept, error gone (RuntimeError)"
    assert set(entry["ratios"]) == {"saved_bytes", "peak_rss", "time"}
    text = markdown.read_text()
    assert "## Savings at scale\n\nkept" in text and "| `ng103_manual_sgd_mlp.py` | NG103" in text
    assert plot.read_bytes().startswith(b"\x89PNG")


# --- the harness fails when it should ----------------------------------------------------

def test_a_fix_that_changes_outputs_fails(tmp_path):
    result = run_and_judge("tiny", CASES / "tiny_eval.py", CASES / "tiny_eval_fix_changes_outputs.py",
                           ["NG101"], FAST, tmp_path)
    assert result.passed is False and result.status == "failed"
    assert result.reason.startswith("outputs differ: return value: max |diff|"), result.reason
    assert result.after.saved_bytes == 0  # no_grad itself worked: only the outputs are wrong


def test_a_fix_that_keeps_the_graph_fails(tmp_path):
    result = run_and_judge("tiny", CASES / "tiny_eval.py", CASES / "tiny_eval_fix_keeps_graph.py",
                           ["NG101"], FAST, tmp_path)
    assert result.passed is False
    assert "return value still holds an autograd graph" in result.reason
    saved = result.before.saved_bytes
    assert saved > 0 and result.after.saved_bytes == saved
    assert "bytes saved for backward not reduced" in result.reason
    assert "outputs differ" not in result.reason


def test_unusable_files_exit_2_and_the_others_still_run(tmp_path):
    report = tmp_path / "r.json"
    proc = run_cli(CASES / "no_main.py", CASES / "import_fails.py", CASES / "tiny_eval.py",
                   "--json", report, *FAST_ARGS)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    entries = {Path(e["example"]).name: e for e in json.loads(report.read_text())}
    assert entries["no_main.py"]["reason"] == (
        "no_main.py defines no main() function; the harness calls main() with no arguments")
    assert entries["import_fails.py"]["status"] == "error"
    assert entries["import_fails.py"]["reason"] == (
        "cannot run the original: ModuleNotFoundError: No module named "
        "'nograd_verify_missing_dependency'")
    assert entries["tiny_eval.py"]["passed"] is True, entries["tiny_eval.py"]["reason"]
    assert "defines no main()" in proc.stderr


def test_main_raising_in_both_versions_fails(tmp_path):
    result = verify_file(CASES / "raises_both.py", dataclasses.replace(FAST, unsafe_fixes=True))
    assert result.fix_applied and result.passed is False
    assert result.reason.startswith("main() raises in both versions: before: RuntimeError: shape")
    assert cli.exit_code([result]) != 0


@pytest.mark.parametrize("case, code, reason", [
    ("ng204_claim_does_not_hold.py", "NG204",
     "main() of the original does not raise (expected %s)" % SAVED_INFERENCE),
    ("ng307_claim_does_not_hold.py", "NG307",
     "the original's return value holds no autograd graph: the worker threads ran without "
     "gradients"),
], ids=["NG204", "NG307"])
def test_a_rule_without_fix_fails_when_its_claim_does_not_hold(tmp_path, case, code, reason):
    result = run_and_judge("case", CASES / case, None, [code], FAST, tmp_path, unfixable=[code])
    assert result.status == "failed" and result.passed is False
    assert result.reason == reason
    assert result.after is None and result.before.error is None
    assert cli.exit_code([result]) == 1


def test_claims_name_the_wrong_error_and_unknown_rules():
    other = RunRecord(error="RuntimeError: shape '[5, -1]' is invalid\nmore", error_type="RuntimeError")
    assert judge_claims(["NG203"], other) == (
        ["main() of the original raises RuntimeError: shape '[5, -1]' is invalid, not "
         + INPLACE_INFERENCE], [])
    value_error = RunRecord(error="ValueError: Inference tensors cannot be saved for backward",
                            error_type="ValueError")
    assert judge_claims(["NG204"], value_error)[0] != []
    assert judge_claims(["NG399"], RunRecord()) == (
        ["NG399 has no automatic fix and no runtime claim is known for it"], [])


def test_an_async_fix_that_keeps_the_graph_fails(tmp_path):
    example = EXAMPLES / "ng308_async_no_grad_handler.py"  # the unfixed file as "fixed"
    result = run_and_judge("ng308", example, example, ["NG308"], FAST, tmp_path)
    assert result.status == "failed"
    assert result.reason.startswith(
        "the fixed version's return value still holds an autograd graph (52 nodes); bytes saved "
        "for backward not reduced"), result.reason


def test_a_file_with_nothing_to_fix_is_neutral():
    result = verify_file(CASES / "tiny_eval_fix_changes_outputs.py", FAST)
    assert result.status == "nothing to fix" and result.passed is True
    assert result.before.saved_bytes == 0 and result.after is None


def test_markdown_section_replacement(tmp_path):
    text = "intro\n<!-- x:begin -->\nold\n<!-- x:end -->\ntail\n"
    assert replace_section(text, "x", "new") == "intro\n<!-- x:begin -->\nnew\n<!-- x:end -->\ntail\n"
    assert replace_section("no markers", "x", "new") is None
    target = tmp_path / "v.md"
    write_markdown(str(target), [])
    assert "nograd-verify --markdown docs/verification.md" in target.read_text()
