"""Training writes on persons: instructors, enrolment (public, staff, bulk), attendance and
results, certificates (issue on passing, revoke with reason) and expiry reminders."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boai.core.audit import audit_record, diff
from boai.firstaid.models import (
    Certificate,
    CertificateSequence,
    Enrolment,
    EnrolmentSource,
    Instructor,
    InstructorAssessment,
    Result,
    Session,
    SessionInstructor,
    SessionStatus,
    mask_name,
    name_hash,
)
from boai.firstaid.numbering import render_number
from boai.firstaid.services import require_scope

# --- instructors --------------------------------------------------------------------------------

def _check_instructor_dates(qualified_on: dt.date, expires_on: dt.date) -> None:
    if expires_on <= qualified_on:
        raise ValidationError({"expires_on": _("The qualification must expire after it was obtained.")})


@transaction.atomic
def instructor_create(*, actor, person, org, qualification_no: str, qualified_on: dt.date, expires_on: dt.date,
                      level: str = "instructor", notes: str = "") -> Instructor:
    require_scope(actor, "firstaid.add", org)
    _check_instructor_dates(qualified_on, expires_on)
    if Instructor.objects.filter(person=person).exists():
        raise ValidationError({"person": _("This person is already registered as an instructor.")})
    if Instructor.objects.filter(qualification_no=qualification_no).exists():
        raise ValidationError({"qualification_no": _("Another instructor has this qualification number.")})
    instructor = Instructor(person=person, org=org, qualification_no=qualification_no, qualified_on=qualified_on,
                            expires_on=expires_on, level=level, notes=notes)
    instructor.full_clean()
    instructor.save()
    audit_record(actor=actor, action="firstaid.instructor.create", obj=instructor, after=instructor.snapshot())
    return instructor


@transaction.atomic
def instructor_update(*, actor, instructor: Instructor, **fields) -> Instructor:
    require_scope(actor, "firstaid.change", instructor.org)
    before = instructor.snapshot()
    for name, value in fields.items():
        setattr(instructor, name, value)
    _check_instructor_dates(instructor.qualified_on, instructor.expires_on)
    instructor.full_clean()
    instructor.save()
    old, new = diff(before, instructor.snapshot())
    audit_record(actor=actor, action="firstaid.instructor.update", obj=instructor, before=old, after=new)
    return instructor


@transaction.atomic
def instructor_assess(*, actor, instructor: Instructor, year: int, result: str,
                      notes: str = "") -> InstructorAssessment:
    require_scope(actor, "firstaid.change", instructor.org)
    record, _created = InstructorAssessment.objects.update_or_create(
        instructor=instructor, year=year, defaults={"result": result, "notes": notes})
    record.full_clean()
    audit_record(actor=actor, action="firstaid.instructor.assess", obj=instructor,
                 after={"year": year, "result": result})
    return record


@transaction.atomic
def session_assign_instructor(*, actor, session: Session, instructor: Instructor, hours, lead: bool = False):
    require_scope(actor, "firstaid.change", session.org)
    if not instructor.is_active or instructor.expires_on < session.starts_on:
        raise ValidationError({"instructor": _("This instructor's qualification is not valid for the session date.")})
    link, _created = SessionInstructor.objects.update_or_create(session=session, instructor=instructor,
                                                                defaults={"hours": hours, "lead": lead})
    audit_record(actor=actor, action="firstaid.session.instructor", obj=session,
                 after={"instructor": instructor.pk, "hours": hours, "lead": lead})
    return link


# --- enrolment ----------------------------------------------------------------------------------

def _open_session(session_id: int) -> Session:
    session = Session.objects.select_for_update().select_related("course_type", "org").get(pk=session_id)
    if session.status != SessionStatus.PLANNED:
        raise ValidationError(_("This session is not open for enrolment."))
    return session


def _add(session: Session, person, *, source: str, **fields) -> Enrolment:
    taken = session.enrolments.filter(cancelled=False).count()
    if taken >= session.capacity:
        raise ValidationError(_("This session is full."))
    if session.enrolments.filter(person=person).exists():
        raise ValidationError(_("This person is already enrolled in this session."))
    try:
        with transaction.atomic():
            return Enrolment.objects.create(session=session, person=person, source=source, **fields)
    except IntegrityError as exc:
        raise ValidationError(_("This person is already enrolled in this session.")) from exc


@transaction.atomic
def enrol_public(*, session: Session, name: str, id_number: str, mobile: str, consent: bool, employer: str = "",
                 photo=None) -> Enrolment:
    """A member of the public enrols on a phone: the Person is found by ID number (blind index) or
    registered through the person services, with the consent time recorded."""
    from boai.people import selectors as people_selectors
    from boai.people import services as people_services

    if not consent:
        raise ValidationError({"consent": _("Enrolment needs your consent to the use of your personal data.")})
    session = _open_session(session.pk)
    if not session.public_enrolment:
        raise ValidationError(_("This session is not open to public enrolment."))
    person = people_selectors.by_id_number(people_selectors.Person.objects.all(), id_number).first()
    if person is None:
        person = people_services.person_create(actor=None, org=session.org, name=name, id_number=id_number,
                                               mobile=mobile)
    elif person.name != " ".join(name.split()):
        raise ValidationError({"name": _("The name and ID number do not match our records.")})
    enrolment = _add(session, person, source=EnrolmentSource.PUBLIC, employer=employer, consent_at=timezone.now(),
                     **({"photo": photo} if photo else {}))
    audit_record(actor=None, action="firstaid.enrolment.public", obj=enrolment, org=session.org,
                 after={"session": session.code, "person": person.pk})
    return enrolment


@transaction.atomic
def enrol_staff(*, actor, session: Session, person, employer: str = "") -> Enrolment:
    require_scope(actor, "firstaid.change", session.org)
    session = _open_session(session.pk)
    enrolment = _add(session, person, source=EnrolmentSource.STAFF, employer=employer)
    audit_record(actor=actor, action="firstaid.enrolment.create", obj=enrolment, org=session.org,
                 after={"session": session.code, "person": person.pk})
    return enrolment


@transaction.atomic
def enrol_cancel(*, actor, enrolment: Enrolment, reason: str) -> Enrolment:
    """Remove a trainee from a session (a no-show, a duplicate sign-up): the place is free again; the
    row stays, struck through, with the reason in the audit log."""
    enrolment = Enrolment.objects.select_for_update().select_related("session__org").get(pk=enrolment.pk)
    require_scope(actor, "firstaid.change", enrolment.session.org)
    reason = " ".join(str(reason or "").split())
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why the trainee is removed.")})
    if enrolment.cancelled:
        raise ValidationError(_("This enrolment was cancelled."))
    if enrolment.result == Result.PASSED:
        raise ValidationError(_("A trainee who passed cannot be removed; revoke the certificate instead."))
    enrolment.cancelled = True
    enrolment.save(update_fields=["cancelled"])
    audit_record(actor=actor, action="firstaid.enrolment.cancel", obj=enrolment, org=enrolment.session.org,
                 reason=reason)
    return enrolment


# --- attendance, results, certificates ----------------------------------------------------------

def _decide(enrolment: Enrolment) -> str:
    course = enrolment.session.course_type
    if enrolment.attendance_percent is None or enrolment.theory_score is None:
        return Result.PENDING
    if course.practical_required and enrolment.practical_passed is None:
        return Result.PENDING
    passed = (enrolment.attendance_percent >= course.min_attendance_percent
              and enrolment.theory_score >= course.theory_pass_score
              and (enrolment.practical_passed or not course.practical_required))
    return Result.PASSED if passed else Result.FAILED


@transaction.atomic
def result_record(*, actor, enrolment: Enrolment, attendance_percent: int | None, theory_score: int | None,
                  practical_passed: bool | None) -> Enrolment:
    """Record attendance and marks; the pass rules of the course decide, and a pass issues the
    certificate (when the course leads to one)."""
    enrolment = Enrolment.objects.select_for_update().select_related("session__course_type", "session__org",
                                                                     "person").get(pk=enrolment.pk)
    require_scope(actor, "firstaid.change", enrolment.session.org)
    if enrolment.cancelled:
        raise ValidationError(_("This enrolment was cancelled."))
    if hasattr(enrolment, "certificate"):
        raise ValidationError(_("A certificate was already issued for this result; revoke it to change the result."))
    before = {"attendance": enrolment.attendance_percent, "theory": enrolment.theory_score,
              "practical": enrolment.practical_passed, "result": enrolment.result}
    enrolment.attendance_percent, enrolment.theory_score = attendance_percent, theory_score
    enrolment.practical_passed = practical_passed
    enrolment.full_clean(exclude=["session", "person", "photo"])
    enrolment.result = _decide(enrolment)
    enrolment.save(update_fields=["attendance_percent", "theory_score", "practical_passed", "result"])
    audit_record(actor=actor, action="firstaid.enrolment.result", obj=enrolment, org=enrolment.session.org,
                 before=before, after={"attendance": attendance_percent, "theory": theory_score,
                                       "practical": practical_passed, "result": enrolment.result})
    if enrolment.result == Result.PASSED and enrolment.session.course_type.issues_certificate:
        certificate_issue(actor=actor, enrolment=enrolment)
    return enrolment


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def next_certificate_number(*, pattern: str, year: int, org_code: str, course_code: str) -> str:
    """Take the next number of the pattern's yearly sequence (row locked until commit)."""
    key = f"{pattern}|{year}|{org_code if '{org' in pattern else ''}|{course_code if '{course' in pattern else ''}"
    seq, _created = CertificateSequence.objects.select_for_update().get_or_create(key=key[:80])
    seq.last += 1
    seq.save(update_fields=["last"])
    return render_number(pattern, year=year, seq=seq.last, org_code=org_code, course_code=course_code)


