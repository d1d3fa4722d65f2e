"""Micro-wish writes. Every function validates, writes and audits in one transaction.

Staff services take the acting user (`actor`; None for system jobs and seeding) and check the
permission and the scope. Public services (claims, delivery by the claimant, confirmation by link)
take the verified `Claimant` or the confirmation token instead.

Locks are taken in one order, wish row first, then the claimant row, so claims, deliveries,
confirmations, withdrawals and the expiry job never deadlock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boai.core import otp
from boai.core.audit import audit_record, diff
from boai.core.photos import clean_photo
from boai.core.scoping import org_in_scope
from boai.wishes import conf, notices
from boai.wishes.models import (
    EDITABLE,
    OPEN_CLAIM,
    Category,
    Claim,
    Claimant,
    ClaimStatus,
    ConfirmMethod,
    MicroWish,
    WishNumber,
    WishStatus,
)

OTP_PURPOSE = "wish-claimant"
WISH_FIELDS = ("category", "title", "story", "estimated_value", "deadline", "household_note")


def just_claimed_message() -> str:
    return _("This wish has just been claimed. Please choose another one.")


# --- checks -------------------------------------------------------------------------------------

def require_scope(actor, perm: str, org, *, field: str = "org") -> None:
    """The actor holds `perm` and `org` lies in their subtree (None actor: system jobs, seeding)."""
    if actor is None:
        return
    if not actor.has_perm(perm):
        raise ValidationError(_("You do not have permission to do this."))
    if org is None or not org_in_scope(org, actor):
        raise ValidationError({field: _("This organisation is outside your scope.")})


def _require_status(wish: MicroWish, allowed, message: str) -> None:
    if wish.status not in allowed:
        raise ValidationError(message % {"status": wish.get_status_display()})


def _lock(wish: MicroWish) -> MicroWish:
    return MicroWish.objects.select_for_update().select_related("org", "beneficiary").get(pk=wish.pk)


def public_profile(born: dt.date | None, *, on: dt.date | None = None) -> str:
    """“9岁的孩子”: an age and a life stage, the only thing the public learns about the beneficiary."""
    if not born:
        return "一位居民"
    on = on or timezone.localdate()
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if age < 18:
        return f"{age}岁的孩子"
    if age >= 60:
        return f"{age}岁的老人"
    return f"{age}岁的居民"


def _check_public_text(wish: MicroWish) -> None:
    """The title and story are published: refuse personal data and the beneficiary's name."""
    from boai.ledger.events import personal_data_in

    errors = {}
    name = (wish.beneficiary.name or "").strip()
    for field in ("title", "story"):
        text = getattr(wish, field) or ""
        found = personal_data_in(text)
        if found:
            errors[field] = _("This text is shown in public and seems to contain %(what)s; remove it.") % {
                "what": found}
        elif name and (name in text or (len(name) >= 3 and name[1:] in text)):
            errors[field] = _("This text is shown in public and mentions the beneficiary's name; remove it.")
    if errors:
        raise ValidationError(errors)


def _validate(wish: MicroWish, *, actor, new: bool) -> None:
    from boai.orgs.models import Kind

    errors: dict[str, str] = {}
    if wish.org.kind not in (Kind.GRASSROOTS, Kind.SITE):
        errors["org"] = _("Choose the grassroots unit or site that raises the wish.")
    cap = conf.value_cap()
    if wish.estimated_value is not None and wish.estimated_value > cap:
        errors["estimated_value"] = _("A micro-wish is worth at most ¥%(cap)s; this one is ¥%(value)s. Larger needs "
                                      "go through relief assistance.") % {"cap": cap, "value": wish.estimated_value}
    if wish.estimated_value is not None and wish.estimated_value <= 0:
        errors["estimated_value"] = _("Enter the estimated value in yuan (more than zero).")
    if wish.deadline and wish.deadline <= timezone.localdate() and (new or wish.status in EDITABLE):
        errors["deadline"] = _("The deadline must be after today.")
    if wish.deadline and wish.deadline > timezone.localdate() + dt.timedelta(days=366):
        errors["deadline"] = _("The deadline may be at most a year away.")
    if actor is not None:
        from boai.people.models import Person

        if not Person.objects.restrict(actor, "view").filter(pk=wish.beneficiary_id).exists():
            errors["beneficiary"] = _("This person is outside your scope.")
    if errors:
        raise ValidationError(errors)
    wish.full_clean(exclude=["number", "photo", "org", "beneficiary", "district", "created_by"])
    _check_public_text(wish)


