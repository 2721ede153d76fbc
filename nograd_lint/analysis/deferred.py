"""Function bodies of a module read for its imports, built and walked when first needed.

A run reads several times as many lines of imported project modules as it checks, and most of
their functions are never asked about: on real projects about one in ten is summarised. Such a
module is built from `ast` with the bodies of its top-level functions and methods left empty
(`io/bare_trees.py`); the fact walk sees their headers (decorators, parameters), and reserves a
statement index for each line of the body. A body is built and walked when something first needs
its facts (`FunctionInfo.ensure_body`: a summary, a class's `__init__`, a query by function), in
the scopes and loops around its `def`, and its facts join the module's lists. Queries by name over
the whole module (`uses_of`, `calls_named`) first walk every body whose text mentions the name (for
the calls of a method, where the name may follow a dot: `self.to(x)`, not `def to` or a comment's
"to"), so their answers are those of a module walked whole. `expand_all` walks the rest and puts each list
back in the order one walk gives (a module read on demand that becomes a checked file).

What cannot be known before the bodies are walked keeps a module from deferring them (see
`deferral`): a function whose name says it may be a grad-mode wrapper (read by
`local_grad_wrappers`), a body that imports or defines a class (the walk binds those for the whole
module), a function wrapped by a call (`torch.no_grad()(f)`) or handed to a framework that runs it
without gradients (read from every call of the module), and `match` statements (not built from
`ast`). The modes functions start in from their in-module callers are not settled: a summary
assumes callers with gradients on anyway, and `expand_all` settles them.
"""
from __future__ import annotations

import ast
import bisect
import re
from typing import Callable, Optional

from . import knowledge
from .gradmode import FACT_LISTS, FileAnalysis, FunctionInfo, entries_from_callers, initial_entry

# indexes over whole lists, built again when next asked (those by function extend themselves)
_STALE = ("call_sites", "calls_by_callee", "decorated_functions", "functions_by_name", "name_uses_by_name",
          "with_items")
_INDENTED_BINDING = re.compile(r"^[ \t]+(?:import[ \t]+\w|from[ \t]+[\w.]+[ \t]+import\b|class[ \t]+\w+[ \t]*[(:])", re.M)
# `match` starting a line, not followed by what no subject starts with (`match = ...`, `match.group()`)
_MATCH = re.compile(r"^[ \t]*match\b(?![ \t]*(?:[=:,)\]}#\r\n]|\.[A-Za-z_]|$))", re.M)
_GRAD_CONTEXT_CALLED = re.compile(  # `torch.no_grad()(evaluate)`
    r"(?:no_grad|inference_mode|enable_grad|set_grad_enabled)\([^()]*\)\(\w+\)")
_HANDED_WITHOUT_GRAD = tuple(name.rpartition(".")[2] for name in knowledge.CALLABLE_ARGUMENTS_WITHOUT_GRAD)


def _read_whole(text: str) -> bool:
    """Does the module hold what only walking every body can find (see the module's docstring)?
    Substrings first: a regular expression over every module costs more than parsing it."""
    return (any(_may_open_match(text, line) for line in _lines_with(text, ("match",)))
            or (")(" in text and _GRAD_CONTEXT_CALLED.search(text) is not None)
            or any(name in text for name in _HANDED_WITHOUT_GRAD))


def _may_open_match(text: str, start: int) -> bool:
    """Could the line at `start` open a `match` statement? Its header ends in a colon, on this
    line or on one it runs on to, inside a bracket, after a backslash or in a string of three
    quotes: a line with none of them (`match the shapes.` in a docstring) opens none."""
    found = _MATCH.match(text, start)
    if found is None:
        return False
    end = text.find("\n", found.end())
    rest = text[found.end():end if end >= 0 else len(text)]
    return any(mark in rest for mark in (":", "(", "[", "{", "\\", '"""', "'''"))


def _lines_with(text: str, words: tuple) -> list[int]:
    """Where the lines that hold one of `words` start, in order: the only places a pattern that
    starts at a line start and spells one of them on that line can match (one tried at every
    line start costs more than finding the words)."""
    starts = set()
    for word in words:
        at = text.find(word)
        while at >= 0:
            starts.add(text.rfind("\n", 0, at) + 1)
            at = text.find(word, at + len(word))
    return sorted(starts)


