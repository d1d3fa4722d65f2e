"""Donors, the charity alliance, contact history and recognition tiers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from boai.core.audit import audit_record, diff
from boai.donations.models import AllianceMember, ContactKind, ContactRecord, Donor, DonorKind, RecognitionTier
from boai.donations.money import positive_yuan
from boai.donations.services.common import clean_text, require
from boai.people import selectors as people_selectors
from boai.people import services as people_services
from boai.people.identity import check_mobile, mask_mobile
from boai.people.protect import mobile_blind

DONOR_FIELDS = ("name", "contact_name", "mobile", "uscc", "note")


def clean_uscc(raw: str) -> str:
    """A unified social credit code (GB 32100), checked with python-stdnum's cn.uscc."""
    code = stdnum_uscc.compact(raw or "")
    try:
        return stdnum_uscc.validate(code)
    except InvalidLength:
        raise ValidationError({"uscc": _("A unified social credit code has 18 characters.")}) from None
    except InvalidChecksum:
        raise ValidationError({"uscc": _("The check character does not match: a character is probably "
                                         "mistyped.")}) from None
    except (InvalidFormat, InvalidComponent):
        raise ValidationError({"uscc": _("This is not a valid unified social credit code.")}) from None


def _apply_mobile(donor: Donor, mobile: str) -> None:
    mobile = check_mobile(mobile) if mobile else ""
    donor.mobile = mobile
    donor.mobile_masked = mask_mobile(mobile) if mobile else ""
    donor.mobile_blind = mobile_blind(mobile) if mobile and donor.person_id is None else None


def _clean(donor: Donor) -> None:
    donor.name = clean_text(donor.name, field="name", max_length=100, required=True)
    donor.contact_name = clean_text(donor.contact_name, field="contact_name", max_length=50)
    if donor.kind not in DonorKind.values:
        raise ValidationError({"kind": _("Unknown donor type.")})
    if donor.kind == DonorKind.INDIVIDUAL:
        if donor.uscc:
            raise ValidationError({"uscc": _("Only enterprises and organisations have a credit code.")})
    elif donor.uscc:
        donor.uscc = clean_uscc(donor.uscc)
    elif donor.kind == DonorKind.ENTERPRISE:
        raise ValidationError({"uscc": _("Enter the enterprise's unified social credit code.")})
    if donor.uscc and Donor.objects.filter(uscc=donor.uscc).exclude(pk=donor.pk).exists():
        raise ValidationError({"uscc": _("A donor with this credit code is already registered.")})


def _person_for(*, actor, org, name: str, id_type: str, id_number: str, mobile: str):
    """Find-or-create the registry's person for an individual donor, by ID number (blind index)."""
    from boai.people.models import Person

    found = people_selectors.by_id_number(Person.objects.all(), id_number).first()
    if found is not None:
        return found
    return people_services.person_create(actor=actor, org=org, name=name, id_type=id_type, id_number=id_number,
                                         mobile=mobile)


@transaction.atomic
def donor_create(*, actor, org, kind: str, name: str, uscc: str = "", contact_name: str = "", mobile: str = "",
                 id_number: str = "", id_type: str = "resident", note: str = "") -> Donor:
    """Register a donor. An individual with an ID number becomes (or is found as) a person of the registry."""
    require(actor, "donations.add", org)
    person = None
    if id_number:
        if kind != DonorKind.INDIVIDUAL:
            raise ValidationError({"id_number": _("Only individuals have an ID number; use the credit code.")})
        person = _person_for(actor=actor, org=org, name=name, id_type=id_type, id_number=id_number, mobile=mobile)
        existing = Donor.objects.filter(person=person).first()
        if existing is not None:
            return existing
    donor = Donor(org=org, kind=kind, name=name, uscc=uscc, contact_name=contact_name, note=note, person=person)
    _clean(donor)
    _apply_mobile(donor, "" if person else mobile)
    _save(donor)
    audit_record(actor=actor, action="donations.donor.create", obj=donor, after=donor.snapshot())
    return donor


def _save(donor: Donor) -> None:
    try:
        with transaction.atomic():
            donor.save()
    except IntegrityError:
        raise ValidationError(_("This donor was registered a moment ago by someone else.")) from None


@transaction.atomic
def donor_update(*, actor, donor: Donor, **fields) -> Donor:
    donor = Donor.objects.select_for_update().get(pk=donor.pk)
    require(actor, "donations.change", donor.org)
    before = donor.snapshot()
    for name, value in fields.items():
        if name not in DONOR_FIELDS:
            raise ValidationError({name: _("This field cannot be changed here.")})
        if name == "mobile":
            _apply_mobile(donor, value)
        else:
            setattr(donor, name, value)
    _clean(donor)
    _save(donor)
    old, new = diff(before, donor.snapshot())
    if new:
        audit_record(actor=actor, action="donations.donor.update", obj=donor, before=old, after=new)
    return donor


