"""Attendance and service hours: QR and manual check-in/out, certification, rejection, corrections.

"谁组织谁记录，谁记录谁证明": the organising unit (or the activity's leader on the ground) records,
and staff of the organising unit certify; only certified hours count. After checkout a record is
never edited: a correction is a new record that references it, and certifying the correction
retires the old one in the same transaction (hours and points move with it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from boai.core.audit import audit_record
from boai.core.notifications import notify
from boai.volunteers import qr
from boai.volunteers.hours import DEFAULT_RULE, Rule, compute_hours
from boai.volunteers.models import Activity, HoursRule, PointEntry, ServiceRecord, Signup, Volunteer
from boai.volunteers.services.common import ancestor_paths, own_volunteer, require
from boai.volunteers.services.incentives import points_for, policy_for, stars_check

CHECKIN_EARLY = dt.timedelta(hours=1)
CHECKOUT_LATE = dt.timedelta(hours=12)
Status = ServiceRecord.Status


def rule_for(org, activity_type: str) -> Rule:
    """The hours rule that applies: a rule for this activity type beats one for all types, and a rule
    of a deeper node (the unit) beats one of its ancestors (the branch, the city)."""
    rules = HoursRule.objects.filter(org__path__in=ancestor_paths(org), activity_type__in=[activity_type, ""])
    best = max(rules.select_related("org"), key=lambda r: (r.activity_type != "", r.org.depth), default=None)
    return Rule.of(best) if best else DEFAULT_RULE


def _hours(activity: Activity | None, org, start, end) -> Decimal:
    return compute_hours(start, end, rule_for(org, activity.activity_type if activity else ""))


def _no_overlap(volunteer: Volunteer, start, end, exclude: Iterable[int] = ()) -> None:
    """A volunteer cannot serve in two places at once."""
    live = ServiceRecord.objects.filter(volunteer=volunteer).exclude(
        status__in=[Status.REJECTED, Status.SUPERSEDED]).exclude(pk__in=list(exclude))
    end = end or start
    clash = live.filter(check_in_at__lt=end).exclude(check_out_at__lte=start).exclude(
        check_out_at__isnull=True, check_in_at__lt=start - dt.timedelta(hours=24)).select_related("activity").first()
    if clash is not None:
        what = clash.activity.title if clash.activity_id else _("another service")
        raise ValidationError(_("This overlaps with %(what)s (%(when)s).") % {
            "what": what, "when": timezone.localtime(clash.check_in_at).strftime("%Y-%m-%d %H:%M")})


def _confirmed(activity: Activity, volunteer: Volunteer) -> None:
    if not Signup.objects.filter(activity=activity, volunteer=volunteer, status=Signup.Status.CONFIRMED).exists():
        raise ValidationError(_("%(name)s has no confirmed sign-up for this activity.") % {
            "name": volunteer.person.name})


def _in_time(activity: Activity, now: dt.datetime, checking_in: bool) -> None:
    if activity.status != Activity.Status.PUBLISHED:
        raise ValidationError(_("This activity is not running."))
    if checking_in and not (activity.starts_at - CHECKIN_EARLY <= now <= activity.ends_at):
        raise ValidationError(_("Check-in is open from one hour before the start until the end of the activity."))
    if not checking_in and now > activity.ends_at + CHECKOUT_LATE:
        raise ValidationError(_("Check-out has closed: ask the leader to enter your times."))


def _open(activity, volunteer, when, *, actor, source, window=None) -> ServiceRecord:
    _no_overlap(volunteer, when, None)
    try:
        with transaction.atomic():
            return ServiceRecord.objects.create(
                volunteer=volunteer, activity=activity, org=activity.org, service_date=timezone.localdate(when),
                check_in_at=when, status=Status.OPEN, source=source, checkin_window=window, recorded_by=actor)
    except IntegrityError:
        raise ValidationError(_("Already checked in.")) from None


def _close(record: ServiceRecord, when, *, window=None) -> ServiceRecord:
    if when < record.check_in_at:
        raise ValidationError(_("Check-out cannot be before check-in."))
    record.check_out_at, record.checkout_window, record.status = when, window, Status.RECORDED
    record.hours = _hours(record.activity, record.org, record.check_in_at, when)
    record.save(update_fields=["check_out_at", "checkout_window", "status", "hours"])
    return record


@transaction.atomic
def attendance_scan(*, actor, activity: Activity, window, token: str) -> ServiceRecord:
    """The volunteer scanned the leader's QR code: the first scan checks in, the next one checks out."""
    volunteer = own_volunteer(actor)
    activity = Activity.objects.select_related("org").get(pk=activity.pk)
    window = qr.verify(activity, window, token)
    _confirmed(activity, volunteer)
    now = timezone.now()
    record = (ServiceRecord.objects.select_for_update(of=("self",)).filter(activity=activity, volunteer=volunteer,
                                                               corrects__isnull=True).first())
    if record is None:
        _in_time(activity, now, checking_in=True)
        record = _open(activity, volunteer, now, actor=actor, source=ServiceRecord.Source.QR, window=window)
        action = "volunteers.attendance.check_in"
    elif record.status == Status.OPEN:
        if record.checkin_window is not None and window <= record.checkin_window:
            raise ValidationError(_("This code was used already: scan again when the code has changed."))
        _in_time(activity, now, checking_in=False)
        record = _close(record, now, window=window)
        action = "volunteers.attendance.check_out"
    else:
        raise ValidationError(_("You have checked out of this activity already."))
    audit_record(actor=actor, action=action, obj=record, org=activity.org, after=record.snapshot())
    return record


