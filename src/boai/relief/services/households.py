"""Household writes: registration (head and members from the person registry), dated assessments
with sudden-change detection, home visits with photos, review dates, alerts and closing.

Every function validates, writes and audits in one transaction. Staff services take the acting
user (`actor`; None for system jobs, imports and seeding) and check the permission and the scope.
Plaintext ID numbers, mobile numbers and addresses never reach the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boai.core.audit import audit_record, diff
from boai.core.scoping import org_in_scope
from boai.relief.models.households import (
    CATEGORY_CODES,
    Alert,
    AlertKind,
    Assessment,
    Category,
    HomeVisit,
    Household,
    HouseholdMember,
    HouseholdStatus,
    Relation,
    RiskLevel,
    VisitPhoto,
    categories_text,
)

NUMBER_PREFIX = "HH"
REVEAL_REASON_MIN = 4
REVEALABLE = ("address", "mobile")
RISK_ORDER = {RiskLevel.NORMAL: 0, RiskLevel.WATCH: 1, RiskLevel.URGENT: 2}
# a household newly in one of these categories has had a sudden change (disaster, illness)
SUDDEN_CATEGORIES = frozenset({Category.DISASTER, Category.ILLNESS})
ALERT_CATEGORY = "relief.alerts"
NOTIFICATION_CATEGORIES = {ALERT_CATEGORY: gettext_lazy("Relief monitoring alerts (sudden changes, overdue reviews)")}
HOUSEHOLD_FIELDS = ("org", "address", "region", "latitude", "longitude", "situation")


# --- settings (read at call time so tests can override them) ---------------------------------------

def review_days() -> int:
    return int(getattr(settings, "BOAI_RELIEF_REVIEW_DAYS", 180))


def photo_max_mb() -> int:
    return int(getattr(settings, "BOAI_RELIEF_PHOTO_MAX_MB", 5))


def photos_per_visit() -> int:
    return int(getattr(settings, "BOAI_RELIEF_PHOTOS_PER_VISIT", 9))


def income_drop_percent() -> int:
    return int(getattr(settings, "BOAI_RELIEF_INCOME_DROP_PCT", 30))


# --- checks ----------------------------------------------------------------------------------------

def require_scope(actor, perm: str, org, *, field: str = "org") -> None:
    """The actor holds `perm` and `org` lies in their subtree (None actor: system jobs, imports, seeding)."""
    if actor is None:
        return
    if not actor.has_perm(perm):
        raise PermissionDenied
    if org is None or not org_in_scope(org, actor):
        raise ValidationError({field: _("This organisation is outside your scope.")})


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _lock(household: Household) -> Household:
    return Household.objects.select_for_update().select_related("org", "head").get(pk=household.pk)


def _require_active(household: Household) -> None:
    if household.status != HouseholdStatus.ACTIVE:
        raise ValidationError(_("This household is closed; reopen monitoring by registering it again."))


def _check_org(org) -> None:
    from boai.orgs.models import Kind

    if org is None or org.kind not in (Kind.GRASSROOTS, Kind.SITE):
        raise ValidationError({"org": _("Choose the grassroots unit or site responsible for the household.")})


def clean_categories(codes: Iterable[str] | str | None) -> list[str]:
    if isinstance(codes, str):
        codes = [c.strip() for c in codes.replace("，", ",").split(",")]
    codes = sorted({c for c in (codes or ()) if c})
    unknown = [c for c in codes if c not in CATEGORY_CODES]
    if unknown:
        raise ValidationError({"categories": _("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)}})
    return codes


def _clean_income(value) -> Decimal:
    try:
        income = Decimal(str(value if value not in (None, "") else "0")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"monthly_income": _("Enter the monthly income in yuan.")}) from None
    if income < 0:
        raise ValidationError({"monthly_income": _("The income cannot be negative.")})
    if income >= Decimal("1000000000"):
        raise ValidationError({"monthly_income": _("This income is too large.")})
    return income


def _clean_risk(value) -> str:
    value = value or RiskLevel.NORMAL
    if value not in RISK_ORDER:
        raise ValidationError({"risk_level": _("Unknown risk level.")})
    return value


def _clean_point(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    try:
        lat, lng = Decimal(str(latitude)), Decimal(str(longitude))
    except (InvalidOperation, ValueError):
        raise ValidationError({"latitude": _("Give both latitude and longitude as decimal degrees.")}) from None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationError({"latitude": _("This is not a point on the map.")})
    return lat.quantize(Decimal("0.000001")), lng.quantize(Decimal("0.000001"))


def mask_address(address: str) -> str:
    """人民路**号: the street kept, house numbers and anything after them hidden."""
    address = " ".join((address or "").split())
    if not address:
        return ""
    cut = next((i for i, ch in enumerate(address) if ch.isdigit()), len(address))
    head = address[:cut][:40] if cut else address[:6]
    return (head + "****")[:120]


# --- people ------------------------------------------------------------------------------------------

def resolve_person(*, actor, org, person=None, name: str = "", id_number: str = "", id_type: str = "",
                   mobile: str = "", gender: str | None = None, birth_date=None, address: str = "",
                   field: str = "id_number"):
    """A person of the registry: the one given, the one registered with this ID number (the name must
    match), or a new registration in `org`. Someone registered outside the actor's scope is refused
    without saying more than that."""
    from boai.people import selectors as people
    from boai.people import services as people_services
    from boai.people.codes import IdType
    from boai.people.models import Person
    from boai.people.services import duplicate_reason

    if person is not None:
        if actor is not None and not Person.objects.restrict(actor, "view").filter(pk=person.pk).exists():
            raise ValidationError({field: _("This person is outside your scope.")})
        return person
    id_number = (id_number or "").strip()
    if not id_number:
        raise ValidationError({field: _("Enter the ID number: members are found in the person registry by it.")})
    found = people.by_id_number(Person.objects.select_related("org"), id_number).first()
    if found is not None:
        if actor is not None and not Person.objects.restrict(actor, "view").filter(pk=found.pk).exists():
            raise ValidationError({field: duplicate_reason(found, actor)})
        name = " ".join((name or "").split())
        if name and name != found.name:
            raise ValidationError({"name": _("The registry has another name for this ID number: %(name)s.")
                                   % {"name": found.name}})
        return found
    try:
        return people_services.person_create(
            actor=actor, org=org, name=name, id_type=id_type or IdType.RESIDENT, id_number=id_number,
            mobile=mobile or "", gender=gender, birth_date=birth_date, address=address or "")
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "id_number" in exc.error_dict and field != "id_number":
            exc.error_dict[field] = exc.error_dict.pop("id_number")
        raise


def _check_not_elsewhere(person, household: Household | None) -> None:
    """A person is a current member of at most one household under monitoring."""
    other = (HouseholdMember.objects.filter(person=person, active=True, household__status=HouseholdStatus.ACTIVE)
             .exclude(household=household).select_related("household").first())
    if other is not None:
        raise ValidationError(_("%(name)s is already a member of household %(number)s.")
                              % {"name": person.name, "number": other.household.number})


def _refresh_size(household: Household) -> None:
    household.size = max(1, household.members.filter(active=True).count())


# --- households ------------------------------------------------------------------------------------

@transaction.atomic
def household_create(*, actor, org, head=None, head_fields: Mapping[str, Any] | None = None, address: str = "",
                     region: str = "", latitude=None, longitude=None, categories=(), monthly_income=0,
                     situation: str = "", risk_level: str = RiskLevel.NORMAL, review_due: dt.date | None = None,
                     number: str | None = None) -> Household:
    """Register a household: its head (a Person, or `head_fields` to find or register one), its
    situation and an initial assessment; the next review follows BOAI_RELIEF_REVIEW_DAYS."""
    from boai.core.numbering import next_number

    require_scope(actor, "relief.add", org)
    _check_org(org)
    errors: dict[str, list] = {}
    cleaned: dict[str, Any] = {}
    for key, func, args in (("categories", clean_categories, (categories,)),
                            ("monthly_income", _clean_income, (monthly_income,)),
                            ("risk_level", _clean_risk, (risk_level,)),
                            ("latitude", _clean_point, (latitude, longitude))):
        try:
            cleaned[key] = func(*args)
        except ValidationError as exc:
            for k, msgs in exc.message_dict.items():
                errors.setdefault(k, []).extend(msgs)
    today = timezone.localdate()
    if review_due is not None and review_due < today:
        errors.setdefault("review_due", []).append(_("The next review cannot be in the past."))
    if errors:
        raise ValidationError(errors)
    head = resolve_person(actor=actor, org=org, person=head, **dict(head_fields or {}))
    _check_not_elsewhere(head, None)
    lat, lng = cleaned["latitude"]
    household = Household(
        number=number or next_number(NUMBER_PREFIX), org=org, head=head, address=(address or "").strip(),
        address_masked=mask_address(address), region=(region or "").strip(), latitude=lat, longitude=lng,
        categories=categories_text(cleaned["categories"]), size=1, monthly_income=cleaned["monthly_income"],
        situation=(situation or "").strip(), risk_level=cleaned["risk_level"], last_assessed_on=today,
        review_due=review_due or today + dt.timedelta(days=review_days()), created_by=_user(actor))
    household.full_clean(exclude=["org", "head", "created_by", "number"])
    household.save()
    HouseholdMember.objects.create(household=household, person=head, relation=Relation.HEAD)
    Assessment.objects.create(
        household=household, assessed_on=today, categories=household.categories,
        monthly_income=household.monthly_income, size=household.size, risk_level=household.risk_level,
        situation=household.situation, next_review_on=household.review_due, assessor=_user(actor),
        change_summary=_("Registered"))
    audit_record(actor=actor, action="relief.household.create", obj=household, after=household.snapshot())
    return household


@transaction.atomic
def household_update(*, actor, household: Household, **fields) -> Household:
    """Edit the address, map point, region, responsible unit or description. Categories, income and
    risk change only through dated assessments."""
    household = _lock(household)
    require_scope(actor, "relief.change", household.org)
    _require_active(household)
    unknown = set(fields) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise ValueError(f"household_update: unknown fields {sorted(unknown)}")
    if "org" in fields and fields["org"].pk != household.org_id:
        require_scope(actor, "relief.change", fields["org"])
        _check_org(fields["org"])
        household.org = fields["org"]
    before, address_before = household.snapshot(), household.address
    if "address" in fields:
        household.address = (fields["address"] or "").strip()
        household.address_masked = mask_address(household.address)
    if "region" in fields:
        household.region = (fields["region"] or "").strip()
    if "situation" in fields:
        household.situation = (fields["situation"] or "").strip()
    if "latitude" in fields or "longitude" in fields:
        household.latitude, household.longitude = _clean_point(fields.get("latitude", household.latitude),
                                                               fields.get("longitude", household.longitude))
    household.full_clean(exclude=["org", "head", "created_by", "number"])
    household.save()
    Alert.objects.filter(household=household, resolved_at__isnull=True).exclude(org=household.org).update(
        org=household.org)
    old, new = diff(before, household.snapshot())
    if household.address != address_before:
        old["address_plain"], new["address_plain"] = _("(encrypted)"), _("(encrypted, changed)")
    if "latitude" in fields or "longitude" in fields:
        new["map_point"] = household.latitude is not None
    if new:
        audit_record(actor=actor, action="relief.household.update", obj=household, before=old, after=new)
    return household


@transaction.atomic
def household_set_review(*, actor, household: Household, review_due: dt.date) -> Household:
    household = _lock(household)
    require_scope(actor, "relief.change", household.org)
    _require_active(household)
    if review_due is None or review_due < timezone.localdate():
        raise ValidationError({"review_due": _("The next review cannot be in the past.")})
    before = household.review_due
    household.review_due = review_due
    household.save(update_fields=["review_due", "updated_at"])
    audit_record(actor=actor, action="relief.household.review_date", obj=household,
                 before={"review_due": before}, after={"review_due": review_due})
    return household


@transaction.atomic
def household_deactivate(*, actor, household: Household, reason: str) -> Household:
    """Stop monitoring (moved away, no longer in need, deceased...): open alerts are closed with it."""
    household = _lock(household)
    require_scope(actor, "relief.change", household.org)
    _require_active(household)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why monitoring of this household stops.")})
    household.status, household.closed_reason = HouseholdStatus.CLOSED, reason[:200]
    household.save(update_fields=["status", "closed_reason", "updated_at"])
    closed = Alert.objects.filter(household=household, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=_user(actor), resolution=_("Household closed")[:200])
    audit_record(actor=actor, action="relief.household.deactivate", obj=household, reason=reason[:500],
                 before={"status": HouseholdStatus.ACTIVE}, after={"status": household.status, "alerts_closed": closed})
    return household


@transaction.atomic
def household_reveal(*, actor, household: Household, field: str, reason: str) -> str:
    """The plaintext address, or the head's mobile number, for someone allowed (relief.reveal in scope)
    and saying why; the reveal itself is audited."""
    if field not in REVEALABLE:
        raise ValidationError({"field": _("This field cannot be revealed.")})
    reason = " ".join(str(reason or "").split())
    if len(reason) < REVEAL_REASON_MIN:
        raise ValidationError({"reason": _("Give a reason of at least %(n)d characters.") % {"n": REVEAL_REASON_MIN}})
    if actor is None or not Household.objects.restrict(actor, "reveal").filter(pk=household.pk).exists():
        raise PermissionDenied
    if field == "address":
        value = Household.objects.filter(pk=household.pk).values_list("address", flat=True).get()
    else:
        from boai.people.models import Person

        value = Person.objects.filter(pk=household.head_id).values_list("mobile", flat=True).get()
    audit_record(actor=actor, action="relief.household.reveal", obj=household, reason=reason[:500],
                 after={"field": field})
    return value


# --- members ---------------------------------------------------------------------------------------

@transaction.atomic
def member_add(*, actor, household: Household, relation: str, person=None, categories=(), note: str = "",
               **person_fields) -> HouseholdMember:
    """Add a member: `person`, or the registry's person with `id_number` (registered if new)."""
    household = _lock(household)
    require_scope(actor, "relief.add", household.org)
    _require_active(household)
    if relation == Relation.HEAD:
        raise ValidationError({"relation": _("A household has one head; add this person with another relation.")})
    if relation not in Relation.values:
        raise ValidationError({"relation": _("Choose the relation to the head.")})
    codes = clean_categories(categories)
    person = resolve_person(actor=actor, org=household.org, person=person, **person_fields)
    _check_not_elsewhere(person, household)
    member = HouseholdMember.objects.filter(household=household, person=person).first()
    if member is not None and member.active:
        raise ValidationError(_("%(name)s is already a member of this household.") % {"name": person.name})
    if member is None:
        member = HouseholdMember(household=household, person=person)
    member.relation, member.categories = relation, categories_text(codes)
    member.note, member.active = (note or "").strip()[:200], True
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise ValidationError(_("This person was added to the household a moment ago.")) from None
    _refresh_size(household)
    household.save(update_fields=["size", "updated_at"])
    audit_record(actor=actor, action="relief.household.member_add", obj=household,
                 after={"person": person.pk, "id_number": person.id_number_masked, "relation": relation,
                        "categories": codes, "size": household.size})
    return member


