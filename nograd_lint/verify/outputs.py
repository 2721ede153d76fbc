"""What the target returned: a canonical, detached copy to save, a summary, and a comparison.

Used in child processes only (imports torch lazily). Values are compared structurally: tensors
with `torch.allclose` (and the same dtype), numbers with the same tolerances, a Python number
against a one-element tensor numerically (a fix may turn `total_loss` into
`total_loss.item()`), lists and tuples alike. Differences in `requires_grad` are reported as
changes, not as different outputs: turning gradients off is what many fixes are for.
"""
from __future__ import annotations

import dataclasses
import math
import re
from typing import Any, Dict, List, Optional, Tuple

RTOL = 1e-4
ATOL = 1e-6

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def canonical(value: Any) -> Any:
    """A detached, CPU, pickle-safe copy of `value` for torch.save (tensors keep their dtype
    and whether they required grad)."""
    import torch

    if isinstance(value, torch.Tensor):
        copy = value.detach().cpu()
        return copy.requires_grad_(True) if value.requires_grad else copy
    if isinstance(value, torch.nn.Module):
        return {k: v.detach().cpu() for k, v in value.state_dict().items()}
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return value
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((canonical(v) for v in value), key=repr)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return canonical(dataclasses.asdict(value))
    if type(value).__module__ == "numpy":
        try:
            return torch.as_tensor(value)
        except (TypeError, RuntimeError):
            pass
    return "<%s %s>" % (type(value).__qualname__, _ADDRESS.sub("", repr(value)))


def summary(value: Any) -> Dict[str, Any]:
    """Counts that the judge needs: tensors, missing values, which tensors carry a graph."""
    from .measure import graph_nodes, iter_tensors

    tensors = list(iter_tensors(value))
    return {
        "tensor_count": len(tensors),
        "none_count": _count_none(value),
        "outputs_require_grad": any(t.requires_grad for t in tensors),
        "outputs_have_grad_fn": any(t.grad_fn is not None for t in tensors),
        "graph_nodes": graph_nodes(value),
    }


def _count_none(value: Any) -> int:
    if value is None:
        return 1
    if isinstance(value, dict):
        return sum(_count_none(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_count_none(v) for v in value)
    return 0


@dataclasses.dataclass
class _Walk:
    rtol: float
    atol: float
    changes: List[str] = dataclasses.field(default_factory=list)


def compare(a: Any, b: Any, rtol: float = RTOL, atol: float = ATOL) -> Tuple[bool, str, List[str]]:
    """(equal, detail, changes): detail names the first difference, e.g. `['logits']: max |diff|
    0.3`; changes lists where `requires_grad` differs (`['logits']: requires_grad True -> False`)."""
    walk = _Walk(rtol, atol)
    problem = _first_difference(a, b, "", walk)
    return (problem is None, problem or "outputs match (rtol=%g, atol=%g)" % (rtol, atol),
            walk.changes)


def compare_files(path_a: str, path_b: str, rtol: float = RTOL, atol: float = ATOL
                  ) -> Tuple[bool, str, List[str]]:
    import torch

    a = torch.load(path_a, weights_only=False)
    b = torch.load(path_b, weights_only=False)
    return compare(a, b, rtol, atol)


def _as_number_tensor(value: Any):
    import torch

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return torch.tensor(value, dtype=torch.float64)


def _tensor_difference(a: Any, b: Any, here: str, walk: _Walk) -> Optional[str]:
    import torch

    ta = a if isinstance(a, torch.Tensor) else _as_number_tensor(a)
    tb = b if isinstance(b, torch.Tensor) else _as_number_tensor(b)
    if ta is None or tb is None:
        return "%s: %s vs %s" % (here, type(a).__name__, type(b).__name__)
    if ta.numel() != tb.numel() or (ta.dim() and tb.dim() and ta.shape != tb.shape):
        return "%s: shape %s vs %s" % (here, tuple(ta.shape), tuple(tb.shape))
    both = isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)
    if both and a.dtype != b.dtype:
        return "%s: dtype %s vs %s" % (here, str(a.dtype).replace("torch.", ""),
                                       str(b.dtype).replace("torch.", ""))
    if both and a.requires_grad != b.requires_grad:
        walk.changes.append("%s: requires_grad %s -> %s" % (here, a.requires_grad, b.requires_grad))
    ta, tb = ta.detach(), tb.detach()
    if ta.is_floating_point() or tb.is_floating_point() or ta.is_complex():
        ta, tb = ta.double().reshape(-1), tb.double().reshape(-1)
        if not torch.allclose(ta, tb, rtol=walk.rtol, atol=walk.atol, equal_nan=True):
            diff = (ta - tb).abs().nan_to_num(float("inf")).max().item()
            return "%s: max |diff| %.3g exceeds rtol=%g, atol=%g" % (here, diff, walk.rtol, walk.atol)
        return None
    if not torch.equal(ta.reshape(-1), tb.reshape(-1)):
        return "%s: integer values differ" % here
    return None


def _first_difference(a: Any, b: Any, where: str, walk: _Walk) -> Optional[str]:
    import torch

    here = where or "return value"
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return _tensor_difference(a, b, here, walk)
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return "%s: keys %s vs %s" % (here, sorted(a), sorted(b))
        for key in a:
            found = _first_difference(a[key], b[key], "%s[%r]" % (where, key), walk)
            if found:
                return found
        return None
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return "%s: length %d vs %d" % (here, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            found = _first_difference(x, y, "%s[%d]" % (where, i), walk)
            if found:
                return found
        return None
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        if math.isclose(a, b, rel_tol=walk.rtol, abs_tol=walk.atol) or (a != a and b != b):
            return None
        return "%s: %r vs %r" % (here, a, b)
    return None if a == b else "%s: %r vs %r" % (here, a, b)
