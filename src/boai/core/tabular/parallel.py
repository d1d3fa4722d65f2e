"""Reading and validating a big file on every core.

Two ways, both forking (not spawning) after `prepare`, so the workers share the kind's prepared
context (and the file) copy-on-write and only results come back:

- a big `.xlsx` is cut into shares (`reader.plan_split`): each process reads its own share with
  calamine and validates it, so even the reading is spread over the cores;
- any other big file is read once, then each process validates a slice of its rows.

A worker never touches the database (a kind opts in with ``parallel_safe = True`` only if its
`validate_row` does not) and leaves through ``os._exit``, so the parent's connection is untouched.
Anything unusual (no fork on this platform, a daemonic parent, one core, a sheet that cannot be cut)
falls back to one process.
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
    from boai.core.tabular.reader import SplitPlan
    from boai.core.tabular.spec import ImportKind

logger = logging.getLogger("boai.tabular")

MIN_ROWS = 20_000  # below this, forking costs more than it saves
SPLIT_MIN_BYTES = 4 * 1024 * 1024  # an .xlsx this big has tens of thousands of rows: read it in shares

_validator: RowValidator | None = None  # set in the parent just before forking; inherited by the workers
_plan: SplitPlan | None = None


def worker_count() -> int:
    configured = getattr(settings, "BOAI_IMPORT_WORKERS", 0)
    return configured if configured > 0 else (os.cpu_count() or 1)


def _run_chunk(bounds: tuple[int, int]) -> Checked:
    return _validator.run(*bounds)


def _can_fork(kind: ImportKind) -> bool:
    return kind.parallel_safe and worker_count() >= 2 and "fork" in multiprocessing.get_all_start_methods()


def plan_for(data: bytes, filename: str, kind: ImportKind) -> SplitPlan | None:
    """A plan to read a big .xlsx in one share per core, or None (small file, other format, one core)."""
    from boai.core.tabular.engine import HEADER_SEARCH_ROWS
    from boai.core.tabular.reader import plan_split

    if not filename.lower().endswith(".xlsx") or len(data) < SPLIT_MIN_BYTES or not _can_fork(kind):
        return None
    return plan_split(data, worker_count(), HEADER_SEARCH_ROWS)


def _run_share(i: int) -> Checked:
    """In a worker: read share i, find the same header, validate the share's rows."""
    from boai.core.tabular.engine import RowValidator, locate
    from boai.core.tabular.reader import read_workbook

    main = _validator.layout
    layout = locate(read_workbook(_plan.part(i), "xlsx"), _validator.kind)
    if layout.header_index != main.header_index or [(c, k.key) for c, k in layout.plan] != [
            (c, k.key) for c, k in main.plan]:
        raise RuntimeError("a share of the sheet has a different header")
    return RowValidator(_validator.kind, layout, _validator.ctx).run(_plan.starts[i], len(layout.sheet.rows))


def validate_shares(validator: RowValidator, plan: SplitPlan, start: int,
                    progress: Callable[[int, int], None] | None) -> Checked | None:
    """The parent validates share 0 (already read) while each worker reads and validates another share."""
    global _validator, _plan
    _validator, _plan = validator, plan
    try:
        pool = multiprocessing.get_context("fork").Pool(plan.parts - 1)
    except (AssertionError, OSError, ValueError):
        logger.warning("cannot fork import workers; validating in one process", exc_info=True)
        _validator = _plan = None
        return None
    try:
        pending = [pool.apply_async(_run_share, (i,)) for i in range(1, plan.parts)]
        rows = len(validator.layout.sheet.rows)
        total = (rows - start) * plan.parts  # the shares are about equal: report the parent's pace for all
        merged = validator.run(start, rows, (lambda done: progress(done * plan.parts, total)) if progress else None)
        for result in pending:
            merged.extend(result.get())
    except Exception:  # noqa: BLE001 - a worker failed: the caller reads and validates the file whole
        logger.exception("validating the shares of a big sheet failed; falling back to one process")
        return None
    finally:
        pool.terminate()
        _validator = _plan = None
    return merged


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
