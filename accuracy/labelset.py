"""The label files under accuracy/labels/: loading them and checking them strictly.

The format is described in accuracy/LABELLING.md. A file with a `repository` header holds labels of
one GitHub repository (each naming a `commit`); a file without one holds labels of released
packages (each naming `source = "pypi:NAME==VERSION"` and `dist`). Every problem found is returned
as a message naming the file and the label, never raised one at a time.
"""
from __future__ import annotations

import dataclasses
import json
import re
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from accuracy.splits import split_of

FAMILIES = ("NG1", "NG2", "NG3")
VERDICTS = ("bug", "clean", "ambiguous")
ORIGINS = ("fix-commit", "issue", "review", "v1")
SPLITS = ("dev", "test")
DISTS = ("sdist", "wheel")

COMMIT = re.compile(r"[0-9a-f]{40}")
CODE = re.compile(r"NG\d{3}")
REPOSITORY = re.compile(r"github:([A-Za-z0-9][A-Za-z0-9_.-]*)/([A-Za-z0-9_.][A-Za-z0-9_.-]*)")
PACKAGE = re.compile(r"pypi:([A-Za-z0-9][A-Za-z0-9_.-]*)==([A-Za-z0-9_.!+-]+)")

FILE_KEYS = {"repository", "split", "label"}
COMMON_KEYS = {"path", "cell", "start", "end", "family", "code", "verdict", "reason", "origin", "reference",
               "relabelled"}
REQUIRED_KEYS = {"path", "start", "end", "family", "verdict", "reason", "origin"}
GITHUB_KEYS = {"commit", "fixed_by"}
PYPI_KEYS = {"source", "dist", "fixed_in"}
INTEGER_KEYS = {"start", "end", "cell"}


@dataclasses.dataclass(frozen=True, order=True)
class Source:
    """A project tree: a GitHub repository at a commit, or a released archive on the package index."""

    kind: str  # "github" or "pypi"
    name: str  # owner/name, or the package name
    revision: str  # the commit, or the version
    dist: str = ""  # pypi: "sdist" or "wheel"

    @property
    def project(self) -> str:
        """`github:owner/name` or `pypi:NAME`: what a split and `--only` are about."""
        return f"{self.kind}:{self.name}"

    def __str__(self) -> str:
        if self.kind == "github":
            return f"github:{self.name}@{self.revision[:12]}"
        return f"pypi:{self.name}=={self.revision} ({self.dist})"


@dataclasses.dataclass(frozen=True)
class Label:
    source: Source
    path: str
    start: int
    end: int
    family: str
    verdict: str
    reason: str
    origin: str
    split: str
    cell: Optional[int] = None
    code: Optional[str] = None
    fixed_by: Optional[str] = None
    fixed_in: Optional[str] = None
    reference: Optional[str] = None
    relabelled: Optional[str] = None

    @property
    def file_key(self) -> tuple[Source, str]:
        return (self.source, self.path)

    @property
    def is_notebook(self) -> bool:
        return self.path.lower().endswith(".ipynb")

    def where(self) -> str:
        """`source path:[cell N:]start-end`, for messages."""
        cell = f"cell {self.cell}:" if self.cell is not None else ""
        return f"{self.source} {self.path}:{cell}{self.start}-{self.end}"


def load_labels(directory: Path) -> tuple[list[Label], list[str]]:
    """Every label of every `*.toml` below `directory`, and the problems found in them."""
    labels: list[Label] = []
    problems: list[str] = []
    files = sorted(directory.rglob("*.toml"))
    if not files:
        problems.append(f"{directory}: no label files (*.toml)")
    for path in files:
        file_labels, file_problems = load_file(path, _shown(path, directory))
        labels += file_labels
        problems += file_problems
    return labels, problems + overlap_problems(labels)


def _shown(path: Path, directory: Path) -> str:
    """The path of a label file as messages show it: below the labels folder's parent."""
    return path.relative_to(directory.parent).as_posix()


