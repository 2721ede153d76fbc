"""Related locations: a finding about a helper names the calls it rests on. Checked on every output
that carries them (JSON, SARIF validated against the schema, the kept results of the cache, the
language server over stdio), in one file, across the files of a project, and in notebooks."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from frontend_files.helpers import lint, write
from frontend_files.lsp import LspClient
from frontend_files.notebooks import code, notebook
from test_reporters import _validate_sarif

# `detect` runs the forward pass and keeps only a list; two loops call it.
HELPER = """\
import torch


def detect(model, image):
    model.eval()
    return model(image).argmax(1).tolist()
"""
CALLERS = """\
import torch
from helper import detect


def camera(model, frames):
    for frame in frames:
        print(detect(model, frame))


def folder(model, images):
    return [detect(model, image) for image in images]
"""
SAME_FILE = HELPER + """

def camera(model, frames):
    for frame in frames:
        print(detect(model, frame))
"""
MESSAGE = "`detect` is called here"
# `run_epoch` trains when `train` is true: the evaluating call is reported, the helper named.
FLAGGED = """\
import torch


def run_epoch(model, loader, opt, train):
    total = 0.0
    for x, y in loader:
        loss = torch.nn.functional.mse_loss(model(x), y)
        if train:
            opt.zero_grad()
            loss.backward()
            opt.step()
        total += loss.item()
    return total


def fit(model, loaders, opt):
    for epoch in range(3):
        model.train()
        run_epoch(model, loaders[0], opt, True)
        model.eval()
        print(run_epoch(model, loaders[1], opt, False))
"""


def _project(tmp_path):
    write(tmp_path, "pyproject.toml", "[project]\nname = 'cams'\nversion = '0'\n")
    write(tmp_path, "helper.py", HELPER)
    write(tmp_path, "callers.py", CALLERS)
    return tmp_path


def test_json_names_the_calls_in_other_files_of_the_run(tmp_path):
    ran = lint("--output-format", "json", "--no-cache", ".", cwd=_project(tmp_path))
    [finding] = json.loads(ran.out)["findings"]
    assert (ran.code, finding["path"], finding["line"], finding["column"]) == (1, "helper.py", 6, 12)
    assert finding["related"] == [
        {"path": "callers.py", "cell": None, "line": 7, "column": 15, "message": MESSAGE},
        {"path": "callers.py", "cell": None, "line": 11, "column": 13, "message": MESSAGE}]


# A sampler base in one module; in another, a subclass overrides its `denoise` with a loop that calls
# `self.inference_step`, and a subclass of that one defines it: it runs a denoiser put in eval mode.
SAMPLER_BASE = """\
class Sampler:
    def __init__(self, denoiser):
        self.denoiser = denoiser.eval()

    def denoise(self, x):
        return x
"""
SAMPLERS = """\
import torch
from base import Sampler


class Adaptive(Sampler):
    def denoise(self, x, steps):
        for t in range(steps):
            x = x - self.inference_step(x, t)
        return x.tolist()


class Jitted(Adaptive):
    def inference_step(self, x, t):
        return self.denoiser(x, t).detach()
"""


def test_a_template_method_names_the_base_class_loop_that_calls_it(tmp_path):
    """`Jitted.denoise` is `Adaptive`'s, not the imported `Sampler`'s: the base class here overrides
    the one in the other module, and its loop is where the evaluation runs."""
    write(tmp_path, "pyproject.toml", "[project]\nname = 'samplers'\nversion = '0'\n")
    write(tmp_path, "base.py", SAMPLER_BASE)
    write(tmp_path, "samplers.py", SAMPLERS)
    ran = lint("--output-format", "json", "--no-cache", "samplers.py", cwd=tmp_path)
    [finding] = json.loads(ran.out)["findings"]
    assert (finding["line"], finding["column"], finding["related"]) == (14, 16, [
        {"path": "samplers.py", "cell": None, "line": 8, "column": 21, "message": "`Adaptive.denoise` calls it here"}])


# `evaluate` reaches `LM.log_prob` only through the model its caller passes: the call is known
# once `evaluate` is interpreted in its caller's context, and the finding names it too.
LM_CLASS = """\
import torch
from torch import nn


class LM(nn.Module):
    def __init__(self, vocab, dim):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.head = nn.Linear(dim, vocab)

    def log_prob(self, words):
        return torch.log_softmax(self.head(self.embed(words)), -1)
"""
LM_SCRIPT = """\
import torch
from lm import LM
from train import evaluate

model = LM(100, 16)
model.eval()
for words in torch.randint(0, 100, (4, 8)):
    print(model.log_prob(words).argmax(-1).tolist())
