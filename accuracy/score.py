"""Score nograd-lint against a labelled set of real PyTorch code.

    python accuracy/score.py [--cache DIR] [--labels accuracy/labels.toml] [--write docs/accuracy.md]
                             [--min-confidence low|medium|high] [--only PACKAGE]

Each label in labels.toml names a released package (`source = "pypi:NAME==VERSION"`, `dist =
"sdist"` or `"wheel"`), a file inside that archive (for an sdist, without its top-level folder),
a 1-based inclusive line span, a rule family (NG1, NG2, NG3), a verdict (`bug`, `clean`,
`ambiguous`) and a one-line reason. The script downloads each distinct archive once with
`pip download --no-deps` into the cache, reads only the labelled files, runs the linter in-process
with default settings and scores it per family:

- TP: a `bug` span with at least one finding of its family on a line inside it;
- FN: a `bug` span without one;
- FP: a finding in a labelled file outside every `bug` and `ambiguous` span of its family (files
  are labelled exhaustively, so a finding elsewhere in them is a false positive);
- precision = TP / (TP + FP), recall = TP / (TP + FN);
- crashes: files the linter raised on.

It needs the package registry, so it is not part of CI; its last results live in docs/accuracy.md.
"""
from __future__ import annotations

import argparse
import dataclasses
import io
import subprocess
import sys
import tarfile
import tempfile
import time
import traceback
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nograd_lint.io.config import Settings, parse_confidence  # noqa: E402
from nograd_lint.diagnostics import Confidence  # noqa: E402
from nograd_lint.linter import lint_source  # noqa: E402

FAMILIES = ("NG1", "NG2", "NG3")
VERDICTS = ("bug", "clean", "ambiguous")
DISTS = ("sdist", "wheel")
ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".zip")
TARGETS = {"NG1": (0.95, 0.85), "NG2": (0.95, None), "NG3": (0.95, None)}


@dataclasses.dataclass(frozen=True)
class Label:
    source: str
    dist: str
    path: str
    start: int
    end: int
    family: str
    verdict: str
    reason: str
    code: Optional[str] = None
    fixed_in: Optional[str] = None
    reference: Optional[str] = None

    @property
    def package(self) -> str:
        return self.source.split(":", 1)[1].split("==")[0]

    @property
    def version(self) -> str:
        return self.source.split("==", 1)[1]

    @property
    def archive_key(self) -> tuple[str, str]:
        return (self.source, self.dist)

    @property
    def file_key(self) -> tuple[str, str, str]:
        return (self.source, self.dist, self.path)

    def where(self) -> str:
        return f"{self.package}=={self.version}:{self.path}:{self.start}-{self.end}"


@dataclasses.dataclass
class FileResult:
    key: tuple[str, str, str]
    findings: list = dataclasses.field(default_factory=list)  # (code, line, message, confidence)
    crash: Optional[str] = None
    missing: Optional[str] = None
    lines: int = 0


