"""Plain data passed between the harness's steps: one version's runs, one fix's verdict, one
file's result."""
from __future__ import annotations

import dataclasses
import statistics
from typing import Any, Dict, List, Optional, Sequence


def last_lines(text: str, lines: int = 12) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def median(values: Sequence[float]) -> Optional[float]:
    return statistics.median(values) if values else None


def spread(values: Sequence[float]) -> Optional[float]:
    """Half the range of `values` (None for fewer than two): the ± shown next to a median."""
    return (max(values) - min(values)) / 2 if len(values) > 1 else None


@dataclasses.dataclass
class RunRecord:
    """What one version (original or fixed) did: its first, plain call in a fresh process
    (outputs, errors, grad mode), the instrumented call (bytes saved and held for backward,
    graphs kept), the plain memory runs (one per fresh process) and the timed runs."""

    load_error: Optional[str] = None
    load_kind: Optional[str] = None  # "import", "target", or None (the process died)
    error: Optional[str] = None  # "Type: message" of the exception the target raised
    error_type: Optional[str] = None
    detail: Optional[str] = None  # traceback
    output: Optional[str] = None  # what the script printed last (the failing call or start-up)
    outputs_require_grad: Optional[bool] = None
    outputs_have_grad_fn: Optional[bool] = None
    graph_nodes: int = 0  # reachable from the return value
    tensor_count: int = 0
    none_count: int = 0
    grad_enabled_after: Optional[bool] = None
    inference_mode_after: Optional[bool] = None
    saved_bytes: Optional[int] = None
    held_peak_bytes: Optional[int] = None
    held_end_bytes: Optional[int] = None
    graph_nodes_kept: Optional[int] = None
    graph_kept_in: Optional[str] = None
    instrument_error: Optional[str] = None  # the instrumented call raised, the first did not
    peak_rss: List[int] = dataclasses.field(default_factory=list)  # per memory run
    cuda_peak: List[int] = dataclasses.field(default_factory=list)  # per memory run, with CUDA
    times: List[float] = dataclasses.field(default_factory=list)
    outputs_file: Optional[str] = None
    outputs_error: Optional[str] = None  # why the return value could not be saved
    torch_version: Optional[str] = None
    threads: Optional[int] = None  # torch's intra-op threads in the child
    device: Optional[str] = None

    @property
    def ran(self) -> bool:
        return self.load_error is None

    @property
    def peak_rss_bytes(self) -> Optional[float]:
        return median(self.peak_rss)

    @property
    def cuda_peak_bytes(self) -> Optional[float]:
        return median(self.cuda_peak)

    @property
    def median_seconds(self) -> Optional[float]:
        return median(self.times)

    def failure_output(self, lines: int = 12) -> str:
        """The traceback, else the last output, of a run that failed (the output first when
        the script exited: argparse and `sys.exit` say why there)."""
        first = (self.output, self.detail) if self.error_type == "SystemExit" else (
            self.detail, self.output)
        return last_lines(next((text for text in first if text), ""), lines)

    def set_error(self, error: Optional[Dict[str, Any]]) -> None:
        if error:
            self.error = "%s: %s" % (error["type"], error["message"])
            self.error_type = error["type"]
            self.detail = error.get("traceback")

    @classmethod
    def from_child(cls, data: Dict[str, Any]) -> "RunRecord":
        """Build from the child's `ready` message and its answer to `run`."""
        names = {f.name for f in dataclasses.fields(cls)} - {
            "error", "times", "detail", "peak_rss", "cuda_peak"}
        record = cls(**{k: v for k, v in data.items() if k in names})
        record.set_error(data.get("error"))
        if data.get("load_traceback"):
            record.detail = data["load_traceback"]
        if data.get("peak_rss_bytes") is not None:
            record.peak_rss.append(data["peak_rss_bytes"])
        if data.get("cuda_peak_bytes") is not None:
            record.cuda_peak.append(data["cuda_peak_bytes"])
        return record

    def add_instrumented(self, data: Dict[str, Any]) -> None:
        """The answer to `instrument`; its figures count only when it ran as the first call did."""
        error = data.get("error")
        if error and not self.error:
            self.instrument_error = "%s: %s" % (error["type"], error["message"])
            return
        for key in ("saved_bytes", "held_peak_bytes", "held_end_bytes", "graph_nodes_kept",
                    "graph_kept_in"):
            setattr(self, key, data.get(key))

    def to_dict(self) -> Dict[str, Any]:
        data = dataclasses.asdict(self)
        del data["outputs_file"]  # a temporary file, gone once the file is verified
        data["median_seconds"] = self.median_seconds
        data["peak_rss_bytes"] = self.peak_rss_bytes
        data["cuda_peak_bytes"] = self.cuda_peak_bytes
        return data


@dataclasses.dataclass
class Comparison:
    """Whether two versions returned the same values; `detail` names the first difference,
    `changes` where `requires_grad` differs."""

    equal: bool
    detail: str
    changes: List[str] = dataclasses.field(default_factory=list)


