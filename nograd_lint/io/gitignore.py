"""What `.gitignore` files ignore in a directory walk (read with `pathspec`, as git reads them).

The rules in force in a directory are those of the `.gitignore` files in it and above it, up to
the top of its git repository (and the repository's `.git/info/exclude`); outside a repository,
those from the walked directory down. A deeper file's rules win over a shallower one's (`!name`
re-includes), and nothing inside an ignored directory is looked at, as in git.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import pathspec

_Rules = tuple[tuple[Path, pathspec.GitIgnoreSpec], ...]  # (directory the patterns start from, patterns)


class GitIgnore:
    """The gitignore rules of a walk from one top directory; `ignored()` asks about one entry."""

    def __init__(self, top: Path) -> None:
        top = Path(os.path.abspath(top))
        repository = next((d for d in (top, *top.parents) if (d / ".git").exists()), None)
        rules: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
        if repository is not None:
            rules += _read(repository / ".git" / "info" / "exclude", repository)
            above = [d for d in (top, *top.parents) if d == repository or repository in d.parents]
            for directory in reversed(above[1:]):
                rules += _read(directory / ".gitignore", directory)
        self._rules: dict[Path, _Rules] = {top.parent: tuple(rules)}

    def rules_in(self, directory: Path) -> _Rules:
        """The rules for entries of `directory` (its parent's, then its own `.gitignore`)."""
        directory = Path(os.path.abspath(directory))
        found = self._rules.get(directory)
        if found is None:
            inherited = self._rules.get(directory.parent)
            if inherited is None:
                inherited = self.rules_in(directory.parent)
            found = self._rules[directory] = inherited + tuple(_read(directory / ".gitignore", directory))
        return found

    def ignored(self, path: Path, is_directory: bool) -> bool:
        """Is the entry itself ignored: the last pattern that matches it decides (its directories
        were asked about before the walk entered them)."""
        path = Path(os.path.abspath(path))
        verdict: Optional[bool] = None
        for base, spec in self.rules_in(path.parent):
            relative = path.relative_to(base).as_posix() + ("/" if is_directory else "")
            for pattern in spec.patterns:
                if pattern.include is not None and _matches_itself(pattern, relative):
                    verdict = pattern.include
        return bool(verdict)


def _matches_itself(pattern: pathspec.Pattern, relative: str) -> bool:
    """Does `pattern` match the entry at `relative` (a directory's ends with `/`) itself, not only
    as a path inside a directory it matches? `!*/` re-includes directories, not what is in them;
    pathspec's own verdict gives `*` priority over it, and skips every subdirectory of a folder
    ignored with `*`, `!*/`, `!*.*`."""
    for match in pattern.regex.finditer(relative):
        directory = match.groupdict().get("ps_d")
        if directory is None or match.end("ps_d") == len(relative):
            return True
    return False


def _read(path: Path, base: Path) -> list[tuple[Path, pathspec.GitIgnoreSpec]]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    return [(base, pathspec.GitIgnoreSpec.from_lines(lines))] if lines else []
