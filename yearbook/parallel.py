"""Run a function over many items on every core, or in-process for small sites.

Workers are forked after the site is assembled, so they inherit it without
pickling; only the items (small) go out and the results come back.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

# Below this many items, starting processes costs more than it saves.
PARALLEL_THRESHOLD = 400

_context = None  # set in each worker by _init; the parent never reads it


def _init(context) -> None:
    global _context
    _context = context


def _run_chunk(func, chunk):
    return [func(_context, item) for item in chunk]


def worker_count() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8))


def map_items(func, context, items: list, workers: int | None = None, progress=None) -> list:
    """[func(context, item) for item in items], in order, spread over processes when it pays.
    `progress(done, total)`, if given, is called in this process as results come in."""
    workers = worker_count() if workers is None else workers
    if workers <= 1 or len(items) < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        if progress is None:
            return [func(context, item) for item in items]
        results = []
        for item in items:
            results.append(func(context, item))
            progress(len(results), len(items))
        return results
    chunk_count = workers * 4
    size = -(-len(items) // chunk_count)
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_init, initargs=(context,))
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
