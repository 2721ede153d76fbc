"""Settings: defaults, `[tool.nograd-lint]` in pyproject.toml, and command-line overrides."""
from __future__ import annotations

import dataclasses
import fnmatch
import os
import sys
from pathlib import Path
from typing import Any, Optional, Sequence, Union

from ..diagnostics import Confidence
from .globs import glob_matches
from .requirements import parse_version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FIX_CONTEXTS = ("no_grad", "inference_mode")
DEFAULT_EXCLUDES = (".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "build", "dist",
                    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".nograd_cache", "node_modules",
                    ".eggs", "site-packages")


class ConfigError(ValueError):
    """A setting that cannot be used; the message says which and why."""


@dataclasses.dataclass(frozen=True)
class PerFileIgnore:
    """Codes not reported in files whose path (made absolute from the configuration's directory)
    or name matches `pattern`; with a leading `!`, in files that match neither (as in ruff)."""

    pattern: str
    codes: tuple[str, ...]
    root: str

    def applies_to(self, path: Union[str, Path]) -> bool:
        negated = self.pattern.startswith("!")
        pattern = self.pattern[1:] if negated else self.pattern
        absolute = Path(os.path.abspath(path)).as_posix()
        anchored = Path(os.path.abspath(os.path.join(self.root, pattern))).as_posix()
        if pattern.endswith("/"):
            anchored += "/"
        matched = glob_matches(anchored, absolute) or glob_matches(pattern, os.path.basename(absolute))
        return matched != negated


@dataclasses.dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ()  # empty: the rules that are on by default
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fix_context: str = "no_grad"  # what NG1 fixes insert: "no_grad" or "inference_mode"
    evaluation_names: tuple[str, ...] = ()  # extra function names (or name words) that evaluate
    min_confidence: Confidence = Confidence.MEDIUM
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    notebooks: bool = True  # check Jupyter notebooks (*.ipynb)
    project: bool = True  # analyse files with their project's other modules (imports, callers)
    respect_gitignore: bool = True  # directory walks skip what .gitignore files ignore
    per_file_ignores: tuple[PerFileIgnore, ...] = ()
    file_ignore: tuple[str, ...] = ()  # the per-file ignores of the one file these settings are for
    cache_dir: Optional[str] = dataclasses.field(default=None, repr=False, compare=False)  # absolute; see io/cache.py
    # the oldest torch (major, minor) the code must run on; None: what the project declares (io/requirements.py)
    torch_version: Optional[tuple[int, int]] = None

    def __post_init__(self) -> None:
        if self.fix_context not in FIX_CONTEXTS:
            raise ConfigError(f"fix-context must be one of {', '.join(FIX_CONTEXTS)}, not {self.fix_context!r}")

    def is_enabled(self, code: str, default_enabled: bool) -> bool:
        """Whether a rule runs: select (or the defaults), plus extend-select, minus ignore.

        The longest matching prefix decides between a select and an ignore (`ignore NG1` with
        `extend-select NG101` runs NG101). A rule that is off by default (opinionated, NG4xx) is
        selected only by a prefix longer than `NG` (`NG4`, `NG401`) or by `ALL`, as in the flake8
        plugin, where `--select NG` means "this plugin's codes".
        """
        if self.file_ignore and _longest_match(self.file_ignore, code):
            return False
        chosen = _longest_match(self.select + self.extend_select, code, opinionated=not default_enabled)
        on = chosen > 0 or (default_enabled and not self.select)
        ignored = _longest_match(self.ignore, code)
        if ignored:
            on = chosen > ignored
        return on

    @property
    def walk_excludes(self) -> tuple[str, ...]:
        """Patterns that prune a directory walk: `exclude` (or the defaults) and `extend-exclude`."""
        return (*self.exclude, *self.extend_exclude)

    @property
    def file_excludes(self) -> tuple[str, ...]:
        """Patterns that also drop a file named on the command line (as `pre-commit` does): the
        configured ones; the default excludes only prune walks."""
        configured = () if self.exclude == DEFAULT_EXCLUDES else self.exclude
        return (*configured, *self.extend_exclude)

    def for_path(self, path: Union[str, Path]) -> "Settings":
        """These settings for one file: its per-file ignores added (they win over any select)."""
        codes = tuple(code for entry in self.per_file_ignores if entry.applies_to(path) for code in entry.codes)
        return dataclasses.replace(self, file_ignore=codes) if codes else self

    def replace(self, **changes: Any) -> "Settings":
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


