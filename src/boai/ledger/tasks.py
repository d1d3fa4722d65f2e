"""Celery tasks and periodic jobs of the log: thin wrappers over the services."""

from datetime import timedelta

from celery import shared_task

from boai.core.periodic import periodic
from boai.ledger import params


@shared_task(ignore_result=True)
def integrate_log() -> int:
    """Queued after commits that appended (at most one waiting at a time: see `_integrate_after_commit`)."""
    from django.core.cache import cache

    from boai.ledger.services import INTEGRATION_QUEUED_KEY, ledger_integrate

    cache.delete(INTEGRATION_QUEUED_KEY)  # before reading the queue: a later append queues a new task
    return ledger_integrate().integrated


@periodic("ledger.checkpoint", every=timedelta(seconds=params.checkpoint_seconds()))
def checkpoint_log() -> str:
    """Integrate anything left pending, then sign a checkpoint if the tree grew."""
    from boai.ledger.services import ledger_checkpoint, ledger_integrate

    integrated = ledger_integrate(checkpoint=False)
    checkpoint = ledger_checkpoint(wait=True)
    size = checkpoint.size if checkpoint else integrated.size
    return f"integrated {integrated.integrated}; " + (f"signed size {size}" if checkpoint else "unchanged")