def _district(org):
    """The branch (district/county) above a unit: the public filter and the area shown."""
    from boai.orgs.models import Org

    steps = org.path[: Org.steplen * 2]
    return Org.objects.filter(path=steps).first() if len(org.path) >= Org.steplen * 2 else None


def next_number(year: int) -> str:
    """The next wish number of `year` (the year's counter row is locked until commit)."""
    WishNumber.objects.bulk_create([WishNumber(year=year)], ignore_conflicts=True)
    row = WishNumber.objects.select_for_update().get(year=year)
    row.last += 1
    row.save(update_fields=["last"])
    return conf.number_pattern().format(year=year, seq=row.last)


# --- preparing and reviewing ----------------------------------------------------------------------

@transaction.atomic
def wish_create(*, actor, org, beneficiary, category: str, title: str, story: str, estimated_value: Decimal,
                deadline: dt.date, household_note: str = "", photo=None) -> MicroWish:
    require_scope(actor, "relief.add", org)
    wish = MicroWish(org=org, beneficiary=beneficiary, category=category, title=(title or "").strip(),
                     story=(story or "").strip(), estimated_value=estimated_value, deadline=deadline,
                     household_note=(household_note or "").strip(), created_by=actor if getattr(actor, "pk", None)
                     else None, number="-")
    _validate(wish, actor=actor, new=True)
    image = clean_photo(photo, max_mb=conf.photo_max_mb())
    wish.number = next_number(timezone.localdate().year)
    wish.district = _district(org)
    wish.public_profile = public_profile(beneficiary.birth_date)
    if image:
        wish.photo.save(image.name, image, save=False)
    wish.save()
    audit_record(actor=actor, action="wishes.wish.create", obj=wish, after=wish.snapshot())
    return wish


@transaction.atomic
def wish_update(*, actor, wish: MicroWish, photo=None, remove_photo: bool = False, **fields) -> MicroWish:
    """Edit a draft or a returned wish (the organisation may change within the actor's scope)."""
    wish = _lock(wish)
    require_scope(actor, "relief.add", wish.org)
    _require_status(wish, EDITABLE, _("A %(status)s wish cannot be edited; only drafts and returned wishes can."))
    unknown = set(fields) - set(WISH_FIELDS) - {"org", "beneficiary"}
    if unknown:
        raise ValueError(f"wish_update: unknown fields {sorted(unknown)}")
    if "org" in fields:
        require_scope(actor, "relief.add", fields["org"])
    before = wish.snapshot()
    for name, value in fields.items():
        setattr(wish, name, value.strip() if isinstance(value, str) else value)
    _validate(wish, actor=actor, new=False)
    image = clean_photo(photo, max_mb=conf.photo_max_mb())
    if image:
        wish.photo.save(image.name, image, save=False)
    elif remove_photo:
        wish.photo = ""
    wish.district = _district(wish.org)
    wish.public_profile = public_profile(wish.beneficiary.birth_date)
    wish.save()
    old, new = diff(before, wish.snapshot())
    if new:
        audit_record(actor=actor, action="wishes.wish.update", obj=wish, before=old, after=new)
    return wish


@transaction.atomic
def wish_submit(*, actor, wish: MicroWish) -> MicroWish:
    wish = _lock(wish)
    require_scope(actor, "relief.add", wish.org)
    _require_status(wish, EDITABLE, _("A %(status)s wish cannot be submitted for review."))
    _validate(wish, actor=None, new=False)
    if wish.deadline <= timezone.localdate():
        raise ValidationError({"deadline": _("The deadline has passed: set a new one before submitting.")})
    before = wish.status
    wish.status = WishStatus.SUBMITTED
    wish.submitted_by = actor if getattr(actor, "pk", None) else None
    wish.submitted_at = timezone.now()
    wish.public_profile = public_profile(wish.beneficiary.birth_date)
    wish.save()
    audit_record(actor=actor, action="wishes.wish.submit", obj=wish, before={"status": before},
                 after={"status": wish.status})
    return wish


