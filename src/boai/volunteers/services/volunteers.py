"""Volunteer registration (self and staff), review, profile changes and status."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from boai.core import context
from boai.core.audit import audit_record, diff
from boai.core.notifications import notify
from boai.orgs.models import Kind
from boai.people import services as people_services
from boai.people.identity import check_id, check_mobile, mask_mobile
from boai.people.models import Person
from boai.people.protect import id_blind
from boai.volunteers import conf
from boai.volunteers.codes import Skill, TimeSlot, Weekday, to_codes
from boai.volunteers.models import Consent, Volunteer
from boai.volunteers.services.common import own_volunteer, require, staff_to_notify

GUARDIAN_AGE = 14
_PHONE = re.compile(r"^\+?[0-9][0-9\- ]{5,19}$")


@dataclass
class Profile:
    """The parts of a volunteer's profile the volunteer and staff may both change."""

    skills: list[str] = field(default_factory=list)
    first_aid_cert_no: str = ""
    languages: str = ""
    available_days: list[str] = field(default_factory=list)
    available_slots: list[str] = field(default_factory=list)
    emergency_name: str = ""
    emergency_relation: str = ""
    emergency_phone: str = ""
    note: str = ""

    def clean(self) -> dict:
        errors: dict[str, list] = {}
        phone = " ".join(self.emergency_phone.split())
        if phone and not _PHONE.match(phone):
            errors["emergency_phone"] = [_("Enter a telephone number (digits, spaces and hyphens).")]
        if phone and not self.emergency_name.strip():
            errors["emergency_name"] = [_("Name the emergency contact for this telephone number.")]
        if Skill.FIRST_AID in self.skills and not self.first_aid_cert_no.strip():
            errors["first_aid_cert_no"] = [_("Enter the number of the first-aid certificate.")]
        if errors:
            raise ValidationError(errors)
        digits = re.sub(r"\D", "", phone)
        return {"skills": to_codes(self.skills, Skill), "first_aid_cert_no": self.first_aid_cert_no.strip()[:40],
                "languages": self.languages.strip()[:100], "available_days": to_codes(self.available_days, Weekday),
                "available_slots": to_codes(self.available_slots, TimeSlot),
                "emergency_name": self.emergency_name.strip()[:50],
                "emergency_relation": self.emergency_relation.strip()[:20], "emergency_phone": phone,
                "emergency_phone_masked": mask_mobile(digits) if len(digits) == 11 else _mask_phone(digits),
                "note": self.note.strip()[:300]}


def _mask_phone(digits: str) -> str:
    return digits[:3] + "*" * max(0, len(digits) - 6) + digits[-3:] if len(digits) > 6 else "*" * len(digits)


@dataclass
class Consents:
    privacy: bool = False
    sensitive: bool = False
    guardian_name: str = ""
    guardian_relation: str = ""
    guardian: bool = False


def age_on(birth_date: dt.date | None, today: dt.date) -> int | None:
    if birth_date is None:
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def _check_consents(consents: Consents, birth_date: dt.date | None) -> dict[str, list]:
    errors: dict[str, list] = {}
    if not consents.privacy:
        errors["privacy_consent"] = [_("You must agree to the privacy notice to register.")]
    if not consents.sensitive:
        errors["sensitive_consent"] = [_("Your ID number is sensitive personal data: agree to its processing "
                                         "to register.")]
    age = age_on(birth_date, timezone.localdate())
    if age is not None and age < GUARDIAN_AGE:
        if not consents.guardian_name.strip():
            errors["guardian_name"] = [_("Under 14: enter the name of your parent or guardian.")]
        if not consents.guardian_relation.strip():
            errors["guardian_relation"] = [_("Under 14: enter your guardian's relation to you.")]
        if not consents.guardian:
            errors["guardian_consent"] = [_("Under 14: your parent or guardian must agree.")]
    return errors


def _record_consents(volunteer: Volunteer, consents: Consents, minor: bool) -> None:
    now, version, ip = timezone.now(), conf.privacy_notice_version(), context.current().ip
    rows = [Consent(volunteer=volunteer, kind=Consent.Kind.PRIVACY, notice_version=version, given_at=now, ip=ip),
            Consent(volunteer=volunteer, kind=Consent.Kind.SENSITIVE, notice_version=version, given_at=now, ip=ip)]
    if minor:
        rows.append(Consent(volunteer=volunteer, kind=Consent.Kind.GUARDIAN, notice_version=version, given_at=now,
                            ip=ip, guardian_name=consents.guardian_name.strip()[:50],
                            guardian_relation=consents.guardian_relation.strip()[:20]))
    Consent.objects.bulk_create(rows)


def _existing_person(id_type: str, number: str) -> Person | None:
    blind = id_blind(number)
    return Person.objects.filter(id_blind=blind, id_type=id_type).select_related("org").first() if blind else None