@transaction.atomic
def member_remove(*, actor, member: HouseholdMember, reason: str = "") -> HouseholdMember:
    """The person leaves the household (kept in its history as a former member)."""
    household = _lock(member.household)
    member = HouseholdMember.objects.select_for_update().select_related("person").get(pk=member.pk)
    require_scope(actor, "relief.change", household.org)
    _require_active(household)
    if member.relation == Relation.HEAD:
        raise ValidationError(_("The head of household cannot be removed; close the household instead."))
    if not member.active:
        raise ValidationError(_("This person is no longer a member."))
    member.active = False
    if reason:
        member.note = " ".join(reason.split())[:200]
    member.save(update_fields=["active", "note"])
    _refresh_size(household)
    household.save(update_fields=["size", "updated_at"])
    audit_record(actor=actor, action="relief.household.member_remove", obj=household, reason=(reason or "")[:500],
                 after={"person": member.person_id, "size": household.size})
    return member


# --- assessments -----------------------------------------------------------------------------------

def sudden_changes(household: Household, *, categories: list[str], income: Decimal, risk: str) -> list[str]:
    """What makes this assessment a sudden change compared with the household's last known situation."""
    found = []
    old_income = household.monthly_income or Decimal("0")
    if old_income > 0 and income < old_income and (old_income - income) * 100 >= old_income * income_drop_percent():
        found.append(_("income fell from ¥%(old)s to ¥%(new)s") % {"old": old_income, "new": income})
    added = [c for c in categories if c in SUDDEN_CATEGORIES and c not in household.category_list]
    labels = dict(Category.choices)
    for code in added:
        found.append(_("newly %(category)s") % {"category": labels[code]})
    if RISK_ORDER[risk] > RISK_ORDER.get(household.risk_level, 0):
        labels = dict(RiskLevel.choices)
        found.append(_("risk raised from %(old)s to %(new)s") % {"old": labels[household.risk_level],
                                                                 "new": labels[risk]})
    return found


