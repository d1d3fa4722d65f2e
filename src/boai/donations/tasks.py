"""Celery tasks and periodic jobs of the donations module (thin wrappers over services)."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from celery import shared_task

from boai.core.periodic import periodic


@shared_task
def paysim_deliver() -> int:
    """The payment simulator sends its due notifications (and retries)."""
    from boai.donations.payments import simulator
    from boai.donations.payments.registry import mode

    if mode() != "simulator":
        return 0
    return simulator.deliver_due()


@shared_task
def thank_donor(gift_id: int) -> bool:
    from boai.donations.models import Gift
    from boai.donations.services.feedback import send_thanks

    gift = (Gift.objects.select_related("order", "donor", "certificate", "fund", "restricted_project")
            .filter(pk=gift_id).first())
    return bool(gift) and send_thanks(gift)


@periodic("donations.feedback", every=timedelta(days=30))
def donor_feedback() -> str:
    """Every month: what online donors' gifts paid for (SMS with the link to each gift's journey)."""
    from boai.donations.services.feedback import feedback_report

    return f"feedback sent: {feedback_report()}"


@periodic("donations.paysim", every=timedelta(minutes=1))
def paysim_retries() -> str:
    return f"delivered {paysim_deliver()}"


@periodic("donations.disclosure_reminders", every=timedelta(hours=24))
def disclosure_reminders() -> str:
    from django.utils import timezone

    from boai.donations.services.disclosure import schedule_annual, send_reminders
    from boai.orgs.models import Kind, Org

    year = timezone.localdate().year - 1
    for org in Org.objects.filter(kind__in=[Kind.SOCIETY, Kind.BRANCH], is_active=True):
        schedule_annual(org, year)
    return f"reminders sent: {send_reminders()}"


@periodic("donations.reconcile", every=timedelta(hours=24))
def reconcile_yesterday() -> str:
    """Compare yesterday's statement of each gateway with the gifts recorded."""
    from django.utils import timezone

    from boai.donations.payments import channels
    from boai.donations.services.payments import reconcile

    day = timezone.localdate() - dt.timedelta(days=1)
    runs = [reconcile(channel=c, day=day) for c in channels()]
    return "; ".join(f"{r.channel}: {r.lines} lines, {r.issues} mismatches" for r in runs)


@periodic("donations.pool", every=timedelta(minutes=30))
def pool_lots() -> str:
    """Keep funds' small lots pooled (in batches), so a big allocation after a giving day is quick."""
    from boai.donations.services.lots import pool_outstanding

    return f"pooled {pool_outstanding()} lots"