def link_or_create_person(*, actor, org, name: str, id_type: str, id_number: str, mobile: str) -> Person:
    """The registry's person for this ID number: linked if registered anywhere (nothing of another
    unit's record is shown or changed), created in `org` otherwise. Duplicates are found through the
    blind index, never by decrypting."""
    info = check_id(id_type, id_number)
    existing = _existing_person(id_type, info.number)
    if existing is None:
        return people_services.person_create(actor=actor, org=org, name=name, id_type=id_type,
                                             id_number=info.number, mobile=mobile)
    if " ".join(name.split()) != existing.name:
        raise ValidationError({"name": _("The name does not match the person registered with this ID number. "
                                         "Check both, or ask your unit for help.")})
    return existing


def person_for_volunteer(*, actor, org, name: str, id_type: str, id_number: str, mobile: str) -> Person:
    person = link_or_create_person(actor=actor, org=org, name=name, id_type=id_type, id_number=id_number,
                                   mobile=mobile)
    if Volunteer.objects.filter(person=person).exists():
        raise ValidationError({"id_number": _("This person is already registered as a volunteer. Log in, or ask "
                                              "your unit for help.")})
    return person


def _validate_registration(*, unit, name, id_type, id_number, mobile, consents: Consents) -> dict:
    errors: dict[str, list] = {}
    if unit is None or not unit.is_active or unit.kind != Kind.GRASSROOTS:
        errors["unit"] = [_("Choose the grassroots unit you want to volunteer with.")]
    if not " ".join((name or "").split()):
        errors["name"] = [_("Enter your name.")]
    info = None
    try:
        info = check_id(id_type, id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    try:
        mobile = check_mobile(mobile)
    except ValidationError as exc:
        errors["mobile"] = exc.messages
    errors.update(_check_consents(consents, info.birth_date if info else None))
    if not errors.get("mobile"):
        from boai.accounts.models import User

        if User.objects.filter(username__iexact=mobile).exists():
            errors["mobile"] = [_("An account with this mobile number exists already: log in instead.")]
    if errors:
        raise ValidationError(errors)
    return {"mobile": mobile, "birth_date": info.birth_date}


@transaction.atomic
def volunteer_register(*, unit, name: str, id_type: str, id_number: str, mobile: str, password: str,
                       email: str = "", profile: Profile | None = None, consents: Consents) -> Volunteer:
    """Self-registration from the phone page: a login (role `volunteer`, acting for `unit`) and a
    pending volunteer for the registry's person, with the consents given."""
    from boai.accounts import services as account_services

    checked = _validate_registration(unit=unit, name=name, id_type=id_type, id_number=id_number, mobile=mobile,
                                     consents=consents)
    fields = (profile or Profile()).clean()
    person = person_for_volunteer(actor=None, org=unit, name=name, id_type=id_type, id_number=id_number,
                                  mobile=checked["mobile"])
    try:
        user = account_services.user_create(actor=None, username=checked["mobile"], org=unit, roles=["volunteer"],
                                            password=password, display_name=person.name, email=email,
                                            mobile=checked["mobile"])
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages} if not hasattr(exc, "error_dict") else exc.error_dict) \
            from None
    volunteer = Volunteer.objects.create(person=person, org=unit, user=user, status=Volunteer.Status.PENDING,
                                         registered_via=Volunteer.Via.SELF, **fields)
    minor = (age_on(checked["birth_date"], timezone.localdate()) or 99) < GUARDIAN_AGE
    _record_consents(volunteer, consents, minor)
    audit_record(actor=user, action="volunteers.volunteer.register", obj=volunteer, org=unit,
                 after={**volunteer.snapshot(), "minor": minor, "notice_version": conf.privacy_notice_version()})
    notify(recipients=staff_to_notify(unit, "volunteers.review"), category="volunteers.review",
           title=_("New volunteer registration: %(name)s") % {"name": person.name},
           body=_("%(unit)s · waiting for review") % {"unit": unit.name},
           url=reverse("volunteers:volunteer-detail", args=[volunteer.pk]))
    return volunteer