def load_labels(path: Path) -> list[Label]:
    """Labels from the TOML file, checked for shape; raises ValueError on a malformed one."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    labels = []
    fields = {f.name for f in dataclasses.fields(Label)}
    for number, raw in enumerate(data.get("label", []), 1):
        unknown = set(raw) - fields
        if unknown:
            raise ValueError(f"label {number}: unknown keys {sorted(unknown)}")
        raw = dict(raw)
        raw.setdefault("dist", "sdist")
        try:
            label = Label(**raw)
        except TypeError as error:
            raise ValueError(f"label {number}: {error}") from None
        problems = []
        if not (label.source.startswith("pypi:") and "==" in label.source):
            problems.append("source must be pypi:NAME==VERSION")
        if label.dist not in DISTS:
            problems.append(f"dist must be one of {DISTS}")
        if label.family not in FAMILIES:
            problems.append(f"family must be one of {FAMILIES}")
        if label.verdict not in VERDICTS:
            problems.append(f"verdict must be one of {VERDICTS}")
        if label.code is not None and not label.code.startswith(label.family):
            problems.append(f"code {label.code} is not in family {label.family}")
        if not (1 <= label.start <= label.end):
            problems.append("need 1 <= start <= end")
        if not label.reason.strip():
            problems.append("reason is empty")
        if problems:
            raise ValueError(f"label {number} ({label.where()}): " + "; ".join(problems))
        labels.append(label)
    return labels


def archive_dir(cache: Path, label: Label) -> Path:
    return cache / f"{label.package}-{label.version}-{label.dist}"


def download(cache: Path, label: Label) -> Path:
    """The archive for a label's source, downloaded once into the cache."""
    target = archive_dir(cache, label)
    existing = [p for p in target.glob("*") if p.name.endswith(ARCHIVE_SUFFIXES)] if target.exists() else []
    if existing:
        return existing[0]
    target.mkdir(parents=True, exist_ok=True)
    kind = ["--no-binary", ":all:"] if label.dist == "sdist" else ["--only-binary", ":all:"]
    errors = []
    # An sdist's metadata is prepared by pip; try the current environment first (old setup.py files
    # import torch), then an isolated build environment (setuptools_scm and friends).
    for isolation in (["--no-build-isolation"], []):
        with tempfile.TemporaryDirectory() as scratch:
            command = [sys.executable, "-m", "pip", "download", "--no-deps", "--ignore-requires-python",
                       *isolation, "--disable-pip-version-check", "-q", *kind, "-d", scratch,
                       f"{label.package}=={label.version}"]
            done = subprocess.run(command, capture_output=True, text=True)
            archives = [p for p in Path(scratch).iterdir() if p.name.endswith(ARCHIVE_SUFFIXES)]
            if archives:
                final = target / archives[0].name
                archives[0].replace(final)
                return final
            errors.extend((done.stderr or done.stdout).strip().splitlines()[-1:])
    raise RuntimeError(f"pip download failed for {label.source} ({label.dist}): {errors}")


def read_member(archive: Path, dist: str, path: str) -> bytes:
    """The bytes of `path` inside a wheel, or inside an sdist below its top-level folder."""
    if archive.name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as z:
            for name in z.namelist():
                inner = name if dist == "wheel" else name.split("/", 1)[-1]
                if inner == path:
                    return z.read(name)
    else:
        with tarfile.open(archive) as t:
            for member in t.getmembers():
                if member.isfile() and member.name.split("/", 1)[-1] == path:
                    handle = t.extractfile(member)
                    assert handle is not None
                    return handle.read()
    raise FileNotFoundError(f"{path} not in {archive.name}")


def family_of(code: str) -> Optional[str]:
    return code[:3] if code[:3] in FAMILIES else None


def lint_files(labels: list[Label], cache: Path, settings: Settings) -> dict:
    """Run the linter once on every labelled file, keeping findings of every confidence (scoring
    filters them); a crash or a missing file is recorded, not raised."""
    settings = settings.replace(min_confidence=Confidence.LOW)
    results: dict = {}
    archives: dict = {}
    for label in labels:
        if label.file_key in results:
            continue
        result = FileResult(label.file_key)
        results[label.file_key] = result
        try:
            if label.archive_key not in archives:
                archives[label.archive_key] = download(cache, label)
            data = read_member(archives[label.archive_key], label.dist, label.path)
        except Exception as error:  # a label that cannot be scored is reported, never skipped silently
            result.missing = f"{type(error).__name__}: {error}"
            continue
        result.lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        try:
            for diagnostic in lint_source(data, label.path, settings):
                result.findings.append((diagnostic.code, diagnostic.line, diagnostic.message, diagnostic.confidence))
        except Exception:
            result.crash = traceback.format_exc(limit=3).strip().splitlines()[-1]
    return results


@dataclasses.dataclass
class FamilyScore:
    tp: list = dataclasses.field(default_factory=list)  # bug labels found
    fn: list = dataclasses.field(default_factory=list)  # bug labels missed
    fp: list = dataclasses.field(default_factory=list)  # (file key, code, line, message, clean label or None)
    clean_quiet: int = 0
    clean_flagged: int = 0
    ambiguous_hits: int = 0

    @property
    def precision(self) -> Optional[float]:
        found = len(self.tp) + len(self.fp)
        return len(self.tp) / found if found else None

    @property
    def recall(self) -> Optional[float]:
        spans = len(self.tp) + len(self.fn)
        return len(self.tp) / spans if spans else None


