"""Fewer garbage collections while the linter works.

A file's analysis builds millions of small objects that all live until the file is done: the
libcst tree, the facts, a value for every expression. With CPython's default thresholds (a young
collection every 700 allocations, and a full one each time the old generation has grown by a
quarter), the full collections walk that whole heap again and again: measured on a 17,600-line
module, they cost 40% of the run, and a bigger module pays more per line. Raising the young
threshold to 100,000 allocations (and collecting the older generations rarely) removes that cost
and leaves the peak memory as it was: cyclic garbage is still collected, only less often. The
previous thresholds are restored afterwards, so a host process (flake8, an editor) keeps its own.

What the analyses keep between files (the project's modules, their summaries) lives until the
process exits, and Python's shutdown collects garbage over that whole heap more than once: on the
100k-line benchmark sample, a third of the run's CPU time went to exiting. Once an analysis has
run, the heap is frozen at exit (`gc.freeze`: the collections at shutdown skip what exists then),
and the operating system takes the memory back as it does for any process. In flake8, which
checks file after file in one process, the same heap is frozen after each file (`freeze_kept`).

`nograd-lint` and `nograd-fix` exit when their run is done, so they go further: no cyclic
collection runs at all while they work (`cycles_left_to_exit`). Even with the thresholds above,
the young and middle collections scanned every object the analysis keeps, one to three times:
on the benchmark sample, a run without them took 0.79x the CPU time (paired runs), and its peak
memory grew by 1.4% (the cycles nothing collected). Reference counting frees everything else as
usual, and the operating system takes the rest back at exit.
"""
from __future__ import annotations

import atexit
import contextlib
import gc
from typing import Iterator

YOUNG = 100_000  # allocations between young collections (CPython's default: 700)
MIDDLE = 50  # young collections between middle ones (default: 10)
OLD = 100  # middle collections between full ones (default: 10)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the body with the thresholds above (never lower than the ones in force)."""
    _freeze_at_exit()
    previous = gc.get_threshold()
    if previous[0] == 0:  # collection disabled by the host: leave it so
        yield
        return
    gc.set_threshold(max(previous[0], YOUNG), max(previous[1], MIDDLE), max(previous[2], OLD))
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def freeze_kept() -> None:
    """After one file in a host that checks files one after another in one process (flake8): collect the young garbage the analysis left
    (see the thresholds above), then freeze what remains, the project's modules kept for the next
    files among it, so that the host's own collections between files skip it. Without this, flake8's checks of each file
    (pycodestyle, pyflakes: millions of small objects) triggered full collections over the
    whole analysis heap again and again: on the 100k-line benchmark sample they cost flake8 with
    this plugin about a third of its run. Does nothing when the host disabled collection."""
    if gc.isenabled() and gc.get_threshold()[0] != 0:
        gc.collect(1)
        gc.freeze()


@contextlib.contextmanager
def cycles_left_to_exit() -> Iterator[None]:
    """For a command that exits once the body is done: no cyclic collection in the body; then the
    heap is frozen (the shutdown's collections skip it) and collection is as it was before."""
    _freeze_at_exit()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


_FREEZING = []  # one entry once `gc.freeze` is registered to run at exit


def _freeze_at_exit() -> None:
    """Let the interpreter's shutdown skip the heap the analyses leave (see above), once."""
    if not _FREEZING:
        _FREEZING.append(atexit.register(gc.freeze))
