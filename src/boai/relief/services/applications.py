"""Relief applications from raising to acknowledgement.

    submitted --verify (grassroots unit)--> verified --review (branch)--> reviewed
      --approve (branch up to the type's limit, city above it)--> approved
      --disbursement_record--> disbursed --disbursement_acknowledge--> acknowledged
    rejected (with a reason) and withdrawn end it before the money moves.

Every transition locks the application row (``SELECT … FOR UPDATE``) and then the household row,
always in that order, so a double click or two officers at once approve once, and two applications
of one household cannot both pass the duplicate check. Every step appends an `ApplicationStep`
(dated, attributed) and an audit record.

Separation of duties: whoever raised or verified an application never reviews or approves it (the
database refuses approved_by = raised_by/verified_by too). The duplicate check (`selectors.dedupe`)
runs at review and at approval; its redacted findings are kept on the application.

Money moves only through donations: the disbursement is a `Spending` out of the relief purpose
account of the organisation whose fund the type draws on (`spending_request`), which writes the
delivery to the transparency log; the acknowledgement is a donations `Acknowledgement`
(`acknowledgement_record`), which writes its leaf under the delivery's. The relief officer acts
under relief permissions; when they do not also hold the donations permission over the paying
organisation, the donations services run as the system (actor None) and the officer is the one
attributed in relief's step, audit and the disbursement row.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import io
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boai.core.audit import audit_record
from boai.core.numbering import next_number
from boai.core.scoping import org_in_scope, user_scope_path
from boai.relief.models import (
    Application,
    ApplicationStatus,
    ApplicationStep,
    ApprovalLevel,
    Channel,
    Disbursement,
    DisbursementMethod,
    Household,
    HouseholdStatus,
    ReliefForm,
    ReliefRecord,
    ReliefType,
)
from boai.relief.selectors.dedupe import DuplicateCheck, duplicate_check
from boai.relief.services.rules import require

NUMBER_PREFIX = "RA"
DISBURSEMENT_PREFIX = "RD"
ACK_SALT = "boai.relief.ack"
BEFORE_MONEY = (ApplicationStatus.SUBMITTED, ApplicationStatus.VERIFIED, ApplicationStatus.REVIEWED,
                ApplicationStatus.APPROVED)
NEXT_STEP_CATEGORY = "relief.applications"
NOTIFICATION_CATEGORIES = {NEXT_STEP_CATEGORY: gettext_lazy("Relief applications waiting for my step, and my "
                                                            "applications returned")}


def ack_link_hours() -> int:
    return int(getattr(settings, "BOAI_RELIEF_ACK_LINK_HOURS", 72))


def ack_max_mb() -> int:
    return int(getattr(settings, "BOAI_RELIEF_ACK_MAX_MB", 5))


# --- helpers ------------------------------------------------------------------------------------

def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _label(actor) -> str:
    return actor.get_username()[:150] if _user(actor) else ""


def _step(application: Application, step: str, actor, note: str = "") -> ApplicationStep:
    return ApplicationStep.objects.create(application=application, step=step, status=application.status,
                                          actor=_user(actor), actor_label=_label(actor), at=timezone.now(),
                                          note=(note or "")[:300])


# What each status waits for: the permission of whoever acts next, and at which organisation levels in
# order of preference (None: anyone in scope; the branch reviews, or the city society where no branch
# officer can).
_NEXT = {
    ApplicationStatus.SUBMITTED: ("relief.verify", None, gettext_lazy("verify")),
    ApplicationStatus.VERIFIED: ("relief.review", (1, 0), gettext_lazy("review")),
    ApplicationStatus.APPROVED: ("relief.disburse", None, gettext_lazy("pay out")),
}


_batch: contextvars.ContextVar[bool] = contextvars.ContextVar("boai_relief_batch", default=False)


@contextlib.contextmanager
def batch_steps():
    """Inside a batch (a campaign raising or approving its list), the single steps tell no one: the
    batch tells the next step's staff once (`tell_staff`) instead of once per household."""
    token = _batch.set(True)
    try:
        yield
    finally:
        _batch.reset(token)


