"""What one build remembers for the next: results of pure steps, keyed by their inputs.

`serve` keeps one Memo for its session, so a rebuild after a save re-reads, re-parses
and re-checks only what changed; a plain `build` uses one that keeps nothing. A step
asks `memo.get(table, key, compute, diags)`, where `key` holds everything the
result depends on (a file's name and the digest of its bytes; a source text and its
translation). A hit replays the problems the step reported when it ran, so a
rebuild reports exactly what a full build would (the way a compiler's incremental
cache replays its warnings). What a build did not ask for is dropped when it ends
(`sweep`), so the memo holds one build's worth.
"""
from __future__ import annotations

from .diagnostics import Diagnostics


class Memo:
    """table → key → (value, problems reported while computing it)."""

    def __init__(self, keep: bool = True):
        self.keep = keep
        self._tables: dict = {}
        self._used: dict = {}
        self.misses = 0   # computed in this build (not taken from an earlier one)

    def get(self, table: str, key, compute, diags: Diagnostics | None):
        """compute(diags) once per key; later calls return its value and replay its problems.
        `diags` None: a step that reports none."""
        if not self.keep:
            return compute(diags)
        entries = self._tables.setdefault(table, {})
        hit = entries.get(key)
        if hit is None:
            self.misses += 1
            local = Diagnostics()
            hit = entries[key] = (compute(local), tuple(local.items))
            if local.items and diags is None:
                raise ValueError(f"{table}: a step without diagnostics reported problems")
        self._used.setdefault(table, set()).add(key)
        value, problems = hit
        if problems:
            diags.extend(list(problems))
        return value

    def get_many(self, table: str, keys: list, compute_many, diags: Diagnostics | None = None) -> list:
        """[value of each key]; compute_many(missing keys) → their values in one call (spread over
        the cores: parsing front matter and Markdown). With `diags`, compute_many gives
        (value, [problems]) for each key, and the problems are replayed like get's."""
        return self.start_many(table, keys, lambda missing: _Done(compute_many(missing)), diags)()

    def start_many(self, table: str, keys: list, start, diags: Diagnostics | None = None):
        """get_many in two halves: start(missing keys) begins computing them (parallel.Pending)
        and returns at once; calling the function returned waits and gives get_many's list."""
        entries = self._tables.setdefault(table, {}) if self.keep else {}
        missing = list(dict.fromkeys(key for key in keys if key not in entries))
        self.misses += len(missing)
        pending = start(missing)

        def finish() -> list:
            for key, result in zip(missing, pending.results()):
                entries[key] = (result[0], tuple(result[1])) if diags is not None else (result, ())
            if self.keep:
                self._used.setdefault(table, set()).update(keys)
            values = []
            for key in keys:
                value, problems = entries[key]
                if problems:
                    diags.extend(list(problems))
                values.append(value)
            return values
        return finish

    def sweep(self) -> None:
        """After a build: forget what it did not use (a deleted file, an old version of a text)."""
        for table, entries in self._tables.items():
            used = self._used.get(table, ())
            for stale in [key for key in entries if key not in used]:
                del entries[stale]
                self.misses += 1   # the memo changed: worth saving
        self._used = {}

    def __getstate__(self) -> dict:   # (the build cache pickles it: what one build used is its own)
        return {"keep": self.keep, "_tables": self._tables}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _used={}, misses=0)


class _Done:
    """Values computed already, as start_many's `start` gives them."""

    def __init__(self, values: list):
        self.values = values

    def results(self) -> list:
        return self.values


NO_MEMO = Memo(keep=False)   # a one-off build: compute everything, remember nothing