def ratio(before: Optional[float], after: Optional[float]) -> Optional[float]:
    return after / before if after is not None and before else None


@dataclasses.dataclass
class FixVerdict:
    """One fix (or all of a file's fixes together), run on its own and judged; or a rule
    without an automatic fix, judged by its claim on the original (`safety` "none")."""

    codes: List[str]
    lines: List[int]
    safety: str  # safe | unsafe | none
    description: str
    status: str = "not run"  # passed | failed | skipped | not run
    reason: str = ""
    checks: List[str] = dataclasses.field(default_factory=list)  # what was verified
    after: Optional[RunRecord] = None
    comparison: Optional[Comparison] = None
    time_ratios: List[float] = dataclasses.field(default_factory=list)  # after/before per round
    together: bool = False

    @property
    def label(self) -> str:
        """`NG101:12`, `NG305:15,20` (one edit fixes both), `NG203` (no fix), `all 3 fixes`."""
        if self.together:
            return "all %d fixes" % len(self.codes)
        if not self.lines:
            return self.codes[0]
        if len(set(self.codes)) == 1:
            return "%s:%s" % (self.codes[0], ",".join(map(str, self.lines)))
        return "+".join("%s:%d" % pair for pair in zip(self.codes, self.lines))

    def ratios(self, before: Optional[RunRecord]) -> Dict[str, Optional[float]]:
        """after / before for saved bytes, peak memory and time (median of the per-round
        ratios). None when either version raised: a run cut short is no baseline."""
        after = self.after
        if not before or not after or before.error or after.error:
            return {"saved_bytes": None, "peak_rss": None, "cuda_peak": None, "time": None}
        return {
            "saved_bytes": ratio(before.saved_bytes, after.saved_bytes),
            "peak_rss": ratio(before.peak_rss_bytes, after.peak_rss_bytes),
            "cuda_peak": ratio(before.cuda_peak_bytes, after.cuda_peak_bytes),
            "time": median(self.time_ratios),
        }

    def to_dict(self, before: Optional[RunRecord]) -> Dict[str, Any]:
        return {
            "fix": self.label, "codes": self.codes, "lines": self.lines,
            "safety": self.safety, "description": self.description, "status": self.status,
            "reason": self.reason, "checks": self.checks,
            "outputs_match": self.comparison.equal if self.comparison else None,
            "comparison": self.comparison.detail if self.comparison else None,
            "output_changes": self.comparison.changes if self.comparison else [],
            "after": self.after.to_dict() if self.after else None,
            "time_ratios": self.time_ratios,
            "time_ratio_spread": spread(self.time_ratios),
            "ratios": self.ratios(before),
        }


@dataclasses.dataclass
class Result:
    """The verdict for one target: the original's runs and one verdict per fix."""

    example: str
    rules: List[str]  # the codes judged: declared by the example, else those the linter found
    status: str  # passed | failed | error | nothing to fix | skipped
    reason: str
    function: str = "main"
    declared: List[str] = dataclasses.field(default_factory=list)
    found: List[str] = dataclasses.field(default_factory=list)
    problems: List[str] = dataclasses.field(default_factory=list)  # static checks that failed
    verdicts: List[FixVerdict] = dataclasses.field(default_factory=list)
    before: Optional[RunRecord] = None
    safe_only: bool = False

    @property
    def passed(self) -> bool:
        return self.status in ("passed", "nothing to fix", "skipped")

    @property
    def combined(self) -> Optional[FixVerdict]:
        """The version with every fix applied (what `nograd-fix` writes)."""
        ran = [v for v in self.verdicts if v.after is not None]
        together = [v for v in ran if v.together]
        return together[0] if together else (ran[0] if len(ran) == 1 else None)

    @property
    def fixes(self) -> List[str]:
        """Codes whose fix was applied."""
        return sorted({c for v in self.verdicts if v.after is not None and not v.together
                       for c in v.codes})

    @property
    def unsafe_fixes(self) -> List[str]:
        return sorted({c for v in self.verdicts if v.after is not None and not v.together
                       and v.safety == "unsafe" for c in v.codes})

    @property
    def unfixable(self) -> List[str]:
        return sorted({c for v in self.verdicts if v.safety == "none" for c in v.codes})

    @property
    def fix_applied(self) -> bool:
        return bool(self.fixes)

    @property
    def after(self) -> Optional[RunRecord]:
        combined = self.combined
        return combined.after if combined else None

    @property
    def comparison(self) -> Optional[Comparison]:
        combined = self.combined
        return combined.comparison if combined else None

    def to_dict(self) -> Dict[str, Any]:
        return {
            "example": self.example,
            "function": self.function,
            "rules": self.rules,
            "declared": self.declared,
            "found": self.found,
            "fixes": self.fixes,
            "unsafe_fixes": self.unsafe_fixes,
            "unfixable": self.unfixable,
            "safe_only": self.safe_only,
            "status": self.status,
            "passed": self.passed,
            "reason": self.reason,
            "problems": self.problems,
            "before": self.before.to_dict() if self.before else None,
            "verdicts": [v.to_dict(self.before) for v in self.verdicts],
        }