def _reviewer(actor, wish: MicroWish) -> None:
    require_scope(actor, "relief.approve", wish.org)
    if actor is not None and actor.pk in {wish.created_by_id, wish.submitted_by_id}:
        raise ValidationError(_("Someone other than the wish's author must review it."))


@transaction.atomic
def wish_approve(*, actor, wish: MicroWish) -> MicroWish:
    """Publish: the wish appears on the public page, anonymised."""
    wish = _lock(wish)
    _reviewer(actor, wish)
    _require_status(wish, (WishStatus.SUBMITTED,), _("Only a wish waiting for review can be approved (this one "
                                                     "is %(status)s)."))
    if wish.deadline <= timezone.localdate():
        raise ValidationError({"deadline": _("The deadline has passed: return the wish so it gets a new one.")})
    now = timezone.now()
    wish.status, wish.rejection_reason = WishStatus.PUBLISHED, ""
    wish.reviewed_by, wish.reviewed_at, wish.published_at = (actor if getattr(actor, "pk", None) else None), now, now
    wish.save()
    audit_record(actor=actor, action="wishes.wish.approve", obj=wish, before={"status": WishStatus.SUBMITTED},
                 after={"status": wish.status})
    return wish


@transaction.atomic
def wish_reject(*, actor, wish: MicroWish, reason: str) -> MicroWish:
    """Return the wish to its unit with the reason; they edit it and submit it again."""
    wish = _lock(wish)
    _reviewer(actor, wish)
    _require_status(wish, (WishStatus.SUBMITTED,), _("Only a wish waiting for review can be returned (this one "
                                                     "is %(status)s)."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the wish is returned, so the unit can fix it.")})
    wish.status, wish.rejection_reason = WishStatus.REJECTED, reason[:300]
    wish.reviewed_by = actor if getattr(actor, "pk", None) else None
    wish.reviewed_at = timezone.now()
    wish.save()
    audit_record(actor=actor, action="wishes.wish.reject", obj=wish, before={"status": WishStatus.SUBMITTED},
                 after={"status": wish.status}, reason=reason)
    notices.wish_returned(wish)
    return wish


@transaction.atomic
def wish_withdraw(*, actor, wish: MicroWish, reason: str) -> MicroWish:
    """Take a wish back (the need was met otherwise, the family moved...). An open claim is cancelled
    and its claimant told by SMS."""
    wish = _lock(wish)
    require_scope(actor, "relief.change", wish.org)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for withdrawing the wish.")})
    _require_status(wish, set(WishStatus) - {WishStatus.CONFIRMED, WishStatus.WITHDRAWN},
                    _("A %(status)s wish cannot be withdrawn."))
    claim = wish.claims.select_for_update().filter(status__in=OPEN_CLAIM).select_related("claimant").first()
    if claim is not None:
        _end_claim(claim, ClaimStatus.CANCELLED, _("The wish was withdrawn: %(reason)s") % {"reason": reason})
        audit_record(actor=actor, action="wishes.claim.cancel", obj=claim, org=wish.org, reason=reason,
                     after={"status": claim.status})
        notices.claim_cancelled_by_unit(claim)
    before = wish.status
    wish.status, wish.withdraw_reason, wish.withdrawn_at = WishStatus.WITHDRAWN, reason[:300], timezone.now()
    wish.confirm_token_hash, wish.confirm_token_expires = "", None
    wish.save()
    audit_record(actor=actor, action="wishes.wish.withdraw", obj=wish, before={"status": before},
                 after={"status": wish.status}, reason=reason)
    return wish


# --- claimants and claims -------------------------------------------------------------------------

def claimant_send_code(*, mobile: str, client: str) -> None:
    """Text a one-time code to a would-be claimant (the kernel's OTP rules and limits)."""
    from boai.people.identity import check_mobile, mask_mobile
    from boai.people.protect import mobile_blind

    try:
        mobile = check_mobile(mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages}) from None
    otp.send_code(purpose=OTP_PURPOSE, key=mobile_blind(mobile), mobile=mobile, client=client)
    audit_record(actor=None, action="wishes.claimant.code", object_type="wishes.claimant",
                 object_repr=mask_mobile(mobile))


def claimant_verify(*, mobile: str, code: str) -> Claimant:
    """The claimant of a verified number (created on first use); otherwise a ValidationError."""
    from boai.people.identity import check_mobile, mask_mobile
    from boai.people.protect import mobile_blind

    try:
        mobile = check_mobile(mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages}) from None
    blind = mobile_blind(mobile)
    otp.verify_code(purpose=OTP_PURPOSE, key=blind, code=code)
    Claimant.objects.bulk_create([Claimant(mobile=mobile, mobile_masked=mask_mobile(mobile), mobile_blind=blind)],
                                 ignore_conflicts=True)
    claimant = Claimant.objects.get(mobile_blind=blind)
    audit_record(actor=None, action="wishes.claimant.verified", obj=claimant, object_repr=claimant.mobile_masked)
    return claimant


