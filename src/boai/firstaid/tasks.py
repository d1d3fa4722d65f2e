"""Periodic jobs: certificate expiry reminders with a re-training offer, AED maintenance alerts.
Thin wrappers over selectors and notifications (run by Celery beat or `boai periodic`)."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from boai.core.periodic import periodic

logger = logging.getLogger("boai.firstaid")


def _officers(org_ids) -> dict[int, list]:
    """Who looks after first aid for each organisation: the firstaid.change holders acting for it or above."""
    from boai.accounts.selectors import unit_staff

    return unit_staff(org_ids, perm="firstaid.change")


def _retraining_link(cert) -> str:
    return settings.BOAI_SITE_URL.rstrip("/") + reverse("firstaid:public-sessions") + f"?course={cert.course_type.code}"


@periodic("firstaid.certificate_reminders", every=timedelta(days=1))
def certificate_reminders() -> int:
    """Remind holders (SMS) and their branch officers (inbox) of certificates expiring soon, once each."""
    from boai.core.notifications import notify
    from boai.core.sms import get_backend
    from boai.firstaid.selectors_training import certificates_expiring

    certs = list(certificates_expiring(within_days=settings.BOAI_CERTIFICATE_REMINDER_DAYS)
                 .select_related("person", "course_type")[:5000])
    by_org: dict[int, list] = defaultdict(list)
    backend = get_backend()
    for cert in certs:
        by_org[cert.org_id].append(cert)
        if cert.person.mobile:
            text = _("Your %(course)s certificate %(number)s expires on %(day)s. Re-train here: %(link)s") % {
                "course": cert.course_type.name, "number": cert.number, "day": cert.valid_until,
                "link": _retraining_link(cert)}
            backend.send(mobile=cert.person.mobile, text=f"【博爱】{text}")
    for org_id, officers in _officers(by_org).items():
        if officers:
            notify(recipients=officers, category="firstaid.certificate_expiry",
                   title=_("%(n)d first-aid certificates expire within %(days)d days") % {
                       "n": len(by_org[org_id]), "days": settings.BOAI_CERTIFICATE_REMINDER_DAYS},
                   url=reverse("firstaid:certificate-list") + "?expiring=1")
    with transaction.atomic():
        from boai.firstaid.models import Certificate

        Certificate.objects.filter(pk__in=[c.pk for c in certs]).update(reminded_on=timezone.localdate())
    return len(certs)


@periodic("firstaid.aed_alerts", every=timedelta(days=1))
def aed_alerts() -> int:
    """Tell each responsible unit's officers which AEDs have parts expiring or an overdue inspection."""
    from boai.core.notifications import notify
    from boai.firstaid import selectors
    from boai.firstaid.models import AED

    expiring = selectors.aeds_with_expiring_parts(AED.objects.all()).values_list("org_id", flat=True)
    overdue = selectors.aeds_inspection_overdue(AED.objects.all()).values_list("org_id", flat=True)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for org_id in expiring:
        counts[org_id][0] += 1
    for org_id in overdue:
        counts[org_id][1] += 1
    sent = 0
    for org_id, officers in _officers(counts).items():
        n_exp, n_over = counts[org_id]
        if not officers:
            continue
        if n_exp:
            notify(recipients=officers, category="firstaid.aed_expiry",
                   title=_("%(n)d AEDs have a battery or pads expiring soon") % {"n": n_exp},
                   url=reverse("firstaid:aed-list") + "?alert=expiring")
        if n_over:
            notify(recipients=officers, category="firstaid.aed_inspection",
                   title=_("%(n)d AEDs are overdue for their monthly inspection") % {"n": n_over},
                   url=reverse("firstaid:aed-list") + "?alert=overdue")
        sent += 1
    return sent
