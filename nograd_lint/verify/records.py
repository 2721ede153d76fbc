"""Plain data passed between the harness's steps: one version's run, one file's verdict."""
from __future__ import annotations

import dataclasses
import statistics
from typing import Any, Dict, List, Optional


@dataclasses.dataclass
class RunRecord:
    """What one version (original or fixed) did when its `main()` ran in a fresh process."""

    load_error: Optional[str] = None
    no_main: bool = False
    error: Optional[str] = None  # "Type: message" of the exception main() raised
    error_type: Optional[str] = None
    outputs_require_grad: Optional[bool] = None
    outputs_have_grad_fn: Optional[bool] = None
    graph_nodes: int = 0
    tensor_count: int = 0
    none_count: int = 0
    saved_bytes: Optional[int] = None
    retained_bytes: Optional[int] = None
    peak_rss_bytes: Optional[int] = None
    cuda_peak_bytes: Optional[int] = None
    grad_enabled_after: Optional[bool] = None
    inference_mode_after: Optional[bool] = None
    times: List[float] = dataclasses.field(default_factory=list)
    outputs_file: Optional[str] = None
    outputs_error: Optional[str] = None  # why the return value could not be saved
    torch_version: Optional[str] = None
    threads: Optional[int] = None  # torch's intra-op threads in the child
    detail: Optional[str] = None  # traceback or child stderr, for messages

    @property
    def median_seconds(self) -> Optional[float]:
        return statistics.median(self.times) if self.times else None

    @property
    def ran(self) -> bool:
        return self.load_error is None

    @classmethod
    def from_child(cls, data: Dict[str, Any]) -> "RunRecord":
        """Build from the JSON record that `child --measure` writes."""
        error = data.get("error")
        names = {f.name for f in dataclasses.fields(cls)} - {"error", "times", "detail"}
        record = cls(**{k: v for k, v in data.items() if k in names})
        if error:
            record.error = "%s: %s" % (error["type"], error["message"])
            record.error_type = error["type"]
            record.detail = error.get("traceback")
        elif data.get("load_traceback"):
            record.detail = data["load_traceback"]
        return record

    def to_dict(self) -> Dict[str, Any]:
        data = dataclasses.asdict(self)
        del data["outputs_file"]  # a temporary file, gone once the file is verified
        data["median_seconds"] = self.median_seconds
        return data


@dataclasses.dataclass
class Comparison:
    """Whether the two versions returned the same values; `detail` names the first difference."""

    equal: bool
    detail: str


@dataclasses.dataclass
class Result:
    """The verdict for one file."""

    example: str
    rules: List[str]  # the codes judged: declared by the example, else those the linter found
    status: str  # passed | failed | error | nothing to fix
    reason: str
    declared: List[str] = dataclasses.field(default_factory=list)
    found: List[str] = dataclasses.field(default_factory=list)
    fix_applied: bool = False
    fixes: List[str] = dataclasses.field(default_factory=list)  # codes whose fix was applied
    unsafe_fixes: List[str] = dataclasses.field(default_factory=list)
    unsafe_allowed: bool = False
    unfixable: List[str] = dataclasses.field(default_factory=list)  # judged by claim, original only
    checks: List[str] = dataclasses.field(default_factory=list)  # what was verified
    before: Optional[RunRecord] = None
    after: Optional[RunRecord] = None
    comparison: Optional[Comparison] = None
    time_ratios: List[float] = dataclasses.field(default_factory=list)  # after/before, per pair

    @property
    def passed(self) -> bool:
        return self.status in ("passed", "nothing to fix")

    def ratios(self) -> Dict[str, Optional[float]]:
        """after / before for saved bytes, peak RSS and time (median of interleaved pairs).

        None when either version raised: a run cut short by an exception is no baseline.
        """
        if not self.before or not self.after or self.before.error or self.after.error:
            return {"saved_bytes": None, "peak_rss": None, "time": None}

        def ratio(name: str) -> Optional[float]:
            b, a = getattr(self.before, name), getattr(self.after, name)
            return a / b if a is not None and b else None

        return {
            "saved_bytes": ratio("saved_bytes"),
            "peak_rss": ratio("peak_rss_bytes"),
            "time": statistics.median(self.time_ratios) if self.time_ratios else None,
        }

    def to_dict(self) -> Dict[str, Any]:
        return {
            "example": self.example,
            "rules": self.rules,
            "declared": self.declared,
            "found": self.found,
            "fix_applied": self.fix_applied,
            "fixes": self.fixes,
            "unsafe_fixes": self.unsafe_fixes,
            "unsafe_allowed": self.unsafe_allowed,
            "unfixable": self.unfixable,
            "status": self.status,
            "passed": self.passed,
            "reason": self.reason,
            "checks": self.checks,
            "outputs_match": self.comparison.equal if self.comparison else None,
            "comparison": self.comparison.detail if self.comparison else None,
            "before": self.before.to_dict() if self.before else None,
            "after": self.after.to_dict() if self.after else None,
            "ratios": self.ratios(),
        }