print(evaluate([], model, torch.nn.NLLLoss()))
"""
# imports nothing of `lm`: which `log_prob` it runs is known only from its caller in sample.py
LM_EVALUATE = """\
def evaluate(loader, lm_model, criterion):
    lm_model.eval()
    total = 0.0
    for words, labels in loader:
        output = lm_model.log_prob(words)
        total += criterion(output, labels).item()
    return total
"""


def _lm_project(tmp_path, evaluate: str) -> list[dict]:
    write(tmp_path, "pyproject.toml", "[project]\nname = 'lm'\nversion = '0'\n")
    for name, text in (("lm.py", LM_CLASS), ("sample.py", LM_SCRIPT), ("train.py", evaluate)):
        write(tmp_path, name, text)
    return json.loads(lint("--output-format", "json", "--no-cache", ".", cwd=tmp_path).out)["findings"]


def test_a_call_through_a_parameter_its_caller_binds_is_named_too(tmp_path):
    [finding] = _lm_project(tmp_path, LM_EVALUATE)
    assert (finding["path"], finding["line"], finding["column"], finding["confidence"]) == ("lm.py", 12, 34, "high")
    assert finding["related"] == [
        {"path": "sample.py", "cell": None, "line": 8, "column": 11, "message": "`log_prob` is called here"},
        {"path": "train.py", "cell": None, "line": 5, "column": 18, "message": "`log_prob` is called here"}]


def test_a_method_the_one_imported_class_defines_is_named_where_its_callers_pass_the_model(tmp_path):
    """When train.py imports `lm`, whose one class defines `log_prob`, `lm_model.log_prob(words)`
    is that method by its name alone; the model sample.py passes makes it sure, as when nothing is
    imported: the method's callers both throw its graph away, and it is reported once, naming both."""
    findings = _lm_project(tmp_path, "from lm import LM\n\n\n" + LM_EVALUATE)
    assert [(f["path"], f["line"], f["column"], f["confidence"], f["related"]) for f in findings] == [
        ("lm.py", 12, 34, "high", [
            {"path": "sample.py", "cell": None, "line": 8, "column": 11, "message": "`log_prob` is called here"},
            {"path": "train.py", "cell": None, "line": 8, "column": 18, "message": "`log_prob` is called here"}])]


def test_json_names_the_calls_in_the_same_file_first(tmp_path):
    write(tmp_path, "cams.py", SAME_FILE)
    ran = lint("--output-format", "json", "--no-cache", "cams.py", cwd=tmp_path)
    [finding] = json.loads(ran.out)["findings"]
    assert (finding["line"], finding["related"]) == (
        6, [{"path": "cams.py", "cell": None, "line": 11, "column": 15, "message": MESSAGE}])


# One branch embeds a batch, the other one image; the finding is at the first forward pass.
BRANCHES = """\
import torch


class Embedder:
    def __init__(self, net):
        self.net = net.eval()

    def embed(self, images):
        if isinstance(images, list):
            out = self.net(torch.stack(images))
            return out.tolist()
        out = self.net(images[None])
        check = self.net(images[None])
        return out[0].tolist()
"""


def test_a_reported_function_names_its_other_forward_passes(tmp_path):
    """Each other statement that runs a forward pass is named once (the one fix covers them)."""
    write(tmp_path, "embed.py", BRANCHES)
    ran = lint("--output-format", "json", "--no-cache", "--min-confidence", "low", "embed.py", cwd=tmp_path)
    [finding] = json.loads(ran.out)["findings"]
    message = "`embed` runs a forward pass here too"
    assert (finding["line"], finding["column"], finding["related"]) == (10, 19, [
        {"path": "embed.py", "cell": None, "line": 12, "column": 15, "message": message},
        {"path": "embed.py", "cell": None, "line": 13, "column": 17, "message": message}])


# After training, a script searches hyperparameters with a helper, then tests the adapter itself:
# one block, one fix, two statements that run forward passes.
AFTER_TRAINING = """\
import torch

adapter = torch.nn.Linear(8, 4)
opt = torch.optim.SGD(adapter.parameters(), lr=0.1)
features, labels = torch.randn(16, 8), torch.randint(0, 4, (16,))
for step in range(10):
    loss = torch.nn.functional.cross_entropy(adapter(features), labels)
    opt.zero_grad()
    loss.backward()
    opt.step()

adapter.eval()
val_logits = adapter(features)
print(val_logits.argmax(1).eq(labels).float().mean().item())
test_logits = adapter(features) * 2.0
print(test_logits.argmax(1).eq(labels).float().mean().item())
"""