def _longest_match(selectors: Sequence[str], code: str, opinionated: bool = False) -> int:
    """The length of the longest selector that matches `code` (`ALL`: 1), or 0."""
    lengths = [1 if selector == "ALL" else len(selector) for selector in selectors
               if selector == "ALL" or (code.startswith(selector) and not (opinionated and selector == "NG"))]
    return max(lengths, default=0)


def parse_codes(value: Any, key: str) -> tuple[str, ...]:
    """`"NG101,NG2"` or `["NG101", "NG2"]` -> ("NG101", "NG2"), checked."""
    if isinstance(value, str):
        items = [part.strip() for part in value.split(",")]
    elif isinstance(value, (list, tuple)) and all(isinstance(part, str) for part in value):
        items = [part.strip() for part in value]
    else:
        raise ConfigError(f"{key} must be a list of rule codes or prefixes, not {value!r}")
    codes = tuple(item.upper() for item in items if item)
    for code in codes:
        if not (code.startswith("NG") and code[2:].isdigit() and len(code) <= 5) and code not in ("ALL", "NG"):
            raise ConfigError(f"{key}: {code!r} is not a rule code or prefix like NG101 or NG1")
    return codes


def check_codes(codes: tuple[str, ...], key: str) -> tuple[str, ...]:
    """`codes`, when each matches a rule (a typo would otherwise select or ignore nothing)."""
    from ..rules import all_rules  # rules import this module

    known = [rule.code for rule in all_rules()]
    for prefix in codes:
        if prefix != "ALL" and not any(code.startswith(prefix) for code in known):
            raise ConfigError(f"{key}: {prefix!r} matches no rule (see --list-rules)")
    return codes


def parse_confidence(value: Any) -> Confidence:
    try:
        return Confidence[str(value).upper()]
    except KeyError:
        raise ConfigError(f"min-confidence must be low, medium or high, not {value!r}") from None


def parse_torch_version(value: Any) -> tuple[int, int]:
    """`"1.13"` -> (1, 13), the oldest torch the code must run on."""
    try:
        return parse_version(value)
    except ValueError as error:
        raise ConfigError(str(error)) from None