def tell_staff(*, org_id: int, perm: str, levels: tuple[int, ...] | None, title: str, url: str, body: str = "",
               barred: set | frozenset = frozenset()) -> None:
    """Notify the users acting for `org_id` or above who hold `perm`, at the first of `levels` that has
    any (None: every level), leaving out `barred` user ids."""
    from boai.accounts.selectors import unit_staff
    from boai.core.notifications import notify

    candidates = [u for u in unit_staff([org_id], perm=perm).get(org_id, []) if u.pk not in barred]
    staff = candidates if levels is None else next(
        (found for level in levels if (found := [u for u in candidates if u.org.level == level])), [])
    if staff:
        notify(recipients=staff, category=NEXT_STEP_CATEGORY, title=title, body=body, url=url)


def _tell_next(app: Application) -> None:
    """Notify whoever takes the application's next step (in the same transaction: a refused step
    notifies no one). Nobody is told to act on an application they may not act on: whoever raised or
    verified it is left out of review and approval, and an approval above the branch's limit goes to
    the city society only. A rejection goes back to whoever raised it."""
    from boai.core.notifications import notify

    if _batch.get():
        return
    url = app.get_absolute_url()
    if app.status == ApplicationStatus.REJECTED:
        if app.raised_by_id and app.raised_by_id != app.rejected_by_id:
            notify(recipients=[app.raised_by], category=NEXT_STEP_CATEGORY, url=url, body=app.reject_reason,
                   title=_("Relief application %(number)s was rejected") % {"number": app.number})
        return
    if app.status == ApplicationStatus.REVIEWED:  # the branch approves within its limit, else the city
        perm, action = "relief.approve", _("approve")
        levels = (0,) if app.approval_level == ApprovalLevel.CITY else (1, 0)
    elif app.status in _NEXT:
        perm, levels, action = _NEXT[app.status]
    else:
        return
    barred = {app.raised_by_id, app.verified_by_id} if perm in ("relief.review", "relief.approve") else set()
    tell_staff(org_id=app.org_id, perm=perm, levels=levels, url=url, barred=barred,
               title=_("Relief application %(number)s is waiting for you to %(action)s it") % {
                   "number": app.number, "action": action},
               body=_("%(type)s, ¥%(amount)s, %(org)s") % {"type": app.relief_type.name, "org": app.org.name,
                                                          "amount": app.amount_approved or app.amount_requested})


def _lock(application: Application) -> Application:
    app = (Application.objects.select_for_update(of=("self",))
           .select_related("org", "relief_type", "relief_type__fund", "relief_type__fund__org", "household",
                           "beneficiary")
           .get(pk=application.pk))
    # the household after the application, always: two applications of one household serialise here
    Household.objects.select_for_update().filter(pk=app.household_id).first()
    return app


def _require_status(app: Application, allowed, message: str) -> None:
    if app.status not in allowed:
        raise ValidationError(message % {"status": app.get_status_display()})


def _not_own(app: Application, actor, what: str) -> None:
    uid = getattr(_user(actor), "pk", None)
    if uid is None:
        return
    if uid == app.raised_by_id:
        raise ValidationError(_("You raised this application, so you cannot %(what)s it. Another officer must.")
                              % {"what": what})
    if uid == app.verified_by_id:
        raise ValidationError(_("You verified this application, so you cannot %(what)s it. Another officer must.")
                              % {"what": what})


def _amount(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter an amount in yuan.")}) from None
    if amount < 0 or amount >= Decimal("1e12"):
        raise ValidationError({field: _("Enter an amount in yuan (not negative).")})
    return amount


def _text(value, field: str, max_length: int, *, required: bool = False) -> str:
    text = " ".join(str(value or "").split()) if max_length <= 300 else str(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > max_length:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}})
    return text


def member_person_ids(household: Household) -> list[int]:
    return list(household.members.filter(active=True).values_list("person_id", flat=True))


def types_for(org):
    """Active relief types offered to `org`: those of the organisation itself and of every node above it."""
    from boai.orgs.models import Org

    step = Org.steplen
    paths = [org.path[:i] for i in range(step, len(org.path) + 1, step)]
    return ReliefType.objects.filter(active=True, org__path__in=paths)


def approver_level(actor) -> str | None:
    """The approval level an actor's organisation gives: the city society, a branch, or none."""
    org = getattr(_user(actor), "org", None)
    if org is None:
        return None
    if org.level == 0:
        return ApprovalLevel.CITY
    if org.level == 1:
        return ApprovalLevel.BRANCH
    return None


