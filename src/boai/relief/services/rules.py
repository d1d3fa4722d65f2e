"""Relief types and their rules: create, update, deactivate (and reactivate).

A type belongs to an organisation and is offered to everything under it. Its rules are checked
here once, so applications can rely on them: amounts (minimum, maximum, the branch's approval
limit), the repeat window of the duplicate check, the fund it draws on and the spending purpose
that fund must pay for, and the vulnerability categories it is meant for.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from boai.core.audit import audit_record, diff
from boai.core.scoping import org_in_scope
from boai.donations.models import Purpose
from boai.relief.models import DuplicateRule, ReliefForm, ReliefType
from boai.relief.models.households import CATEGORY_CODES

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,19}$")
MAX_WINDOW_DAYS = 3660
TYPE_FIELDS = ("name", "purpose", "fund", "form", "description", "eligible_categories", "max_income_per_capita",
               "min_amount", "max_amount", "repeat_window_days", "max_per_window", "duplicate_rule",
               "branch_approval_limit")


def require(actor, perm: str, org, *, field: str = "org") -> None:
    """The actor holds `perm` and `org` lies in their subtree (None actor: system jobs, seeding, the public)."""
    if actor is None:
        return
    if not actor.has_perm(perm):
        raise ValidationError(_("You do not have permission to do this."))
    if org is None or not org_in_scope(org, actor):
        raise ValidationError({field: _("This is outside your organisation's scope.")})


def _money(value, field: str, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("This field is required.")})
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter an amount in yuan.")}) from None
    if amount < 0 or amount >= Decimal("1e12"):
        raise ValidationError({field: _("Enter an amount in yuan (not negative).")})
    return amount


def _categories(value) -> str:
    codes = value.split(",") if isinstance(value, str) else list(value or ())
    codes = sorted({str(c).strip() for c in codes if str(c).strip()})
    unknown = [c for c in codes if c not in CATEGORY_CODES]
    if unknown:
        raise ValidationError({"eligible_categories": _("Unknown category: %(codes)s.") % {
            "codes": ", ".join(unknown)}})
    return ",".join(codes)


def _validate(rt: ReliefType) -> None:
    errors: dict[str, str] = {}
    rt.name = " ".join((rt.name or "").split())
    rt.description = (rt.description or "").strip()
    if not rt.name:
        errors["name"] = _("This field is required.")
    elif len(rt.name) > 60:
        errors["name"] = _("At most %(n)d characters.") % {"n": 60}
    if rt.purpose not in Purpose.values:
        errors["purpose"] = _("Unknown purpose.")
    if rt.form not in ReliefForm.values:
        errors["form"] = _("Unknown form of relief.")
    if rt.duplicate_rule not in DuplicateRule.values:
        errors["duplicate_rule"] = _("Choose warn or block.")
    for name in ("min_amount", "max_amount", "branch_approval_limit"):
        try:
            setattr(rt, name, _money(getattr(rt, name), name))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        rt.max_income_per_capita = _money(rt.max_income_per_capita, "max_income_per_capita", required=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "max_amount" not in errors and rt.max_amount <= 0:
        errors["max_amount"] = _("The maximum amount must be more than zero.")
    if not errors.keys() & {"min_amount", "max_amount"} and rt.min_amount > rt.max_amount:
        errors["min_amount"] = _("The minimum amount cannot be more than the maximum.")
    try:
        window = int(rt.repeat_window_days)
        per_window = int(rt.max_per_window)
    except (TypeError, ValueError):
        errors["repeat_window_days"] = _("Enter a whole number of days.")
    else:
        if not 0 <= window <= MAX_WINDOW_DAYS:
            errors["repeat_window_days"] = _("The repeat window is between 0 and %(max)d days.") % {
                "max": MAX_WINDOW_DAYS}
        if not 1 <= per_window <= 100:
            errors["max_per_window"] = _("Allow between 1 and 100 grants in the window.")
    if rt.fund_id:
        fund = rt.fund
        if not rt.org.path.startswith(fund.org.path):
            errors["fund"] = _("The fund must belong to this organisation or one above it.")
        elif fund.restricted and rt.purpose not in (fund.purposes or []):
            errors["fund"] = _("%(fund)s does not pay for this purpose.") % {"fund": fund}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def relief_type_create(*, actor, org, code: str, name: str, max_amount, purpose: str = Purpose.HARDSHIP, fund=None,
                       form: str = ReliefForm.MONEY, description: str = "", eligible_categories=(),
                       max_income_per_capita=None, min_amount="0", repeat_window_days: int = 365,
                       max_per_window: int = 1, duplicate_rule: str = DuplicateRule.BLOCK,
                       branch_approval_limit="5000") -> ReliefType:
    require(actor, "relief.change", org)
    code = (code or "").strip().upper()
    if not CODE_RE.match(code):
        raise ValidationError({"code": _("Use 2–20 upper-case letters, digits or hyphens.")})
    if ReliefType.objects.filter(code=code).exists():
        raise ValidationError({"code": _("This code is already used.")})
    rt = ReliefType(org=org, code=code, name=name, purpose=purpose, fund=fund, form=form, description=description,
                    eligible_categories=_categories(eligible_categories), max_income_per_capita=max_income_per_capita,
                    min_amount=min_amount, max_amount=max_amount, repeat_window_days=repeat_window_days,
                    max_per_window=max_per_window, duplicate_rule=duplicate_rule,
                    branch_approval_limit=branch_approval_limit)
    _validate(rt)
    rt.save()
    audit_record(actor=actor, action="relief.type.create", obj=rt, after=rt.snapshot())
    return rt


@transaction.atomic
def relief_type_update(*, actor, relief_type: ReliefType, **fields) -> ReliefType:
    unknown = set(fields) - set(TYPE_FIELDS)
    if unknown:
        raise ValueError(f"relief_type_update: unknown fields {sorted(unknown)}")
    rt = ReliefType.objects.select_for_update(of=("self",)).select_related("org", "fund").get(pk=relief_type.pk)
    require(actor, "relief.change", rt.org)
    before = rt.snapshot()
    for name, value in fields.items():
        if name == "eligible_categories":
            value = _categories(value)
        setattr(rt, name, value)
    _validate(rt)
    rt.save()
    old, new = diff(before, rt.snapshot())
    if new:
        audit_record(actor=actor, action="relief.type.update", obj=rt, before=old, after=new)
    return rt


@transaction.atomic
def relief_type_set_active(*, actor, relief_type: ReliefType, active: bool, reason: str = "") -> ReliefType:
    """Deactivate (no new applications; open ones continue) or reactivate a type."""
    rt = ReliefType.objects.select_for_update().select_related("org").get(pk=relief_type.pk)
    require(actor, "relief.change", rt.org)
    if rt.active == bool(active):
        return rt
    rt.active = bool(active)
    rt.save(update_fields=["active", "updated_at"])
    audit_record(actor=actor, action="relief.type.activate" if active else "relief.type.deactivate", obj=rt,
                 after={"active": rt.active}, reason=" ".join((reason or "").split())[:200])
    return rt


def relief_type_deactivate(*, actor, relief_type: ReliefType, reason: str = "") -> ReliefType:
    return relief_type_set_active(actor=actor, relief_type=relief_type, active=False, reason=reason)
