"""Run a function over many items on every core, or in-process for small sites.

Workers are forked after the site is assembled, so they inherit it without
pickling; only the items (small) go out and the results come back.
"""
from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor

# Below this many items, starting processes costs more than it saves.
PARALLEL_THRESHOLD = 400

_context = None  # set in each worker by _init; the parent never reads it


def _init(context) -> None:
    global _context
    _context = context
    # Ctrl+C reaches every process of the terminal's group: the main process stops the build;
    # a worker ends at once, without a KeyboardInterrupt traceback of its own. SIGTERM ends it
    # quietly too (serve's handler, inherited, would raise KeyboardInterrupt in it), and is sent
    # to it when the process that started it ends (stopped by its pid, or killed), which would
    # otherwise leave it waiting for work forever.
    signal.signal(signal.SIGINT, _end_quietly)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with_parent()
    # What the worker inherited stays out of the cyclic collector's sight: a worker making many
    # objects (pypinyin's dictionary, a page's HTML) would otherwise walk the whole inherited site
    # at each full collection, and writing to every object's header copies its memory page.
    gc.freeze()


def _end_quietly(*_) -> None:
    os._exit(128 + signal.SIGINT)


def _end_with_parent() -> None:
    """SIGTERM to this process when the thread that started it ends (Linux's PR_SET_PDEATHSIG)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)   # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):   # not Linux: the pool's own shutdown has to do
        pass


def _run_chunk(func, chunk):
    return [func(_context, item) for item in chunk]


def worker_count() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8))


class Pending:
    """[func(context, item) for item in items], computed by worker processes while this one
    goes on with other work (the build assembles the site while the Markdown is parsed).
    `results()` waits for them; leaving the `with` block stops the workers either way.
    Below `threshold` items, or without fork, they are computed here when `results()` asks."""

    def __init__(self, func, context, items: list, threshold: int | None = None):
        self.func, self.context, self.items = func, context, items
        self.pool = self.futures = self._results = None
        workers = worker_count()
        if _spread(items, workers, PARALLEL_THRESHOLD if threshold is None else threshold):
            self.pool = _pool(workers, context)
            self.futures = [self.pool.submit(_run_chunk, func, chunk) for chunk in _chunks(items, workers)]

    def results(self) -> list:
        if self._results is None:   # (asked once or more: computed once)
            if self.pool is None:
                self._results = [self.func(self.context, item) for item in self.items]
            else:
                self._results = [result for future in self.futures for result in future.result()]
        return self._results

    def __enter__(self) -> "Pending":
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)   # the chunks not started are dropped


def _spread(items: list, workers: int, threshold: int) -> bool:
    """Whether `items` go to worker processes: enough of them, more than one core, and fork."""
    return workers > 1 and len(items) >= threshold and "fork" in multiprocessing.get_all_start_methods()


def _pool(workers: int, context) -> ProcessPoolExecutor:
    """Forked workers that inherit `context` (see _init)."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_init, initargs=(context,))


def _chunks(items: list, workers: int) -> list:
    # Many small chunks: the last ones to finish leave a core idle for less time (a subject
    # index page costs a hundred section pages), and each result comes back sooner.
    size = -(-len(items) // (workers * 16))
    return [items[i:i + size] for i in range(0, len(items), size)]


def map_items(func, context, items: list, workers: int | None = None, progress=None) -> list:
    """[func(context, item) for item in items], in order, spread over processes when it pays.
    `progress(done, total)`, if given, is called in this process as results come in."""
    workers = worker_count() if workers is None else workers
    if not _spread(items, workers, PARALLEL_THRESHOLD):
        if progress is None:
            return [func(context, item) for item in items]
        results = []
        for item in items:
            results.append(func(context, item))
            progress(len(results), len(items))
        return results
    chunks = _chunks(items, workers)
    pool = _pool(workers, context)
    try:
        results = []
        for part in pool.map(_run_chunk, [func] * len(chunks), chunks):
            results.extend(part)
            if progress is not None:
                progress(len(results), len(items))   # may raise to stop (serve: a newer save came)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)   # the chunks not started are dropped
        raise
    pool.shutdown(wait=True)
    return results
