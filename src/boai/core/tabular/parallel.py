"""Validating a big file on every core: fork after `prepare`, each worker checks a slice of rows.

Forking (not spawning) means the workers share the already-read sheet and the kind's prepared
context copy-on-write: nothing is sent to them but two row numbers, and only the results come
back. A worker never touches the database (a kind opts in with ``parallel_safe = True`` only if its
`validate_row` does not) and leaves through ``os._exit``, so the parent's connection is untouched.
Anything unusual (no fork on this platform, a daemonic parent, one core) falls back to one process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from boai.core.tabular.engine import Checked, RowValidator

logger = logging.getLogger("boai.tabular")

MIN_ROWS = 20_000  # below this, forking costs more than it saves

_validator: RowValidator | None = None  # set in the parent just before forking; inherited by the workers


def worker_count() -> int:
    configured = getattr(settings, "BOAI_IMPORT_WORKERS", 0)
    return configured if configured > 0 else (os.cpu_count() or 1)


def _run_chunk(bounds: tuple[int, int]) -> Checked:
    return _validator.run(*bounds)


def _slices(start: int, stop: int, parts: int) -> list[tuple[int, int]]:
    size = -(-(stop - start) // parts)
    return [(lo, min(lo + size, stop)) for lo in range(start, stop, size)]


def validate_in_parallel(validator: RowValidator, start: int, stop: int,
                         progress: Callable[[int, int], None] | None) -> Checked | None:
    """The merged result of all slices, or None when this run should stay in one process.

    The parent validates the first slice itself while the forked workers do the others, so every
    core works; the workers' results are appended in row order.
    """
    workers = worker_count()
    if (not validator.kind.parallel_safe or stop - start < MIN_ROWS or workers < 2
            or "fork" not in multiprocessing.get_all_start_methods()):
        return None
    global _validator
    slices = _slices(start, stop, workers)
    _validator = validator
    try:
        pool = multiprocessing.get_context("fork").Pool(len(slices) - 1)
    except (AssertionError, OSError, ValueError):
        logger.warning("cannot fork import workers; validating in one process", exc_info=True)
        _validator = None
        return None
    try:
        pending = [pool.apply_async(_run_chunk, (bounds,)) for bounds in slices[1:]]
        total = stop - start
        merged = validator.run(*slices[0], (lambda done: progress(done, total)) if progress else None)
        for (_lo, hi), result in zip(slices[1:], pending, strict=True):
            merged.extend(result.get())
            if progress is not None:
                progress(hi - start, total)
    finally:
        pool.terminate()
        _validator = None
    return merged