@transaction.atomic
def assessment_record(*, actor, household: Household, categories, monthly_income, risk_level: str,
                      situation: str = "", assessed_on: dt.date | None = None,
                      next_review_on: dt.date | None = None) -> Assessment:
    """Record the household's situation on a date. The household takes it as its latest; an income drop
    of BOAI_RELIEF_INCOME_DROP_PCT or more, a new 受灾/因病致贫 category or a raised risk is a sudden
    change and raises an alert to the responsible unit. An open overdue-review alert is resolved."""
    household = _lock(household)
    require_scope(actor, "relief.add", household.org)
    _require_active(household)
    today = timezone.localdate()
    assessed_on = assessed_on or today
    errors: dict[str, list] = {}
    cleaned: dict[str, Any] = {}
    for key, func, arg in (("categories", clean_categories, categories), ("monthly_income", _clean_income,
                                                                          monthly_income),
                           ("risk_level", _clean_risk, risk_level)):
        try:
            cleaned[key] = func(arg)
        except ValidationError as exc:
            for k, msgs in exc.message_dict.items():
                errors.setdefault(k, []).extend(msgs)
    if assessed_on > today:
        errors.setdefault("assessed_on", []).append(_("The assessment date cannot be in the future."))
    elif household.last_assessed_on and assessed_on < household.last_assessed_on:
        errors.setdefault("assessed_on", []).append(
            _("The household was last assessed on %(day)s; record assessments in date order.")
            % {"day": household.last_assessed_on})
    next_review_on = next_review_on or assessed_on + dt.timedelta(days=review_days())
    if next_review_on <= today:
        errors.setdefault("next_review_on", []).append(_("The next review must be after today."))
    if errors:
        raise ValidationError(errors)
    changes = sudden_changes(household, categories=cleaned["categories"], income=cleaned["monthly_income"],
                             risk=cleaned["risk_level"])
    _refresh_size(household)
    assessment = Assessment.objects.create(
        household=household, assessed_on=assessed_on, categories=categories_text(cleaned["categories"]),
        monthly_income=cleaned["monthly_income"], size=household.size, risk_level=cleaned["risk_level"],
        situation=(situation or "").strip(), next_review_on=next_review_on, sudden_change=bool(changes),
        change_summary="; ".join(changes)[:300], assessor=_user(actor))
    before = household.snapshot()
    household.categories, household.monthly_income = assessment.categories, assessment.monthly_income
    household.risk_level, household.last_assessed_on = assessment.risk_level, assessed_on
    household.review_due = next_review_on
    if assessment.situation:
        household.situation = assessment.situation
    household.save()
    old, new = diff(before, household.snapshot())
    audit_record(actor=actor, action="relief.household.assess", obj=household, before=old,
                 after={**new, "assessment": assessment.pk, "sudden_change": assessment.sudden_change})
    resolve = Alert.objects.filter(household=household, kind=AlertKind.REVIEW_OVERDUE, resolved_at__isnull=True)
    for alert in resolve:
        _resolve(alert, actor=actor, resolution=_("Reviewed on %(day)s") % {"day": assessed_on})
    if changes:
        alert_raise(household=household, kind=AlertKind.SUDDEN_CHANGE, actor=actor,
                    message=_("Sudden change: %(what)s") % {"what": assessment.change_summary})
    return assessment


