"""Medical relief with the medical-insurance department (医保).

Out: the list of eligible people — current members of households under monitoring in the sender's
subtree that are 因病致贫, 低保 or 特困 (the household's or the member's own category) — in the
agreed spreadsheet layout (`EXPORT_HEADERS`, docs/relief-campaigns.md), recorded as an export batch
with the file's SHA-256. In: 医保's settlement results, imported through the Excel engine (kind
`relief_medical_settlements`, tabular/medical.py) into a batch of settlements. For each settlement
the suggested relief is `BOAI_RELIEF_MEDICAL_RATIO` of what the patient paid, capped by the relief
type's maximum; staff may raise an application from it (`channel=medical`).
"""

from __future__ import annotations

import hashlib
import io
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from boai.core.audit import audit_record
from boai.relief.models import (
    Category,
    Channel,
    HouseholdMember,
    HouseholdStatus,
    MedicalBatch,
    MedicalSettlement,
    ReliefType,
)

ELIGIBLE = (Category.ILLNESS, Category.DIBAO, Category.TEKUN)
ELIGIBLE_LABELS = {Category.ILLNESS: "因病致贫", Category.DIBAO: "低保", Category.TEKUN: "特困"}
EXPORT_HEADERS = ("序号", "姓名", "证件类型", "证件号码", "性别", "出生日期", "救助身份", "家庭编号", "所属区县代码",
                  "责任单位", "名单日期")


def medical_ratio() -> Decimal:
    return Decimal(str(getattr(settings, "BOAI_RELIEF_MEDICAL_RATIO", "0.5")))


def suggested_relief(settlement: MedicalSettlement, relief_type: ReliefType | None) -> Decimal:
    amount = (settlement.out_of_pocket * medical_ratio()).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if relief_type is not None:
        amount = min(amount, relief_type.max_amount)
    return max(amount, Decimal("0.00"))


def _category_filter(prefix: str) -> Q:
    q = Q()
    for code in ELIGIBLE:
        q |= Q(**{f"{prefix}categories__contains": f",{code},"})
    return q


def eligible_members(path: str):
    """Current members of monitored households in the subtree `path` with an eligible category."""
    return (HouseholdMember.objects.filter(active=True, household__status=HouseholdStatus.ACTIVE,
                                           household__org__path__startswith=path)
            .filter(_category_filter("household__") | _category_filter(""))
            .select_related("person", "household", "household__org").order_by("household__number", "id"))


def _statuses(member: HouseholdMember) -> str:
    held = set(member.household.category_list) | {c for c in member.categories.split(",") if c}
    return "、".join(ELIGIBLE_LABELS[c] for c in ELIGIBLE if c in held)


def export_rows(members, on) -> list[list]:
    rows = []
    for n, m in enumerate(members, start=1):
        p = m.person
        rows.append([n, p.name, p.get_id_type_display(), p.id_number, p.get_gender_display(), p.birth_date,
                     _statuses(m), m.household.number, m.household.org.division_code or "", m.household.org.name,
                     on])
    return rows


def medical_export(*, actor, org, note: str = "") -> tuple[MedicalBatch, bytes]:
    """The eligible list of `org`'s subtree as .xlsx bytes; the batch records who sent what (hash)."""
    from django.utils import timezone

    from boai.core.scoping import org_in_scope
    from boai.core.tabular.export import write_xlsx

    if actor is not None and not org_in_scope(org, actor):
        raise ValidationError(_("This organisation is outside your scope."))
    on = timezone.localdate()
    rows = export_rows(eligible_members(org.path), on)
    out = io.BytesIO()
    write_xlsx(out, EXPORT_HEADERS, rows, sheet_title="救助对象名单")
    data = out.getvalue()
    with transaction.atomic():
        batch = MedicalBatch.objects.create(org=org, direction=MedicalBatch.Direction.EXPORT, rows=len(rows),
                                            file_sha256=hashlib.sha256(data).hexdigest(), note=note.strip()[:200],
                                            created_by=actor if getattr(actor, "pk", None) else None)
        audit_record(actor=actor, action="relief.medical.export", obj=batch, org=org,
                     after={"rows": len(rows), "sha256": batch.file_sha256})
    return batch, data


def medical_raise(*, actor, settlement: MedicalSettlement, relief_type: ReliefType,
                  amount=None) -> MedicalSettlement:
    """Raise a relief application (channel=medical) for the patient's household from a settlement."""
    from boai.relief.services.applications import application_create

    with transaction.atomic():
        settlement = MedicalSettlement.objects.select_for_update().get(pk=settlement.pk)
        if settlement.application_id:
            raise ValidationError(_("An application has already been raised for this settlement."))
        member = (HouseholdMember.objects.filter(person_id=settlement.person_id, active=True,
                                                 household__status=HouseholdStatus.ACTIVE)
                  .select_related("household").first())
        if member is None:
            raise ValidationError(_("The patient is not a member of a household under monitoring."))
        amount = suggested_relief(settlement, relief_type) if amount in (None, "") else amount
        reason = _("Medical relief: settlement %(no)s at %(hospital)s, paid by the patient ¥%(paid)s.") % {
            "no": settlement.settlement_no, "hospital": settlement.hospital, "paid": settlement.out_of_pocket}
        app = application_create(actor=actor, household=member.household, relief_type=relief_type,
                                 amount_requested=amount, reason=reason, beneficiary=settlement.person,
                                 channel=Channel.MEDICAL)
        settlement.application = app
        settlement.save(update_fields=["application"])
        audit_record(actor=actor, action="relief.medical.raise", obj=settlement, org=settlement.org,
                     after={"application": app.number, "amount": amount})
    return settlement
