"""The project as the unit of analysis: its own modules, found from a file's path, so that what
a function imports from them (helpers, model classes, `no_grad` wrappers) is understood, and, when
the whole project is analysed, what its callers in other modules do.

A project's root is the nearest folder above a file with `pyproject.toml`, `setup.py`, `setup.cfg`
or `.git`; its modules are named from the root, or from `root/src` in a src layout. Modules are
read on demand (what a file imports, and what those import in turn, as far as values are used),
each parsed and summarised once; a module changed on disk is read again.

What an analysis reads is recorded (`Project.recording`, `run_reads`): every module it used, with
the digest of the bytes analysed, and every path whose existence decided how a name resolved, so
that a result kept between runs (io/cache.py) is reused only while all of them are unchanged.
"""
from __future__ import annotations

import ast
import contextlib
import dataclasses
import heapq
import os
import re
import stat
import weakref
from pathlib import Path
from typing import Callable, Iterator, NamedTuple, Optional, Union

from ..io.bare_trees import bare_or_none
from ..io.config import DEFAULT_EXCLUDES
from ..io.notebooks import Notebook, NotebookError, is_notebook
from ..io.requirements import TorchFloor, declared_floor, metadata_files
from ..io.sources import (LegacySyntax, SourceError, compile_quietly, decode_unknown_cookie, digest, parse,
                          parsed_as_is, python_tree, read_bytes)
from .evaluation import has_cells
from .gradgate import GradGate, import_statements, resolve_relative, statements
from .prefilter import text_signals
from .deferred import deferral
from .gradmode import FileAnalysis, FunctionInfo, analyze
from .knowledge import class_name_words
from .lattice import Value

ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
MAX_PACKAGE_DEPTH = 8  # how far above a file its namespace package's top may be
# How far from the files a run checks the analysis follows calls into other modules: a checked
# file is at 0, a module it imports from at 1, a module that one imports from at 2. Deeper modules
# are read only for class ancestry and re-exports; their functions are unknown callables. Without
# a bound, a file of a big package pulls in most of the package (4 modules read per file checked
# on the 100k-line benchmark sample).
MAX_SUMMARY_DEPTH = 2
MAX_REEXPORT_HOPS = 8  # `from .grad import no_grad_method` in an `__init__.py`, and so on


def find_root(path: Union[str, Path]) -> Optional[Path]:
    """The nearest folder above `path` with a project marker; without one, the folder that holds
    the outermost package (`__init__.py`) around `path`, as an installed wheel is laid out; or None."""
    return root_from(Path(os.path.abspath(path)).parent, path)


def root_from(folder: Union[str, Path], path: Union[str, Path, None] = None) -> Optional[Path]:
    """The project root of `folder` (of the file `path` in it, when given), as `find_root` finds it."""
    candidate = os.path.abspath(folder)  # strings: a run asks this of every file, pathlib costs more than the stats
    while True:
        if any(os.path.exists(os.path.join(candidate, marker)) for marker in ROOT_MARKERS):
            return Path(candidate)
        parent = os.path.dirname(candidate)
        if parent == candidate:
            break
        candidate = parent
    folder = Path(os.path.abspath(folder))
    if (folder / "__init__.py").exists():
        while (folder.parent / "__init__.py").exists():
            folder = folder.parent
        return folder.parent
    return _namespace_root(Path(os.path.abspath(path))) if path is not None else None


def _namespace_root(path: Path) -> Optional[Path]:
    """For a file of a package without `__init__.py` files (a namespace package, as some wheels
    ship): the folder above the package the file imports itself from (`from pkg import x`); for
    a script that imports a module next to it (`import test` beside `test.py`), or a module that
    a script next to it imports: its folder, the first entry of `sys.path` when the script runs."""
    imported = _imported_names(path)
    if imported is None:
        return None
    for folder in list(path.parents)[:MAX_PACKAGE_DEPTH]:
        if folder.name in imported:
            return folder.parent
    if _imports_a_sibling(path, imported):
        return path.parent
    if path.suffix == ".py" and path.stem in _imported_in_folder(path.parent):
        return path.parent
    return None


def _imports_a_sibling(path: Path, imported: set[str]) -> bool:
    """Does the file import a module or package that lies beside it?"""
    return any((path.parent / f"{name}.py").is_file() or (path.parent / name).is_dir() for name in imported)


