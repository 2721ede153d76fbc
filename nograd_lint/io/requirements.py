"""The oldest torch a project says it runs on, read from the requirements it declares.

As ruff reads its target version from `requires-python`, the rules whose verdict depends on the
torch version (NG302: `@torch.no_grad` without parentheses raises on torch < 2.1) ask what the
project supports. The first of these files at the project root that names torch decides:
`pyproject.toml` (`[project]` dependencies and optional dependencies, Poetry's dependencies),
`setup.cfg` (`install_requires`, `extras_require`), `setup.py` (string literals), then
`requirements*.txt`, then `requirements/*.txt`. A torch requirement without a version bound says nothing in an application
(its users install whatever is newest), but a package that declares one (a `setup.py`, a
`setup.cfg`, or a `pyproject.toml` with project metadata at its root) admits every release: pip
keeps the torch its users already have. No torch requirement at all says nothing, but in a plugin
a host application loads (a ComfyUI custom node package, whose `__init__.py` exports
`NODE_CLASS_MAPPINGS`): it runs on the torch its host has installed, any release.
"""
from __future__ import annotations

import ast
import configparser
import dataclasses
import re
import sys
from pathlib import Path
from typing import Iterable, Iterator, Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MAX_BYTES = 1 << 20  # a metadata file larger than this is not read
# torch's releases, oldest first: (major, minor); the patch releases are probed from 0 to 3
RELEASES = tuple([(1, minor) for minor in range(14)] + [(2, minor) for minor in range(14)])
_LOCAL_LABEL = re.compile(r"\+[A-Za-z0-9.]+")
_TORCH_STRING = re.compile(r"^\s*torch\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;]|$)", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class TorchFloor:
    """The oldest torch release a project's requirement admits, and where it says so."""

    version: tuple[int, int]  # (major, minor)
    requirement: str  # as written: "torch>=1.9"
    source: str  # the file's name: "setup.py"
    bounded: bool = True  # False: a package's `torch` without a lower bound, which admits every release
    host: Optional[str] = None  # a plugin of this application, which runs on the torch the host has

    @property
    def release(self) -> str:
        return f"{self.version[0]}.{self.version[1]}"

    def describe(self) -> str:
        """`torch>=1.9` in setup.py."""
        return f"`{self.requirement}` in {self.source}"

    def supports(self) -> str:
        """What the project says, as a reason: "this project supports torch 1.9 (`torch>=1.9` in setup.py)"."""
        if self.host is not None:
            return f"this {self.host} custom node runs on any torch its host has installed ({self.describe()})"
        if self.bounded:
            return f"this project supports torch {self.release} ({self.describe()})"
        return f"this package admits every torch release ({self.describe()} sets no lower bound)"


def parse_version(text: object, key: str = "torch-version") -> tuple[int, int]:
    """`"1.13"` or `"2.0.1"` -> (1, 13) / (2, 0); ValueError with a message for anything else."""
    match = re.fullmatch(r"\s*(\d+)\.(\d+)(?:\.\d+)?\s*", text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{key} must be a torch version such as \"2.0\" or \"1.13\", not {text!r}")
    return int(match.group(1)), int(match.group(2))


# ComfyUI imports a custom node package's `__init__.py` and registers the classes it exports in this
# dict (nodes.py, `load_custom_node`); ComfyUI's own requirements name a plain `torch`.
HOST_PLUGINS = {"NODE_CLASS_MAPPINGS": "ComfyUI"}
PLUGIN_ENTRY = "__init__.py"


def metadata_files(root: Path) -> list[Path]:
    """The files `declared_floor` reads: the requirement files, then a plugin's entry module."""
    return [*requirement_files(root), root / PLUGIN_ENTRY]


def requirement_files(root: Path) -> list[Path]:
    """The files that may name torch, in the order `declared_floor` trusts them: the requirements
    files at the root, then those of a `requirements/` folder (`requirements/runtime.txt` first,
    as OpenMMLab's packages and their kin lay them out)."""
    requirements = sorted(root.glob("requirements*.txt"), key=lambda path: (path.name != "requirements.txt", path.name))
    folder = sorted((root / "requirements").glob("*.txt"), key=lambda path: (path.name != "runtime.txt", path.name))
    return [root / "pyproject.toml", root / "setup.cfg", root / "setup.py", *requirements, *folder]


def declared_floor(root: Path) -> Optional[TorchFloor]:
    """The oldest torch release the project at `root` declares it supports; None when no file
    names torch with a version bound and the project is not a package that names it without one,
    nor a plugin of a host application that names none."""
    unbounded: Optional[TorchFloor] = None
    named = False
    for path in requirement_files(root):
        text = _read(path)
        if text is None:
            continue
        requirements = list(_torch_requirements(path.name, text))
        named = named or bool(requirements)
        source = path.relative_to(root).as_posix()
        floors = [floor for requirement in requirements
                  for floor in [_floor(requirement, source)] if floor is not None]
        if floors:
            return min(floors, key=lambda floor: floor.version)
        if unbounded is None:
            unbounded = next((TorchFloor(RELEASES[0], requirement.strip(), source, bounded=False)
                              for requirement in requirements if _sets_no_bound(requirement)), None)
    if unbounded is not None and is_package(root):
        return unbounded
    # a plugin's own unbounded `torch` keeps the host's too (its requirements install into the host's environment)
    return _host_plugin(root) if unbounded is not None or not named else None


def _host_plugin(root: Path) -> Optional[TorchFloor]:
    """A plugin package that names no torch of its own: the host's torch, any release."""
    entry = _read(root / PLUGIN_ENTRY)
    for mark, host in HOST_PLUGINS.items() if entry is not None else ():
        if re.search(rf"\b{mark}\b", entry):  # defined or imported there, for the host to read
            return TorchFloor(RELEASES[0], mark, PLUGIN_ENTRY, bounded=False, host=host)
    return None


def is_package(root: Path) -> bool:
    """Does the project at `root` declare a distributable package (`setup.py`, `setup.cfg` with
    metadata or options, `pyproject.toml` with `[project]` or Poetry's metadata)?"""
    if (root / "setup.py").is_file():
        return True
    setup_cfg = _read(root / "setup.cfg")
    if setup_cfg is not None and re.search(r"^\[(?:metadata|options)\]", setup_cfg, re.M):
        return True
    pyproject = _read(root / "pyproject.toml")
    if pyproject is None:
        return False
    try:
        document = tomllib.loads(pyproject)
    except tomllib.TOMLDecodeError:
        return False
    tool = document.get("tool")
    return isinstance(document.get("project"), dict) or (isinstance(tool, dict) and isinstance(tool.get("poetry"), dict))


def _read(path: Path) -> Optional[str]:
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _torch_requirements(name: str, text: str) -> Iterator[str]:
    """The strings of a metadata file that require torch (PEP 508, or Poetry's `^1.9`)."""
    try:
        if name == "pyproject.toml":
            yield from _from_pyproject(tomllib.loads(text))
        elif name == "setup.cfg":
            yield from _from_setup_cfg(text)
        elif name == "setup.py":
            yield from (node.value for node in ast.walk(ast.parse(text))
                        if isinstance(node, ast.Constant) and isinstance(node.value, str)
                        and _TORCH_STRING.match(node.value))
        else:
            yield from (line.split(" #")[0].strip() for line in text.splitlines() if _TORCH_STRING.match(line))
    except (tomllib.TOMLDecodeError, configparser.Error, SyntaxError, ValueError, RecursionError, MemoryError):
        return


def _from_pyproject(document: dict) -> Iterator[str]:
    project = document.get("project")
    if isinstance(project, dict):
        groups = [project.get("dependencies")]
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            groups.extend(optional.values())
        yield from (item for group in groups if isinstance(group, list) for item in group
                    if isinstance(item, str) and _TORCH_STRING.match(item))
    poetry = document.get("tool", {}).get("poetry", {}) if isinstance(document.get("tool"), dict) else {}
    dependencies = poetry.get("dependencies") if isinstance(poetry, dict) else None
    if isinstance(dependencies, dict) and "torch" in dependencies:
        constraints = _poetry_constraints(dependencies["torch"])
        yield from (f"torch{_poetry_specifier(constraint)}" for constraint in constraints)


def _poetry_constraints(value: object) -> Iterable[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [value["version"]] if isinstance(value.get("version"), str) else []
    if isinstance(value, list):
        return [item for entry in value for item in _poetry_constraints(entry)]
    return []


def _poetry_specifier(constraint: str) -> str:
    """Poetry's `^1.9`, `~1.9`, `1.9.*` or `1.9` as a PEP 440 lower bound (enough for a floor)."""
    constraint = constraint.strip()
    if constraint in ("", "*"):
        return ""
    if constraint[0] in "^~" and not constraint.startswith("~="):
        return ">=" + constraint[1:].strip()
    if constraint[0].isdigit():
        return "==" + constraint
    return constraint


def _from_setup_cfg(text: str) -> Iterator[str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    values = []
    if parser.has_option("options", "install_requires"):
        values.append(parser.get("options", "install_requires"))
    if parser.has_section("options.extras_require"):
        values.extend(value for _, value in parser.items("options.extras_require"))
    yield from (line.strip() for value in values for line in value.splitlines() if _TORCH_STRING.match(line))


def _specifier(requirement: str):
    """The version specifier of a PEP 508 requirement, None when it does not parse."""
    from packaging.requirements import InvalidRequirement, Requirement  # only a rule that needs it pays the import

    try:
        return Requirement(_LOCAL_LABEL.sub("", requirement)).specifier
    except InvalidRequirement:
        return None


def _sets_no_bound(requirement: str) -> bool:
    """`torch`, `torch[opt]`, `torch; python_version >= "3.8"`: any release will do."""
    specifier = _specifier(requirement)
    return specifier is not None and not str(specifier)


def _floor(requirement: str, source: str) -> Optional[TorchFloor]:
    """The oldest release `requirement` admits, when it bounds the version at all. A local label
    (`torch==1.7.1+cu110`, a CUDA build) is read as its release."""
    specifier = _specifier(requirement)
    if specifier is None or not str(specifier):
        return None
    for major, minor in RELEASES:
        if any(specifier.contains(f"{major}.{minor}.{patch}") for patch in range(4)):
            return TorchFloor((major, minor), requirement.strip(), source)
    return None