def inside(line: int, label: Label) -> bool:
    return label.start <= line <= label.end


def score(labels: list[Label], results: dict, min_confidence: Confidence = Confidence.MEDIUM) -> dict[str, FamilyScore]:
    scores = {family: FamilyScore() for family in FAMILIES}
    by_file: dict = defaultdict(list)
    for label in labels:
        by_file[label.file_key].append(label)
    for key, file_labels in by_file.items():
        result = results[key]
        if result.missing or result.crash:
            continue
        findings = [(family_of(code), code, line, message) for code, line, message, confidence in result.findings
                    if confidence >= min_confidence]
        findings = [f for f in findings if f[0] is not None]
        for label in file_labels:
            hits = [f for f in findings if f[0] == label.family and inside(f[2], label)]
            family = scores[label.family]
            if label.verdict == "bug":
                (family.tp if hits else family.fn).append(label)
            elif label.verdict == "clean":
                if hits:
                    family.clean_flagged += 1
                else:
                    family.clean_quiet += 1
        for family_name, code, line, message in findings:
            own = [label for label in file_labels if label.family == family_name]
            if any(inside(line, label) for label in own if label.verdict == "bug"):
                continue
            if any(inside(line, label) for label in own if label.verdict == "ambiguous"):
                scores[family_name].ambiguous_hits += 1
                continue
            clean = next((label for label in own if label.verdict == "clean" and inside(line, label)), None)
            scores[family_name].fp.append((key, code, line, message, clean))
    return scores