def find_pyproject(start: Path) -> Optional[Path]:
    """The nearest pyproject.toml with a `[tool.nograd-lint]` table at or above `start`.

    A pyproject.toml without the table is passed over, so a sub-package's own pyproject does not
    hide the settings of the repository around it; so is one that is not valid TOML and never
    names the table (another tool's broken section cannot configure this one). One that names it
    and cannot be read is an error.
    """
    start = start.resolve()
    first = start if start.is_dir() else start.parent
    for directory in (first, *first.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and _may_hold_the_table(candidate):
            tool = _read_toml(candidate).get("tool")
            if isinstance(tool, dict) and TABLE in tool:
                return candidate
    return None


def _may_hold_the_table(path: Path) -> bool:
    """Does the file name the table anywhere (`[tool.nograd-lint]`, `tool = {nograd-lint = ...}`),
    or is it unreadable as bytes (an error `_read_toml` then reports)?"""
    try:
        data = path.read_bytes()
    except OSError:
        return True
    return TABLE.encode() in data or TABLE.replace("-", "_").encode() in data


def find_config(paths: Sequence[str], cwd: Optional[Path] = None) -> Optional[Path]:
    """The pyproject.toml for a run over `paths`: found from their common parent directory upward.

    Running from anywhere (an editor, CI, `pre-commit`) on the same files finds the same settings.
    """
    cwd = cwd or Path.cwd()
    anchors = [os.path.abspath(cwd / path) for path in paths if path != "-"]
    if not anchors:
        return find_pyproject(cwd)
    try:
        return find_pyproject(Path(os.path.commonpath(anchors)))
    except ValueError:  # paths on different drives
        return find_pyproject(cwd)


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from error


TABLE = "nograd-lint"
KNOWN_KEYS = ("select", "extend-select", "ignore", "fix-context", "evaluation-names", "min-confidence",
              "exclude", "extend-exclude", "notebooks", "respect-gitignore", "per-file-ignores",
              "extend-per-file-ignores", "project", "cache-dir", "torch-version")


def load_settings(pyproject: Optional[Path]) -> Settings:
    """Settings from `[tool.nograd-lint]`; defaults when there is no such table."""
    if pyproject is None:
        return Settings()
    tool = _read_toml(pyproject).get("tool", {})
    table = tool.get(TABLE, {}) if isinstance(tool, dict) else {}
    return settings_from_mapping(table, source=f"{pyproject}: [tool.{TABLE}]", root=pyproject.resolve().parent)


def settings_from_mapping(table: dict, source: str = "configuration", root: Optional[Path] = None) -> Settings:
    """Settings from a `[tool.nograd-lint]` table; `per-file-ignores` patterns start from `root`
    (default: the current directory)."""
    try:
        return _settings_from_mapping(table, root or Path.cwd())
    except ConfigError as error:
        raise ConfigError(f"{source}: {error}") from None


def _settings_from_mapping(table: dict, root: Path) -> Settings:
    if not isinstance(table, dict):
        raise ConfigError("must be a table")
    unknown = sorted(set(table) - set(KNOWN_KEYS))
    if unknown:
        raise ConfigError(f"unknown option(s) {', '.join(unknown)} (known: {', '.join(KNOWN_KEYS)})")
    values: dict[str, Any] = {}
    for key in ("select", "extend-select", "ignore"):
        if key in table:
            values[key.replace("-", "_")] = check_codes(parse_codes(table[key], key), key)
    if "fix-context" in table:
        context = table["fix-context"]
        if context not in FIX_CONTEXTS:
            raise ConfigError(f"fix-context must be one of {', '.join(FIX_CONTEXTS)}, not {context!r}")
        values["fix_context"] = context
    if "evaluation-names" in table:
        values["evaluation_names"] = strings(table["evaluation-names"], "evaluation-names")
    if "min-confidence" in table:
        values["min_confidence"] = parse_confidence(table["min-confidence"])
    if "exclude" in table:
        values["exclude"] = strings(table["exclude"], "exclude")
    if "extend-exclude" in table:
        values["extend_exclude"] = strings(table["extend-exclude"], "extend-exclude")
    for key in ("notebooks", "respect-gitignore", "project"):
        if key in table:
            if not isinstance(table[key], bool):
                raise ConfigError(f"{key} must be true or false, not {table[key]!r}")
            values[key.replace("-", "_")] = table[key]
    if "cache-dir" in table:
        if not isinstance(table["cache-dir"], str) or not table["cache-dir"].strip():
            raise ConfigError(f"cache-dir must be a folder's path, not {table['cache-dir']!r}")
        values["cache_dir"] = str(root / Path(table["cache-dir"]).expanduser())
    if "torch-version" in table:
        values["torch_version"] = parse_torch_version(table["torch-version"])
    ignores = [entry for key in ("per-file-ignores", "extend-per-file-ignores") if key in table
               for entry in _per_file_ignores(table[key], key, root)]
    if ignores:
        values["per_file_ignores"] = tuple(ignores)
    return Settings(**values)


def _per_file_ignores(value: Any, key: str, root: Path) -> list[PerFileIgnore]:
    """`{"tests/*" = ["NG101"], "*.ipynb" = ["NG1"]}` -> the entries, codes checked."""
    if not isinstance(value, dict):
        raise ConfigError(f"{key} must be a table of file patterns to lists of codes, not {value!r}")
    return [PerFileIgnore(pattern, check_codes(parse_codes(codes, f"{key}.{pattern!r}"), f"{key}.{pattern!r}"),
                          str(root)) for pattern, codes in value.items()]


def strings(value: Any, key: str) -> tuple[str, ...]:
    """A comma-separated string or a list of strings -> a tuple of non-empty strings."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    raise ConfigError(f"{key} must be a list of strings, not {value!r}")


def is_excluded(path: Union[str, Path], patterns: Sequence[str], root: Optional[Path] = None,
                name_only: bool = False) -> bool:
    """Whether `path` matches an exclude pattern.

    A pattern without `/` (`build`, `*_pb2.py`) matches a component of the path (with `name_only`,
    its last component: a directory walk has checked the others); a pattern with `/`
    (`tests/fixtures`, `src/*/generated/*.py`) matches the path relative to `root` (the directory of
    the pyproject.toml, else the current directory), or a directory above it.
    """
    if not patterns:
        return False
    absolute = Path(os.path.abspath(path))
    root = Path(os.path.abspath(root or Path.cwd()))
    try:
        parts = absolute.relative_to(root).parts
    except ValueError:
        parts = absolute.parts[1:]
    normalised = [pattern.strip().removeprefix("./").strip("/") for pattern in patterns]
    names = [pattern for pattern in normalised if pattern and "/" not in pattern]
    checked = parts[-1:] if name_only else parts
    if any(fnmatch.fnmatchcase(part, pattern) for part in checked for pattern in names):
        return True
    nested = [pattern for pattern in normalised if "/" in pattern]
    prefixes = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
    return any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes for pattern in nested)
