"""Summaries of a module read only for what other modules import from it, computed when asked.

A module of the project that is not one of the files being checked is read for its exports: a
helper's summary, a class's methods. Summarising every function of it (and so reading every module
it imports in turn) costs far more than the few summaries its importers ask for: on real projects,
about one function in ten. Here a summary is computed when first asked for, together with the
summaries of the functions it calls in its module, callees first: the strongly connected groups of
the calls reachable from it (functions summarised before are not entered), so a function sees its
callees' summaries as it would in phase 1 over the whole module. Only the bodies of the functions
reached are walked (see deferred.py). A group being summarised answers None, as it does in phase 1.
"""
from __future__ import annotations

from typing import Callable

from .gradmode import FunctionInfo


class OnDemand:
    """Which functions of one module are summarised, and summarising more of them."""

    def __init__(self, owns: Callable[[FunctionInfo], bool], callees_of: Callable[[FunctionInfo], list],
                 summarise: Callable[[list[FunctionInfo]], None]) -> None:
        self.owns = owns
        self._callees_of = callees_of
        self._summarise = summarise
        self._done: set[int] = set()  # id(function)
        self._busy: set[int] = set()

    def summarise(self, function: FunctionInfo) -> None:
        """Summarise `function` and every function of the module it reaches that is not done yet."""
        from .summaries import strongly_connected  # summaries builds on this module
        if id(function) in self._done or id(function) in self._busy:
            return
        reached, edges, stack = {id(function): function}, {}, [function]
        while stack:
            caller = stack.pop()
            edges[id(caller)] = targets = []
            for callee in self._callees_of(caller):
                if id(callee) in self._done or id(callee) in self._busy:
                    continue
                targets.append(callee)
                if id(callee) not in reached:
                    reached[id(callee)] = callee
                    stack.append(callee)
        order = sorted(reached.values(), key=lambda f: f.span.start)
        for group in strongly_connected(order, edges):  # callees first
            if any(id(member) in self._done or id(member) in self._busy for member in group):
                continue  # summarised meanwhile, by a call its summary made
            self._busy.update(id(member) for member in group)
            try:
                self._summarise(group)
            finally:
                self._busy.difference_update(id(member) for member in group)
            self._done.update(id(member) for member in group)

    def rest(self, groups: list[list[FunctionInfo]]) -> None:
        """Summarise every group of the module's call graph not done yet, in phase 1's order."""
        for group in groups:
            left = [member for member in group if id(member) not in self._done and id(member) not in self._busy]
            if left:
                self._done.update(id(member) for member in left)
                self._summarise(left)