def percent(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def target_note(family: str, score_: FamilyScore) -> str:
    precision_target, recall_target = TARGETS[family]
    notes = []
    if precision_target is not None and score_.precision is not None:
        notes.append(f"precision {'meets' if score_.precision >= precision_target else 'BELOW'} "
                     f"{precision_target:.0%}")
    if recall_target is not None and score_.recall is not None:
        notes.append(f"recall {'meets' if score_.recall >= recall_target else 'BELOW'} {recall_target:.0%}")
    return "; ".join(notes) or "-"


def report(labels: list[Label], results: dict, scores: dict[str, FamilyScore], settings: Settings,
           seconds: float) -> str:
    counts: dict = defaultdict(int)
    for label in labels:
        counts[(label.family, label.verdict)] += 1
    sources = sorted({label.source.split(":", 1)[1] for label in labels}, key=str.lower)
    files = len(results)
    lines_total = sum(r.lines for r in results.values())
    crashes = [r for r in results.values() if r.crash]
    missing = [r for r in results.values() if r.missing]
    out = io.StringIO()
    w = out.write
    w("# Accuracy on real PyTorch code\n\n")
    w("Written by `accuracy/score.py`; do not edit by hand. The labels are in `accuracy/labels.toml`\n")
    w("(see `accuracy/README.md` for the format and how spans were chosen).\n\n")
    w(f"Settings: default rules, min-confidence `{settings.min_confidence.name.lower()}`. "
      f"{len(labels)} labels in {files} files ({lines_total} lines) from {len(sources)} released packages; "
      f"linting took {seconds:.1f} s.\n\n")
    w("| family | bug spans | clean spans | ambiguous | TP | FP | FN | precision | recall | "
      "clean spans flagged | target |\n")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
    for family in FAMILIES:
        s = scores[family]
        w(f"| {family} | {counts[(family, 'bug')]} | {counts[(family, 'clean')]} | {counts[(family, 'ambiguous')]} "
          f"| {len(s.tp)} | {len(s.fp)} | {len(s.fn)} | {percent(s.precision)} | {percent(s.recall)} "
          f"| {s.clean_flagged} | {target_note(family, s)} |\n")
    w("\nThe same labels at each minimum confidence (`--min-confidence`):\n\n")
    w("| min-confidence | family | TP | FP | FN | precision | recall |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n")
    for level in (Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH):
        for family, s in score(labels, results, level).items():
            if counts[(family, "bug")] or s.fp:
                w(f"| {level.name.lower()} | {family} | {len(s.tp)} | {len(s.fp)} | {len(s.fn)} "
                  f"| {percent(s.precision)} | {percent(s.recall)} |\n")
    w(f"\nCrashes: {len(crashes)}. Files that could not be read: {len(missing)}.\n\n")
    w("TP counts `bug` spans with a finding of their family; FP counts findings outside every `bug` and\n"
      "`ambiguous` span of their family; precision = TP / (TP + FP). Findings inside `ambiguous` spans\n"
      "count as neither.\n")
    for family in FAMILIES:
        s = scores[family]
        w(f"\n## {family}\n\n")
        w(f"### False positives ({len(s.fp)})\n\n")
        if not s.fp:
            w("None.\n")
        for key, code, line, message, clean in sorted(s.fp, key=lambda f: (f[0], f[2])):
            source, _, path = key
            why = f" Labelled clean: {clean.reason}" if clean else " (outside every labelled span)"
            w(f"- `{source.split(':', 1)[1]}` `{path}:{line}` {code}: {message}.{why}\n")
        w(f"\n### Missed bug spans ({len(s.fn)})\n\n")
        if not s.fn:
            w("None.\n")
        for label in sorted(s.fn, key=lambda l: l.where()):
            w(f"- `{label.package}=={label.version}` `{label.path}:{label.start}-{label.end}`"
              f"{' ' + label.code if label.code else ''}: {label.reason}\n")
    if crashes or missing:
        w("\n## Errors\n\n")
        for r in crashes:
            w(f"- crash in `{r.key[0].split(':', 1)[1]}` `{r.key[2]}`: {r.crash}\n")
        for r in missing:
            w(f"- could not read `{r.key[0].split(':', 1)[1]}` `{r.key[2]}`: {r.missing}\n")
    w("\n## Sources\n\n")
    w(", ".join(f"`{s}`" for s in sources) + "\n")
    w("\n## Reproduce\n\n")
    w("Needs network access to the package registry (it downloads the labelled archives with\n"
      "`pip download --no-deps`, once, into the cache folder); not part of CI.\n\n")
    w("```\npython accuracy/score.py --cache ~/.cache/nograd-accuracy --write docs/accuracy.md\n```\n")
    return out.getvalue()


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "nograd-accuracy",
                        help="where downloaded archives are kept (default: ~/.cache/nograd-accuracy)")
    parser.add_argument("--labels", type=Path, default=ROOT / "accuracy" / "labels.toml")
    parser.add_argument("--write", type=Path, help="also write the report to this Markdown file")
    parser.add_argument("--min-confidence", default="medium", help="low, medium or high (default: medium)")
    parser.add_argument("--only", help="score only labels whose source names this package")
    args = parser.parse_args(argv)
    labels = load_labels(args.labels)
    if args.only:
        labels = [label for label in labels if label.package == args.only]
    settings = Settings(min_confidence=parse_confidence(args.min_confidence))
    started = time.perf_counter()
    results = lint_files(labels, args.cache, settings)
    seconds = time.perf_counter() - started
    problems = _check_spans(labels, results)
    scores = score(labels, results, settings.min_confidence)
    text = report(labels, results, scores, settings, seconds)
    if problems:
        text += "\n## Label problems\n\n" + "".join(f"- {p}\n" for p in problems)
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    crashed = any(r.crash or r.missing for r in results.values())
    return 1 if crashed or problems else 0


def _check_spans(labels: list[Label], results: dict) -> list[str]:
    """Spans past the end of their file, and overlapping spans of one family with different verdicts."""
    problems = []
    for label in labels:
        result = results.get(label.file_key)
        if result and not result.missing and label.end > result.lines:
            problems.append(f"{label.where()} ends after the file's {result.lines} lines")
    by_file: dict = defaultdict(list)
    for label in labels:
        by_file[(label.file_key, label.family)].append(label)
    for group in by_file.values():
        group.sort(key=lambda l: l.start)
        for first, second in zip(group, group[1:]):
            if second.start <= first.end and first.verdict != second.verdict:
                problems.append(f"{first.where()} ({first.verdict}) overlaps {second.where()} ({second.verdict})")
    return problems


if __name__ == "__main__":
    sys.exit(main())
