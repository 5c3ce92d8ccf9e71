"""A progress line on a terminal: the step that runs, and a counter while pages render.

A build of a few thousand pages takes long enough that a silent terminal looks
stuck. The line is rewritten in place (`\\r`) and erased at the end, so the
summary and the diagnostics print as before; when stderr is not a terminal
(CI logs, pipes, tests) nothing is written at all.
"""
from __future__ import annotations

import sys
import time

from .messages import Text, t

ERASE = "\r\x1b[K"        # carriage return + erase to the end of the line
MIN_INTERVAL = 0.1        # seconds between two counter updates: a terminal is slow too

# The steps of a build (pipeline.BuildReport.step names) as the editor reads them.
STEP_NAMES = {"config": "commands.step-config", "read": "commands.step-read", "assemble": "commands.step-assemble",
              "markdown": "commands.step-markdown", "validate": "commands.step-validate",
              "generate": "commands.step-generate", "render": "commands.step-render", "static": "commands.step-static",
              "search": "commands.step-search", "downloads": "commands.step-downloads",
              "offline": "commands.step-offline", "precompress": "commands.step-precompress",
              "swap": "commands.step-swap", "export": "commands.step-export", "zip": "commands.step-zip",
              "write": "commands.step-write", "pdf": "commands.step-pdf", "compare": "commands.step-compare",
              "cache": "commands.step-cache"}


def step_name(name: str | Text) -> str | Text:
    """A step's name in the editors' language ('render' → 渲染); a Text, or a name with no entry, as it is."""
    code = STEP_NAMES.get(name) if isinstance(name, str) else None
    return t(code) if code else name


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

    def step(self, name: str | Text) -> None:
        """The name of the step that starts now, e.g. 'search…' (a step name, or a Text)."""
        self.last = None
        self._show(t("commands.progress-step", step=step_name(name)).render())

    def count(self, what: str, done: int, total: int, unit: str | Text | None = None) -> None:
        """`render 812/2400 pages`; updates at most every MIN_INTERVAL, and always the last one."""
        if not self.enabled:
            return
        now = self.clock()
        if done < total and self.last is not None and now - self.last < MIN_INTERVAL:
            return
        self.last = now
        self._show(t("commands.progress-count", step=step_name(what), done=done, total=total,
                     unit=unit or t("commands.progress-pages")).render())

    def counter(self, what: str, unit: str | Text | None = None):
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
