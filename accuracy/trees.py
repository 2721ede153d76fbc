"""Whole project trees for the labelled sources, rebuilt into a cache folder.

The linter resolves a project's own imports, so a labelled file is linted inside its project:

- `github:owner/name@commit`: the repository's tree at that commit, checked out from a local git
  mirror when one is given (never written to), else from a bare clone of the public repository
  kept in the cache (Python files, notebooks and project configuration only). The tree is written with `git read-tree` + `git checkout-index` into a
  temporary index, not `git archive`, which leaves out the paths `.gitattributes` marks
  `export-ignore` (often tests and examples). An empty `.git` folder marks its root, as a clone's
  `.git` does: the linter finds a project's root the same way in both.
- `pypi:NAME==VERSION`: the released archive (`pip download --no-deps`), extracted; an sdist's top
  folder is the project root.

A finished tree is renamed into place, so a tree in the cache is always complete.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Optional

from accuracy.labelset import Source

ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".zip")


class TreeError(Exception):
    """A source whose tree cannot be rebuilt; the message says why."""


def project_tree(source: Source, cache: Path, mirrors: Optional[Path] = None) -> Path:
    """The root folder of `source`'s project tree, rebuilt into `cache` unless it is there."""
    if source.kind == "github":
        return github_tree(source, cache, mirrors)
    return pypi_tree(source, cache)


def github_tree(source: Source, cache: Path, mirrors: Optional[Path]) -> Path:
    owner, name = source.name.split("/")
    target = cache / "github" / f"{owner}+{name}@{source.revision}"
    if target.is_dir():
        (target / ".git").mkdir(exist_ok=True)  # trees rebuilt before the marker was written
        return target
    git_dir = find_mirror(mirrors, source.name) if mirrors else None
    if git_dir is None:
        git_dir = _clone(source.name, cache)
        if not _has_commit(git_dir, source.revision):
            _git(git_dir, "fetch", "--quiet", "origin", source.revision)
    if not _has_commit(git_dir, source.revision):
        raise TreeError(f"commit {source.revision} is not in {git_dir}")
    _checkout(git_dir, source.revision, target)
    (target / ".git").mkdir(exist_ok=True)
    return target


def find_mirror(mirrors: Path, repository: str) -> Optional[Path]:
    """The git dir of `owner/name` in a folder of mirrors, laid out as `OWNER+NAME/repo`,
    `OWNER+NAME`, `OWNER/NAME` or `OWNER/NAME.git` (names matched without regard to case); a
    non-bare repository's `.git` is found too."""
    owner, name = repository.split("/")
    for parts in ((f"{owner}+{name}", "repo"), (f"{owner}+{name}",), (owner, name), (owner, f"{name}.git")):
        folder = _child_path(mirrors, parts)
        if folder is None:
            continue
        if (folder / ".git").exists():
            return folder / ".git"
        if (folder / "HEAD").is_file() and (folder / "objects").is_dir():
            return folder
    return None


def _child_path(top: Path, parts: tuple[str, ...]) -> Optional[Path]:
    """`top/parts...`, each part matched exactly or else without regard to case; None if absent."""
    here = top
    for part in parts:
        if (here / part).is_dir():
            here = here / part
            continue
        matches = [child for child in here.iterdir() if child.name.lower() == part.lower()] if here.is_dir() else []
        if not matches:
            return None
        here = matches[0]
    return here


def _clone(repository: str, cache: Path) -> Path:
    """A bare clone of the public repository, made once into the cache."""
    owner, name = repository.split("/")
    target = cache / "clones" / f"{owner}+{name}.git"
    if not target.is_dir():
        scratch = _fresh(target.with_name(target.name + ".partial"))
        _run(["git", "clone", "--bare", "--quiet", f"https://github.com/{repository}.git", str(scratch)])
        scratch.rename(target)
    return target


def _has_commit(git_dir: Path, commit: str) -> bool:
    done = subprocess.run(_git_command(git_dir, "cat-file", "-e", f"{commit}^{{commit}}"), capture_output=True)
    return done.returncode == 0


def _checkout(git_dir: Path, commit: str, target: Path) -> None:
    """Write the tree of `commit` into `target` through a temporary index (the git dir is only read)."""
    scratch = _fresh(target.with_name(target.name + ".partial"))
    scratch.mkdir()
    with tempfile.TemporaryDirectory() as temporary:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(temporary) / "index")}
        work_tree = ("-c", "core.bare=false", f"--work-tree={scratch}")  # a bare mirror still checks out
        _git(git_dir, *work_tree, "read-tree", commit, env=env)
        wanted = "\0".join(_present_sources(git_dir, env))
        if wanted:
            _run(_git_command(git_dir, *work_tree, "checkout-index", "--force", "-z", "--stdin"), env=env,
                 stdin=wanted + "\0")
    scratch.rename(target)


SOURCE_NAMES = ("pyproject.toml", "setup.py", "setup.cfg", ".gitignore", "tox.ini", ".flake8")