def test_a_reported_block_names_its_other_forward_passes(tmp_path):
    """A run of statements names each other statement whose forward pass its fix covers."""
    write(tmp_path, "tip.py", AFTER_TRAINING)
    ran = lint("--output-format", "json", "--no-cache", "tip.py", cwd=tmp_path)
    [finding] = json.loads(ran.out)["findings"]
    assert (finding["line"], finding["column"], finding["related"]) == (13, 14, [
        {"path": "tip.py", "cell": None, "line": 15, "column": 15,
         "message": "the code the fix wraps runs a forward pass here too"}])


def test_a_reported_call_names_the_helper_that_runs_the_forward_passes(tmp_path):
    write(tmp_path, "fit.py", FLAGGED)
    ran = lint("--output-format", "json", "--no-cache", "fit.py", cwd=tmp_path)
    [finding] = json.loads(ran.out)["findings"]
    assert (finding["line"], finding["column"], finding["related"]) == (21, 15, [
        {"path": "fit.py", "cell": None, "line": 7, "column": 45, "message": "`run_epoch` runs its first forward pass here"}])


# `data_iter` trains in one branch and evaluates in another, by its flag.
BRANCHED = """\
import torch


def data_iter(net, loader, opt, train_mode=True):
    kept = []
    for x, y in loader:
        if train_mode:
            loss = torch.nn.functional.mse_loss(net(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        else:
            prediction = net(x[:, :4])
            kept.append(prediction.sum().item())
    return kept


def fit(net, loaders, opt):
    data_iter(net, loaders[0], opt)
    net.eval()
    print(data_iter(net, loaders[1], opt, train_mode=False))
"""


def test_a_reported_call_names_the_forward_pass_its_arguments_reach(tmp_path):
    """The helper's first forward pass for the arguments the reported call gives (its evaluation
    branch), not its training branch's (round 47: the related location missed the bug span)."""
    write(tmp_path, "fit.py", BRANCHED)
    ran = lint("--output-format", "json", "--no-cache", "fit.py", cwd=tmp_path)
    [finding] = json.loads(ran.out)["findings"]
    assert (finding["line"], finding["column"], finding["related"]) == (21, 11, [
        {"path": "fit.py", "cell": None, "line": 13, "column": 26, "message": "`data_iter` runs its first forward pass here"}])


def test_the_text_output_is_unchanged_by_related_locations(tmp_path):
    write(tmp_path, "cams.py", SAME_FILE)
    ran = lint("--no-cache", "cams.py", cwd=tmp_path)
    assert ran.out.count("\n") == 1 and ran.out.startswith("cams.py:6:12: NG101 `detect` runs forward passes")


def test_sarif_related_locations_are_valid(tmp_path):
    ran = lint("--output-format", "sarif", "--no-cache", ".", cwd=_project(tmp_path))
    log = json.loads(ran.out)
    _validate_sarif(log)
    [result] = log["runs"][0]["results"]
    assert result["relatedLocations"] == [
        {"id": number, "message": {"text": MESSAGE}, "physicalLocation": {
            "artifactLocation": {"uri": "callers.py", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": line, "startColumn": column}}}
        for number, (line, column) in enumerate([(7, 15), (11, 13)])]


def test_related_locations_in_a_notebook_name_their_cells(tmp_path):
    cells = [code(HELPER), code("frames = []"), code("for frame in frames:\n    print(detect(model, frame))")]
    write(tmp_path, "cams.ipynb", notebook(cells))
    ran = lint("--output-format", "json", "--no-cache", "cams.ipynb", cwd=tmp_path)
    [finding] = json.loads(ran.out)["findings"]
    assert (finding["cell"], finding["line"], finding["related"]) == (
        1, 6, [{"path": "cams.ipynb", "cell": 3, "line": 2, "column": 11, "message": MESSAGE}])


def test_kept_results_keep_related_locations(tmp_path):
    project = _project(tmp_path)
    first = lint("--output-format", "json", ".", cwd=project)
    second = lint("--output-format", "json", ".", cwd=project)  # from the kept results
    assert (project / ".nograd_cache").is_dir()
    assert json.loads(second.out) == json.loads(first.out)
    assert len(json.loads(second.out)["findings"][0]["related"]) == 2


def test_the_language_server_sends_related_information(tmp_path):
    pytest.importorskip("pygls")
    write(tmp_path, "cams.py", SAME_FILE)
    client = LspClient(tmp_path)
    client.initialize(tmp_path, {"general": {"positionEncodings": ["utf-16"]}})
    uri = (tmp_path / "cams.py").as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                            "text": SAME_FILE}})
    [[published]] = client.diagnostics(uri)
    assert published["relatedInformation"] == [{"location": {"uri": uri, "range": {
        "start": {"line": 10, "character": 14}, "end": {"line": 10, "character": 14}}}, "message": MESSAGE}]
    assert client.close() == 0