# --- eligibility --------------------------------------------------------------------------------

def check_eligibility(*, household: Household, relief_type: ReliefType, amount: Decimal, beneficiary) -> None:
    """The type's rules against the household: ValidationError naming what fails."""
    errors: dict[str, str] = {}
    if not relief_type.active:
        errors["relief_type"] = _("This relief type is no longer offered.")
    elif not household.org.path.startswith(relief_type.org.path):
        errors["relief_type"] = _("This relief type is not offered to the household's unit.")
    if household.status != HouseholdStatus.ACTIVE:
        errors["household"] = _("This household is no longer under monitoring.")
    wanted = set(relief_type.eligible_category_list)
    if wanted:
        held = set(household.category_list)
        for cats in household.members.filter(active=True).values_list("categories", flat=True):
            held.update(c for c in (cats or "").split(",") if c)
        if not wanted & held:
            errors["household"] = _("The household is in none of the categories this relief is for.")
    if relief_type.max_income_per_capita is not None:
        per_head = (household.monthly_income / max(household.size, 1)).quantize(Decimal("0.01"))
        if per_head > relief_type.max_income_per_capita:
            errors["household"] = _("Monthly income per person is ¥%(have)s; this relief is for at most "
                                    "¥%(max)s.") % {"have": per_head, "max": relief_type.max_income_per_capita}
    if amount > relief_type.max_amount:
        errors["amount_requested"] = _("At most ¥%(max)s for this relief type.") % {"max": relief_type.max_amount}
    elif amount < relief_type.min_amount:
        errors["amount_requested"] = _("At least ¥%(min)s for this relief type.") % {"min": relief_type.min_amount}
    elif amount == 0 and relief_type.form == ReliefForm.MONEY:
        errors["amount_requested"] = _("Enter the amount requested (more than zero).")
    if beneficiary is not None and not household.members.filter(person=beneficiary, active=True).exists():
        errors["beneficiary"] = _("The beneficiary must be a current member of the household.")
    if errors:
        raise ValidationError(errors)


# --- raising ------------------------------------------------------------------------------------

@transaction.atomic
def application_create(*, actor, household: Household, relief_type: ReliefType, amount_requested, reason: str,
                       beneficiary=None, channel: str | None = None, campaign=None, goods: str = "") -> Application:
    """Raise an application. `actor` None: the household itself on the phone page (identity checked by
    the page) or a system job (campaign lists, medical settlements)."""
    household = Household.objects.select_for_update().select_related("org", "head").get(pk=household.pk)
    require(actor, "relief.add", household.org, field="household")
    channel = channel or (Channel.SELF if actor is None else Channel.STAFF)
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    relief_type = ReliefType.objects.select_related("org").get(pk=relief_type.pk)
    amount = _amount(amount_requested, "amount_requested")
    beneficiary = beneficiary or household.head
    reason = _text(reason, "reason", 2000, required=True)
    goods = _text(goods, "goods", 200)
    check_eligibility(household=household, relief_type=relief_type, amount=amount, beneficiary=beneficiary)
    if Application.objects.filter(household=household, relief_type=relief_type, status__in=BEFORE_MONEY,
                                  campaign=campaign).exists():
        raise ValidationError(_("This household already has an open application for this relief type."))
    app = Application(number=next_number(NUMBER_PREFIX), org=household.org, household=household,
                      beneficiary=beneficiary, relief_type=relief_type, campaign=campaign, channel=channel,
                      amount_requested=amount, goods=goods, reason=reason, status=ApplicationStatus.SUBMITTED,
                      approval_level=relief_type.approval_level(amount), raised_by=_user(actor),
                      raised_at=timezone.now())
    app.save()
    _step(app, "create", actor, note=str(Channel(channel).label))
    audit_record(actor=actor, action="relief.application.create", obj=app,
                 after={"number": app.number, "household": household.pk, "relief_type": relief_type.code,
                        "amount": amount, "channel": channel, "level": app.approval_level})
    _tell_next(app)
    return app


# --- verification, review, approval -------------------------------------------------------------