@transaction.atomic
def attendance_manual(*, actor, activity: Activity, volunteer: Volunteer, check_in_at: dt.datetime,
                      check_out_at: dt.datetime | None = None, note: str = "") -> ServiceRecord:
    """The leader enters a check-in (and check-out) by hand: a volunteer without a phone, a failed scan."""
    activity = Activity.objects.select_related("org").get(pk=activity.pk)
    if actor is not None and not Activity.objects.led_by(actor).filter(pk=activity.pk).exists():
        raise ValidationError(_("Only the organiser or a leader of this activity can do this."))
    _confirmed(activity, volunteer)
    now = timezone.now()
    if check_in_at > now or (check_out_at and check_out_at > now):
        raise ValidationError({"check_in_at": _("Times cannot be in the future.")})
    if check_in_at < activity.starts_at - dt.timedelta(days=1) or check_in_at > activity.ends_at + CHECKOUT_LATE:
        raise ValidationError({"check_in_at": _("The check-in time is far outside the activity's time.")})
    record = (ServiceRecord.objects.select_for_update(of=("self",)).filter(activity=activity, volunteer=volunteer,
                                                               corrects__isnull=True).first())
    if record is None:
        record = _open(activity, volunteer, check_in_at, actor=actor, source=ServiceRecord.Source.MANUAL)
        record.note = note[:300]
        record.save(update_fields=["note"])
    elif record.status != Status.OPEN:
        raise ValidationError(_("This volunteer has checked out already: correct the record instead."))
    elif check_in_at != record.check_in_at:
        raise ValidationError({"check_in_at": _("Already checked in at %(t)s.") % {
            "t": timezone.localtime(record.check_in_at).strftime("%H:%M")}})
    if check_out_at is not None:
        _no_overlap(volunteer, check_in_at, check_out_at, exclude=[record.pk])
        record = _close(record, check_out_at)
    audit_record(actor=actor, action="volunteers.attendance.manual", obj=record, org=activity.org,
                 after=record.snapshot())
    return record


# --- certification ---------------------------------------------------------------------------------

def _credit(volunteer_id: int, hours: Decimal) -> None:
    Volunteer.objects.filter(pk=volunteer_id).update(certified_hours=F("certified_hours") + hours)


def _points(record: ServiceRecord, kind: str, delta: int, actor) -> None:
    if not delta:
        return
    PointEntry.objects.create(volunteer_id=record.volunteer_id, delta=delta, kind=kind, record=record,
                              created_by=actor)
    Volunteer.objects.filter(pk=record.volunteer_id).update(points_balance=F("points_balance") + delta)


def _retire(old: ServiceRecord, actor) -> None:
    """The corrected record stops counting: its hours and the points they earned are taken back."""
    if old.status == Status.CERTIFIED:
        _credit(old.volunteer_id, -old.hours)
        earned = PointEntry.objects.filter(record=old, kind=PointEntry.Kind.HOURS).values_list("delta", flat=True)
        balance = Volunteer.objects.get(pk=old.volunteer_id).points_balance
        _points(old, PointEntry.Kind.REVERSAL, -min(sum(earned), balance), actor)
    old.status = Status.SUPERSEDED
    old.save(update_fields=["status"])


@transaction.atomic
def records_certify(*, actor, records: Iterable[ServiceRecord]) -> list[ServiceRecord]:
    """Certify checked-out records: their hours count from now on, points are earned and star levels
    are checked. Locks: the records, then their volunteers in id order (a fixed order)."""
    ids = sorted(r.pk for r in records)
    locked = list(ServiceRecord.objects.select_for_update(of=("self",)).filter(pk__in=ids)
                  .select_related("org").order_by("pk"))
    for record in locked:
        require(actor, "volunteers.change", record.org)
        if record.status != Status.RECORDED:
            raise ValidationError(_("Record #%(n)d is not waiting for certification.") % {"n": record.pk})
    volunteer_ids = sorted({r.volunteer_id for r in locked})
    list(Volunteer.objects.select_for_update(of=("self",)).filter(pk__in=volunteer_ids).order_by("pk").values_list("pk"))
    policy, now = policy_for(), timezone.now()
    for record in locked:
        if record.corrects_id:
            _retire(ServiceRecord.objects.select_for_update(of=("self",)).get(pk=record.corrects_id), actor)
        record.status, record.certified_by, record.certified_at = Status.CERTIFIED, actor, now
        record.save(update_fields=["status", "certified_by", "certified_at"])
        _credit(record.volunteer_id, record.hours)
        _points(record, PointEntry.Kind.HOURS, points_for(record.hours, policy), actor)
        audit_record(actor=actor, action="volunteers.record.certify", obj=record,
                     after={"hours": record.hours, "volunteer": record.volunteer_id, "corrects": record.corrects_id})
    for volunteer in Volunteer.objects.filter(pk__in=volunteer_ids).select_related("user", "person"):
        stars_check(volunteer=volunteer, policy=policy, actor=actor)
        _tell_certified(volunteer, [r for r in locked if r.volunteer_id == volunteer.pk])
    return locked