def _clean_claimant_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"claimant_name": _("Tell us your name (or how the unit should call you).")})
    if len(name) > 30:
        raise ValidationError({"claimant_name": _("At most 30 characters.")})
    return name


@transaction.atomic
def claim_create(*, wish: MicroWish, claimant: Claimant, claimant_name: str) -> Claim:
    """Claim a published wish. Concurrent claims of one wish give one claim (the wish row is locked;
    a partial unique index backs it); a number holds at most `BOAI_WISH_CLAIMS_PER_MOBILE` active
    claims (its claimant row is locked while counting)."""
    name = _clean_claimant_name(claimant_name)
    wish = _lock(wish)
    if wish.status in (WishStatus.CLAIMED, WishStatus.DELIVERED):
        raise ValidationError(just_claimed_message(), code="claimed")
    if wish.status != WishStatus.PUBLISHED:
        raise ValidationError(_("This wish can no longer be claimed."), code="closed")
    if wish.deadline < timezone.localdate():
        raise ValidationError(_("This wish is past its deadline and can no longer be claimed."), code="closed")
    claimant = Claimant.objects.select_for_update().get(pk=claimant.pk)
    limit = conf.claims_per_mobile()
    if Claim.objects.filter(claimant=claimant, status=ClaimStatus.ACTIVE).count() >= limit:
        raise ValidationError(_("You already hold %(n)d wishes that are not delivered yet. Deliver them before "
                                "claiming another.") % {"n": limit}, code="limit")
    now = timezone.now()
    try:
        with transaction.atomic():
            claim = Claim.objects.create(wish=wish, claimant=claimant, claimant_name=name, claimed_at=now,
                                         expires_at=now + dt.timedelta(days=conf.claim_days()))
    except IntegrityError:  # the database's guard: another open claim exists after all
        raise ValidationError(just_claimed_message(), code="claimed") from None
    wish.status = WishStatus.CLAIMED
    wish.save(update_fields=["status", "updated_at"])
    audit_record(actor=None, action="wishes.claim.create", obj=claim, org=wish.org, object_repr=str(wish.number),
                 after={"wish": wish.number, "claimant": claimant.mobile_masked,
                        "expires_at": claim.expires_at.isoformat()})
    notices.wish_claimed(claim)
    return claim


def _lock_claim(claim: Claim) -> tuple[MicroWish, Claim]:
    wish = _lock(claim.wish)
    claim = Claim.objects.select_for_update().select_related("claimant").get(pk=claim.pk)
    return wish, claim


def _end_claim(claim: Claim, status: str, reason: str) -> None:
    claim.status, claim.ended_at, claim.end_reason = status, timezone.now(), reason[:300]
    claim.save(update_fields=["status", "ended_at", "end_reason"])