@transaction.atomic
def application_verify(*, actor, application: Application, note: str = "") -> Application:
    """The grassroots unit confirms the household's situation."""
    app = _lock(application)
    require(actor, "relief.verify", app.org)
    _require_status(app, (ApplicationStatus.SUBMITTED,), _("A %(status)s application cannot be verified."))
    app.status, app.verified_by, app.verified_at = ApplicationStatus.VERIFIED, _user(actor), timezone.now()
    app.save(update_fields=["status", "verified_by", "verified_at", "updated_at"])
    _step(app, "verify", actor, _text(note, "note", 300))
    audit_record(actor=actor, action="relief.application.verify", obj=app, after={"status": app.status})
    _tell_next(app)
    return app


def _duplicates(app: Application, actor, on: dt.date | None = None) -> DuplicateCheck:
    check = duplicate_check(relief_type=app.relief_type, person_ids=member_person_ids(app.household) +
                            [app.beneficiary_id], viewer_path=user_scope_path(actor) or "", on=on,
                            exclude_application_id=app.pk)
    app.duplicate_findings = [g.as_json() for g in check.grants]
    return check


def duplicates_for(application: Application, actor) -> DuplicateCheck:
    """The duplicate check as `actor` would be told it now (nothing is written)."""
    return duplicate_check(relief_type=application.relief_type,
                           person_ids=member_person_ids(application.household) + [application.beneficiary_id],
                           viewer_path=user_scope_path(actor) or "", exclude_application_id=application.pk)


def _blocked_message(check: DuplicateCheck) -> str:
    return _("Refused by the duplicate rule: %(found)s.") % {"found": "; ".join(g.describe() for g in check.grants)}


@transaction.atomic
def application_check_duplicates(*, actor, application: Application) -> DuplicateCheck:
    """Run the duplicate check now and keep its (redacted) findings on the application: what the
    detail page shows before review or approval (a refusal rolls its own transaction back)."""
    app = _lock(application)
    require(actor, "relief.view", app.org)
    check = _duplicates(app, actor)
    if app.status in BEFORE_MONEY:
        Application.objects.filter(pk=app.pk).update(duplicate_findings=app.duplicate_findings)
    return check


@transaction.atomic
def application_review(*, actor, application: Application, note: str = "") -> Application:
    """The branch reviews; the duplicate check runs and its (redacted) findings are kept."""
    app = _lock(application)
    require(actor, "relief.review", app.org)
    _require_status(app, (ApplicationStatus.VERIFIED,), _("A %(status)s application cannot be reviewed."))
    _not_own(app, actor, _("review"))
    if actor is not None and approver_level(actor) is None:
        raise ValidationError(_("The branch or the city society reviews applications."))
    check = _duplicates(app, actor)
    if check.blocks:
        raise ValidationError(_blocked_message(check))
    app.status, app.reviewed_by, app.reviewed_at = ApplicationStatus.REVIEWED, _user(actor), timezone.now()
    app.approval_level = app.relief_type.approval_level(app.amount_requested)
    app.save(update_fields=["status", "reviewed_by", "reviewed_at", "approval_level", "duplicate_findings",
                            "updated_at"])
    _step(app, "review", actor, _text(note, "note", 300))
    audit_record(actor=actor, action="relief.application.review", obj=app,
                 after={"status": app.status, "duplicates": len(check.grants), "level": app.approval_level})
    _tell_next(app)
    return app


