"""A big import through a real broker: Celery on Redis with a worker thread (skipped without REDIS_URL)."""

import os
import time

import pytest

from boai.core import context
from boai.core.models import ImportJob
from boai.core.tabular import services
from boai.core.tabular.spec import get_kind
from boai.core.tabular.testing import orgs_sheet
from boai.orgs.models import Org

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a Redis broker)"),
]


@pytest.mark.django_db(transaction=True)
def test_background_import_runs_on_a_worker_and_reports_progress(tree, branch_admin, settings, tmp_path):
    from celery.contrib.testing.worker import start_worker

    from boai.config.celery import app

    assert not app.conf.task_always_eager
    settings.MEDIA_ROOT = tmp_path
    settings.BOAI_IMPORT_ASYNC_ROWS = 1
    with context.use(context.RequestContext(channel="web")):
        job = services.import_job_create(actor=branch_admin, kind=get_kind("orgs"), filename="units.xlsx",
                                         data=orgs_sheet(tree.unit_a.code, prefix="CW", bad=False))
    assert job.background and job.status == ImportJob.Status.QUEUED
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        services.import_job_start(job)  # autocommit: sent to Redis at once
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.finished:
                break
            time.sleep(0.2)
    assert job.status == ImportJob.Status.IMPORTED, job.message
    assert job.rows_imported == 2 and job.started_at and job.finished_at
    assert set(Org.objects.filter(code__startswith="CW-").values_list("code", flat=True)) == {"CW-1", "CW-2"}
