"""Glob patterns as ruff reads `per-file-ignores`: `*` and `?` also match `/`, `**/` matches any
number of directories (none too), `[...]` is a character class and `{a,b}` an alternative."""
from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=None)
def compile_glob(pattern: str) -> "re.Pattern[str]":
    """A regular expression that matches a whole path against `pattern`."""
    out, index, depth = [], 0, 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if char == "*":
            out.append(".*")
            index += 2 if pattern.startswith("**", index) else 1
            continue
        if char == "?":
            out.append(".")
        elif char == "[":
            end = pattern.find("]", index + 2)
            if end < 0:
                out.append(re.escape(char))
            else:
                body = pattern[index + 1:end]
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
                index = end
        elif char == "{":
            out.append("(?:")
            depth += 1
        elif char == "}" and depth:
            out.append(")")
            depth -= 1
        elif char == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(char))
        index += 1
    return re.compile("".join(out) + ")" * depth + r"\Z", re.DOTALL)


def glob_matches(pattern: str, path: str) -> bool:
    return compile_glob(pattern).match(path) is not None