@transaction.atomic
def claim_cancel(*, claimant: Claimant, claim: Claim) -> Claim:
    """The claimant gives the wish back before delivering it: it is published again at once."""
    wish, claim = _lock_claim(claim)
    if claim.claimant_id != claimant.pk:
        raise ValidationError(_("This is not your claim."))
    if claim.status != ClaimStatus.ACTIVE:
        raise ValidationError(_("Only a claim that is not delivered yet can be given back."))
    _end_claim(claim, ClaimStatus.CANCELLED, _("Given back by the claimant."))
    wish.status = WishStatus.PUBLISHED
    wish.save(update_fields=["status", "updated_at"])
    audit_record(actor=None, action="wishes.claim.cancel", obj=claim, org=wish.org,
                 after={"status": claim.status, "wish": wish.status})
    return claim


@transaction.atomic
def claim_deliver(*, claim: Claim, note: str = "", photo=None, claimant: Claimant | None = None,
                  actor=None) -> Claim:
    """Mark the wish delivered: by its claimant (public page) or recorded by staff (relief.change)."""
    wish, claim = _lock_claim(claim)
    if claimant is not None:
        if claim.claimant_id != claimant.pk:
            raise ValidationError(_("This is not your claim."))
    else:
        require_scope(actor, "relief.change", wish.org)
    if claim.status != ClaimStatus.ACTIVE:
        raise ValidationError(_("This claim is %(status)s: it cannot be marked delivered.")
                              % {"status": claim.get_status_display()})
    image = clean_photo(photo, max_mb=conf.photo_max_mb())
    claim.status, claim.delivered_at, claim.delivery_note = ClaimStatus.DELIVERED, timezone.now(), (note or "")[:300]
    if image:
        claim.delivery_photo.save(image.name, image, save=False)
    claim.save()
    wish.status = WishStatus.DELIVERED
    wish.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="wishes.claim.deliver", obj=claim, org=wish.org,
                 after={"status": claim.status, "note": claim.delivery_note, "by": "staff" if actor else "claimant"})
    notices.wish_delivered(claim)
    return claim


# --- confirmation -----------------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def confirm_link_issue(*, actor, wish: MicroWish) -> str:
    """A one-time link for the beneficiary (the grassroots worker shows or sends it). Issuing a new one
    invalidates the previous; returns the token, which is stored only as a hash."""
    wish = _lock(wish)
    require_scope(actor, "relief.add", wish.org)
    _require_status(wish, (WishStatus.CLAIMED, WishStatus.DELIVERED),
                    _("A confirmation link is for a claimed or delivered wish (this one is %(status)s)."))
    token = secrets.token_urlsafe(16)
    wish.confirm_token_hash = _token_hash(token)
    wish.confirm_token_expires = timezone.now() + dt.timedelta(days=conf.confirm_days())
    wish.save(update_fields=["confirm_token_hash", "confirm_token_expires", "updated_at"])
    audit_record(actor=actor, action="wishes.wish.confirm_link", obj=wish,
                 after={"expires": wish.confirm_token_expires.isoformat()})
    return token


def wish_for_token(token: str) -> MicroWish | None:
    if not token or len(token) > 64:
        return None
    wish = MicroWish.objects.select_related("org").filter(confirm_token_hash=_token_hash(token)).first()
    if wish is None or wish.confirm_token_expires is None or wish.confirm_token_expires < timezone.now():
        return None
    return wish


def _confirm(wish: MicroWish, *, actor, method: str) -> MicroWish:
    claim = wish.claims.select_for_update().filter(status__in=OPEN_CLAIM).select_related("claimant").first()
    if claim is None or wish.status not in (WishStatus.CLAIMED, WishStatus.DELIVERED):
        raise ValidationError(_("Only a claimed or delivered wish can be confirmed (this one is %(status)s).")
                              % {"status": wish.get_status_display()})
    now = timezone.now()
    if claim.delivered_at is None:
        claim.delivered_at = now
    claim.status, claim.confirmed_at, claim.confirm_method = ClaimStatus.CONFIRMED, now, method
    claim.confirmed_by = actor if getattr(actor, "pk", None) else None
    wish.status, wish.confirmed_at = WishStatus.CONFIRMED, now
    wish.confirm_token_hash, wish.confirm_token_expires = "", None
    from boai.wishes import ledger_bridge

    wish.ledger_entry, claim_opening = ledger_bridge.wish_fulfilled(wish, claim, actor=actor)
    claim.ledger_opening = claim_opening
    claim.save()
    wish.save()
    audit_record(actor=actor, action="wishes.wish.confirm", obj=wish, before={"status": WishStatus.DELIVERED},
                 after={"status": wish.status, "method": method, "ledger_entry": wish.ledger_entry})
    notices.wish_fulfilled(claim)
    return wish


