"""Line diffs of a text before and after fixing, fast when most lines are the same.

`difflib.SequenceMatcher` looks for the longest matching block again within every unmatched range,
which costs seconds on a 10,000-line module with a few dozen edits spread through it. Here lines
that occur exactly once in each text anchor the match, in order (the longest increasing run of
them, as patience diff does); difflib then aligns only what lies between two anchors.
"""
from __future__ import annotations

import bisect
import difflib
from collections import Counter
from typing import Sequence

Opcode = tuple[str, int, int, int, int]


def opcodes(old: Sequence[str], new: Sequence[str]) -> list[Opcode]:
    """difflib's opcodes (`equal`, `replace`, `delete`, `insert`) turning `old` into `new`."""
    found: list[Opcode] = []
    i = j = 0  # where the part after the last anchor starts
    for anchor_a, anchor_b in [*_anchors(old, new), (len(old), len(new))]:
        start_i, start_j = i, j
        while i < anchor_a and j < anchor_b and old[i] == new[j]:  # equal lines go on after an anchor
            i, j = i + 1, j + 1
        found.append(("equal", start_i, i, start_j, j))
        a, b = anchor_a, anchor_b
        while a > i and b > j and old[a - 1] == new[b - 1]:  # ... and lead up to the next one
            a, b = a - 1, b - 1
        matcher = difflib.SequenceMatcher(None, old[i:a], new[j:b], autojunk=False)
        found.extend((tag, i + i1, i + i2, j + j1, j + j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes())
        end = 1 if anchor_a < len(old) else 0  # the anchor line itself (none after the last)
        found.append(("equal", a, anchor_a + end, b, anchor_b + end))
        i, j = anchor_a + end, anchor_b + end
    return _merged(found)


def _anchors(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """(i, j) pairs of lines unique in both texts, increasing in both (a longest such run)."""
    in_old, in_new = Counter(old), Counter(new)
    where_new = {line: j for j, line in enumerate(new) if in_new[line] == 1}
    pairs = [(i, where_new[line]) for i, line in enumerate(old) if in_old[line] == 1 and line in where_new]
    # Longest increasing subsequence of the j's (patience sorting), keeping back-links.
    tails: list[int] = []  # j of the last pair of the best run of each length
    tail_index: list[int] = []
    previous: list[int] = []
    for index, (_, j) in enumerate(pairs):
        length = bisect.bisect_left(tails, j)
        if length == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[length] = j
            tail_index[length] = index
        previous.append(tail_index[length - 1] if length else -1)
    run = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        run.append(pairs[index])
        index = previous[index]
    return run[::-1]


def _merged(found: list[Opcode]) -> list[Opcode]:
    """Neighbouring opcodes of one kind joined; neighbouring changes joined into one `replace`."""
    out: list[Opcode] = []
    for tag, i1, i2, j1, j2 in found:
        if i1 == i2 and j1 == j2:
            continue
        if out:
            last = out[-1]
            same_kind = (last[0] == "equal") == (tag == "equal")
            if same_kind:
                i1, j1 = last[1], last[3]
                out.pop()
                if tag != "equal":
                    tag = "replace" if (i2 > i1 and j2 > j1) else ("delete" if j2 == j1 else "insert")
        out.append((tag, i1, i2, j1, j2))
    return out