# --- visits ----------------------------------------------------------------------------------------

@transaction.atomic
def visit_record(*, actor, household: Household, visited_on: dt.date, notes: str, purpose: str = "",
                 visitor_name: str = "", needs_follow_up: bool = False, photos: Iterable = (),
                 captions: Iterable[str] = ()) -> HomeVisit:
    """A home visit (走访) with notes and photos (JPEG/PNG/WebP, at most BOAI_RELIEF_PHOTO_MAX_MB each,
    re-encoded without metadata). A visit asking for follow-up raises an alert."""
    import hashlib

    from boai.core.photos import clean_photo

    household = _lock(household)
    require_scope(actor, "relief.add", household.org)
    _require_active(household)
    errors: dict[str, list] = {}
    notes = (notes or "").strip()
    if not notes:
        errors["notes"] = [_("Write down what was found on the visit.")]
    if visited_on is None or visited_on > timezone.localdate():
        errors["visited_on"] = [_("The visit date cannot be in the future.")]
    photos = [p for p in photos if p]
    if len(photos) > photos_per_visit():
        errors["photos"] = [_("At most %(n)d photos per visit.") % {"n": photos_per_visit()}]
    images = []
    if not errors:
        for upload in photos:
            images.append(clean_photo(upload, field="photos", max_mb=photo_max_mb()))
    if errors:
        raise ValidationError(errors)
    visit = HomeVisit.objects.create(
        household=household, visited_on=visited_on, visitor=_user(actor),
        visitor_name=(visitor_name or (actor.get_full_name() or actor.get_username() if _user(actor) else ""))[:100],
        purpose=(purpose or "").strip()[:100], notes=notes, needs_follow_up=bool(needs_follow_up))
    captions = list(captions)
    for i, image in enumerate(images):
        photo = VisitPhoto(visit=visit, caption=(captions[i] if i < len(captions) else "")[:100],
                           sha256=hashlib.sha256(image.read()).hexdigest())
        image.seek(0)
        photo.image.save(f"visit-{visit.pk}-{i + 1}.jpg", image, save=False)
        photo.save()
    if household.last_visited_on is None or visited_on > household.last_visited_on:
        household.last_visited_on = visited_on
        household.save(update_fields=["last_visited_on", "updated_at"])
    audit_record(actor=actor, action="relief.household.visit", obj=household,
                 after={"visit": visit.pk, "visited_on": visited_on, "photos": len(images),
                        "needs_follow_up": visit.needs_follow_up})
    if visit.needs_follow_up:
        alert_raise(household=household, kind=AlertKind.FOLLOW_UP, actor=actor,
                    message=_("The visit on %(day)s asks for follow-up") % {"day": visited_on})
    return visit


