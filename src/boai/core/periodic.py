"""Periodic jobs, declared once and run two ways: by Celery beat in production, and by
`boai periodic` (from cron, or by hand) in the embedded default. A job is a plain function;
`PeriodicRun` remembers when each last ran so the command only runs what is due."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger("boai.periodic")


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    func: Callable[[], object]


_jobs: dict[str, Job] = {}


def periodic(name: str, *, every: timedelta):
    def decorator(func):
        _jobs[name] = Job(name=name, every=every, func=func)
        return func

    return decorator


def jobs() -> dict[str, Job]:
    return dict(_jobs)


def beat_schedule() -> dict:
    return {
        name: {"task": "boai.core.tasks.run_periodic_job", "schedule": job.every.total_seconds(), "args": (name,)}
        for name, job in _jobs.items()
    }


def run_job(name: str) -> str:
    from boai.core.models import PeriodicRun

    job = _jobs[name]
    with transaction.atomic():
        run, _ = PeriodicRun.objects.select_for_update().get_or_create(name=name)
        run.last_started_at = timezone.now()
        run.save(update_fields=["last_started_at"])
    try:
        result = job.func()
        status, message = "ok", "" if result is None else str(result)[:1000]
    except Exception as exc:  # noqa: BLE001 - one failing job must not stop the others
        logger.exception("periodic job %s failed", name)
        status, message = "error", repr(exc)[:1000]
    PeriodicRun.objects.filter(name=name).update(
        last_finished_at=timezone.now(), last_status=status, last_message=message
    )
    return status


def due_jobs(now=None) -> list[str]:
    from boai.core.models import PeriodicRun

    now = now or timezone.now()
    last = dict(PeriodicRun.objects.values_list("name", "last_started_at"))
    return [name for name, job in sorted(_jobs.items()) if last.get(name) is None or last[name] + job.every <= now]


def run_due(*, force: bool = False) -> dict[str, str]:
    names = sorted(_jobs) if force else due_jobs()
    return {name: run_job(name) for name in names}
