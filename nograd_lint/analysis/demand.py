"""Summaries of a module read only for what other modules import from it, computed when asked.

A module of the project that is not one of the files being checked is read for its exports: a
helper's summary, a class's methods. Summarising every function of it (and so reading every module
it imports in turn) costs far more than the few summaries its importers ask for: on real projects,
about one function in eight. Here a summary is computed when first asked for, together with the
summaries of the functions it calls in its module, callees first and in the order phase 1 uses for
the whole module (the strongly connected groups of the call graph), so a function sees its callees'
summaries as it would there. A group being summarised answers None, as it does in phase 1.
"""
from __future__ import annotations

from typing import Callable

from .gradmode import FunctionInfo


class OnDemand:
    """Which groups of one module's call graph are summarised, and summarising more of them."""

    def __init__(self, groups: list[list[FunctionInfo]], edges: dict[int, list[FunctionInfo]],
                 summarise: Callable[[list[FunctionInfo]], None]) -> None:
        self._groups = groups  # callees first (reverse topological order)
        self._group_of = {id(function): index for index, group in enumerate(groups) for function in group}
        self._callee_groups: list[set[int]] = [set() for _ in groups]
        for index, group in enumerate(groups):
            for function in group:
                for callee in edges.get(id(function), ()):
                    if self._group_of[id(callee)] != index:
                        self._callee_groups[index].add(self._group_of[id(callee)])
        self._summarise = summarise
        self._done: set[int] = set()
        self._busy: set[int] = set()

    def owns(self, function: FunctionInfo) -> bool:
        return id(function) in self._group_of

    def summarise(self, function: FunctionInfo) -> None:
        """Summarise the group of `function` and every group it calls into that is not done yet."""
        start = self._group_of.get(id(function))
        if start is None or start in self._done or start in self._busy:
            return
        wanted, stack = {start}, [start]
        while stack:
            for callee in self._callee_groups[stack.pop()]:
                if callee not in wanted and callee not in self._done and callee not in self._busy:
                    wanted.add(callee)
                    stack.append(callee)
        for index in sorted(wanted):  # callees first, as in phase 1
            if index in self._done or index in self._busy:
                continue  # summarised meanwhile, by a call its summary made
            self._busy.add(index)
            try:
                self._summarise(self._groups[index])
            finally:
                self._busy.discard(index)
            self._done.add(index)

    def rest(self) -> None:
        """Summarise every group not done yet, in phase 1's order."""
        for group in self._groups:
            self.summarise(group[0])
