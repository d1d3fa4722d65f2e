"""Celery tasks and periodic jobs of the log: thin wrappers over the services."""

from datetime import timedelta

from celery import shared_task

from boai.core.periodic import periodic
from boai.ledger import params


@shared_task
def integrate_log() -> int:
    from boai.ledger.services import ledger_integrate

    return ledger_integrate().integrated


@periodic("ledger.checkpoint", every=timedelta(seconds=params.checkpoint_seconds()))
def checkpoint_log() -> str:
    """Integrate anything left pending, then sign a checkpoint if the tree grew."""
    from boai.ledger.services import ledger_checkpoint, ledger_integrate

    integrated = ledger_integrate(checkpoint=False)
    checkpoint = ledger_checkpoint(wait=True)
    size = checkpoint.size if checkpoint else integrated.size
    return f"integrated {integrated.integrated}; " + (f"signed size {size}" if checkpoint else "unchanged")