@transaction.atomic
def certificate_issue(*, actor, enrolment: Enrolment, issued_on: dt.date | None = None) -> Certificate:
    from boai.orgs.selectors import branch_of

    session, course = enrolment.session, enrolment.session.course_type
    if enrolment.result != Result.PASSED:
        raise ValidationError(_("A certificate is issued only for a pass."))
    if not course.issues_certificate:
        raise ValidationError(_("This course does not lead to a certificate."))
    issued_on = issued_on or timezone.localdate()
    pattern = course.number_pattern or settings.BOAI_CERTIFICATE_NUMBER_PATTERN
    number = next_certificate_number(pattern=pattern, year=issued_on.year, org_code=session.org.code,
                                     course_code=course.code)
    if Certificate.objects.filter(number=number).exists():
        raise ValidationError(_("The certificate number %(n)s is already used; check the number pattern.")
                              % {"n": number})
    cert = Certificate.objects.create(
        number=number, person=enrolment.person, holder_name_masked=mask_name(enrolment.person.name),
        holder_name_hash=name_hash(enrolment.person.name),
        course_type=course, session=session, enrolment=enrolment, org=session.org, branch=branch_of(session.org),
        issued_on=issued_on, valid_until=_add_years(issued_on, course.validity_years), photo=enrolment.photo,
    )
    audit_record(actor=actor, action="firstaid.certificate.issue", obj=cert, org=session.org,
                 after={"number": number, "person": enrolment.person_id, "valid_until": cert.valid_until})
    return cert


@transaction.atomic
def certificate_revoke(*, actor, certificate: Certificate, reason: str) -> Certificate:
    cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
    require_scope(actor, "firstaid.change", cert.org)
    reason = " ".join((reason or "").split())
    if len(reason) < 4:
        raise ValidationError({"reason": _("Give a reason of at least 4 characters.")})
    if cert.revoked_at is not None:
        raise ValidationError(_("This certificate is already revoked."))
    cert.revoked_at, cert.revoke_reason = timezone.now(), reason[:300]
    cert.save(update_fields=["revoked_at", "revoke_reason"])
    audit_record(actor=actor, action="firstaid.certificate.revoke", obj=cert, org=cert.org, reason=reason,
                 after={"status": "revoked"})
    return cert
