"""Celery tasks are thin wrappers over services (Saleor's habit)."""

from datetime import timedelta

from celery import shared_task

from boai.core import notifications, periodic


@shared_task
def deliver_notifications(notification_ids: list[int]) -> None:
    notifications.deliver(notification_ids)


@shared_task
def run_periodic_job(name: str) -> str:
    return periodic.run_job(name)


@shared_task
def ping() -> str:
    return "pong"


@periodic.periodic("core.audit_purge", every=timedelta(days=1))
def purge_audit() -> int:
    from boai.core.audit import audit_purge

    return audit_purge()


from boai.core.tabular.tasks import purge_import_files, run_import_job  # noqa: E402,F401 - registers the tasks