@transaction.atomic
def application_approve(*, actor, application: Application, amount_approved=None, acknowledge_duplicates: bool = False,
                        note: str = "") -> Application:
    """Approve at the level the amount requires. A duplicate under a warn rule must be acknowledged
    (`acknowledge_duplicates`); under a block rule it refuses. Writes the grant's relief records."""
    app = _lock(application)
    require(actor, "relief.approve", app.org)
    _require_status(app, (ApplicationStatus.REVIEWED,), _("A %(status)s application cannot be approved."))
    _not_own(app, actor, _("approve"))
    rt = app.relief_type
    amount = app.amount_requested if amount_approved in (None, "") else _amount(amount_approved, "amount_approved")
    if amount > rt.max_amount:
        raise ValidationError({"amount_approved": _("At most ¥%(max)s for this relief type.") % {"max": rt.max_amount}})
    if amount > app.amount_requested:
        raise ValidationError({"amount_approved": _("The amount approved cannot exceed the amount requested.")})
    if amount == 0 and rt.form == ReliefForm.MONEY:
        raise ValidationError({"amount_approved": _("Enter the amount approved (more than zero).")})
    level = rt.approval_level(amount)
    mine = approver_level(actor)
    if actor is not None and (mine is None or (level == ApprovalLevel.CITY and mine != ApprovalLevel.CITY)):
        if level == ApprovalLevel.CITY:
            raise ValidationError(_("Above ¥%(limit)s the city society approves this relief type.")
                                  % {"limit": rt.branch_approval_limit})
        raise ValidationError(_("The branch or the city society approves applications."))
    today = timezone.localdate()
    check = _duplicates(app, actor, on=today)
    if check.blocks:
        raise ValidationError(_blocked_message(check))
    if check.found and not acknowledge_duplicates:
        raise ValidationError({"acknowledge_duplicates": _(
            "The duplicate check found earlier help: %(found)s. Confirm that you have taken it into account.")
            % {"found": "; ".join(g.describe() for g in check.grants)}})
    now = timezone.now()
    app.status, app.approved_by, app.approved_at = ApplicationStatus.APPROVED, _user(actor), now
    app.amount_approved, app.approval_level = amount, level
    app.save(update_fields=["status", "approved_by", "approved_at", "amount_approved", "approval_level",
                            "duplicate_findings", "updated_at"])
    people = sorted(set(member_person_ids(app.household)) | {app.beneficiary_id})
    ReliefRecord.objects.bulk_create([
        ReliefRecord(relief_type=rt, person_id=pid, household=app.household, org=app.org, granted_on=today,
                     amount=amount if pid == app.beneficiary_id else Decimal(0), application=app)
        for pid in people])
    step_note = _text(note, "note", 300)
    if check.found:
        step_note = (_("Duplicate findings acknowledged.") + " " + step_note).strip()[:300]
    _step(app, "approve", actor, step_note)
    audit_record(actor=actor, action="relief.application.approve", obj=app,
                 after={"amount": amount, "level": level, "duplicates": len(check.grants),
                        "duplicates_acknowledged": bool(check.found)})
    _tell_next(app)
    return app


@transaction.atomic
def application_reject(*, actor, application: Application, reason: str) -> Application:
    """Refuse at verification, review or approval; the reason is kept and shown."""
    app = _lock(application)
    perm = {ApplicationStatus.SUBMITTED: "relief.verify", ApplicationStatus.VERIFIED: "relief.review"}.get(
        app.status, "relief.approve")
    require(actor, perm, app.org)
    _require_status(app, (ApplicationStatus.SUBMITTED, ApplicationStatus.VERIFIED, ApplicationStatus.REVIEWED),
                    _("A %(status)s application cannot be rejected."))
    app.reject_reason = _text(reason, "reason", 300, required=True)
    app.status, app.rejected_by, app.rejected_at = ApplicationStatus.REJECTED, _user(actor), timezone.now()
    app.save(update_fields=["status", "reject_reason", "rejected_by", "rejected_at", "updated_at"])
    _step(app, "reject", actor, app.reject_reason)
    audit_record(actor=actor, action="relief.application.reject", obj=app, reason=app.reject_reason,
                 after={"status": app.status})
    _tell_next(app)
    return app


@transaction.atomic
def application_withdraw(*, actor, application: Application, reason: str = "") -> Application:
    """Withdraw before the money moves (the household, whoever raised it, or relief staff in scope).
    An approved grant's relief records are cancelled, never deleted."""
    app = _lock(application)
    if actor is not None and _user(actor) and _user(actor).pk != app.raised_by_id:
        require(actor, "relief.review", app.org)
    elif actor is not None:
        require(actor, "relief.add", app.org)
    _require_status(app, BEFORE_MONEY, _("A %(status)s application cannot be withdrawn."))
    was_approved = app.status == ApplicationStatus.APPROVED
    app.status = ApplicationStatus.WITHDRAWN
    app.save(update_fields=["status", "updated_at"])
    cancelled = ReliefRecord.objects.filter(application=app, cancelled=False).update(cancelled=True) \
        if was_approved else 0
    reason = _text(reason, "reason", 300)
    _step(app, "withdraw", actor, reason)
    audit_record(actor=actor, action="relief.application.withdraw", obj=app, reason=reason,
                 after={"status": app.status, "records_cancelled": cancelled})
    return app