def test_a_helper_in_a_module_that_is_not_checked_is_placed_in_it(tmp_path):
    """`epochs.py` is read only for what `fit.py` imports (its tree built from `ast`): the helper's
    place there is the source's."""
    helper, fit = FLAGGED.split("\n\ndef fit")
    write(tmp_path, "pyproject.toml", "[project]\nname = 'fit'\nversion = '0'\n")
    write(tmp_path, "epochs.py", "# the epoch loop\n" + helper)
    write(tmp_path, "fit.py", "from epochs import run_epoch\n\n\ndef fit" + fit)
    ran = lint("--output-format", "json", "--no-cache", "fit.py", cwd=tmp_path)
    [finding] = json.loads(ran.out)["findings"]
    assert (finding["path"], finding["line"], finding["column"], finding["related"]) == ("fit.py", 9, 15, [
        {"path": "epochs.py", "cell": None, "line": 8, "column": 45, "message": "`run_epoch` runs its first forward pass here"}])


# `check` runs `step` under no_grad; `step` calls `update`, whose backward pass then raises.
STEPS = """\
def update(model, x, opt):
    loss = model(x).square().mean()
    loss.backward()
    opt.step()


def step(model, batches, opt):
    for x in batches:
        update(model, x, opt)
"""
CHECK = """\
import torch
from steps import step


def check(model, batches, opt):
    with torch.no_grad():
        step(model, batches, opt)
"""


def test_a_call_whose_backward_pass_raises_names_the_calls_on_the_way_and_the_backward_pass(tmp_path):
    write(tmp_path, "pyproject.toml", "[project]\nname = 'steps'\nversion = '0'\n")
    write(tmp_path, "steps.py", "import torch\n\n\n" + STEPS)
    write(tmp_path, "check.py", CHECK)
    [finding] = json.loads(lint("--output-format", "json", "--no-cache", ".", cwd=tmp_path).out)["findings"]
    assert (finding["code"], finding["path"], finding["line"], finding["column"]) == ("NG201", "check.py", 7, 9)
    assert finding["related"] == [
        {"path": "steps.py", "cell": None, "line": 6, "column": 5,
         "message": "the backward pass that raises, in `update`"},
        {"path": "steps.py", "cell": None, "line": 12, "column": 9, "message": "called in `step`"}]


def test_a_long_chain_of_calls_names_the_first_three_and_the_backward_pass(tmp_path):
    chain = ["import torch\n\n\ndef f0(model, x, opt):\n    model(x).sum().backward()\n    opt.step()\n"]
    chain += [f"\n\ndef f{i}(model, x, opt):\n    f{i - 1}(model, x, opt)\n" for i in range(1, 30)]
    chain.append("\n\ndef main(model, x, opt):\n    with torch.no_grad():\n        f29(model, x, opt)\n")
    write(tmp_path, "chain.py", "".join(chain))
    [finding] = json.loads(lint("--output-format", "json", "--no-cache", "chain.py", cwd=tmp_path).out)["findings"]
    assert [(r["line"], r["message"]) for r in finding["related"]] == [
        (5, "the backward pass that raises, in `f0`"), (114, "called in `f27`"), (118, "called in `f28`"),
        (122, "called in `f29`")]


def test_closure_calls_in_line_search_helpers_are_one_finding_at_the_disabled_call(tmp_path):
    """NG205: `step` switches gradients off around two line searches; each search is one finding at
    its call in `step`, naming the closure calls it reaches (through a nested helper too)."""
    case = Path(__file__).parent / "cases" / "NG205" / "line_search_helpers.py"
    write(tmp_path, "optim.py", case.read_text(encoding="utf-8"))
    ran = lint("--output-format", "json", "--no-cache", "optim.py", cwd=tmp_path)
    everything = json.loads(ran.out)["findings"]
    assert [(f["code"], f["line"], f["column"]) for f in everything] == [("NG205", 35, 17), ("NG205", 37, 17),
                                                                        ("NG304", 38, 9)]
    findings = [f for f in everything if f["code"] == "NG205"]
    assert [[(r["line"], r["column"], r["message"]) for r in f["related"]] for f in findings] == [
        [(6, 16, "`closure()` in `LineSearchLBFGS._backtrack`"), (9, 21, "`closure()` in `LineSearchLBFGS._backtrack`")],
        [(16, 9, "`closure()` in `LineSearchLBFGS._bracket`"), (22, 17, "`closure()` in `LineSearchLBFGS._probe`")]]
