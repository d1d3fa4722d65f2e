"""Tasks through a real broker: Celery on Redis with a worker, when REDIS_URL is configured."""

import os

import pytest

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI sets it)")


@pytest.mark.django_db(transaction=True)
def test_task_runs_on_a_real_worker():
    from celery.contrib.testing.worker import start_worker

    from boai.config.celery import app
    from boai.core.tasks import ping

    assert not app.conf.task_always_eager
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert ping.delay().get(timeout=20) == "pong"


def test_without_a_broker_tasks_run_inline(settings):
    # The embedded default: no broker configured means eager execution.
    from django.conf import settings as dj

    assert dj.CELERY_TASK_ALWAYS_EAGER is (not dj.CELERY_BROKER_URL)
