"""What a watch found at each call site, as plain data (JSON in and out, merged across watches)."""
from __future__ import annotations

import dataclasses
from typing import Any, Dict, Iterable, List, Optional, Tuple

EVAL = "eval"  # a module in eval mode whose parameters require grad
FROZEN = "frozen"  # a module whose parameters all have requires_grad=False, fed inputs with a graph


@dataclasses.dataclass
class SiteRecord:
    """The forwards of one kind that ran with gradients on from one user call site.

    `saved_bytes` counts activations saved for backward (storages of the module's own parameters
    and buffers are not counted: they live anyway), each storage once; for a call site a backward
    used, only the forwards before that backward are measured.
    `callers` are the user frames that led to the call (path, line, function), innermost first,
    as seen at the call site's first watched forward. `unmeasured` counts forwards whose
    bytes could not be measured because the program's own saved-tensor hooks were active.
    """

    path: str
    line: int
    column: int
    function: str
    kind: str
    modules: List[str]
    forwards: int
    saved_bytes: int
    used: bool
    unmeasured: int = 0
    tests: List[str] = dataclasses.field(default_factory=list)
    callers: List[List[Any]] = dataclasses.field(default_factory=list)
    lint: Optional[Dict[str, Any]] = None  # the static cross-check (crosscheck.py)

    @property
    def finding(self) -> bool:
        """No backward reached any graph built here while the watch lasted."""
        return not self.used

    @property
    def key(self) -> Tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.kind)

    def to_dict(self) -> Dict[str, Any]:
        data = dataclasses.asdict(self)
        data["finding"] = self.finding
        return data

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "SiteRecord":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def merge(records: Iterable[SiteRecord]) -> List[SiteRecord]:
    """One record per call site and kind: counts and bytes add up, a use anywhere is a use."""
    merged: Dict[Tuple[str, int, int, str], SiteRecord] = {}
    for record in records:
        known = merged.get(record.key)
        if known is None:
            merged[record.key] = dataclasses.replace(
                record, modules=list(record.modules), tests=list(record.tests),
                callers=list(record.callers))
            continue
        known.modules = sorted(set(known.modules) | set(record.modules))
        known.tests += [t for t in record.tests if t not in known.tests]
        known.forwards += record.forwards
        known.saved_bytes += record.saved_bytes
        known.unmeasured += record.unmeasured
        known.used = known.used or record.used
    return sorted(merged.values(), key=sort_key)


def sort_key(record: SiteRecord) -> tuple:
    """Findings first, the most bytes wasted first, then by place."""
    return (not record.finding, -record.saved_bytes, record.path, record.line, record.column,
            record.kind)