def _is_source(path: str) -> bool:
    """What the linter reads: Python files, notebooks and project configuration (with the
    requirements files that say which torch the project supports, `requirements/*.txt` too). Other files (data,
    weights, images) are left out; a mirror may lack large blobs."""
    name = path.rpartition("/")[2]
    return (path.endswith((".py", ".pyi", ".ipynb")) or name in SOURCE_NAMES
            or (name.startswith("requirements") and name.endswith(".txt"))
            or (path.startswith("requirements/") and path.count("/") == 1 and name.endswith(".txt")))


def _present_sources(git_dir: Path, env: dict) -> list[str]:
    """The source paths of the index whose blobs the git dir has (a mirror may lack large files)."""
    listing = subprocess.run(_git_command(git_dir, "ls-files", "-s", "-z"), capture_output=True, env=env).stdout
    entries = []
    for entry in listing.decode("utf-8", "surrogateescape").split("\0"):
        meta, _, path = entry.partition("\t")
        if path and _is_source(path):
            entries.append((meta.split()[1], path))
    check = subprocess.run(_git_command(git_dir, "cat-file", "--batch-check=%(objectname)"), capture_output=True,
                           text=True, input="".join(f"{blob}\n" for blob, _ in entries))
    present = {line for line in check.stdout.splitlines() if not line.endswith(" missing")}
    return [path for blob, path in entries if blob in present]


def _git(git_dir: Path, *arguments: str, env: Optional[dict] = None) -> None:
    _run(_git_command(git_dir, *arguments), env=env)


def _git_command(git_dir: Path, *arguments: str) -> list[str]:
    # safe.directory: a mirror owned by another user is still read.
    return ["git", "-c", "safe.directory=*", "-c", "core.autocrlf=false", f"--git-dir={git_dir}", *arguments]


def _run(command: list[str], env: Optional[dict] = None, stdin: Optional[str] = None) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, input=stdin)
    except OSError as error:
        raise TreeError(f"cannot run {command[0]}: {error}") from None
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines() or [f"exit status {done.returncode}"]
        raise TreeError(f"`{' '.join(command)}` failed: {message[-1]}")


def _fresh(folder: Path) -> Path:
    """An empty folder at `folder` (whatever an interrupted run left there is removed)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    return folder


def pypi_tree(source: Source, cache: Path) -> Path:
    folder = cache / "pypi" / f"{source.name}-{source.revision}-{source.dist}"
    target = folder / "tree"
    if not target.is_dir():
        archive = download(source, folder)
        extract(archive, target, strip_top=source.dist == "sdist")
    return target


def download(source: Source, folder: Path) -> Path:
    """The released archive of `source`, downloaded once into `folder`."""
    existing = [p for p in folder.glob("*") if p.name.endswith(ARCHIVE_SUFFIXES)] if folder.is_dir() else []
    if existing:
        return existing[0]
    folder.mkdir(parents=True, exist_ok=True)
    kind = ["--no-binary", ":all:"] if source.dist == "sdist" else ["--only-binary", ":all:"]
    errors = []
    # pip prepares an sdist's metadata: first in this environment (old setup.py files import torch),
    # then in an isolated build environment (setuptools_scm and friends).
    for isolation in (["--no-build-isolation"], []):
        with tempfile.TemporaryDirectory() as scratch:
            command = [sys.executable, "-m", "pip", "download", "--no-deps", "--ignore-requires-python",
                       *isolation, "--disable-pip-version-check", "-q", *kind, "-d", scratch,
                       f"{source.name}=={source.revision}"]
            done = subprocess.run(command, capture_output=True, text=True)
            archives = [p for p in Path(scratch).iterdir() if p.name.endswith(ARCHIVE_SUFFIXES)]
            if archives:
                final = folder / archives[0].name
                shutil.move(str(archives[0]), final)
                return final
            errors.extend((done.stderr or done.stdout).strip().splitlines()[-1:])
    raise TreeError(f"pip download failed for {source}: {'; '.join(errors)}")


def extract(archive: Path, target: Path, strip_top: bool) -> None:
    """Unpack `archive` into `target`; with `strip_top`, its single top folder becomes `target`."""
    scratch = _fresh(target.with_name(target.name + ".partial"))
    scratch.mkdir()
    if archive.name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as z:
            z.extractall(scratch)  # zipfile drops absolute and '..' parts of member names
    else:
        with tarfile.open(archive) as t:
            t.extractall(scratch, filter=_safe_member)
    entries = list(scratch.iterdir())
    root = entries[0] if strip_top and len(entries) == 1 and entries[0].is_dir() else scratch
    root.rename(target)
    shutil.rmtree(scratch, ignore_errors=True)


def _safe_member(member: tarfile.TarInfo, path: str) -> Optional[tarfile.TarInfo]:
    """tarfile's `data` filter, skipping (not failing on) a member it refuses (a link out of the tree)."""
    if not hasattr(tarfile, "data_filter"):  # pragma: no cover - Python before 3.9.17, 3.10.12, 3.11.4
        raise TreeError("extracting an sdist safely needs tarfile filters (Python 3.9.17, 3.10.12, 3.11.4 or later)")
    try:
        return tarfile.data_filter(member, path)
    except tarfile.FilterError:
        return None
