"""The `relief_medical_settlements` Excel kind: 医保's settlement results imported into a batch.

All rows or none. A row names the patient by ID number (a current member of a household under
monitoring in the importer's scope, with the name the registry has), the settlement number (unique:
a number already imported, or twice in the file, is refused), the hospital, the dates and the
amounts; what the patient paid must equal the total less what the insurances and assistance paid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boai.core.tabular.engine import audit_import, batch_row_number
from boai.core.tabular.spec import Column, ImportKind, RowError, date, decimal, optional_text
from boai.relief.models import HouseholdMember, HouseholdStatus, MedicalBatch, MedicalSettlement

CENT = Decimal("0.01")


@dataclass
class SettlementContext:
    actor: Any
    people: dict[str, tuple[int, str, int]] = field(default_factory=dict)  # id blind -> (person, name, unit)


def _money(key, header, aliases, *, required=False, example="0"):
    return Column(key, header, aliases, required=required, parse=decimal, example=example, width=12)


class MedicalSettlementKind(ImportKind):
    name = "relief_medical_settlements"
    label = gettext_lazy("Medical-insurance settlements")
    permission_area = "relief"
    columns = (
        Column("settlement_no", "结算单号", ("Settlement number",), required=True, parse=optional_text(40),
               example="JS320200202600001", width=20),
        Column("id_number", "证件号码", ("ID number", "身份证号"), required=True, parse=optional_text(40),
               note=gettext_lazy("The patient, a member of a household under monitoring."),
               example="320213195001010012", width=22),
        Column("name", "姓名", ("Name",), required=True, parse=optional_text(50), example="张三"),
        Column("hospital", "就诊医院", ("Hospital",), required=True, parse=optional_text(100), example="无锡市人民医院",
               width=24),
        Column("admitted_on", "入院日期", ("Admitted",), parse=date, example="2026-10-08"),
        Column("settled_on", "结算日期", ("Settled",), required=True, parse=date, example="2026-10-20"),
        _money("total_cost", "医疗总费用", ("Total cost",), required=True, example="30000"),
        _money("insurance_paid", "基本医保支付", ("Basic insurance paid",), example="18000"),
        _money("serious_illness_paid", "大病保险支付", ("Serious-illness insurance paid",), example="4000"),
        _money("assistance_paid", "医疗救助支付", ("Medical assistance paid",), example="3000"),
        _money("out_of_pocket", "个人自付", ("Paid by the patient",), required=True, example="5000"),
    )

    def prepare(self, *, actor) -> SettlementContext:
        return SettlementContext(actor=actor)

    def validate_row(self, values: dict[str, Any], ctx: SettlementContext) -> dict[str, Any]:
        from boai.people.identity import normalise_id_number
        from boai.people.protect import id_blind

        for key in ("insurance_paid", "serious_illness_paid", "assistance_paid"):
            values[key] = (values.get(key) or Decimal(0)).quantize(CENT)
        for key in ("total_cost", "out_of_pocket"):
            values[key] = values[key].quantize(CENT)
        for key in ("total_cost", "insurance_paid", "serious_illness_paid", "assistance_paid", "out_of_pocket"):
            if values[key] < 0:
                raise RowError(_("Amounts cannot be negative."), column=key)
        paid = values["insurance_paid"] + values["serious_illness_paid"] + values["assistance_paid"]
        if abs(values["total_cost"] - paid - values["out_of_pocket"]) > CENT:
            raise RowError(_("Paid by the patient must be the total cost less what insurance and assistance paid "
                             "(%(expected)s).") % {"expected": values["total_cost"] - paid}, column="out_of_pocket")
        if values.get("admitted_on") and values["admitted_on"] > values["settled_on"]:
            raise RowError(_("The admission date is after the settlement date."), column="admitted_on")
        values["blind"] = id_blind(normalise_id_number(values["id_number"]))
        return values

    def check_batch(self, rows: list[dict[str, Any]], ctx: SettlementContext) -> dict[int, Any]:
        members = HouseholdMember.objects.filter(person__id_blind__in={r["blind"] for r in rows if r["blind"]},
                                                 active=True, household__status=HouseholdStatus.ACTIVE)
        if ctx.actor is not None:
            members = members.restrict(ctx.actor, "view")
        ctx.people = {blind: (pid, name, org) for pid, blind, name, org in members.values_list(
            "person_id", "person__id_blind", "person__name", "household__org_id")}
        taken = set(MedicalSettlement.objects.filter(settlement_no__in={r["settlement_no"] for r in rows})
                    .values_list("settlement_no", flat=True))
        problems: dict[int, Any] = {}
        seen: dict[str, int] = {}
        for i, row in enumerate(rows):
            person = ctx.people.get(row["blind"])
            if row["settlement_no"] in taken:
                problems[i] = RowError(_("This settlement number has already been imported."), column="settlement_no")
            elif row["settlement_no"] in seen:
                problems[i] = RowError(_("The same settlement number is already on row %(row)d.")
                                       % {"row": batch_row_number(seen[row["settlement_no"]])}, column="settlement_no")
            elif person is None:
                problems[i] = RowError(_("No member of a household under monitoring in your scope has this ID "
                                         "number."), column="id_number")
            elif person[1] != row["name"]:
                problems[i] = RowError(_("The registry has another name for this ID number."), column="name")
            seen.setdefault(row["settlement_no"], i)
        return problems

    @transaction.atomic
    def commit(self, rows: list[dict[str, Any]], *, actor, ctx: SettlementContext) -> int:
        org = getattr(actor, "org", None)
        if org is None:
            from boai.orgs.models import Org

            org = Org.objects.order_by("path").first()
        batch = MedicalBatch.objects.create(org=org, direction=MedicalBatch.Direction.IMPORT, rows=len(rows),
                                            created_by=actor if getattr(actor, "pk", None) else None)
        MedicalSettlement.objects.bulk_create([
            MedicalSettlement(batch=batch, org_id=ctx.people[r["blind"]][2], person_id=ctx.people[r["blind"]][0],
                              settlement_no=r["settlement_no"], hospital=r["hospital"],
                              admitted_on=r.get("admitted_on"), settled_on=r["settled_on"],
                              total_cost=r["total_cost"], insurance_paid=r["insurance_paid"],
                              serious_illness_paid=r["serious_illness_paid"], assistance_paid=r["assistance_paid"],
                              out_of_pocket=r["out_of_pocket"])
            for r in rows], batch_size=1000)
        audit_import(actor=actor, kind=self, count=len(rows), org=org, extra={"batch": batch.pk})
        return len(rows)

    def export_queryset(self, *, actor):
        return self.restrict(MedicalSettlement.objects.select_related("person"), actor, "export")

    def export_row(self, obj: MedicalSettlement) -> list[Any]:
        return [obj.settlement_no, obj.person.id_number_masked, obj.person.name, obj.hospital, obj.admitted_on,
                obj.settled_on, obj.total_cost, obj.insurance_paid, obj.serious_illness_paid, obj.assistance_paid,
                obj.out_of_pocket]