_WORD_BYTES = frozenset(bytes([c]) for c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def _mentions(text: bytes, word: bytes, after_dot: bool = False) -> bool:
    """Is `word` in `text` on its own, not inside a longer name (what the pattern
    `(?<![A-Za-z0-9_])word(?![A-Za-z0-9_])` finds, without compiling one pattern per word)?
    `after_dot`: only where it may be an attribute's name (see `_may_follow_dot`)."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if text[at - 1:at] not in _WORD_BYTES and text[end:end + 1] not in _WORD_BYTES and (
                not after_dot or _may_follow_dot(text, at)):
            return True
        at = text.find(word, at + 1)
    return False


_BLANKS = frozenset(b" \t\f\\")  # what may stand between an attribute's dot and its name on one line


def _may_follow_dot(text: bytes, at: int) -> bool:
    """Could the name at `at` be an attribute's (`x.name`, `x . name`, `x.\\` then `name` on the next
    line)? Its dot comes before it, after blanks on its line; a name that starts a line may follow
    a dot on an earlier one (inside brackets, with comment lines between): counted too."""
    at -= 1
    while at >= 0:
        byte = text[at]
        if byte == 46:  # "."
            return True
        if byte == 10 or byte == 13:  # a new line: whatever came before may end with the dot
            return True
        if byte not in _BLANKS:
            return False
        at -= 1
    return True


def deferral(text: str) -> Optional[Callable[[ast.AST], bool]]:
    """Which functions of a module may have their body deferred, or None when none may."""
    if _read_whole(text):
        return None
    if "\r" in text:  # lines as CPython numbers them
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines, line, last = [], 1, 0
    for start in _lines_with(text, ("import", "class")):  # each binding spells one on its line
        if _INDENTED_BINDING.match(text, start):
            line += text.count("\n", last, start)
            last = start
            lines.append(line)

    def defer(node: ast.AST) -> bool:
        if knowledge.may_name_grad_wrapper(node.name):
            return False
        first = bisect.bisect_right(lines, node.lineno)
        return first >= len(lines) or lines[first] > node.end_lineno

    return defer


class DeferredBodies:
    """The deferred bodies of one module, and walking them into its analysis."""

    def __init__(self, analysis: FileAnalysis, collector, bare) -> None:
        self._analysis = analysis
        self._collector = collector
        self._bare = bare
        self._order = collector.deferred_bodies  # in source order
        self._pending = {id(body.function): body for body in self._order}
        self._skeleton = {name: len(getattr(analysis, name)) for name in FACT_LISTS}
        self._texts: dict[int, bytes] = {}  # id(function) -> the lines of its source, for mentions
        self._words: set[str] = set()  # the words every body mentioning them was walked for
        # told the list lengths before each walk, or None when the lists were put in order
        self.listeners: list[Callable[[Optional[dict[str, int]]], None]] = []
        for body in self._order:
            body.function.pending_body = lambda function=body.function: self.expand(function)
            body.function.pending_text = lambda function=body.function: self._text(function)

    def expand(self, function: FunctionInfo) -> None:
        """Build and walk `function`'s body; its facts (and nested functions) join the lists."""
        body = self._pending.pop(id(function), None)
        function.pending_body = function.pending_text = None
        if body is None:
            return
        analysis = self._analysis
        self._bare.build_body(function.node)
        before = {name: len(getattr(analysis, name)) for name in FACT_LISTS}
        self._collector.walk_body(function, body.scopes, body.loops)
        body.walked = {name: (before[name], len(getattr(analysis, name))) for name in FACT_LISTS}
        self._texts.pop(id(function), None)
        for nested in analysis.functions[before["functions"]:]:
            initial_entry(analysis, nested)
        for key in _STALE:
            analysis.cache.pop(key, None)
        for listener in self.listeners:
            listener(before)
        if not self._pending:
            self._finish()

    def expand_mentioning(self, word: str, attribute: bool = False) -> None:
        """Walk every deferred body whose text holds `word` (a name it may read or call);
        `attribute`: only where it may be the name of an attribute (`self.to(...)` for `to`, not
        `def to(...)` or a comment's "to")."""
        if not word or word in self._words or (attribute and f".{word}" in self._words):
            return
        self._words.add(f".{word}" if attribute else word)  # bodies deferred later do not exist: once is enough
        # the word alone, not inside a longer name (`to` in `torch`): a name read or called is one
        spelled = word.encode("utf-8", "surrogatepass")
        for body in list(self._pending.values()):
            if _mentions(self._text(body.function), spelled, attribute):
                self.expand(body.function)

    def expand_all(self) -> None:
        """Walk every body left (see `_finish`)."""
        for body in list(self._pending.values()):
            self.expand(body.function)

    def _finish(self) -> None:
        """Every body is walked: put each list in the order of one walk over the whole module,
        settle the modes functions start in from their callers, and read the lists as they are."""
        analysis = self._analysis
        for name in FACT_LISTS:
            facts = getattr(analysis, name)
            skeleton, ordered, done = facts[:self._skeleton[name]], [], 0
            for body in self._order:
                ordered += skeleton[done:body.cuts[name]]
                start, end = body.walked[name]
                ordered += facts[start:end]
                done = body.cuts[name]
            ordered += skeleton[done:]
            facts[:] = ordered  # the same list: indexes keyed by it stay valid once rebuilt
        for key in [key for key in analysis.cache if key in _STALE or (type(key) is tuple and key[0] == "facts_by_function")]:
            del analysis.cache[key]
        entries_from_callers(analysis)
        analysis.bodies = None
        for listener in self.listeners:
            listener(None)

    def _text(self, function: FunctionInfo) -> bytes:
        text = self._texts.get(id(function))
        if text is None:
            source = self._bare.deferred.get(id(function.node))
            lines = self._bare.source_lines
            text = self._texts[id(function)] = b"\n".join(lines[source.lineno - 1:source.end_lineno]) if source else b""
        return text
