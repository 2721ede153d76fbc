"""A progress bar on standard error for long runs: `[#####     ] 120/330 files`, redrawn in place
at most ten times a second, cleared before findings are printed and when the run ends."""
from __future__ import annotations

import shutil
import sys
import time
from typing import Iterable, Iterator, Optional, TextIO, TypeVar

T = TypeVar("T")
DELAY = 1.0  # seconds before a bar appears on its own: short runs never show one
INTERVAL = 0.1


class Progress:
    """`shown`: always (True), never (False), or on a terminal once the run takes longer than DELAY (None)."""

    def __init__(self, total: int, shown: Optional[bool] = None, stream: Optional[TextIO] = None) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.done = 0
        self.forced = shown is True
        self.enabled = shown if shown is not None else _is_terminal(self.stream)
        self.started = time.monotonic()
        self.drawn_at: Optional[float] = None
        self.visible = False

    def track(self, items: Iterable[T], busy=lambda item: False) -> Iterator[T]:
        """`items`, counting each; the bar is cleared before an item for which `busy(item)` is true
        (one whose output is about to be printed)."""
        try:
            for item in items:
                self.done += 1
                if busy(item):
                    self.clear()
                yield item
                self.draw()
        finally:
            self.clear()

    def draw(self) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        last = self.done == self.total
        if not self.forced and now - self.started < DELAY:
            return
        if not last and self.drawn_at is not None and now - self.drawn_at < INTERVAL:
            return
        width = max(10, min(40, shutil.get_terminal_size((80, 24)).columns - 30))
        filled = width * self.done // max(self.total, 1)
        self.stream.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {self.done}/{self.total} files")
        self.stream.flush()
        self.drawn_at, self.visible = now, True

    def clear(self) -> None:
        if self.visible:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.visible = False


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
