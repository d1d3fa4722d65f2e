"""Celery tasks of the Excel engine: thin wrappers over `tabular.services` (imported by core.tasks)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from boai.core import periodic


@shared_task(acks_late=True)
def run_import_job(job_id: int) -> str:
    from boai.core.tabular.services import import_job_run

    return import_job_run(job_id=job_id)


@periodic.periodic("core.import_files_purge", every=timedelta(hours=6))
def purge_import_files() -> int:
    """Uploaded sheets and error sheets hold personal data: keep them only BOAI_IMPORT_KEEP_DAYS."""
    from boai.core.tabular.services import import_jobs_purge

    return import_jobs_purge()
