"""Import jobs: accept an upload, run it (in the request or as a Celery task), record the outcome.

Small files run in the request; files with more than BOAI_IMPORT_ASYNC_ROWS rows run as a task
(`tasks.run_import_job`, a thin wrapper over `import_job_run`) while the page polls the progress.
With no broker configured the task runs inline and the flow is the same. The engine writes the
audit record of each import; a job only tracks it.
"""

from __future__ import annotations

import io
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from boai.core import context
from boai.core.tabular import storage
from boai.core.tabular.engine import Mode, Report, run_import
from boai.core.tabular.models import ImportJob
from boai.core.tabular.reader import FileError, check_upload, read_file
from boai.core.tabular.spec import ImportKind, get_kind

logger = logging.getLogger("boai.tabular")

SHOWN_ERRORS = 200  # errors kept on the job for the page; the error sheet has them all
PROGRESS_SECONDS = 0.5
STALE_HOURS = 6  # a job "running" this long lost its worker


def estimate_rows(data: bytes, filename: str) -> int:
    """Rows in the file (header and notes included): decides between the request and a task."""
    sheet = read_file(data, filename)
    return len(sheet.rows)


def import_job_create(*, actor, kind: ImportKind, data: bytes, filename: str, mode: str = Mode.ALL,
                      channel: str = "web") -> ImportJob:
    """Check the upload (type, size, readable) and store it encrypted; raises ValidationError."""
    if mode not in Mode.CHOICES:
        raise ValidationError(_("Unknown import mode."))
    try:
        check_upload(filename, len(data))
        rows = estimate_rows(data, filename)
    except FileError as exc:
        raise ValidationError(str(exc)) from None
    ctx = context.current()
    return ImportJob.objects.create(
        kind=kind.name, user=actor, mode=mode, filename=filename[:200], size=len(data), source=storage.save(data),
        rows_total=rows, language=translation.get_language() or settings.LANGUAGE_CODE, channel=channel,
        background=rows > settings.BOAI_IMPORT_ASYNC_ROWS, details={"ip": ctx.ip},
    )


def import_job_start(job: ImportJob) -> ImportJob:
    """Run now (small file) or hand to a worker once the job row is committed (big file)."""
    if not job.background:
        import_job_run(job_id=job.pk)
        job.refresh_from_db()
        return job
    from boai.core.tabular.tasks import run_import_job

    transaction.on_commit(lambda: run_import_job.delay(job.pk))
    return job


def import_job_rerun(*, actor, job: ImportJob, mode: str) -> ImportJob:
    """Import a file that was checked or refused, now all-or-nothing or the valid rows only."""
    if job.user_id != getattr(actor, "pk", None) or job.status not in (ImportJob.Status.REJECTED,
                                                                        ImportJob.Status.CHECKED):
        raise ValidationError(_("This file can no longer be imported from here; upload it again."))
    if mode not in (Mode.ALL, Mode.VALID_ONLY) or not job.source:
        raise ValidationError(_("This file can no longer be imported from here; upload it again."))
    _reset(job, mode)
    return import_job_start(job)


def _reset(job: ImportJob, mode: str) -> None:
    storage.delete(job.error_file)
    job.mode, job.status, job.message, job.errors, job.error_file = mode, ImportJob.Status.QUEUED, "", [], ""
    job.rows_done = job.rows_valid = job.rows_invalid = job.rows_imported = job.error_rows = 0
    job.started_at = job.finished_at = None
    job.background = job.rows_total > settings.BOAI_IMPORT_ASYNC_ROWS
    job.save()


def _claim(job_id: int) -> ImportJob | None:
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now())
    return ImportJob.objects.select_related("user__org").get(pk=job_id) if claimed else None


def import_job_run(*, job_id: int) -> str:
    """Run a queued job to the end. Never raises for bad input: the outcome is on the job."""
    job = _claim(job_id)
    if job is None:
        return "not queued"
    channel = "task" if job.background else (job.channel or "web")
    with translation.override(job.language or settings.LANGUAGE_CODE), \
            context.use(context.RequestContext(ip=job.details.get("ip"), channel=channel)):
        try:
            report = run_import(storage.load(job.source), job.filename, get_kind(job.kind), actor=job.user,
                                mode=job.mode, progress=_progress(job))
            _finish(job, report)
        except Exception:  # noqa: BLE001 - the commit is atomic: record the failure, never crash the page
            logger.exception("import job %s failed", job.pk)
            _fail(job, _("The import stopped on an unexpected error; nothing was imported. Try again or ask the "
                         "administrator."))
            return ImportJob.Status.FAILED
    return job.status


def _progress(job: ImportJob):
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_SECONDS:
            last[0] = now
            ImportJob.objects.filter(pk=job.pk).update(rows_done=done, rows_total=max(total, 1))

    return report


def _status(report: Report) -> str:
    if report.committed:
        return ImportJob.Status.IMPORTED
    if report.file_error:
        return ImportJob.Status.FAILED
    if report.mode == Mode.CHECK:
        return ImportJob.Status.CHECKED
    return ImportJob.Status.REJECTED


def _finish(job: ImportJob, report: Report) -> None:
    job.status = _status(report)
    job.message = report.file_error
    job.rows_total = job.rows_done = report.total
    job.rows_valid, job.rows_invalid, job.rows_imported = report.valid, report.invalid, report.imported
    job.errors = [[i.row, i.column, i.reason] for i in report.issues[:SHOWN_ERRORS]]
    job.details = {**job.details, "header_row": report.header_row, "ignored": report.ignored_columns,
                   "absent": report.absent_columns, "encoding": report.encoding, "sheet": report.sheet_name,
                   "format": report.format, "sample_skipped": report.skipped_sample, "issues": len(report.issues)}
    if report.issues and report.layout is not None:
        job.error_file, job.error_rows = _store_error_sheet(report)
    job.finished_at = timezone.now()
    job.save()


def _store_error_sheet(report: Report) -> tuple[str, int]:
    from boai.core.tabular.errorsheet import write_error_sheet

    buffer = io.BytesIO()
    rows = write_error_sheet(report, buffer, only_invalid=report.committed)
    return storage.save(buffer.getvalue(), folder="import-errors"), rows


def _fail(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, message=message,
                                               finished_at=timezone.now())


def import_jobs_purge(*, keep_days: int | None = None) -> int:
    """Delete stored files of old jobs (they hold personal data); fail jobs whose worker died."""
    days = keep_days if keep_days is not None else settings.BOAI_IMPORT_KEEP_DAYS
    now = timezone.now()
    ImportJob.objects.filter(status=ImportJob.Status.RUNNING, started_at__lt=now - timedelta(hours=STALE_HOURS)).update(
        status=ImportJob.Status.FAILED, message=_("The worker stopped before the import finished; nothing was "
                                                  "imported."), finished_at=now)
    old = ImportJob.objects.filter(created_at__lt=now - timedelta(days=days)).exclude(source="", error_file="")
    purged = 0
    for job in old.iterator():
        storage.delete(job.source)
        storage.delete(job.error_file)
        ImportJob.objects.filter(pk=job.pk).update(source="", error_file="")
        purged += 1
    return purged


def error_sheet_bytes(job: ImportJob) -> bytes:
    if not job.error_file:
        raise FileNotFoundError(job.pk)
    return storage.load(job.error_file)