# --- disbursement -------------------------------------------------------------------------------

def _mask_account(account: str) -> str:
    digits = "".join(ch for ch in account if ch.isalnum())
    if not digits:
        return ""
    if len(digits) < 8:
        raise ValidationError({"bank_account": _("Enter the whole bank account number.")})
    return f"{digits[:4]} **** {digits[-4:]}"


def _donations_actor(actor, perm: str, org):
    """The actor when they hold the donations permission over `org`; otherwise the system (None): the
    relief service has already checked the relief permission and attributes the act itself."""
    user = _user(actor)
    if user is not None and user.has_perm(perm) and org_in_scope(org, user):
        return user
    return None


def paying_org(relief_type: ReliefType):
    return relief_type.fund.org if relief_type.fund_id else relief_type.org


@transaction.atomic
def disbursement_record(*, actor, application: Application, method: str, amount, paid_on: dt.date,
                        bank_account: str = "", bank_reference: str = "", goods: str = "") -> Disbursement:
    """Record how an approved grant was paid: bank transfer, cash (signed for on acknowledgement) or
    goods. Money is paid through donations (a Spending out of the type's relief purpose, written to
    the transparency log); the relief records take the payment date."""
    from boai.donations import ledger_bridge
    from boai.donations import services as donations
    from boai.donations.models import PayeeKind, SpendingStatus

    app = _lock(application)
    require(actor, "relief.disburse", app.org)
    _require_status(app, (ApplicationStatus.APPROVED,), _("A %(status)s application cannot be disbursed."))
    if method not in DisbursementMethod.values:
        raise ValidationError({"method": _("Choose bank transfer, cash or goods.")})
    amount = _amount(amount, "amount")
    errors: dict[str, str] = {}
    if amount > (app.amount_approved or 0):
        errors["amount"] = _("At most the amount approved (¥%(max)s).") % {"max": app.amount_approved}
    elif amount == 0 and method != DisbursementMethod.GOODS:
        errors["amount"] = _("Enter the amount paid (more than zero).")
    today = timezone.localdate()
    if not isinstance(paid_on, dt.date):
        errors["paid_on"] = _("Enter the date of payment.")
    elif paid_on > today or paid_on < (timezone.localdate(app.approved_at) if app.approved_at else dt.date.min):
        errors["paid_on"] = _("The date must be between the approval and today.")
    masked = ""
    if method == DisbursementMethod.BANK:
        try:
            masked = _mask_account(bank_account)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        bank_reference = _text(bank_reference, "bank_reference", 64)
        if not masked:
            errors.setdefault("bank_account", _("Enter the account paid into."))
        if not bank_reference:
            errors["bank_reference"] = _("Enter the bank's transaction reference.")
    goods = _text(goods, "goods", 200) or (app.goods if method == DisbursementMethod.GOODS else "")
    if method == DisbursementMethod.GOODS and not goods:
        errors["goods"] = _("Describe the goods issued.")
    if errors:
        raise ValidationError(errors)
    ref = next_number(DISBURSEMENT_PREFIX)
    rt = app.relief_type
    spending = None
    if amount > 0:
        org = paying_org(rt)
        region = app.household.region if len(app.household.region or "") == 6 else ""
        spending = donations.spending_request(
            actor=_donations_actor(actor, "donations.spend", org), amount=amount, org=org, relief_purpose=rt.purpose,
            purpose=rt.name, payee_kind=PayeeKind.RECIPIENT, region=region, relief_ref=ref,
            recipient_commitment=ledger_bridge.commit(f"person:{app.beneficiary_id}").commitment)
    disbursement = Disbursement.objects.create(
        application=app, ref=ref, method=method, amount=amount, goods=goods, bank_account_masked=masked,
        bank_reference=bank_reference if method == DisbursementMethod.BANK else "", paid_on=paid_on,
        recorded_by=_user(actor), spending=spending,
        ledger_entry=spending.ledger_entry if spending is not None else None)
    ReliefRecord.objects.filter(application=app, cancelled=False).update(granted_on=paid_on)
    ReliefRecord.objects.filter(application=app, cancelled=False, person_id=app.beneficiary_id).update(amount=amount)
    app.status = ApplicationStatus.DISBURSED
    app.save(update_fields=["status", "updated_at"])
    pending = spending is not None and spending.status != SpendingStatus.PAID
    _step(app, "disburse", actor, f"{DisbursementMethod(method).label} ¥{amount} {ref}"
          + (" " + _("(payment waiting for finance approval)") if pending else ""))
    audit_record(actor=actor, action="relief.disbursement.record", obj=disbursement, org=app.org,
                 after={"application": app.number, "method": method, "amount": amount, "paid_on": paid_on,
                        "spending": getattr(spending, "pk", None), "ledger_entry": disbursement.ledger_entry})
    return disbursement