def load_file(path: Path, shown: str) -> tuple[list[Label], list[str]]:
    """The labels of one file and its problems; `shown` names the file in messages."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return [], [f"{shown}: cannot read: {error}"]
    problems = [f"{shown}: {problem}" for problem in _header_problems(data, path)]
    raw_labels = data.get("label", [])
    if not isinstance(raw_labels, list) or not raw_labels:
        return [], problems + [f"{shown}: no [[label]] tables"]
    labels = []
    for number, raw in enumerate(raw_labels, 1):
        label, label_problems = _label(raw, data)
        problems += [f"{shown}: label {number}: {problem}" for problem in label_problems]
        if label is not None and not label_problems:
            labels.append(label)
    return labels, problems


def _header_problems(data: dict, path: Path) -> list[str]:
    problems = [f"unknown key {key!r} (known: {', '.join(sorted(FILE_KEYS))})" for key in sorted(set(data) - FILE_KEYS)]
    split = data.get("split")
    if split not in SPLITS:
        problems.append(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    repository = data.get("repository")
    if repository is None:
        return problems
    match = _repository(data)
    if match is None:
        return problems + [f"repository must be github:OWNER/NAME, not {repository!r}"]
    if split in SPLITS and split != split_of(repository):
        problems.append(f"split is {split!r} but accuracy/splits.py puts {repository} in {split_of(repository)!r}")
    expected = f"{match.group(1)}__{match.group(2)}.toml"
    if path.name.lower() != expected.lower():
        problems.append(f"a label file of {repository} is named {expected}")
    return problems


def _label(raw: object, data: dict) -> tuple[Optional[Label], list[str]]:
    """One label from its table (None when it cannot be built) and its problems."""
    if not isinstance(raw, dict):
        return None, ["is not a table"]
    github = "repository" in data
    allowed = COMMON_KEYS | (GITHUB_KEYS if github else PYPI_KEYS)
    required = REQUIRED_KEYS | ({"commit"} if github else {"source", "dist"})
    problems = [f"unknown key {key!r}" + _misplaced(key, github) for key in sorted(set(raw) - allowed)]
    problems += [f"missing {key!r}" for key in sorted(required - set(raw))]
    problems += _type_problems(raw)
    if problems:
        return None, problems
    source, source_problems = _source(raw, data)
    if source is None:
        return None, source_problems
    fields = {key: raw[key] for key in raw if key not in ("commit", "source", "dist")}
    label = Label(source=source, split=data.get("split", ""), **fields)
    return label, source_problems + value_problems(label)


def _misplaced(key: str, github: bool) -> str:
    if github and key in PYPI_KEYS:
        return " (released-package labels only)"
    if not github and key in GITHUB_KEYS:
        return " (repository labels only: the file needs a `repository` header)"
    return ""


def _type_problems(raw: dict) -> list[str]:
    problems = []
    for key, value in raw.items():
        if key in INTEGER_KEYS:
            if not isinstance(value, int) or isinstance(value, bool):
                problems.append(f"{key} must be a whole number, not {value!r}")
        elif not isinstance(value, str):
            problems.append(f"{key} must be a string, not {value!r}")
    return problems


def _repository(data: dict) -> Optional[re.Match]:
    """The match of a file's `repository` header (groups: owner, name); None if it is malformed."""
    return REPOSITORY.fullmatch(str(data.get("repository")))


def _source(raw: dict, data: dict) -> tuple[Optional[Source], list[str]]:
    if "repository" in data:
        match = _repository(data)
        if match is None:  # reported with the header
            return None, []
        commit = raw["commit"]
        problems = [] if COMMIT.fullmatch(commit) else [f"commit must be 40 lowercase hex digits, not {commit!r}"]
        return Source("github", f"{match.group(1)}/{match.group(2)}", commit), problems
    match = PACKAGE.fullmatch(raw["source"])
    if match is None:
        return None, [f"source must be pypi:NAME==VERSION, not {raw['source']!r}"]
    problems = [] if raw["dist"] in DISTS else [f"dist must be one of {', '.join(DISTS)}, not {raw['dist']!r}"]
    source = Source("pypi", match.group(1), match.group(2), raw["dist"])
    if data.get("split") in SPLITS and data["split"] != split_of(raw["source"]):
        problems.append(f"split is {data['split']!r} but accuracy/splits.py puts {raw['source']} in "
                        f"{split_of(raw['source'])!r}")
    return source, problems