@transaction.atomic
def wish_confirm(*, actor, wish: MicroWish) -> MicroWish:
    """Staff record that the beneficiary received the wish (after a visit or a call)."""
    wish = _lock(wish)
    require_scope(actor, "relief.add", wish.org)
    return _confirm(wish, actor=actor, method=ConfirmMethod.STAFF)


@transaction.atomic
def wish_confirm_by_token(*, token: str) -> MicroWish:
    """The beneficiary confirms with the one-time link; the link dies with its use."""
    found = wish_for_token(token)
    if found is None:
        raise ValidationError(_("This confirmation link is not valid or has expired. Ask your community worker "
                                "for a new one."))
    wish = _lock(found)
    if wish.confirm_token_hash != _token_hash(token):
        raise ValidationError(_("This confirmation link has already been used."))
    return _confirm(wish, actor=None, method=ConfirmMethod.LINK)


# --- the periodic job -------------------------------------------------------------------------------

def claims_expire(*, now: dt.datetime | None = None, batch: int = 1000) -> int:
    """End active claims past their delivery date: the wish is published again, the claimant told by
    SMS and the unit in its inbox. One short transaction per claim (locks: wish, then claim)."""
    now = now or timezone.now()
    due = list(Claim.objects.filter(status=ClaimStatus.ACTIVE, expires_at__lte=now)
               .order_by("expires_at").values_list("pk", "wish_id")[:batch])
    expired = []
    for claim_pk, wish_pk in due:
        with transaction.atomic():
            wish = MicroWish.objects.select_for_update().select_related("org").get(pk=wish_pk)
            claim = Claim.objects.select_for_update().select_related("claimant").get(pk=claim_pk)
            if claim.status != ClaimStatus.ACTIVE or claim.expires_at > now:
                continue
            _end_claim(claim, ClaimStatus.EXPIRED, _("Not delivered by %(day)s.")
                       % {"day": timezone.localtime(claim.expires_at).date().isoformat()})
            wish.status = WishStatus.PUBLISHED
            wish.save(update_fields=["status", "updated_at"])
            audit_record(actor=None, action="wishes.claim.expire", obj=claim, org=wish.org,
                         after={"status": claim.status, "wish": wish.status})
            notices.claim_expired(claim)
            expired.append(claim)
    notices.claims_expired_to_units(expired)
    return len(expired)


def wishes_close_past_deadline(*, today: dt.date | None = None) -> int:
    """Published wishes nobody claimed before their deadline are withdrawn (the unit may raise them again)."""
    today = today or timezone.localdate()
    pks = list(MicroWish.objects.filter(status=WishStatus.PUBLISHED, deadline__lt=today).values_list("pk", flat=True)
               [:1000])
    for pk in pks:
        with transaction.atomic():
            wish = MicroWish.objects.select_for_update().select_related("org").get(pk=pk)
            if wish.status != WishStatus.PUBLISHED or wish.deadline >= today:
                continue
            wish.status, wish.withdrawn_at = WishStatus.WITHDRAWN, timezone.now()
            wish.withdraw_reason = _("Not claimed before its deadline.")
            wish.save(update_fields=["status", "withdrawn_at", "withdraw_reason", "updated_at"])
            audit_record(actor=None, action="wishes.wish.withdraw", obj=wish, after={"status": wish.status},
                         reason=wish.withdraw_reason)
    return len(pks)


__all__ = [
    "Category", "claim_cancel", "claim_create", "claim_deliver", "claimant_send_code", "claimant_verify",
    "claims_expire", "confirm_link_issue", "next_number", "public_profile", "wish_approve", "wish_confirm",
    "wish_confirm_by_token", "wish_create", "wish_for_token", "wish_reject", "wish_submit", "wish_update",
    "wish_withdraw", "wishes_close_past_deadline",
]