def _tell_certified(volunteer: Volunteer, records: list[ServiceRecord]) -> None:
    if not volunteer.user_id:
        return
    hours = sum((r.hours for r in records), Decimal(0))
    notify(recipients=[volunteer.user], category="volunteers.hours",
           title=_("%(hours)s hours certified") % {"hours": hours},
           body=_("Your certified total is now %(total)s hours.") % {"total": volunteer.certified_hours},
           url=reverse("volunteers:my-hours"))


@transaction.atomic
def record_reject(*, actor, record: ServiceRecord, reason: str) -> ServiceRecord:
    record = ServiceRecord.objects.select_for_update(of=("self",)).select_related("org").get(pk=record.pk)
    require(actor, "volunteers.change", record.org)
    if record.status not in (Status.RECORDED, Status.OPEN):
        raise ValidationError(_("Only records not yet certified can be rejected; correct certified ones."))
    reason = " ".join(reason.split())
    if len(reason) < 2:
        raise ValidationError({"reason": _("Give the reason for rejecting these hours.")})
    old = record.status
    record.status, record.reject_reason = Status.REJECTED, reason[:200]
    record.save(update_fields=["status", "reject_reason"])
    audit_record(actor=actor, action="volunteers.record.reject", obj=record, before={"status": old},
                 after={"status": record.status}, reason=reason)
    return record


@transaction.atomic
def record_correct(*, actor, record: ServiceRecord, check_in_at: dt.datetime, check_out_at: dt.datetime,
                   reason: str) -> ServiceRecord:
    """A new record with the right times that references the wrong one; it counts once certified."""
    old = ServiceRecord.objects.select_for_update(of=("self",)).select_related("org", "activity").get(pk=record.pk)
    require(actor, "volunteers.change", old.org)
    reason = " ".join(reason.split())
    if old.status not in (Status.RECORDED, Status.CERTIFIED):
        raise ValidationError(_("Only checked-out records can be corrected (this one is “%(s)s”).")
                              % {"s": old.get_status_display()})
    if old.corrections.exclude(status=Status.REJECTED).exists():
        raise ValidationError(_("A correction of this record is waiting for certification already."))
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say what was wrong: the reason stays with the record.")})
    if check_out_at <= check_in_at:
        raise ValidationError({"check_out_at": _("Check-out must be after check-in.")})
    if check_out_at > timezone.now():
        raise ValidationError({"check_out_at": _("Times cannot be in the future.")})
    _no_overlap(old.volunteer, check_in_at, check_out_at, exclude=[old.pk])
    new = ServiceRecord.objects.create(
        volunteer=old.volunteer, activity=old.activity, org=old.org, service_date=timezone.localdate(check_in_at),
        check_in_at=check_in_at, check_out_at=check_out_at, status=Status.RECORDED,
        hours=_hours(old.activity, old.org, check_in_at, check_out_at), source=ServiceRecord.Source.CORRECTION,
        corrects=old, note=reason[:300], recorded_by=actor)
    audit_record(actor=actor, action="volunteers.record.correct", obj=new, before=old.snapshot(),
                 after=new.snapshot(), reason=reason)
    return new


@transaction.atomic
def record_create_past(*, actor, volunteer: Volunteer, org, check_in_at: dt.datetime, check_out_at: dt.datetime,
                       note: str) -> ServiceRecord:
    """Hours served outside a registered activity (an emergency call-out, a paper sheet): recorded by the
    organising unit, certified like any other record."""
    require(actor, "volunteers.add", org)
    if check_out_at <= check_in_at:
        raise ValidationError({"check_out_at": _("Check-out must be after check-in.")})
    if check_out_at > timezone.now():
        raise ValidationError({"check_out_at": _("Times cannot be in the future.")})
    if len(" ".join(note.split())) < 2:
        raise ValidationError({"note": _("Describe the service.")})
    _no_overlap(volunteer, check_in_at, check_out_at)
    record = ServiceRecord.objects.create(
        volunteer=volunteer, activity=None, org=org, service_date=timezone.localdate(check_in_at),
        check_in_at=check_in_at, check_out_at=check_out_at, status=Status.RECORDED,
        hours=_hours(None, org, check_in_at, check_out_at), source=ServiceRecord.Source.MANUAL, note=note[:300],
        recorded_by=actor)
    audit_record(actor=actor, action="volunteers.record.create", obj=record, after=record.snapshot())
    return record