def value_problems(label: Label) -> list[str]:
    """What is wrong with a label's values (its types are already right)."""
    problems = []
    if label.family not in FAMILIES:
        problems.append(f"family must be one of {', '.join(FAMILIES)}, not {label.family!r}")
    if label.verdict not in VERDICTS:
        problems.append(f"verdict must be one of {', '.join(VERDICTS)}, not {label.verdict!r}")
    if label.origin not in ORIGINS:
        problems.append(f"origin must be one of {', '.join(ORIGINS)}, not {label.origin!r}")
    elif (label.origin == "v1") != (label.source.kind == "pypi"):
        problems.append("origin 'v1' is for the released-package labels, and only they have it")
    if label.code is not None and not (CODE.fullmatch(label.code) and label.code.startswith(label.family)):
        problems.append(f"code {label.code!r} is not a rule code of family {label.family}")
    if label.fixed_by is not None and not COMMIT.fullmatch(label.fixed_by):
        problems.append(f"fixed_by must be 40 lowercase hex digits, not {label.fixed_by!r}")
    problems += _path_problems(label.path)
    if label.is_notebook and label.cell is None:
        problems.append("a notebook label needs `cell` (1-based among all cells)")
    if not label.is_notebook and label.cell is not None:
        problems.append("`cell` is for notebooks (.ipynb) only")
    if label.cell is not None and label.cell < 1:
        problems.append(f"cell must be >= 1, not {label.cell}")
    if not 1 <= label.start <= label.end:
        problems.append(f"need 1 <= start <= end, not start={label.start} end={label.end}")
    problems += [f"{key} is empty" for key in ("reason", "reference", "relabelled", "fixed_in")
                 if getattr(label, key) is not None and not getattr(label, key).strip()]
    return problems


def _path_problems(path: str) -> list[str]:
    parts = path.split("/")
    if not path or path.startswith("/") or "\\" in path or any(part in ("", ".", "..") for part in parts):
        return [f"path must be relative, with forward slashes and no '.', '..' or empty parts: {path!r}"]
    return []


def overlap_problems(labels: list[Label]) -> list[str]:
    """Overlapping spans of one family, in one file (and cell), with different verdicts. An
    `ambiguous` span inside a `clean` one is no problem: one statement a rule of labelling calls
    ambiguous inside code that is otherwise clean (an accumulated loss in a training loop)."""
    groups: dict[tuple, list[Label]] = defaultdict(list)
    for label in labels:
        groups[(label.file_key, label.cell, label.family)].append(label)
    problems = []
    for group in groups.values():
        for first, second in combinations(sorted(group, key=lambda label: (label.start, -label.end)), 2):
            nested = first.start <= second.start and second.end <= first.end
            if nested and (first.verdict, second.verdict) == ("clean", "ambiguous"):
                continue
            if second.start <= first.end and first.verdict != second.verdict:
                problems.append(f"{first.family} {first.where()} ({first.verdict}) overlaps "
                                f"{second.start}-{second.end} ({second.verdict})")
    return problems


def line_count(data: bytes) -> int:
    """Lines in source bytes, counted as Python does (\\n, \\r\\n or \\r ends a line)."""
    return len(data.splitlines())


def notebook_cells(data: bytes) -> list[tuple[str, str]]:
    """(cell type, source) of every cell of a notebook, numbered from 1 as Jupyter shows them."""
    document = json.loads(data.decode("utf-8-sig"))
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        raise ValueError("not a notebook: no list of cells (nbformat 4 is needed)")
    out = []
    for cell in cells:
        source = cell.get("source", "") if isinstance(cell, dict) else ""
        kind = cell.get("cell_type", "?") if isinstance(cell, dict) else "?"
        out.append((str(kind), "".join(source) if isinstance(source, list) else str(source)))
    return out


def span_problems(labels: list[Label], data: bytes) -> list[str]:
    """Spans of the labels of one file (`data`) that fall outside it or outside their cell."""
    if not labels[0].is_notebook:
        lines = line_count(data)
        return [f"{label.where()} ends after the file's {lines} lines" for label in labels if label.end > lines]
    try:
        cells = notebook_cells(data)
    except ValueError as error:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        return [f"{labels[0].source} {labels[0].path}: cannot read the notebook: {error}"]
    problems = []
    for label in labels:
        if label.cell > len(cells):
            problems.append(f"{label.where()}: the notebook has {len(cells)} cells")
            continue
        kind, source = cells[label.cell - 1]
        lines = line_count(source.encode("utf-8"))
        if kind != "code":
            problems.append(f"{label.where()}: cell {label.cell} is a {kind} cell, not a code cell")
        elif label.end > lines:
            problems.append(f"{label.where()} ends after the cell's {lines} lines")
    return problems