# --- acknowledgement ----------------------------------------------------------------------------

def _clean_image(upload, *, kind: str) -> ContentFile:
    """A signature stays a PNG (re-drawn on white), a photo becomes a JPEG without metadata."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    limit = ack_max_mb()
    if upload.size > limit * 1024 * 1024:
        raise ValidationError({"image": _("The file is larger than %(max)d MB.") % {"max": limit}})
    try:
        upload.seek(0)
        image = Image.open(upload)
        if image.format not in ({"PNG"} if kind == "signature" else {"JPEG", "PNG", "WEBP"}):
            raise ValidationError({"image": _("Upload a JPEG, PNG or WebP image.") if kind == "photo"
                                   else _("The signature must be a PNG image.")})
        if image.width * image.height > 40_000_000:
            raise ValidationError({"image": _("The image has too many pixels.")})
        image = ImageOps.exif_transpose(image)
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            canvas = Image.new("RGB", image.size, "white")
            canvas.paste(image, mask=image.split()[-1])
            image = canvas
        image = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError({"image": _("This file is not an image we can read.")}) from None
    if kind == "signature" and image.getextrema() == ((255, 255), (255, 255), (255, 255)):
        raise ValidationError({"image": _("The signature is empty. Please sign in the box.")})
    image.thumbnail((1600, 1600))
    out = io.BytesIO()
    if kind == "signature":
        image.save(out, "PNG", optimize=True)
        return ContentFile(out.getvalue(), name="signature.png")
    image.save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")


@transaction.atomic
def disbursement_acknowledge(*, actor, disbursement: Disbursement, image=None, kind: str = "signature",
                             note: str = "") -> Disbursement:
    """The recipient acknowledges: a signature drawn on the screen (PNG) or a photo of the handover.
    `actor` None: the household through its one-time signing link."""
    import hashlib

    from boai.donations import services as donations
    from boai.donations.models import Acknowledgement, SpendingStatus

    app = _lock(disbursement.application)
    d = (Disbursement.objects.select_for_update(of=("self",)).select_related("spending", "spending__org")
         .get(pk=disbursement.pk))
    require(actor, "relief.disburse", app.org)
    _require_status(app, (ApplicationStatus.DISBURSED,), _("A %(status)s application cannot be acknowledged."))
    if d.acknowledged_at is not None:
        raise ValidationError(_("This delivery has already been acknowledged."))
    if kind not in ("signature", "photo"):
        raise ValidationError({"kind": _("Choose a signature or a photo.")})
    if not image:
        raise ValidationError({"image": _("Sign in the box or upload a photo.")})
    if d.spending_id and d.spending.status != SpendingStatus.PAID:
        raise ValidationError(_("The payment is still waiting for finance approval."))
    clean = _clean_image(image, kind=kind)
    d.acknowledgement_sha256 = hashlib.sha256(clean.read()).hexdigest()
    clean.seek(0)
    d.acknowledgement.save(clean.name, clean, save=False)
    d.acknowledged_at = timezone.now()
    d.acknowledged_recorded_by = _user(actor)
    note = _text(note, "note", 200)
    if d.spending_id:
        method = Acknowledgement.Method.SIGNATURE if kind == "signature" else Acknowledgement.Method.PHOTO
        ack = donations.acknowledgement_record(
            actor=_donations_actor(actor, "donations.add", d.spending.org), spending=d.spending, method=method,
            acknowledged_on=max(timezone.localdate(), d.paid_on), note=note,
            recipient_party=f"person:{app.beneficiary_id}")
        d.ack_ledger_entry = ack.ledger_entry
    d.save(update_fields=["acknowledgement", "acknowledgement_sha256", "acknowledged_at", "acknowledged_recorded_by",
                          "ack_ledger_entry"])
    app.status = ApplicationStatus.ACKNOWLEDGED
    app.save(update_fields=["status", "updated_at"])
    _step(app, "acknowledge", actor, note or (_("Signed by the recipient") if kind == "signature"
                                              else _("Photo of the handover")))
    audit_record(actor=actor, action="relief.disbursement.acknowledge", obj=d, org=app.org,
                 after={"kind": kind, "sha256": d.acknowledgement_sha256, "ledger_entry": d.ack_ledger_entry})
    return d


# --- the household's one-time signing link ------------------------------------------------------

def ack_link_token(disbursement: Disbursement) -> str:
    """A signed token for the household's signing page; it dies after BOAI_RELIEF_ACK_LINK_HOURS and once used."""
    return signing.dumps({"d": disbursement.pk, "r": disbursement.ref}, salt=ACK_SALT, compress=True)


