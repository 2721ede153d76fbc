"""The shape every rule has: a code, a name, docs, fix safety, and a `check` over the analysis."""
from __future__ import annotations

import dataclasses
import inspect
from typing import ClassVar, Iterable, Optional

import libcst as cst

from ..io.config import Settings
from ..diagnostics import Confidence, Fix
from ..analysis.gradmode import FileAnalysis
from ..analysis.prefilter import Signals


@dataclasses.dataclass(frozen=True)
class Finding:
    """What a rule reports before positions are known: the node an editor should underline."""

    node: cst.CSTNode
    message: str
    fix: Optional[Fix] = None
    confidence: Confidence = Confidence.HIGH
    # other places the finding rests on: (node, the FileAnalysis it is in, what it is there)
    related: tuple = ()


class Rule:
    """Base class. The class docstring is the rule's docs page (Markdown, without the title)."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    default_enabled: ClassVar[bool] = True
    fix_availability: ClassVar[str] = "none"  # "safe", "unsafe", "sometimes" (safe or unsafe), "none"

    def check(self, analysis: FileAnalysis, settings: Settings) -> Iterable[Finding]:
        raise NotImplementedError

    @classmethod
    def relevant(cls, signals: Signals) -> bool:
        """Whether a file with these `ast` pre-pass signals could give this rule a finding.

        Must never be False for a file the rule would report (tests compare with and without).
        """
        return True

    @classmethod
    def docs(cls) -> str:
        """The full docs page: the text of `docs/rules/CODE.md` and of `--explain CODE`."""
        body = inspect.cleandoc(cls.__doc__ or "")
        return f"# {cls.code}: {cls.name}\n\n{cls.summary}\n\n{body}\n"