def donor_for_mobile(*, org, name: str, mobile: str) -> Donor:
    """The online donor known by this mobile number (created at their first gift; inside a transaction)."""
    blind = mobile_blind(mobile)
    found = Donor.objects.filter(mobile_blind=blind).first()
    if found is not None:
        return found
    donor = Donor(org=org, kind=DonorKind.INDIVIDUAL, name=name or _("Kind-hearted donor"))
    _apply_mobile(donor, mobile)
    try:
        with transaction.atomic():
            donor.save()
    except IntegrityError:  # the same donor's other order, paid at the same moment
        return Donor.objects.get(mobile_blind=blind)
    audit_record(actor=None, action="donations.donor.create", obj=donor, after=donor.snapshot())
    return donor


# --- the charity alliance -----------------------------------------------------------------------

@transaction.atomic
def alliance_join(*, actor, donor: Donor, joined_on: dt.date | None = None, pledge: str = "") -> AllianceMember:
    require(actor, "donations.add", donor.org)
    if donor.kind == DonorKind.INDIVIDUAL:
        raise ValidationError({"donor": _("The charity alliance is for enterprises and organisations.")})
    if AllianceMember.objects.filter(donor=donor).exists():
        raise ValidationError({"donor": _("This donor is already a member of the alliance.")})
    joined_on = joined_on or timezone.localdate()
    if joined_on > timezone.localdate():
        raise ValidationError({"joined_on": _("The joining date cannot be in the future.")})
    member = AllianceMember.objects.create(org=donor.org, donor=donor, joined_on=joined_on,
                                           pledge=clean_text(pledge, field="pledge", max_length=2000))
    audit_record(actor=actor, action="donations.alliance.join", obj=member,
                 after={"donor": donor.pk, "joined_on": joined_on})
    return member


@transaction.atomic
def alliance_set_status(*, actor, member: AllianceMember, status: str) -> AllianceMember:
    require(actor, "donations.change", member.org)
    if status not in AllianceMember.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if member.status != status:
        before = member.status
        member.status = status
        member.save(update_fields=["status"])
        audit_record(actor=actor, action="donations.alliance.status", obj=member, before={"status": before},
                     after={"status": status})
    return member


@transaction.atomic
def contact_record(*, actor, member: AllianceMember, kind: str, happened_on: dt.date, summary: str) -> ContactRecord:
    require(actor, "donations.add", member.org)
    if kind not in ContactKind.values:
        raise ValidationError({"kind": _("Unknown kind of contact.")})
    if happened_on > timezone.localdate():
        raise ValidationError({"happened_on": _("A contact cannot be recorded for a future date.")})
    record = ContactRecord.objects.create(
        org=member.org, member=member, kind=kind, happened_on=happened_on,
        summary=clean_text(summary, field="summary", max_length=2000, required=True), staff=actor)
    audit_record(actor=actor, action="donations.contact.create", obj=record,
                 after={"member": member.pk, "kind": kind, "happened_on": happened_on})
    return record


# --- recognition tiers --------------------------------------------------------------------------

def _clean_tier(tier: RecognitionTier) -> None:
    tier.name = clean_text(tier.name, field="name", max_length=40, required=True)
    tier.min_total = positive_yuan(tier.min_total)
    if tier.donor_kind and tier.donor_kind not in DonorKind.values:
        raise ValidationError({"donor_kind": _("Unknown donor type.")})
    clash = RecognitionTier.objects.filter(org=tier.org, donor_kind=tier.donor_kind, min_total=tier.min_total)
    if clash.exclude(pk=tier.pk).exists():
        raise ValidationError({"min_total": _("Another tier already starts at this amount.")})


@transaction.atomic
def tier_save(*, actor, org, tier: RecognitionTier | None = None, name: str, min_total: Decimal,
              donor_kind: str = "", benefits: str = "") -> RecognitionTier:
    """Create (tier=None) or change a recognition tier of `org`."""
    require(actor, "donations.change", org)
    creating = tier is None
    tier = tier or RecognitionTier(org=org)
    before = {"name": tier.name, "min_total": tier.min_total, "donor_kind": tier.donor_kind}
    tier.name, tier.min_total, tier.donor_kind, tier.benefits = name, min_total, donor_kind, benefits
    _clean_tier(tier)
    tier.save()
    after = {"name": tier.name, "min_total": tier.min_total, "donor_kind": tier.donor_kind}
    audit_record(actor=actor, action="donations.tier.create" if creating else "donations.tier.update", obj=tier,
                 before=None if creating else before, after=after)
    return tier


@transaction.atomic
def tier_delete(*, actor, tier: RecognitionTier) -> None:
    require(actor, "donations.change", tier.org)
    audit_record(actor=actor, action="donations.tier.delete", obj=tier,
                 before={"name": tier.name, "min_total": tier.min_total})
    tier.delete()
