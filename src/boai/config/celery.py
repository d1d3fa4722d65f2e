"""The Celery application.

With no broker configured (`REDIS_URL` unset) tasks run inline, so the embedded default needs no
extra process. Periodic jobs registered through `boai.core.periodic` become the beat schedule.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boai.config.settings")

app = Celery("boai")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _install_beat_schedule(sender, **kwargs):
    from boai.core.periodic import beat_schedule

    sender.conf.beat_schedule = beat_schedule()
