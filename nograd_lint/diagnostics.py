"""The data a rule produces: a finding, its location, and an optional fix."""
from __future__ import annotations

import dataclasses
import enum
from typing import TYPE_CHECKING, Callable, Optional

if TYPE_CHECKING:  # annotations only: importing the settings must not load libcst (see flake8_plugin.py)
    import libcst as cst


class FixSafety(str, enum.Enum):
    """Whether a fix can change what the program computes (see docs/architecture.md)."""

    SAFE = "safe"
    UNSAFE = "unsafe"


class Confidence(enum.IntEnum):
    """How sure a rule is: HIGH rests on what the code does, LOW on names alone."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3


@dataclasses.dataclass(frozen=True)
class Fix:
    """A rewrite of the module: `apply` maps the module tree to a new tree.

    `anchor` is the node the fix rewrites (a noqa on its header silences the finding: suppression.py).
    """

    safety: FixSafety
    description: str
    apply: Callable[[cst.Module], cst.Module] = dataclasses.field(compare=False, repr=False)
    anchor: Optional[cst.CSTNode] = dataclasses.field(default=None, compare=False, repr=False)


@dataclasses.dataclass(frozen=True)
class Related:
    """Another place a finding rests on, such as a caller whose use of a helper decides it:
    1-based line and column, in the file at `path` (as the run names it)."""

    path: str
    line: int
    column: int
    message: str
    cell: Optional[int] = None  # in a notebook: the cell, and `line` counts within it


@dataclasses.dataclass(frozen=True)
class Diagnostic:
    """One finding. Lines and columns are 1-based; end is exclusive."""

    code: str
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    confidence: Confidence = Confidence.HIGH
    fix: Optional[Fix] = dataclasses.field(default=None, compare=False)
    related: tuple[Related, ...] = dataclasses.field(default=(), compare=False)

    @property
    def sort_key(self) -> tuple:
        return (self.line, self.column, self.code)