# --- alerts ----------------------------------------------------------------------------------------

def _notify_unit(alert: Alert) -> None:
    from boai.accounts.selectors import unit_staff
    from boai.core.notifications import notify

    staff = unit_staff([alert.org_id], perm="relief.add").get(alert.org_id) or []
    if staff:
        notify(recipients=staff, category=ALERT_CATEGORY,
               title=_("Household %(number)s: %(message)s") % {"number": alert.household.number,
                                                              "message": alert.message},
               url=alert.household.get_absolute_url())


def alert_raise(*, household: Household, kind: str, message: str, actor=None, notify: bool = True) -> Alert:
    """Open an alert of `kind` to the household's unit, or refresh the one already open (one per kind)."""
    with transaction.atomic():
        alert = (Alert.objects.select_for_update()
                 .filter(household=household, kind=kind, resolved_at__isnull=True).first())
        created = alert is None
        if created:
            alert = Alert(household=household, org_id=household.org_id, kind=kind)
        alert.message, alert.raised_on = message[:300], timezone.localdate()
        try:
            with transaction.atomic():
                alert.save()
        except IntegrityError:  # raised concurrently: the other one stands
            return Alert.objects.get(household=household, kind=kind, resolved_at__isnull=True)
        audit_record(actor=actor, action="relief.alert.raise" if created else "relief.alert.refresh", obj=alert,
                     org=household.org, after={"household": household.number, "kind": kind, "message": alert.message})
    alert.household = household
    if notify:
        _notify_unit(alert)
    return alert