@transaction.atomic
def volunteer_create(*, actor, org, name: str, id_type: str, id_number: str, mobile: str = "",
                     profile: Profile | None = None, paper_consent_on: dt.date | None = None) -> Volunteer:
    """Staff entry from a signed paper form: active at once, the form's date kept as the consent."""
    require(actor, "volunteers.add", org)
    if org.kind not in (Kind.GRASSROOTS, Kind.BRANCH, Kind.SITE):
        raise ValidationError({"org": _("Volunteers belong to a branch, grassroots unit or site.")})
    if mobile:
        mobile = check_mobile(mobile)
    fields = (profile or Profile()).clean()
    person = person_for_volunteer(actor=actor, org=org, name=name, id_type=id_type, id_number=id_number,
                                  mobile=mobile)
    today = timezone.localdate()
    volunteer = Volunteer.objects.create(person=person, org=org, status=Volunteer.Status.ACTIVE,
                                         registered_via=Volunteer.Via.STAFF, joined_on=today, reviewed_by=actor,
                                         reviewed_at=timezone.now(), **fields)
    given = timezone.make_aware(dt.datetime.combine(paper_consent_on or today, dt.time(12)))
    Consent.objects.create(volunteer=volunteer, kind=Consent.Kind.PAPER, notice_version=conf.privacy_notice_version(),
                           given_at=given)
    audit_record(actor=actor, action="volunteers.volunteer.create", obj=volunteer, after=volunteer.snapshot())
    return volunteer


def _update(actor, volunteer: Volunteer, fields: dict, action: str) -> Volunteer:
    before = volunteer.snapshot()
    for name, value in fields.items():
        setattr(volunteer, name, value)
    volunteer.save()
    old, new = diff(before, volunteer.snapshot())
    audit_record(actor=actor, action=action, obj=volunteer, before=old, after=new)
    return volunteer


@transaction.atomic
def volunteer_update(*, actor, volunteer: Volunteer, profile: Profile, org=None) -> Volunteer:
    volunteer = Volunteer.objects.select_for_update(of=("self",)).select_related("org", "person").get(pk=volunteer.pk)
    require(actor, "volunteers.change", volunteer.org)
    fields = profile.clean()
    if org is not None and org.pk != volunteer.org_id:
        require(actor, "volunteers.change", org)
        fields["org"] = org
    return _update(actor, volunteer, fields, "volunteers.volunteer.update")


@transaction.atomic
def volunteer_update_self(*, actor, profile: Profile) -> Volunteer:
    volunteer = own_volunteer(actor)
    volunteer = Volunteer.objects.select_for_update(of=("self",)).select_related("org", "person").get(pk=volunteer.pk)
    fields = profile.clean()
    fields.pop("note")
    return _update(actor, volunteer, fields, "volunteers.volunteer.update_self")


@transaction.atomic
def volunteer_review(*, actor, volunteer: Volunteer, approve: bool, reason: str = "") -> Volunteer:
    """The branch accepts or refuses a self-registration; the volunteer is told either way."""
    volunteer = (Volunteer.objects.select_for_update(of=("self",)).select_related("org", "person", "user")
                 .get(pk=volunteer.pk))
    require(actor, "volunteers.review", volunteer.org)
    if volunteer.status != Volunteer.Status.PENDING:
        raise ValidationError(_("This registration has been reviewed already."))
    reason = " ".join(reason.split())
    if not approve and len(reason) < 2:
        raise ValidationError({"reason": _("Give the reason for refusing: the volunteer will read it.")})
    before = volunteer.snapshot()
    volunteer.status = Volunteer.Status.ACTIVE if approve else Volunteer.Status.REJECTED
    volunteer.reviewed_by, volunteer.reviewed_at, volunteer.review_reason = actor, timezone.now(), reason[:300]
    if approve:
        volunteer.joined_on = timezone.localdate()
    volunteer.save()
    audit_record(actor=actor, action="volunteers.volunteer.approve" if approve else "volunteers.volunteer.reject",
                 obj=volunteer, before={"status": before["status"]}, after={"status": volunteer.status},
                 reason=reason)
    if volunteer.user_id:
        title = (_("Your volunteer registration is approved") if approve
                 else _("Your volunteer registration was not approved"))
        notify(recipients=[volunteer.user], category="volunteers.review", title=title, body=reason,
               url=reverse("volunteers:me"))
    return volunteer


@transaction.atomic
def volunteer_set_status(*, actor, volunteer: Volunteer, status: str, reason: str = "") -> Volunteer:
    """Active ⇄ inactive, or withdrawn (reviews of pending registrations go through volunteer_review)."""
    volunteer = Volunteer.objects.select_for_update(of=("self",)).select_related("org", "person").get(pk=volunteer.pk)
    require(actor, "volunteers.change", volunteer.org)
    allowed = {Volunteer.Status.ACTIVE, Volunteer.Status.INACTIVE, Volunteer.Status.WITHDRAWN}
    if status not in allowed or volunteer.status in (Volunteer.Status.PENDING, Volunteer.Status.REJECTED):
        raise ValidationError(_("This status change is not possible; pending registrations are reviewed."))
    if status == volunteer.status:
        raise ValidationError(_("The volunteer already has this status."))
    old = volunteer.status
    volunteer.status = status
    volunteer.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="volunteers.volunteer.status", obj=volunteer, before={"status": old},
                 after={"status": status}, reason=reason)
    return volunteer
