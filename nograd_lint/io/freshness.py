"""What a kept result depended on, and whether all of it is still as it was.

A result of nograd-lint depends on more than the file it is about: the project's modules its
analysis read (what a file imports, what those import, a base class, a `no_grad` wrapper), and in
a run over several files, every other file of the run (their calls decide the grad mode a
function starts in). A `Record` lists them all with the digest of the bytes analysed, the paths
whose existence decided where a module is (a new `pkg/helpers.py` changes what `pkg.helpers`
names), and each file's project root (a new `pyproject.toml` changes module names). A kept result
is reused only when every one of them is unchanged; otherwise the run analyses again.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Optional

from ..analysis.project import Reads, find_root, path_kind
from .sources import SourceError, digest, read_bytes


@dataclasses.dataclass
class Record:
    """A kept result and everything it depended on (paths are absolute)."""

    files: dict[str, Optional[str]]  # the files the result is about -> digest of their content
    modules: dict[str, Optional[str]]  # modules read from disk -> digest (None: could not be read)
    probes: dict[str, str]  # paths -> what was there ("file", "dir", "other", "")
    roots: dict[str, Optional[str]]  # each file -> its project root
    results: Any = None  # what the front end keeps (JSON)

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, value: Any) -> Optional["Record"]:
        """The record, or None for an entry of another shape (a corrupt or older cache)."""
        if not isinstance(value, dict):
            return None
        try:
            record = cls(**value)
        except TypeError:
            return None
        maps = (record.files, record.modules, record.probes, record.roots)
        if not all(isinstance(part, dict) for part in maps):
            return None
        return record


class Disk:
    """What is on disk now, each path read once per run: digests of files and project roots."""

    def __init__(self) -> None:
        self._digests: dict[str, Optional[str]] = {}
        self._roots: dict[str, Optional[str]] = {}

    def digest(self, path: str) -> Optional[str]:
        if path not in self._digests:
            try:
                self._digests[path] = digest(read_bytes(path))
            except SourceError:
                self._digests[path] = None
        return self._digests[path]

    def know(self, path: str, data: bytes) -> None:
        """`path` holds `data` (read by the caller already)."""
        self._digests[path] = digest(data)

    def root(self, path: str) -> Optional[str]:
        if path not in self._roots:
            found = find_root(path)
            self._roots[path] = str(found) if found is not None else None
        return self._roots[path]


def record_of(files: dict[str, Optional[str]], reads: Reads, disk: Disk, results: Any) -> Record:
    """A record of a result about `files` (path -> digest of the content analysed), made from what
    its analysis read."""
    return Record(files=dict(files), modules=dict(reads.modules), probes=dict(reads.probes),
                  roots={path: disk.root(path) for path in files}, results=results)


def is_fresh(record: Record, files: dict[str, Optional[str]], disk: Disk) -> bool:
    """Whether the kept result still holds for `files` (path -> digest of the content to analyse):
    the same files with the same content, every module read unchanged, every probed path as it
    was, every root the same."""
    if record.files != files or None in files.values():
        return False
    if any(disk.digest(path) != known for path, known in record.modules.items()):
        return False
    if any(path_kind(path) != kind for path, kind in record.probes.items()):
        return False
    return all(disk.root(path) == root for path, root in record.roots.items())