def _resolve(alert: Alert, *, actor, resolution: str) -> Alert:
    alert.resolved_at, alert.resolved_by = timezone.now(), _user(actor)
    alert.resolution = resolution[:200]
    alert.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    audit_record(actor=actor, action="relief.alert.close", obj=alert, reason=alert.resolution,
                 after={"household": alert.household_id, "kind": alert.kind})
    return alert


@transaction.atomic
def alert_close(*, actor, alert: Alert, resolution: str) -> Alert:
    """The unit dealt with the alert: say how."""
    alert = Alert.objects.select_for_update().select_related("org", "household").get(pk=alert.pk)
    require_scope(actor, "relief.add", alert.org)
    if alert.resolved_at is not None:
        raise ValidationError(_("This alert is already closed."))
    resolution = " ".join((resolution or "").split())
    if not resolution:
        raise ValidationError({"resolution": _("Say how the alert was dealt with.")})
    return _resolve(alert, actor=actor, resolution=resolution)


def reviews_overdue(*, on: dt.date | None = None, limit: int = 5000) -> int:
    """Raise one open overdue-review alert for each active household whose review date has passed
    (idempotent: a household with an open one is skipped); one notification per unit per run."""
    from collections import defaultdict

    from django.db.models import Exists, OuterRef

    from boai.accounts.selectors import unit_staff
    from boai.core.notifications import notify

    on = on or timezone.localdate()
    open_alert = Alert.objects.filter(household=OuterRef("pk"), kind=AlertKind.REVIEW_OVERDUE,
                                      resolved_at__isnull=True)
    due = (Household.objects.filter(status=HouseholdStatus.ACTIVE, review_due__lt=on)
           .exclude(Exists(open_alert))
           .order_by("review_due", "id").only("id", "number", "org_id", "review_due")[:limit])
    raised: dict[int, list[str]] = defaultdict(list)
    for household in due:
        alert = alert_raise(household=household, kind=AlertKind.REVIEW_OVERDUE, notify=False,
                            message=_("Review was due on %(day)s") % {"day": household.review_due})
        if alert.raised_on == on:
            raised[household.org_id].append(household.number)
    for org_id, staff in unit_staff(raised, perm="relief.add").items():
        if staff:
            numbers = raised[org_id]
            from django.urls import reverse

            notify(recipients=staff, category=ALERT_CATEGORY,
                   title=_("%(n)d households are overdue for review: %(numbers)s")
                   % {"n": len(numbers), "numbers": ", ".join(numbers[:10])},
                   url=reverse("relief:household-alerts"))
    return sum(len(v) for v in raised.values())
