"""Rule test cases kept as files with inline expectations.

A case is `tests/cases/<CODE>/<name>.py`. A line that should be reported ends with
`# expect: NG101@15` (code and 1-based column; several separated by commas). A case without any
`expect` comment must produce no finding of its rule family. When `<name>.fixed.py` exists it is
the exact source `nograd-fix --unsafe-fixes` must produce; `<name>.safe.py`, when present, is what
safe fixes alone produce. Settings for a case come from a first-line comment
`# settings: fix_context=inference_mode, min_confidence=low` (`torch_version=1.13`: the oldest torch
the code must run on).
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from nograd_lint.io.config import Settings, parse_confidence
from nograd_lint.io.requirements import parse_version

CASES = Path(__file__).parent / "cases"
EXPECT = re.compile(r"#\s*expect:\s*(?P<items>NG\d{3}@\d+(?:\s*,\s*NG\d{3}@\d+)*)")
SETTINGS = re.compile(r"^#\s*settings:\s*(?P<items>.*)$")


@dataclasses.dataclass(frozen=True)
class Case:
    path: Path
    family: str  # the directory name: a code such as NG101

    @property
    def id(self) -> str:
        return f"{self.family}/{self.path.stem}"

    @property
    def source(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def expected(self) -> list[tuple[str, int, int]]:
        found = []
        for number, line in enumerate(self.source.splitlines(), start=1):
            match = EXPECT.search(line)
            if match:
                for item in match.group("items").split(","):
                    code, column = item.strip().split("@")
                    found.append((code, number, int(column)))
        return sorted(found, key=lambda f: (f[1], f[2], f[0]))

    def settings(self) -> Settings:
        first = self.source.splitlines()[0] if self.source else ""
        match = SETTINGS.match(first)
        values: dict = {}
        if match:
            for item in match.group("items").split(","):
                key, _, value = item.strip().partition("=")
                if key == "min_confidence":
                    values[key] = parse_confidence(value)
                elif key == "torch_version":
                    values[key] = parse_version(value)
                elif key in ("select", "evaluation_names"):
                    values[key] = tuple(value.split("|"))
                else:
                    values[key] = value
        return Settings(**values)

    def snapshot(self, kind: str) -> Path:
        return self.path.with_name(f"{self.path.stem}.{kind}.py")


def all_cases(root: Path = CASES) -> list[Case]:
    cases = []
    for path in sorted(root.glob("*/*.py")):
        if path.stem.endswith((".fixed", ".safe")):
            continue
        cases.append(Case(path, path.parent.name))
    return cases
