"""The disclosure calendar: the legal deadlines for publishing fundraising and project results,
generated from campaigns and projects, and reminders to the responsible officers before each.

- Public fundraising lasting more than six months: progress at least every three months; results
  within three months after it ends (Charity Law art. 71-72, Red Cross Law art. 27).
- Projects running more than six months: progress at least every three months; results within
  three months after they end.
- Every year: the annual report of income and spending (by 31 May).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boai.core.audit import audit_record
from boai.donations.models import Campaign, DisclosureItem, DisclosureKind, Project
from boai.donations.services.common import clean_text, require

REMIND_DAYS = (14, 3, 0)  # reminders this many days before the deadline (0: on the day, and when overdue)
LONG = dt.timedelta(days=183)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def _ensure(org, kind: str, title: str, due_on: dt.date, *, campaign=None, project=None, start=None, end=None) -> None:
    DisclosureItem.objects.get_or_create(
        org=org, kind=kind, campaign=campaign, project=project, due_on=due_on,
        defaults={"title": title[:150], "period_start": start, "period_end": end})


def _drop_stale(*, campaign=None, project=None, keep: set) -> None:
    stale = DisclosureItem.objects.filter(campaign=campaign, project=project, status=DisclosureItem.Status.OPEN)
    stale.exclude(pk__in=keep).filter(kind__in=[DisclosureKind.CAMPAIGN_PROGRESS, DisclosureKind.CAMPAIGN_FINAL,
                                                DisclosureKind.PROJECT_PROGRESS, DisclosureKind.PROJECT_FINAL]).delete()


def _plan(start: dt.date, end: dt.date, progress_kind: str, final_kind: str, name: str) -> list[tuple]:
    items = []
    if end - start > LONG:
        day = add_months(start, 3)
        while day < end:
            items.append((progress_kind, _("Progress of %(name)s up to %(day)s") % {"name": name, "day": day}, day,
                          start, day))
            day = add_months(day, 3)
    items.append((final_kind, _("Results of %(name)s") % {"name": name}, add_months(end, 3), start, end))
    return items


def schedule_for_campaign(campaign: Campaign) -> None:
    """(Re)plan a public fundraising campaign's deadlines; published items are kept as they are."""
    if not campaign.public_fundraising:
        return
    start, end = timezone.localdate(campaign.starts_at), timezone.localdate(campaign.ends_at)
    keep = set()
    for kind, title, due, p_start, p_end in _plan(start, end, DisclosureKind.CAMPAIGN_PROGRESS,
                                                  DisclosureKind.CAMPAIGN_FINAL, campaign.name):
        _ensure(campaign.org, kind, title, due, campaign=campaign, start=p_start, end=p_end)
        keep |= set(DisclosureItem.objects.filter(campaign=campaign, kind=kind, due_on=due)
                    .values_list("pk", flat=True))
    _drop_stale(campaign=campaign, keep=keep)


def schedule_for_project(project: Project) -> None:
    if not project.starts_on or not project.ends_on:
        return
    keep = set()
    for kind, title, due, p_start, p_end in _plan(project.starts_on, project.ends_on, DisclosureKind.PROJECT_PROGRESS,
                                                  DisclosureKind.PROJECT_FINAL, project.name):
        _ensure(project.org, kind, title, due, project=project, start=p_start, end=p_end)
        keep |= set(DisclosureItem.objects.filter(project=project, kind=kind, due_on=due)
                    .values_list("pk", flat=True))
    _drop_stale(project=project, keep=keep)


def schedule_annual(org, year: int) -> None:
    _ensure(org, DisclosureKind.ANNUAL, _("Annual report of income and spending, %(year)s") % {"year": year},
            dt.date(year + 1, 5, 31), start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))


@transaction.atomic
def disclosure_publish(*, actor, item: DisclosureItem, url: str) -> DisclosureItem:
    require(actor, "donations.change", item.org)
    if item.status == DisclosureItem.Status.DONE:
        raise ValidationError(_("This item is already marked as published."))
    item.published_url = clean_text(url, field="url", max_length=300, required=True)
    item.status, item.published_at = DisclosureItem.Status.DONE, timezone.now()
    item.save(update_fields=["published_url", "status", "published_at"])
    audit_record(actor=actor, action="donations.disclosure.publish", obj=item, after={"url": item.published_url})
    return item


@transaction.atomic
def disclosure_assign(*, actor, item: DisclosureItem, user) -> DisclosureItem:
    require(actor, "donations.change", item.org)
    if user is not None and not (user.is_active and user.has_perm("donations.change")):
        raise ValidationError({"responsible": _("The responsible officer must be able to publish donations data.")})
    item.responsible = user
    item.save(update_fields=["responsible"])
    audit_record(actor=actor, action="donations.disclosure.assign", obj=item,
                 after={"responsible": getattr(user, "pk", None)})
    return item


def send_reminders(today: dt.date | None = None) -> int:
    """Notify the responsible officer (or the organisation's donations officers) before each deadline,
    once per threshold in REMIND_DAYS, and again each day an item is overdue. Returns notices sent."""
    from boai.core.notifications import notify
    from boai.donations.selectors import users_with_perm

    today = today or timezone.localdate()
    sent = 0
    items = DisclosureItem.objects.filter(status=DisclosureItem.Status.OPEN,
                                          due_on__lte=today + dt.timedelta(days=max(REMIND_DAYS)))
    for item in items.select_related("org", "responsible"):
        left = (item.due_on - today).days
        stage = min((d for d in REMIND_DAYS if left <= d), default=None)
        if stage is None or (item.reminded_days is not None and item.reminded_days <= stage and left >= 0):
            continue
        recipients = [item.responsible] if item.responsible else users_with_perm(item.org, "donations.change")
        title = (_("Overdue disclosure: %(title)s (due %(due)s)") if left < 0 else
                 _("Disclosure due in %(n)d days: %(title)s")) % {"title": item.title, "due": item.due_on, "n": left}
        notify(recipients=recipients, category="donations.disclosure", title=title, url=item.get_absolute_url())
        DisclosureItem.objects.filter(pk=item.pk).update(reminded_days=stage if left >= 0 else -1)
        sent += 1
    return sent
