"""The CUDA path of the harness on a real GPU: the CUDA peak is above what was allocated before
the call, CUDA's start-up is not charged to peak RSS, timed calls are synchronized, and the
numbers reach every output. Skipped, with the reason, where no CUDA device is available."""
import json

import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.skipif(not torch.cuda.is_available(),
                                reason="no CUDA device here: the CUDA path runs only on a GPU")

from test_verify import FAST_ARGS, run_cli  # noqa: E402

SCRIPT = '''\
import torch

resident = torch.zeros(64, 2**20 // 4, device="cuda")  # 64 MiB allocated before the call
model = torch.nn.Sequential(torch.nn.Linear(1024, 4096), torch.nn.ReLU(),
                            torch.nn.Linear(4096, 10)).cuda()


def predict(model, batches):
    model.eval()
    return torch.cat([model(batch).argmax(dim=1) for batch in batches])


def main():
    batches = torch.randn(16, 256, 1024, device="cuda").unbind()
    return predict(model, batches)
'''


def test_cuda_peaks_are_above_the_baseline_and_shown_everywhere(tmp_path):
    script, report, markdown = tmp_path / "gpu_eval.py", tmp_path / "r.json", tmp_path / "v.md"
    script.write_text(SCRIPT)
    proc = run_cli(script, "--json", report, "--markdown", markdown, *FAST_ARGS, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [entry] = json.loads(report.read_text())
    before, after = entry["before"], entry["verdicts"][0]["after"]
    assert before["device"].startswith("CUDA (")
    inputs = 16 * 256 * 1024 * 4  # 16 MiB of batches made in main()
    # Above the baseline: the 64 MiB made at import are not counted, the inputs are.
    assert inputs <= after["cuda_peak_bytes"] < before["cuda_peak_bytes"] < 64 * 2**20 + inputs
    activations = 16 * 256 * 4096 * 4 * 2  # what the grad run keeps: the ReLU in and out
    assert before["cuda_peak_bytes"] - after["cuda_peak_bytes"] > activations / 2
    # CUDA's context (hundreds of MiB of host memory) is set up before the RSS baseline.
    assert before["peak_rss_bytes"] < 64 * 2**20
    lines = proc.stdout.splitlines()
    assert lines[3].split()[0] == "cuda"
    assert "on CUDA (" in markdown.read_text()
