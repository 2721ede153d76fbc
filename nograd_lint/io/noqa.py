"""`# noqa` comments, read exactly as flake8 reads them: flake8's own pattern and code matching.

`# noqa` silences every code on its line; `# noqa: NG101,NG2` silences those codes and the codes
they prefix. Codes match case-sensitively, as in flake8 (`# NOQA: ng101` silences nothing, in
both tools). A comment after a token that spans lines (a triple-quoted string) covers all of its
lines, as flake8's line mapping does.
"""
from __future__ import annotations

import dataclasses
import io
import tokenize
from typing import Optional

from flake8.defaults import NOQA_INLINE_REGEXP
from flake8.utils import parse_comma_separated_list


@dataclasses.dataclass(frozen=True)
class NoqaMap:
    """Which lines carry `# noqa` (all codes: None) or `# noqa: CODES` (those codes and prefixes)."""

    lines: dict[int, Optional[tuple[str, ...]]]

    @classmethod
    def of_text(cls, text: str) -> "NoqaMap":
        if "noqa" not in text.lower():
            return cls({})
        physical = text.splitlines(keepends=True)
        found: dict[int, Optional[tuple[str, ...]]] = {}
        for first, last in _line_groups(text, len(physical)):
            match = NOQA_INLINE_REGEXP.search("".join(physical[first - 1:last]))
            if match is None:
                continue
            codes = match.group("codes")
            value = None if codes is None else tuple(parse_comma_separated_list(codes))
            for number in range(first, last + 1):
                found[number] = value
        return cls(found)

    def suppresses(self, line: int, code: str) -> bool:
        if line not in self.lines:
            return False
        codes = self.lines[line]
        return codes is None or code in codes or code.startswith(codes)

    def any_line_suppresses(self, first: int, last: int, code: str) -> bool:
        return any(self.suppresses(line, code) for line in range(first, last + 1))

    def mentions(self, code: str) -> bool:
        """Whether any line's comment suppresses `code`."""
        return any(codes is None or code.startswith(codes) for codes in self.lines.values())


def _line_groups(text: str, count: int) -> list[tuple[int, int]]:
    """(first, last) line ranges that share one noqa comment: single lines, or the lines a token spans."""
    try:
        groups = []
        low, high = count + 2, -1
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            low, high = min(low, token.start[0]), max(high, token.end[0])
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                groups.append((low, high))
                low, high = count + 2, -1
        if high >= low:
            groups.append((low, high))
        return groups
    except (tokenize.TokenError, SyntaxError):
        return [(number, number) for number in range(1, count + 1)]