def ack_link_issue(*, actor, application: Application) -> str:
    """A signing link's token for the delivery of `application` still waiting for acknowledgement
    (relief.disburse in scope); issuing it is audited."""
    app = Application.objects.select_related("org").get(pk=application.pk)
    require(actor, "relief.disburse", app.org)
    d = Disbursement.objects.filter(application=app, acknowledged_at__isnull=True).first()
    if d is None or app.status != ApplicationStatus.DISBURSED:
        raise ValidationError(_("There is no delivery waiting for acknowledgement."))
    audit_record(actor=actor, action="relief.disbursement.ack_link", obj=d, org=app.org)
    return ack_link_token(d)


def disbursement_for_token(token: str) -> Disbursement:
    """The disbursement a signing link names, or ValidationError (expired, forged, already used)."""
    try:
        data = signing.loads(token or "", salt=ACK_SALT, max_age=ack_link_hours() * 3600)
    except signing.SignatureExpired:
        raise ValidationError(_("This signing link has expired. Ask the relief officer for a new one.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This signing link is not valid.")) from None
    d = (Disbursement.objects.select_related("application", "application__org", "application__relief_type",
                                             "application__household")
         .filter(pk=data.get("d"), ref=data.get("r")).first())
    if d is None:
        raise ValidationError(_("This signing link is not valid."))
    if d.acknowledged_at is not None:
        raise ValidationError(_("This delivery has already been acknowledged; the link has been used."))
    return d


# --- the household's phone pages ----------------------------------------------------------------

OTP_PURPOSE = "relief-household"


def _households_of(blind: str) -> list[int]:
    return list(Household.objects.filter(status=HouseholdStatus.ACTIVE, members__active=True,
                                         members__person__mobile_blind=blind)
                .values_list("pk", flat=True).distinct().order_by("pk"))


def household_send_code(*, mobile: str, client: str) -> None:
    """Text a one-time code when the number belongs to a member of a household under monitoring. The
    page answers the same either way (whether someone is on the relief rolls is not public)."""
    from boai.core import otp
    from boai.core.ratelimit import hit
    from boai.people.identity import check_mobile, mask_mobile
    from boai.people.protect import mobile_blind

    try:
        mobile = check_mobile(mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages}) from None
    blind = mobile_blind(mobile)
    if not _households_of(blind):
        # the same limits as a real sending, so the answer's timing and limits tell nothing
        for scope, rate in otp.NUMBER_LIMITS:
            if hit(scope, blind, rate) is not None:
                raise ValidationError({"mobile": _("Too many codes requested. Please wait a moment and try again.")})
        return
    otp.send_code(purpose=OTP_PURPOSE, key=blind, mobile=mobile, client=client)
    audit_record(actor=None, action="relief.household.code", object_type="relief.household",
                 object_repr=mask_mobile(mobile))


def household_verify(*, mobile: str, code: str) -> list[int]:
    """The households (ids) of a verified number; ValidationError on a wrong code."""
    from boai.core import otp
    from boai.people.identity import check_mobile
    from boai.people.protect import mobile_blind

    try:
        mobile = check_mobile(mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages}) from None
    blind = mobile_blind(mobile)
    otp.verify_code(purpose=OTP_PURPOSE, key=blind, code=code)
    return _households_of(blind)