# an import statement at the start of a line, or of a notebook's JSON source line (`"import x\n",`)
_IMPORT_HEAD = re.compile(r"^[ \t]*\"?(?:from|import)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)
_FOLDER_IMPORTS: dict[Path, tuple[tuple, frozenset]] = {}  # folder -> (its scripts' stamps, names)


def _imported_names(path: Path) -> Optional[set[str]]:
    """The top-level names the import statements at the head of a file start with."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(65536).decode("utf-8", "replace")
    except OSError:
        return None
    return set(_IMPORT_HEAD.findall(head))


def _imported_in_folder(folder: Path) -> frozenset:
    """The names the `.py` files of a folder import, read once per version of the folder's files."""
    try:
        scripts = sorted((entry.name, status.st_mtime_ns, status.st_size)
                         for entry in os.scandir(folder) if entry.name.endswith(".py") and entry.is_file()
                         for status in (entry.stat(),))
    except OSError:
        return frozenset()
    stamp = tuple(scripts)
    known = _FOLDER_IMPORTS.get(folder)
    if known is None or known[0] != stamp:
        names = set()
        for name, _, _ in scripts:
            names |= _imported_names(folder / name) or set()
        known = _FOLDER_IMPORTS[folder] = (stamp, frozenset(names))
    return known[1]


LISTING = os.sep + "*.py"  # a probe of a folder's listing: `folder/*.py` (see `path_kind`)
# folders never walked for the project's sources: those a run never checks (tools' caches,
# environments, builds)
SKIPPED_FOLDERS = frozenset(DEFAULT_EXCLUDES)


def path_kind(path: Union[str, Path]) -> str:
    """"file", "dir", "other" or "" (nothing there, or nothing readable), links followed; for
    `folder/*.py`, what the folder lists (`folder_listing`)."""
    if str(path).endswith(LISTING):
        return folder_listing(Path(str(path)[:-len(LISTING)]))
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return ""
    return "file" if stat.S_ISREG(mode) else "dir" if stat.S_ISDIR(mode) else "other"


def folder_listing(folder: Path) -> str:
    """The Python files and the folders a folder holds (not hidden ones, caches or environments,
    which `Project.files_below` does not walk), as one string ("" when it cannot be listed): a
    module added or removed there changes it."""
    try:
        names = sorted(entry.name + ("/" if entry.is_dir() else "") for entry in os.scandir(folder)
                       if not entry.name.startswith(".") and entry.name not in SKIPPED_FOLDERS
                       and (entry.is_dir() or entry.name.endswith(".py")))
    except OSError:
        return ""
    return "\n".join(names)


_DEFINED = re.compile(rb"\bdef\s+(\w+)\s*\(")  # the names a text defines a function of (ASCII ones)
# `class TransE(Model):`: the class's name and the last names of its bases (ASCII ones)
_CLASS = re.compile(rb"^[ \t]*class\s+(\w+)\s*(?:\(([^)]*)\))?\s*:", re.M)
_BASE_NAME = re.compile(rb"(\w+)\s*(?:,|$)")  # the last name of each base in `(nn.Module, Mixin)`
# `torch.autograd.grad(energy, pos, ...)`, or `grad(...)` imported from `torch.autograd`
_INPUT_GRADIENT = re.compile(rb"\bautograd\.grad\s*\(|from\s+torch\.autograd\s+import\s[^\n]*\bgrad\b")


class TextFacts(NamedTuple):
    """What a module's text says, read without parsing it."""

    defined: frozenset  # the (ASCII) names it defines a function of: `def name(`
    class_words: frozenset  # the lower-case words of its classes' names and bases' (`TransE(Model)`: trans, e, model)
    input_gradient: bool  # it may define a `forward` that takes `torch.autograd.grad`


@dataclasses.dataclass
class Reads:
    """What analyses read from disk: project modules (absolute path -> digest of the bytes
    analysed, None when they could not be read) and paths whose kind decided where a module is
    (absolute path -> `path_kind`)."""

    modules: dict[str, Optional[str]] = dataclasses.field(default_factory=dict)
    probes: dict[str, str] = dataclasses.field(default_factory=dict)

    def add(self, other: "Reads") -> None:
        self.modules.update(other.modules)
        self.probes.update(other.probes)


@dataclasses.dataclass(eq=False)
class _Use:
    """The modules and probes one piece of work touched directly (see `Project.recording`)."""

    entries: set = dataclasses.field(default_factory=set)
    probes: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(eq=False)
class Entry:
    """One module of the project, as analysed."""

    path: Path
    name: str
    stamp: tuple  # (mtime, size) when read from disk; () for a source given in memory
    analysis: Optional[FileAnalysis] = None
    model: object = None  # its ModuleModel, phase 1 done
    error: Optional[str] = None
    digest: Optional[str] = None  # of the bytes analysed; None when they could not be read
    depth: int = 0  # how far from the files checked (see MAX_SUMMARY_DEPTH)
    used: _Use = dataclasses.field(default_factory=_Use)  # what analysing it touched directly


class Project:
    """The project's own modules, read and summarised on demand."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        source = self.root / "src"
        self._layout = {str(source): path_kind(source)}  # a src layout or not
        self.source_roots = [source, self.root] if self._layout[str(source)] == "dir" else [self.root]
        self.script_folders: set[Path] = set()  # source roots only because a script there imports a neighbour
        self._homes: dict[str, Optional[Path]] = {}  # module path -> where its imports are looked for first
        self._run_definitions: Optional[tuple] = None  # see `run_files_defining`
        self._entries: dict[Path, Entry] = {}
        # the first readings `reread` replaced this run: the values other files' analyses hold
        # reach their functions, whose owners must not vanish whenever the collector runs
        self._replaced: list[Entry] = []
        self._unattributed = _Use()  # what work outside any recording touched (a run's own steps)
        self._uses: list[_Use] = [self._unattributed]  # the work being recorded, innermost last
        self._loading: set[Path] = set()
        # path -> the entry being read, whose model another module may meet in an import cycle (or
        # by looking for methods beside it) before it is done: its classes and their fields are
        # known from the start of phase 1 (see `_phase_one`)
        self._in_progress: dict[Path, Entry] = {}
        # id(FunctionInfo) -> its ModuleModel, while the model lives (its analysis keeps the
        # function, so the id is not reused): a file analysed again and again (an editor's
        # buffer, file after file in flake8) does not keep every past analysis alive
        self._owners: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
        self._gate = GradGate(self.path_of, self.package_of, self.note_read)
        self._paths: dict[str, Optional[Path]] = {}  # module name -> its file, during one analysis
        # (qualified name, near) -> (module name, attribute) or None, as `_split` found them from `_paths`
        self._splits: dict[tuple, Optional[tuple[str, str]]] = {}
        self._current: dict = {}  # path as asked for -> its entry, found up to date during one analysis
        self._resolving: set[str] = set()  # names `value_of` is following re-exports of
        self.checked: set[Path] = set()  # the files a run checks: summarised whole, never on demand
        self._floor: Optional[tuple] = None  # (stamps of the metadata files, the torch floor they declare)
        self._grad_texts: dict = {}  # module path -> (its stamp, `_grad_text`)
        self._text_facts: dict = {}  # module path -> (its stamp, `text_facts`)
        self._text_stamps: dict = {}  # module path -> its stamp this run (see `text_facts`)
        self._crawled: set[Path] = set()  # folders of files whose package root was looked for
        self._walked: dict[Path, tuple] = {}  # folder -> (the Python files below it, its folders' listings), this run
        self.prepassed: dict[Path, Prepass] = {}  # a run's files: the pre-pass's trees, until built

    # -- names and paths ------------------------------------------------------------------------
    def module_name(self, path: Union[str, Path]) -> Optional[str]:
        path = os.path.abspath(path)
        for source_root in self.source_roots:
            name = self.module_name_under(path, source_root)
            if name is not None:
                return name
        return None

    @staticmethod
    def module_name_under(path: str, source_root: Path) -> Optional[str]:
        """The dotted name of the module at the absolute `path` imported from `source_root`."""
        root = os.path.join(str(source_root), "")  # with a final separator
        if not path.startswith(root):
            return None
        parts = os.path.splitext(path[len(root):])[0].split(os.sep)
        if parts and parts[-1] == "__init__":
            parts = parts[:-1]
        if parts and all(part.isidentifier() for part in parts):
            return ".".join(parts)
        return None

    def add_script_folder(self, path: Path) -> None:
        """A script's folder is where Python looks first for what it imports (`from utils import *`
        beside `utils.py`, in a `scripts/` folder of the repository): a source root after the
        others, once a file there imports a module next to it. A folder already a source root
        (above a package, see `add_package_root`) becomes a script folder too: its scripts import
        from it first, whichever root holds a package of the same name (`nets/` beside both
        `PyTorch/test.py` and `TF-Keras/test.py`)."""
        folder = path.parent
        if folder == self.root or folder in self.script_folders or (folder / "__init__.py").exists():
            return
        if _imports_a_sibling(path, _imported_names(path) or set()):
            if folder not in self.source_roots:
                self.source_roots.append(folder)
            self.script_folders.add(folder)
            self._homes.clear()
            self._forget_lookups()
            self._gate.forget()  # names may be found in the new root

    def add_package_root(self, path: Path) -> None:
        """The folder above a file's outermost package is where that package is imported from, as
        mypy and pytest find it (`src/trainer` for `src/trainer/trainer/models/bart.py`, whose
        `trainer/` holds an `__init__.py` and `src/trainer/` none): a source root before the
        others, so that the file is the module `trainer.models.bart`."""
        folder = path.parent
        if folder in self._crawled:
            return
        self._crawled.add(folder)
        top = folder
        while (top / "__init__.py").is_file():
            top = top.parent
        if top == folder or top in self.source_roots or self.root not in top.parents:
            return
        self.source_roots.insert(0, top)
        self._forget_lookups()
        self._homes.clear()
        self._gate.forget()  # names may be found in the new root

    def package_of(self, path: Union[str, Path]) -> Optional[str]:
        """The package relative imports in `path` start from."""
        name = self.module_name(path)
        if name is None:
            return None
        return name if Path(path).name == "__init__.py" else name.rpartition(".")[0]

    def path_of(self, name: str, near: Optional[Path] = None) -> Optional[Path]:
        """The file of module `name`; `near`: where the module that imports it looks first (see
        `home_of`), as Python searches the running script's folder first (sibling folders of a
        repository each with its own `train.py` beside its own `run.py`)."""
        if near is not None:
            key = (near, name)
            if key not in self._paths:
                self._paths[key] = self._find_in(near, name) or self.path_of(name)
            return self._paths[key]
        if name not in self._paths:
            self._paths[name] = self._find_path(name)
        return self._paths[name]

    def home_of(self, path: Union[str, Path]) -> Optional[Path]:
        """Where the imports of the module at `path` are looked for first: its folder when it is a
        script folder (see `add_script_folder`), else the source root it is a module of. Python
        looks in the running script's folder first, and a package's modules are beside it: with
        `nets/` packages under both `PyTorch/` and `TF-Keras/`, `from .pix2pix import G` in
        `PyTorch/nets/ugan.py` is `PyTorch/nets/pix2pix.py`."""
        key = str(path)
        if key not in self._homes:
            absolute = os.path.abspath(path)
            folder = Path(os.path.dirname(absolute))
            self._homes[key] = folder if folder in self.script_folders else next(
                (root for root in self.source_roots if self.module_name_under(absolute, root) is not None), None)
        return self._homes[key]

    def _find_in(self, root: Path, name: str) -> Optional[Path]:
        base = os.path.join(str(root), *(part for part in name.split(".") if part))
        for candidate in (base + ".py", os.path.join(base, "__init__.py")):
            kind = path_kind(candidate)
            self._uses[-1].probes[candidate] = kind
            if kind == "file":
                return Path(candidate)
        return None

    def _find_path(self, name: str) -> Optional[Path]:
        for source_root in self.source_roots:
            found = self._find_in(source_root, name)
            if found is not None:
                return found
        return None

    def sibling_module(self, package: str, qualified: str) -> bool:
        """Is the module of `qualified` (`models.Actor`), imported absolutely by a module of
        `package`, the module beside it (`package.models`)? Only when no module or package of the
        main source roots has that name (a namespace package, a folder without `__init__.py`,
        counts): then Python finds it only with the code run from the package's folder (a
        neighbouring script's folder made a source root does not count: each has its own)."""
        head = qualified.partition(".")[0]
        if self.path_of(f"{package}.{head}") is None:
            return False
        parts = qualified.split(".")
        for cut in range(len(parts), 0, -1):
            found = self.path_of(".".join(parts[:cut]))
            if found is not None:
                home = found.parent.parent if found.name == "__init__.py" else found.parent
                for _ in range(cut - 1):
                    home = home.parent
                return home in self.script_folders
        for root in self.source_roots:
            folder = os.path.join(str(root), head)
            self._uses[-1].probes[folder] = kind = path_kind(folder)
            if kind == "dir":
                return False
        return True

    def start_run(self) -> None:
        """A new run: the first readings the last one replaced are let go, and files are looked
        up on disk again."""
        self._replaced.clear()
        self._walked.clear()
        self._text_stamps.clear()
        self.forget_paths()

    def forget_paths(self) -> None:
        """Look files up on disk again (at the start of each analysis: modules may come and go)."""
        self._forget_lookups()
        self._current.clear()
        self._gate.forget()

    # -- modules ----------------------------------------------------------------------------------
    def entry(self, path: Union[str, Path], source: Union[str, bytes, None] = None, depth: int = 1) -> Optional[Entry]:
        """The module at `path` analysed with phase 1 of its value model (see summaries.py);
        `source` replaces what is on disk (an editor's buffer, a fix in progress); `depth`: how
        far from the checked files the module that asks for it is, plus one."""
        asked = path
        known = self._current.get(asked) if source is None else None
        if known is not None:  # on disk as it was read, earlier in this analysis
            self._uses[-1].entries.add(known.path)
            return self._reached(known, 0 if known.path in self.checked else depth)
        path = Path(os.path.abspath(path))
        self._uses[-1].entries.add(path)
        stamp = () if source is not None else _stamp(path)
        depth = 0 if path in self.checked else depth
        known = self._entries.get(path)
        if known is not None and known.stamp == stamp and stamp != () and source is None:
            self._current[asked] = known
            return self._reached(known, depth)
        if path in self._loading:
            # an import cycle: the module being read is not summarised yet; its classes are known
            partial = self._in_progress.get(path)
            return partial if partial is not None and partial.model is not None else None
        name = self.module_name(path) or path.stem
        entry = Entry(path, name, stamp, depth=depth)
        self._loading.add(path)
        self._in_progress[path] = entry
        self._uses.append(entry.used)
        try:
            data = source if source is not None else read_bytes(str(path))
            entry.digest = digest(data)
            decoded = decode_unknown_cookie(data) if isinstance(data, bytes) else None
            text = decoded[0] if decoded else data
            # CPython's parser builds the tree several times faster (see io/bare_trees.py); a
            # checked file with findings is read again with libcst to report them (`reread`)
            # a module read for its imports walks a function's body only when it is needed
            defer = deferral if path not in self.checked else None
            prepassed = self.prepassed.pop(path, None)
            tree = prepassed.tree if prepassed is not None and prepassed.source == text else None
            bare = bare_or_none(text, defer, tree) if source is None and (depth > 0 or not has_cells(text)) else None
            try:
                module = bare.module if bare is not None else parse(text, str(path))
            except LegacySyntax:  # Python 2 with `# %%` cells: its translation's tree, cells aside
                bare = bare_or_none(text, defer) if source is None else None
                if bare is None:
                    raise
                module = bare.module
            entry.analysis = analyze(module, str(path), package=self.package_of(path), project=self, bare=bare,
                                     text=text)
            entry.model = self._phase_one(entry.analysis, on_demand=path not in self.checked, depth=depth,
                                          entry=entry)
        except (SourceError, OSError, ValueError) as error:
            entry.error = str(error)
            entry.model = None
        finally:
            self._uses.pop()
            self._loading.discard(path)
            self._in_progress.pop(path, None)
        self._entries[path] = entry
        if source is None and stamp != ():
            self._current[asked] = entry
        return entry

    @staticmethod
    def _reached(entry: Entry, depth: int) -> Entry:
        """`entry`, asked for from `depth` (see MAX_SUMMARY_DEPTH): the nearest asker counts."""
        if depth < entry.depth:
            entry.depth = depth
            if entry.model is not None:
                entry.model.depth = depth
        return entry

    def reread(self, path: Path, module) -> Entry:
        """A checked file analysed from a tree built from `ast`, analysed again on `module`, libcst's
        tree of the same source, for its findings' positions and fixes: the same analysis on the
        same program, with the calls the other files of the run make into it."""
        old = self._entries[path]
        entry = Entry(path, old.name, old.stamp, digest=old.digest, depth=0)
        self._uses.append(entry.used)
        try:
            entry.analysis = analyze(module, str(path), package=self.package_of(path), project=self)
            entry.model = self._phase_one(entry.analysis)
        finally:
            self._uses.pop()
        self._entries[path] = entry
        self._replaced.append(old)
        self._current.clear()  # the entries of this path, under any spelling of it, are replaced
        twins = {(f.name, f.class_name, f.span.start, f.span.end): f for f in entry.analysis.functions}
        # the values callers in other modules pass hold the first reading's classes, whose methods
        # are that reading's functions: a call of one is a call of its twin here
        entry.model.twins = {id(f): (f, twins[key]) for f in old.analysis.functions
                             if (key := (f.name, f.class_name, f.span.start, f.span.end)) in twins}
        for result, fact, function, params, constants, caller in old.model._external:
            twin = twins.get((function.name, function.class_name, function.span.start, function.span.end))
            if twin is not None:
                entry.model._external.append((result, fact, twin, params, constants, caller))
        for fact, function, caller in old.model.calls_in_context:
            twin = twins.get((function.name, function.class_name, function.span.start, function.span.end))
            if twin is not None:
                entry.model.calls_in_context.append((fact, twin, caller))
        entry.model.build_contexts()
        return entry

    def _phase_one(self, analysis: FileAnalysis, on_demand: bool = False, depth: int = 0,
                   entry: Optional[Entry] = None):
        """The module's value model, phase 1 done (`on_demand`: a module read for what others
        import from it; its functions are summarised when asked for, see demand.py). `entry`, the
        entry being read, holds the model from the start (see `_in_progress`)."""
        from .summaries import ModuleModel  # summaries reads this module through the model
        model = ModuleModel(analysis, project=self)
        model.depth = depth
        if entry is not None:
            entry.model = model
        analysis.cache["module_model"] = model
        for function in analysis.functions:
            self._owners[id(function)] = model
        if analysis.bodies is not None:  # functions nested in bodies walked later
            analysis.bodies.listeners.append(lambda since: self._own_functions(analysis, model, since))
        model.build_summaries(on_demand)
        return model

    def _own_functions(self, analysis: FileAnalysis, model, since: Optional[dict]) -> None:
        """The functions a body walked later defines belong to the module's model too."""
        for function in analysis.functions[since["functions"] if since else 0:]:
            self._owners[id(function)] = model

    def module(self, name: str, depth: int = 1, near: Optional[Path] = None) -> Optional[Entry]:
        path = self.path_of(name, near)
        if path is None:
            return None
        entry = self.entry(path, depth=depth)
        return entry if entry is not None and entry.model is not None else None

    def _split(self, qualified: str, depth: int = 1, near: Optional[Path] = None) -> Optional[tuple[Entry, str]]:
        """(module, attribute) for `pkg.mod.attr`, the longest module prefix of the project
        (`near`: see `path_of`)."""
        key = (qualified, near)
        if key in self._splits:  # (the same few names are asked for at every use)
            split = self._splits[key]
        else:
            split = self._splits[key] = self._module_prefix(qualified, near)
        if split is None:
            return None
        entry = self.module(split[0], depth, near)
        return (entry, split[1]) if entry is not None else None

    def _module_prefix(self, qualified: str, near: Optional[Path]) -> Optional[tuple[str, str]]:
        """(module name, attribute) for `pkg.mod.attr`: the longest prefix `path_of` finds a file of."""
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            if self.path_of(".".join(parts[:cut]), near) is not None:
                return ".".join(parts[:cut]), ".".join(parts[cut:])
        return None

    def _forget_lookups(self) -> None:
        """Module names are looked up on disk again (`path_of`), and so are their prefixes (`_split`)."""
        self._paths.clear()
        self._splits.clear()

    # -- what the analysis asks -----------------------------------------------------------------
    def value_of(self, qualified: str, hops: int = 0, depth: int = 1, near: Optional[Path] = None) -> Optional[Value]:
        """The value of a name imported from one of the project's modules (`depth`: the depth its
        module gets, see MAX_SUMMARY_DEPTH; None beyond it; `near`: see `path_of`)."""
        if depth > MAX_SUMMARY_DEPTH or hops > MAX_REEXPORT_HOPS:
            return None
        split = self._split(qualified, depth, near)
        if split is None:
            return None
        entry, attribute = split
        if "." in attribute or qualified in self._resolving:
            return None  # re-exports that lead back to the name (`a.x` is `b.x`, which is `a.x`)
        self._resolving.add(qualified)
        try:
            return entry.model.exported(attribute, hops)
        finally:
            self._resolving.discard(qualified)

    def class_of(self, qualified: str, depth: int = 1, near: Optional[Path] = None):
        """The ClassModel of a project class, by its qualified name (its ancestry is read at any
        depth: whether a class is a module depends on it)."""
        from .lattice import Kind
        value = self.value_of(qualified, depth=min(depth, MAX_SUMMARY_DEPTH), near=near)
        return value.ref if value is not None and value.kind is Kind.CLASS and not isinstance(value.ref, str) else None

    def ancestry_of(self, qualified: str) -> Optional[tuple]:
        """Every base class of the project class `qualified`, qualified where known (its module
        read as far from the checked files as summaries go); None when it is not the project's."""
        cls = self.class_of(qualified, MAX_SUMMARY_DEPTH)
        return cls.ancestry if cls is not None else None

    def star_exports(self, module: str) -> dict[str, str]:
        """What `from module import *` binds, when `module` is the project's (see gradgate.py)."""
        return self._gate.star_exports(module)

    def grad_meaning(self, qualified: str, hops: int = 0, near: Optional[Path] = None) -> Optional[str]:
        """What an imported project name is as a grad-mode context: a torch context's qualified
        name for a subclass of one, "disabled"/"inference" for a wrapper that disables gradients.
        Modules that surely export none (see gradgate.py) are not read for it."""
        if not self._gate.may_be_grad_context(qualified):
            return None
        split = self._split(qualified, near=near)
        if split is None or hops > MAX_REEXPORT_HOPS:
            return None
        entry, attribute = split
        analysis = entry.analysis
        meaning = analysis.grad_exports.get(attribute)
        if meaning is None and attribute in analysis.module_imports.aliases:  # a re-export
            return self.grad_meaning(analysis.module_imports.aliases[attribute], hops + 1, self.home_of(entry.path))
        return meaning

    def imported_files(self, path: Path, tree: Optional[ast.AST] = None) -> set[Path]:
        """The files of the project's modules that the import statements of the file at `path`
        name, in blocks at any depth (`tree`: its `ast` tree, when at hand); `import a.b` names
        `a` and `a.b`, `from a import b` names `a` and, when it is a module, `a.b`, else the
        checked files that modules outside the run re-export `b` from."""
        if tree is None:
            try:
                data = read_bytes(str(path))
                # its import statements parsed alone, unless the text may hide one from that
                tree = import_statements(data) or python_tree(data, str(path))
            except (SourceError, SyntaxError, ValueError, RecursionError, MemoryError, OSError):
                return set()
        package = self.package_of(path)
        names, imported = set(), set()
        for node in statements(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    names.update(".".join(parts[:cut]) for cut in range(1, len(parts) + 1))
            elif isinstance(node, ast.ImportFrom):
                base = resolve_relative(node.module, node.level, package)
                if base:
                    names.add(base)
                    imported.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        near = self.home_of(path)
        found = {found for found in (self.path_of(name, near) for name in names | imported) if found is not None}
        for qualified in imported:
            if self.path_of(qualified, near) is None:  # a name, not a module
                found |= self._reexported_from(qualified)
        return found

    def imports_grad_code(self, path: Path, tree: Optional[ast.AST] = None) -> bool:
        """Does a project module that the file at `path` imports, or one that those import (as
        far as summaries go, and a package's re-exports), name a grad-mode context? Values that
        such modules return may have been made with gradients disabled or in inference mode."""
        seen: set[Path] = {Path(os.path.abspath(path))}
        frontier = self.imported_files(path, tree)
        for _ in range(MAX_SUMMARY_DEPTH + 1):
            following: set[Path] = set()
            for module in frontier - seen:
                seen.add(module)
                names_context, imported = self._grad_text(module)
                if names_context:
                    return True
                following |= imported
            frontier = following
        return False

    def _grad_text(self, module: Path) -> tuple[bool, set]:
        """(does the module's text name a grad-mode context?, the project files it imports), for
        the version on disk (read through the gate: a read the cache records)."""
        current = self._gate.text_of(module)
        if current is None:
            return False, set()
        stamp, data = current
        known = self._grad_texts.get(module)
        if known is None or known[0] != stamp:
            known = self._grad_texts[module] = (stamp, text_signals(data).grad_context, self.imported_files(module))
        return known[1], known[2]

    def _reexported_from(self, qualified: str) -> set[Path]:
        """The checked files where the import statements of modules that are not checked lead
        `pkg.name` (`from .impl import name` in a `pkg/__init__.py` outside the run), through at
        most MAX_REEXPORT_HOPS of them."""
        found: set[Path] = set()
        seen: set[str] = set()
        pending = [qualified]
        for _ in range(MAX_REEXPORT_HOPS):
            following = []
            for name in pending:
                located = self._gate.locate(name) if name not in seen else None
                seen.add(name)
                if located is None:
                    continue
                path, attribute = located
                if path in self.checked:
                    found.add(path)
                else:
                    following.extend(self._gate.bindings(path, attribute))
            pending = following
        return found

    def analyses(self) -> list[FileAnalysis]:
        """The analyses of the modules read so far (the run's files and what they import)."""
        return [entry.analysis for entry in list(self._entries.values()) if entry.analysis is not None]

    def calls_unread(self, name: str) -> bool:
        """Whether what the analyses show of the calls of `name` may be partial: the run checks one
        file, or a file of the run that was not analysed (nothing there could be reported) calls
        something of that name."""
        if len(self.checked) < 2:
            return True
        call = re.compile(rb"(?<![A-Za-z0-9_])" + re.escape(name.encode("utf-8", "surrogatepass")) + rb"\s*\(")
        for path in self.checked:
            entry = self._entries.get(path)
            if entry is not None and entry.analysis is not None:
                continue
            try:
                if call.search(read_bytes(str(path))):
                    return True
            except SourceError:
                return True
        return False

    def analysed(self) -> list[Path]:
        """The modules analysed so far (read with libcst and summarised, wholly or on demand)."""
        return [path for path, entry in self._entries.items() if entry.model is not None]

    def run_files_defining(self, name: str) -> list[Path]:
        """The files this run checks (analysed together) whose text has `def name(`; each file's
        text is searched once a run, and every one is a read of the work that asks (a `def` added
        to any of them changes the answer)."""
        checked = frozenset(path for path in self.checked if path.suffix == ".py")
        if self._run_definitions is None or self._run_definitions[0] != checked:
            defined = [(path, facts.defined) for path in sorted(checked)
                       if (facts := self.text_facts(path, note=False)) is not None]
            self._run_definitions = (checked, defined)
        self._uses[-1].entries.update(checked)
        return [path for path, names in self._run_definitions[1] if name in names]

    def files_below(self, folder: Path) -> list[Path]:
        """The Python files below a folder of the project (its caches, environments and builds
        left out), listed once a run; every folder's listing is a probe of the work that asks
        (a module added there changes the answer)."""
        if folder not in self._walked:
            found: list[Path] = []
            walked: list[str] = []
            for top, folders, files in os.walk(folder):
                folders[:] = sorted(name for name in folders if name not in SKIPPED_FOLDERS and not name.startswith("."))
                found += [Path(top) / name for name in sorted(files) if name.endswith(".py")]
                walked.append(top + LISTING)
            self._walked[folder] = (found, {probe: path_kind(probe) for probe in walked})
        found, probes = self._walked[folder]
        self._uses[-1].probes.update(probes)
        return found

    def files_defining(self, name: str, folder: Path) -> list[Path]:
        """The Python files below `folder` whose text has `def name(` (each one a read)."""
        return [path for path in self.files_below(folder) if (facts := self.text_facts(path)) is not None
                and name in facts.defined]

    def text_facts(self, path: Path, note: bool = True) -> Optional["TextFacts"]:
        """What the text of the module at `path` says without parsing it (see `TextFacts`), read
        once per version on disk; None when it cannot be read. `note`: a read of the work that
        asks (what it decides changes with the text)."""
        stamp = self._text_stamps.get(path)
        if stamp is None:  # (once a run: a run reads each module's text as it was when it started)
            stamp = self._text_stamps[path] = _stamp(path)
        known = self._text_facts.get(path)
        if known is None or known[0] != stamp:
            try:
                data = read_bytes(str(path))
            except SourceError:
                facts = None
            else:
                facts = TextFacts(frozenset(found.decode("ascii") for found in _DEFINED.findall(data)),
                                  _class_words(data),
                                  b"autograd" in data and b"def forward" in data and _INPUT_GRADIENT.search(data) is not None)
            known = self._text_facts[path] = (stamp, facts)
        if note:
            self.note_read(path)
        return known[1]

    @staticmethod
    def neighbourhood(path: Path) -> Path:
        """The folder whose modules the file at `path` is written with: the top of the package it
        is in, or its own folder when it is in none (a folder of scripts)."""
        folder = path.parent
        if not (folder / "__init__.py").is_file():
            return folder
        for _ in range(MAX_PACKAGE_DEPTH):
            if not (folder.parent / "__init__.py").is_file():
                break
            folder = folder.parent
        return folder

    def note_read(self, path: Path) -> None:
        """A module file read outside `module` (the grad-context gate's text): a read to record."""
        self._uses[-1].entries.add(path)

    def torch_floor(self) -> Optional[TorchFloor]:
        """The oldest torch the project declares it supports (io/requirements.py), read again
        when a metadata file changes; the files are reads of the work that asks."""
        files = metadata_files(self.root)
        stamps = tuple(_stamp(path) for path in files)
        if self._floor is None or self._floor[0] != stamps:
            self._floor = (stamps, declared_floor(self.root))
        for path in files:
            kind = path_kind(path)
            self._uses[-1].probes[str(path)] = kind
            if kind == "file":
                self.note_read(path)
        return self._floor[1]

    def owner_of(self, function: FunctionInfo):
        return self._owners.get(id(function))

    # -- what was read ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def recording(self) -> Iterator[Reads]:
        """Record what the work inside the block reads: the modules it uses (loaded or already
        known) and everything those read to be analysed, transitively."""
        use = _Use()
        self._uses.append(use)
        reads = Reads()
        try:
            yield reads
        finally:
            self._uses.remove(use)
            reads.add(self.reads_of(use.entries, use.probes))

    def reads_of(self, paths, probes: Optional[dict] = None) -> Reads:
        """The modules at `paths` and what analysing them read, transitively, with the project's
        layout and `probes`."""
        reads = Reads(probes={**self._layout, **(probes or {})})
        pending = list(paths)
        while pending:
            path = pending.pop()
            if str(path) in reads.modules:
                continue
            entry = self._entries.get(path)
            reads.modules[str(path)] = entry.digest if entry is not None else _digest_on_disk(path)
            if entry is not None:
                reads.probes.update(entry.used.probes)
                pending.extend(entry.used.entries)
        return reads


def _class_words(data: bytes) -> frozenset:
    """The words of the names of the classes a text defines, and of their bases' last names."""
    words: set[str] = set()
    for name, bases in _CLASS.findall(data):
        for one in (name, *_BASE_NAME.findall(bases)):
            words.update(class_name_words(one.decode("ascii", "replace")))
    return frozenset(words)


def _digest_on_disk(path: Path) -> Optional[str]:
    """For a module used while it was being read (an import cycle): its bytes now."""
    try:
        return digest(read_bytes(str(path)))
    except SourceError:
        return None


def _stamp(path: Path) -> tuple:
    try:
        status = path.stat()
    except OSError:
        return ("missing",)
    return (status.st_mtime_ns, status.st_size)



# -- runs ---------------------------------------------------------------------------------------
_PROJECTS: dict[Path, Project] = {}
# analyses of the files of one run, by path: (stamp, analysis, digest of the bytes analysed)
_TOGETHER: dict[Path, tuple[tuple, FileAnalysis, Optional[str]]] = {}


def imports_grad_code(path: str, tree: Optional[ast.AST] = None) -> bool:
    """`Project.imports_grad_code` for a file on disk; False outside a project."""
    project = project_for(path)
    return project is not None and project.imports_grad_code(Path(os.path.abspath(path)), tree)


def project_for(path: Union[str, Path]) -> Optional[Project]:
    """The project a file on disk belongs to (one per root and process), or None."""
    if not os.path.isfile(path):
        return None
    root = find_root(path)
    if root is None:
        return None
    if root not in _PROJECTS:
        _PROJECTS[root] = Project(root)
    project = _PROJECTS[root]
    project.add_script_folder(Path(os.path.abspath(path)))
    project.add_package_root(Path(os.path.abspath(path)))
    return project


def torch_floor(path: Union[str, Path]) -> Optional[TorchFloor]:
    """The oldest torch the project of the file at `path` declares it supports, or None."""
    project = project_for(path)
    return project.torch_floor() if project is not None else None


def recording(path: Union[str, Path]):
    """`Project.recording` of the project `path` belongs to; for a file without one, a block that
    records nothing (its analysis reads no other file)."""
    project = project_for(path)
    return project.recording() if project is not None else contextlib.nullcontext(Reads())


def run_reads() -> Reads:
    """Everything the projects of this process have read so far."""
    reads = Reads()
    for project in _PROJECTS.values():
        reads.add(project.reads_of([*project._entries, *project._unattributed.entries], project._unattributed.probes))
    return reads


def prepared_module(path: str, source: Union[str, bytes]):
    """The parsed module of a file a run analysed together, when its source is still `source`
    (fixes and positions must use the very tree the analysis read)."""
    known = _TOGETHER.get(Path(os.path.abspath(path)))
    if known is None:
        return None
    module = known[1].module
    if "bare" in known[1].cache:  # built from `ast`: its code is normalised, the digests compare
        return module if known[2] == digest(source) else None
    if isinstance(source, bytes) and known[2] == digest(source) and parsed_as_is(source):
        return module  # the very bytes analysed: no need to generate the module's code to compare
    text = source if isinstance(source, str) else source.decode(module.encoding, errors="replace")
    return module if module.code == text else None


def analyse_alone(module, path: str, bare=None) -> FileAnalysis:
    """One file's analysis: with what it imports from its project when it has one (its callers in
    other modules are seen only when the whole run is analysed together), else on its own. `bare`:
    the tree built from `ast` that `module` is (see `analyze`)."""
    key = Path(os.path.abspath(path))
    known = _TOGETHER.get(key)
    if known is not None and known[0] == _stamp(key):
        analysed = known[1]
        if analysed.module is module:
            return analysed
        if "bare" in analysed.cache:
            if known[2] == digest(module.code):  # the source the run read, parsed with libcst
                return on_libcst_tree(path, module)
        elif analysed.module.code == module.code:
            return analysed
    project = project_for(path)
    if project is None:
        return analyze(module, path, bare=bare)
    project.forget_paths()
    analysis = analyze(module, path, package=project.package_of(path), project=project, bare=bare)
    model = project._phase_one(analysis)
    model.build_contexts()
    return analysis


def on_libcst_tree(path: str, module) -> FileAnalysis:
    """The analysis of a file of a run analysed together, from a tree built from `ast` (see
    `Project.entry`), done again on `module`, libcst's tree of the same source (see `reread`)."""
    key = Path(os.path.abspath(path))
    stamp, _, digested = _TOGETHER[key]
    analysis = project_for(key).reread(key, module).analysis
    _TOGETHER[key] = (stamp, analysis, digested)
    return analysis


class Prepass(NamedTuple):
    """What the pre-pass found in a file of a run: could a rule report something there, the `ast`
    tree it read (None when it read none), and the source that tree is of (its module is built
    from that tree, unless the file changed since: one `ast` parse a file)."""

    could: bool
    tree: Optional[ast.AST] = None
    source: Union[str, bytes, None] = None


def analyse_together(paths, prefilter: Optional[Callable[[str], Prepass]] = None) -> None:
    """Analyse the Python files of one run as a whole: every file's callers in the others are
    known before any file is judged. The results serve `analyse_alone` for those files. The run's
    notebooks take part as callers (their code cells, one program): a helper of the project that
    only a notebook runs is judged by what the notebook does with it.

    `prefilter(path)`: the file's `Prepass`. With it, only the files that could have findings are
    analysed together, with every file of the run linked to one of them through imports between
    files of the run (their callers and callees, and theirs in turn); the others are read only when
    the analysis asks for them. Their modules are built from the pre-pass's `ast` trees."""
    entries = []
    for project in _PROJECTS.values():
        project.start_run()
    programs = {Path(os.path.abspath(path)): program for path in paths
                if is_notebook(str(path)) and (program := _notebook_program(path)) is not None}
    projects = [(path, project_for(path) if str(path).endswith((".py", ".pyi"))
                 or Path(os.path.abspath(path)) in programs else None) for path in paths]
    for path, project in projects:
        if project is not None:
            project.checked.add(Path(os.path.abspath(path)))
    if prefilter is not None:
        projects = _linked_to_relevant(projects, prefilter, programs)
    for path, project in projects:
        try:
            program = programs.get(Path(os.path.abspath(path)))
            entry = project.entry(path, source=program) if project is not None else None
            if entry is not None and entry.model is not None:
                entry.model.complete()  # read on demand for another file before: finish it
        except Exception:  # noqa: BLE001 - a file whose analysis fails is analysed alone, and fails alone
            continue
        if entry is not None and entry.model is not None:
            entries.append((project, entry))
    calls_into: dict[int, set[int]] = {}  # id(model) -> ids of the models its functions call
    for project, entry in entries:
        model = entry.model
        for result in [s.result for s in model.summaries.values()] + [model.module_result]:
            called = [f for _, f, _, _ in result.outgoing] + [init for _, _, init, _ in (result.constructions or {}).values()]
            for callee_model in {id(o): o for o in (project.owner_of(f) for f in called)
                                 if o is not None and o is not model}.values():
                callee_model.add_external_sites(result, entry.analysis)
                calls_into.setdefault(id(model), set()).add(id(callee_model))
    waiting = {id(entry.model): entry.model for _, entry in entries}  # contexts not built yet
    for project, entry in _callers_first(entries, calls_into):
        waiting.pop(id(entry.model), None)
        try:
            entry.model.build_contexts()
        except Exception:  # noqa: BLE001 - this file is analysed alone later, and fails alone there
            continue
        _pass_contexts_on(entry, [waiting[key] for key in calls_into.get(id(entry.model), ()) if key in waiting])
        if entry.path not in programs:  # a notebook is checked alone, on its cells
            _TOGETHER[entry.path] = (entry.stamp, entry.analysis, entry.digest)
    given_callers: set[int] = set()
    for project, entry in entries:
        given_callers |= _pass_calls_in_context(project, entry)
    # a module whose functions those calls reach for the first time is judged with them (as its
    # reread for positions is: see `Project.reread`)
    for project, entry in _callers_first([pair for pair in entries if id(pair[1].model) in given_callers], calls_into):
        try:
            entry.model.build_contexts()
        except Exception:  # noqa: BLE001 - this file is analysed alone later, and fails alone there
            _TOGETHER.pop(entry.path, None)
    for project in _PROJECTS.values():
        project.prepassed.clear()  # the trees of files no analysis asked for


def _tree_or_none(program: str) -> Optional[ast.AST]:
    """The `ast` tree of `program`, or None when it does not parse."""
    try:
        return compile_quietly(program, "<notebook>")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _notebook_program(path) -> Optional[str]:
    """The code cells of the notebook at `path` joined into one program, or None when it cannot
    be read as a Python notebook (its check says why)."""
    try:
        return Notebook.from_bytes(read_bytes(str(path))).program
    except (SourceError, NotebookError):
        return None


def _pass_contexts_on(entry: Entry, callees: list) -> None:
    """Give the modules a file's functions call into, whose contexts are built later, the calls
    those functions make in the contexts their callers give them, in place of the calls of their
    summaries: a context passes through any number of files, as it does between the functions of
    one (see `ModuleModel.take_calls_in_contexts`)."""
    if not callees or not entry.model.results:
        return  # no callee waits, or its contexts could not be built
    results = entry.model.all_results()
    for callee in callees:
        callee.take_calls_in_contexts(results, entry.analysis)


def _pass_calls_in_context(project: Project, entry: Entry) -> set[int]:
    """Tell the modules a file's functions call into which calls they make only in the contexts
    their callers give them (see `ModuleModel.add_calls_in_context`); the ids of the models that
    gained a caller."""
    model = entry.model
    if not model.results:
        return set()  # its contexts could not be built
    gained = set()
    for result in model.all_results():
        for callee_model in {id(o): o for o in (project.owner_of(f) for _, f, _, _ in result.outgoing)
                             if o is not None and o is not model}.values():
            if callee_model.add_calls_in_context(result, entry.analysis):
                gained.add(id(callee_model))
    return gained


def _callers_first(entries: list, calls_into: dict[int, set[int]]) -> list:
    """The entries ordered so that a module whose functions call into another comes before it:
    a callee's entry modes are settled from callers whose own entry modes are settled (a grad mode
    passes through a middle module whatever the files are named). Otherwise, and in a cycle, the
    run's order is kept."""
    index = {id(entry.model): i for i, (_, entry) in enumerate(entries)}
    waiting = [0] * len(entries)
    callees = [[index[c] for c in calls_into.get(id(entry.model), ()) if c in index] for _, entry in entries]
    for targets in callees:
        for target in targets:
            waiting[target] += 1
    ready = [i for i, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    ordered, done, next_left = [], [False] * len(entries), 0
    while len(ordered) < len(entries):
        if not ready:  # a cycle: the first module left in the run's order goes next
            while done[next_left]:
                next_left += 1
            heapq.heappush(ready, next_left)
        current = heapq.heappop(ready)
        if done[current]:
            continue
        done[current] = True
        ordered.append(entries[current])
        for target in callees[current]:
            waiting[target] -= 1
            if waiting[target] == 0 and not done[target]:
                heapq.heappush(ready, target)
    return ordered


def _linked_to_relevant(projects: list, prefilter, programs: dict) -> list:
    """The (path, project) pairs of the files that could have findings and of every file linked to
    one of them by imports between files of the run, in either direction and through any number of
    such files (a caller's calls set the grad mode its callees start in, and a callee's callers
    are read when its caller is judged); in the run's order. `programs`: the notebooks' code by
    path (callers only: their own findings come from their checks)."""
    relevant: set[Path] = set()
    linked: dict[Path, set[Path]] = {}
    prepassed: dict[Path, Prepass] = {}
    for path, project in projects:
        if project is None:
            continue
        key = Path(os.path.abspath(path))
        found = prefilter(path) if key not in programs else Prepass(False, _tree_or_none(programs[key]))
        if found.could:
            relevant.add(key)
        if found.tree is not None and key not in programs:
            prepassed[key] = found
        linked.setdefault(key, set())
        for target in project.imported_files(key, found.tree):
            if target in project.checked and target != key:
                linked[key].add(target)
                linked.setdefault(target, set()).add(key)
    kept, pending = set(relevant), list(relevant)
    while pending:
        for other in linked.get(pending.pop(), ()):
            if other not in kept:
                kept.add(other)
                pending.append(other)
    for path, project in projects:
        key = Path(os.path.abspath(path))
        if project is not None and key in kept and key in prepassed:
            project.prepassed[key] = prepassed[key]
    return [(path, project) for path, project in projects
            if project is None or Path(os.path.abspath(path)) in kept]
