"""The verification docs quote only numbers that a script wrote: measured numbers live in the
generated sections, which say what they were measured with, cover every bundled example, and
read in 80 columns."""
import re
from pathlib import Path

import pytest

from nograd_lint.verify.records import FixVerdict, Result, RunRecord
from nograd_lint.verify.report import markdown, table
from nograd_lint.verify.targets import discover

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "verification.md"
SECTIONS = ("nograd-verify", "savings")
# A size, a duration, a percentage or a ratio, as a measurement would be written.
MEASUREMENT = re.compile(r"(?<![\w.])\d+(\.\d+)?\s?(%|x\b|[KMG]i?B\b|ms\b|MB/|s\b)")
ENVIRONMENT = re.compile(r"^Measured with torch \S+ on (CPU|CUDA \([^)]*\)), \d+ thread\(s\)",
                         re.MULTILINE)


def _section(text: str, name: str) -> str:
    match = re.search(r"<!-- %s:begin -->\n(.*?)<!-- %s:end -->" % (name, name), text, re.DOTALL)
    assert match, "docs/verification.md has no %s section" % name
    return match.group(1)


def _outside_sections(text: str) -> str:
    for name in SECTIONS:
        text = text.replace(_section(text, name), "")
    return text


def test_hand_written_prose_quotes_no_measurement():
    prose = {"docs/verification.md": _outside_sections(DOC.read_text(encoding="utf-8"))}
    prose.update({"docs/rules/" + p.name: p.read_text(encoding="utf-8")
                  for p in sorted((ROOT / "docs" / "rules").glob("*.md"))})
    found = {name: [m.group(0) for m in MEASUREMENT.finditer(text)]
             for name, text in prose.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_measurement_pattern_catches_hand_written_claims():
    claims = "about 2.5 MiB per iteration; 1.08x; time -11 to -3%; 34.1 MB; 258.6 ms; 2 s"
    assert [m.group(0) for m in MEASUREMENT.finditer(claims)] == [
        "2.5 MiB", "1.08x", "3%", "34.1 MB", "258.6 ms", "2 s"]
    assert not MEASUREMENT.search("rtol 1e-4, exit code 2, NG101, float32, 3x32x32 images")


@pytest.mark.parametrize("name", SECTIONS)
def test_generated_sections_say_what_they_measured_with(name):
    section = _section(DOC.read_text(encoding="utf-8"), name)
    assert ENVIRONMENT.search(section), section[-400:]
    blocks = re.findall(r"```text\n(.*?)```", section, re.DOTALL)
    assert blocks and all(len(line) <= 80 for block in blocks for line in block.splitlines())
    assert "Regenerate" in section


def test_the_results_cover_every_bundled_example():
    section = _section(DOC.read_text(encoding="utf-8"), "nograd-verify")
    listed = set(re.findall(r"^(ng\d{3}_\w+\.py) +\w", section, re.MULTILINE))
    assert listed == {t.path.name for t in discover([str(ROOT / "examples")])}
    assert not re.search(r"^\S+\.py +(failed|error)$", section, re.MULTILINE)


def test_the_table_reads_in_80_columns_with_spreads_and_cuda():
    before = RunRecord(saved_bytes=246 * 2**20, peak_rss=[191 * 2**20, 192 * 2**20],
                       cuda_peak=[12 * 2**20, 12 * 2**20], torch_version="2.13.0",
                       device="CUDA (Tesla T4)", threads=4)
    after = RunRecord(saved_bytes=0, peak_rss=[75 * 2**20, 76 * 2**20],
                      cuda_peak=[3 * 2**20, 3 * 2**20])
    verdict = FixVerdict(["NG101"], [143], "unsafe", "add no_grad", status="passed",
                         reason="verified", after=after, time_ratios=[0.82, 0.93, 0.88])
    result = Result(example="examples/ng204_frozen_features_classifier_long_name.py",
                    rules=["NG101"], status="passed", reason="verified", before=before,
                    verdicts=[verdict], function="evaluate_all")
    lines = table([result]).splitlines()
    assert lines[2].split() == ["NG101:143", "unsafe", "246M→0", "192±0.5M→75.5±0.5M",
                                "0.88x±0.06", "passed"]
    assert lines[3].split() == ["cuda", "12.0±0.0M→3.0±0.0M"]  # the CUDA peak, on its own line
    assert max(len(line) for line in lines) <= 80
    text = markdown([result])
    assert "Measured with torch 2.13.0 on CUDA (Tesla T4), 4 thread(s)" in text
    assert result.to_dict()["verdicts"][0]["after"]["cuda_peak_bytes"] == 3 * 2**20
