"""First-aid writes. Every function validates, writes and audits in one transaction.

Training (enrolment, results, certificates, instructors) lives in `services_training.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boai.core.audit import audit_record, diff
from boai.core.scoping import org_in_scope
from boai.firstaid import openhours
from boai.firstaid.models import (
    AED,
    AEDInspection,
    AEDStatus,
    AEDUsage,
    BaseOpenDay,
    CourseType,
    Session,
    SessionStatus,
    Target,
    TrainingBase,
    VenueKind,
)
from boai.orgs.models import Kind, Org, Subtype


def require_scope(actor, perm: str, org: Org | None, *, field: str = "org") -> None:
    """The actor holds `perm` and `org` lies in their subtree (None actor: system jobs, seeding)."""
    if actor is None:
        return
    if not actor.has_perm(perm):
        raise ValidationError(_("You do not have permission to do this."))
    if org is None or not org_in_scope(org, actor):
        raise ValidationError({field: _("This organisation is outside your scope.")})


def _apply(obj, fields: dict[str, Any], *, exclude: tuple[str, ...] = ()) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean(exclude=list(exclude))


# --- AEDs ---------------------------------------------------------------------------------------

def _clean_aed(aed: AED) -> None:
    aed.opening_hours = openhours.validate(aed.opening_hours) if aed.opening_hours is not None else ""
    if aed.child_pads_expiry and not aed.child_pads:
        aed.child_pads = True
    if aed.installed_on and aed.installed_on > timezone.localdate():
        raise ValidationError({"installed_on": _("The installation date cannot be in the future.")})


def _validate_opening_hours(aed: AED) -> None:
    try:
        _clean_aed(aed)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise ValidationError({"opening_hours": exc.messages}) from exc


@transaction.atomic
def aed_create(*, actor, org: Org, **fields) -> AED:
    require_scope(actor, "firstaid.add", org)
    if AED.objects.filter(code=fields.get("code", "")).exists():
        raise ValidationError({"code": _("Another AED already has this device code.")})
    aed = AED(org=org)
    for name, value in fields.items():
        setattr(aed, name, value)
    _validate_opening_hours(aed)
    aed.full_clean(exclude=["cell"])
    aed.save()
    audit_record(actor=actor, action="firstaid.aed.create", obj=aed, after=aed.snapshot())
    return aed


@transaction.atomic
def aed_update(*, actor, aed: AED, **fields) -> AED:
    aed = AED.objects.select_for_update().get(pk=aed.pk)
    require_scope(actor, "firstaid.change", aed.org)
    if "org" in fields:
        require_scope(actor, "firstaid.change", fields["org"])
    if "code" in fields and AED.objects.filter(code=fields["code"]).exclude(pk=aed.pk).exists():
        raise ValidationError({"code": _("Another AED already has this device code.")})
    before = aed.snapshot()
    for name, value in fields.items():
        setattr(aed, name, value)
    _validate_opening_hours(aed)
    aed.full_clean(exclude=["cell"])
    aed.save()
    old, new = diff(before, aed.snapshot())
    if new:
        audit_record(actor=actor, action="firstaid.aed.update", obj=aed, before=old, after=new)
    return aed


@transaction.atomic
def aed_set_status(*, actor, aed: AED, status: str, reason: str) -> AED:
    """Take a device out of service (or back) with a reason: the public map follows at once."""
    aed = AED.objects.select_for_update().get(pk=aed.pk)
    require_scope(actor, "firstaid.change", aed.org)
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the change of status.")})
    if status not in AEDStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    before = aed.status
    aed.status = status
    aed.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="firstaid.aed.status", obj=aed, before={"status": before},
                 after={"status": status}, reason=reason.strip())
    return aed


@transaction.atomic
def inspection_record(*, actor, aed: AED, inspected_on: dt.date, replaced: tuple[str, ...] = (),
                      new_expiry: dict[str, dt.date] | None = None, **fields) -> AEDInspection:
    """Record a check. Parts replaced during the check get their new expiry dates on the device."""
    aed = AED.objects.select_for_update().get(pk=aed.pk)
    require_scope(actor, "firstaid.add", aed.org)
    if inspected_on > timezone.localdate():
        raise ValidationError({"inspected_on": _("The inspection date cannot be in the future.")})
    inspection = AEDInspection(aed=aed, inspected_on=inspected_on,
                               inspector=actor if getattr(actor, "pk", None) else None, **fields)
    if not inspection.inspector_name and inspection.inspector is not None:
        inspection.inspector_name = str(actor)[:60]
    inspection.full_clean(exclude=["aed", "inspector"])
    inspection.save()
    changed = _apply_part_replacements(aed, new_expiry or {})
    if aed.last_inspected_on is None or inspected_on > aed.last_inspected_on:
        aed.last_inspected_on = inspected_on
        changed.append("last_inspected_on")
    if changed:
        aed.save(update_fields=[*changed, "updated_at"])
    audit_record(actor=actor, action="firstaid.aed.inspect", obj=aed,
                 after={"inspection": inspection.pk, "inspected_on": inspected_on, "passed": inspection.passed,
                        "new_expiry": new_expiry or {}})
    return inspection


PART_FIELDS = {"battery": "battery_expiry", "adult_pads": "adult_pads_expiry", "child_pads": "child_pads_expiry"}


def _apply_part_replacements(aed: AED, new_expiry: dict[str, dt.date]) -> list[str]:
    changed = []
    for part, day in new_expiry.items():
        if part not in PART_FIELDS or day is None:
            continue
        if day <= timezone.localdate():
            raise ValidationError({part: _("A replaced part must expire in the future.")})
        setattr(aed, PART_FIELDS[part], day)
        changed.append(PART_FIELDS[part])
        if part == "child_pads" and not aed.child_pads:
            aed.child_pads = True
            changed.append("child_pads")
    return changed


@transaction.atomic
def usage_record(*, actor, aed: AED, used_at: dt.datetime, **fields) -> AEDUsage:
    require_scope(actor, "firstaid.add", aed.org)
    if used_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"used_at": _("The time of use cannot be in the future.")})
    usage = AEDUsage(aed=aed, used_at=used_at, reported_by=actor if getattr(actor, "pk", None) else None, **fields)
    usage.full_clean(exclude=["aed", "reported_by"])
    usage.save()
    audit_record(actor=actor, action="firstaid.aed.usage", obj=aed,
                 after={"usage": usage.pk, "used_at": used_at, "shock": usage.shock_delivered,
                        "outcome": usage.outcome})
    return usage


# --- Course types, bases, sessions, targets ---------------------------------------------------------

def _check_pattern(pattern: str) -> None:
    if not pattern:
        return
    from boai.firstaid.numbering import render_number

    try:
        render_number(pattern, year=2026, seq=1, org_code="X", course_code="X")
    except (KeyError, ValueError, IndexError) as exc:
        raise ValidationError({"number_pattern": _("The pattern may use {year}, {seq}, {org} and {course}, "
                                                   "e.g. WX-{year}-{seq:06d}.")}) from exc


@transaction.atomic
def coursetype_create(*, actor, org: Org, **fields) -> CourseType:
    require_scope(actor, "firstaid.add", org)
    if CourseType.objects.filter(code=fields.get("code", "")).exists():
        raise ValidationError({"code": _("Another course type already has this code.")})
    course = CourseType(org=org)
    _apply(course, fields)
    _check_pattern(course.number_pattern)
    course.save()
    audit_record(actor=actor, action="firstaid.coursetype.create", obj=course, after=course.snapshot())
    return course


@transaction.atomic
def coursetype_update(*, actor, course: CourseType, **fields) -> CourseType:
    require_scope(actor, "firstaid.change", course.org)
    if "code" in fields and CourseType.objects.filter(code=fields["code"]).exclude(pk=course.pk).exists():
        raise ValidationError({"code": _("Another course type already has this code.")})
    before = course.snapshot()
    _apply(course, fields)
    _check_pattern(course.number_pattern)
    course.save()
    old, new = diff(before, course.snapshot())
    audit_record(actor=actor, action="firstaid.coursetype.update", obj=course, before=old, after=new)
    from boai.firstaid.selectors_training import clear_label_cache

    transaction.on_commit(clear_label_cache)  # this worker at once; the others within LABEL_TTL
    return course


@transaction.atomic
def base_create(*, actor, org: Org, **fields) -> TrainingBase:
    """Register a training-base site of the tree as a base, with its facilities."""
    require_scope(actor, "firstaid.add", org)
    if org.kind != Kind.SITE or org.subtype != Subtype.TRAINING_BASE:
        raise ValidationError({"org": _("Choose a site of the type “first-aid training base”.")})
    if TrainingBase.objects.filter(org=org).exists():
        raise ValidationError({"org": _("This site is already registered as a training base.")})
    base = TrainingBase(org=org)
    _apply(base, fields)
    base.save()
    audit_record(actor=actor, action="firstaid.base.create", obj=base, org=org, after=base.snapshot())
    return base


@transaction.atomic
def base_update(*, actor, base: TrainingBase, **fields) -> TrainingBase:
    require_scope(actor, "firstaid.change", base.org)
    before = base.snapshot()
    _apply(base, fields)
    base.save()
    old, new = diff(before, base.snapshot())
    audit_record(actor=actor, action="firstaid.base.update", obj=base, org=base.org, before=old, after=new)
    return base


@transaction.atomic
def open_day_record(*, actor, base: TrainingBase, day: dt.date, visitors: int, activity: str = "") -> BaseOpenDay:
    require_scope(actor, "firstaid.change", base.org)
    if day > timezone.localdate():
        raise ValidationError({"day": _("An open day cannot be recorded in advance.")})
    record, created = BaseOpenDay.objects.update_or_create(base=base, day=day,
                                                           defaults={"visitors": visitors, "activity": activity})
    audit_record(actor=actor, action="firstaid.base.openday", obj=base, org=base.org,
                 after={"day": day, "visitors": visitors, "activity": activity, "new": created})
    return record


def _session_checks(session: Session) -> None:
    if session.ends_on and session.starts_on and session.ends_on < session.starts_on:
        raise ValidationError({"ends_on": _("A session cannot end before it starts.")})
    if session.venue_kind == VenueKind.BASE and session.base_id is None:
        raise ValidationError({"base": _("Choose the training base, or another kind of venue.")})
    if session.venue_kind != VenueKind.BASE and not session.venue_address:
        raise ValidationError({"venue_address": _("Give the address of an on-site session.")})
    if not session.course_type.is_active and session._state.adding:
        raise ValidationError({"course_type": _("This course type is no longer offered.")})


def _branch_of(org: Org) -> Org | None:
    from boai.orgs.selectors import branch_of

    return branch_of(org)


@transaction.atomic
def session_create(*, actor, org: Org, course_type: CourseType, code: str = "", **fields) -> Session:
    require_scope(actor, "firstaid.add", org)
    session = Session(org=org, course_type=course_type, branch=_branch_of(org), code=code or _next_session_code(org))
    if Session.objects.filter(code=session.code).exists():
        raise ValidationError({"code": _("Another session already has this number.")})
    for name, value in fields.items():
        setattr(session, name, value)
    _session_checks(session)
    session.full_clean(exclude=["branch"])
    session.save()
    audit_record(actor=actor, action="firstaid.session.create", obj=session, after=session.snapshot())
    return session


def _next_session_code(org: Org) -> str:
    year = timezone.localdate().year
    prefix = f"{org.code}-{year}-"
    count = Session.objects.filter(code__startswith=prefix).count()
    return f"{prefix}{count + 1:03d}"


@transaction.atomic
def session_update(*, actor, session: Session, **fields) -> Session:
    session = Session.objects.select_for_update().get(pk=session.pk)
    require_scope(actor, "firstaid.change", session.org)
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("A cancelled session cannot be changed."))
    before = session.snapshot()
    for name, value in fields.items():
        setattr(session, name, value)
    _session_checks(session)
    session.full_clean(exclude=["branch"])
    session.save()
    old, new = diff(before, session.snapshot())
    audit_record(actor=actor, action="firstaid.session.update", obj=session, before=old, after=new)
    return session


@transaction.atomic
def target_set(*, actor, org: Org, year: int, certified: int, awareness: int) -> Target:
    """Create or change a branch's targets for a year."""
    require_scope(actor, "firstaid.change", org)
    if org.kind not in (Kind.BRANCH, Kind.SOCIETY):
        raise ValidationError({"org": _("Targets are set for a branch (or the whole society).")})
    target = Target.objects.select_for_update().filter(org=org, year=year).first()
    before = {"certified": target.certified, "awareness": target.awareness} if target else None
    target = target or Target(org=org, year=year)
    target.certified, target.awareness = certified, awareness
    target.full_clean()
    target.save()
    audit_record(actor=actor, action="firstaid.target.set", obj=target, org=org, before=before,
                 after={"year": year, "certified": certified, "awareness": awareness})
    return target
