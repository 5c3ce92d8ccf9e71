"""A progress line on a terminal: the step that runs, and a counter while pages render.

A build of a few thousand pages takes long enough that a silent terminal looks
stuck. The line is rewritten in place (`\\r`) and erased at the end, so the
summary and the diagnostics print as before; when stderr is not a terminal
(CI logs, pipes, tests) nothing is written at all.
"""
from __future__ import annotations

import sys
import time

ERASE = "\r\x1b[K"        # carriage return + erase to the end of the line
MIN_INTERVAL = 0.1        # seconds between two counter updates: a terminal is slow too


class Progress:
    """Writes to `stream` only when it is a terminal (or `enabled` says so)."""

    def __init__(self, stream=None, enabled: bool | None = None, clock=time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.clock = clock
        self.shown = False
        self.last = None          # time of the last counter update; None: show the next one

    def step(self, name: str) -> None:
        """The name of the step that starts now, e.g. 'search…'."""
        self.last = None
        self._show(f"{name}…")

    def count(self, what: str, done: int, total: int, unit: str = "pages") -> None:
        """`render 812/2400 pages`; updates at most every MIN_INTERVAL, and always the last one."""
        if not self.enabled:
            return
        now = self.clock()
        if done < total and self.last is not None and now - self.last < MIN_INTERVAL:
            return
        self.last = now
        self._show(f"{what} {done}/{total} {unit}")

    def counter(self, what: str, unit: str = "pages"):
        """A callback (done, total) → None for code that counts, e.g. parallel.map_items."""
        return lambda done, total: self.count(what, done, total, unit)

    def clear(self) -> None:
        """Erase the line (before the summary or diagnostics are printed)."""
        if self.enabled and self.shown:
            self.stream.write(ERASE)
            self.stream.flush()
            self.shown = False

    def _show(self, text: str) -> None:
        if not self.enabled:
            return
        self.stream.write(ERASE + text)
        self.stream.flush()
        self.shown = True
