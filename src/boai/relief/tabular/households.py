"""The `relief_households` Excel kind: a grassroots unit's sheet of households, imported through the
household services (the head is found in the person registry by ID number, or registered there),
and the export of households with masked ID numbers, mobiles and addresses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boai.core.tabular.cells import CellError, _label_in, normalise_text
from boai.core.tabular.engine import audit_import, batch_row_number
from boai.core.tabular.spec import Column, ImportKind, RowError, choice, date, decimal, optional_text
from boai.relief.models.households import Category, Household, RiskLevel

_SPLIT = re.compile(r"[,，、;；/\s]+")
_PAREN = re.compile(r"[(（]([^()（）]+)[)）]")


class categories:  # noqa: N801 - used like a function, like the engine's `choice`
    """Several categories in one cell, separated by 、 or commas: codes, Chinese or English labels, or the
    short Chinese term in the English label's brackets (低保, 特困, 受灾...)."""

    cell_format = "text"

    def __init__(self):
        self._lookup: dict[str, str] | None = None

    @property
    def accepted(self) -> tuple[str, ...]:
        return tuple(_label_in(label, "zh-hans") for _code, label in Category.choices)

    def lookup(self) -> dict[str, str]:
        if self._lookup is None:
            table: dict[str, str] = {}
            for code, label in Category.choices:
                english = _label_in(label, "en")
                keys = [code, _label_in(label, "zh-hans"), english, *_PAREN.findall(english)]
                for key in keys:
                    table.setdefault(normalise_text(key).casefold(), code)
            self._lookup = table
        return self._lookup

    def __call__(self, value: str) -> list[str]:
        table, codes = self.lookup(), []
        whole = table.get(normalise_text(value).casefold())
        parts = [whole] if whole else [p for p in _SPLIT.split(value) if p]
        for part in parts:
            code = part if whole else table.get(normalise_text(part).casefold())
            if code is None:
                raise CellError(_("Unknown category “%(value)s”; use for example 低保、特困、受灾.") % {"value": part})
            codes.append(code)
        return sorted(set(codes))


@dataclass
class HouseholdContext:
    actor: Any
    orgs: dict[str, Any] = field(default_factory=dict)  # code -> Org


class HouseholdKind(ImportKind):
    name = "relief_households"
    label = gettext_lazy("Relief households")
    permission_area = "relief"
    columns = (
        Column("org_code", "单位代码", ("Unit code",), required=True, parse=optional_text(32),
               note=gettext_lazy("Code of the responsible grassroots unit or site in your scope."),
               example="320213-001-01"),
        Column("head_name", "户主姓名", ("Head's name", "姓名", "Name"), required=True, parse=optional_text(50),
               example="张建国"),
        Column("id_number", "户主证件号码", ("Head's ID number", "证件号码", "身份证号", "ID number"), required=True,
               parse=optional_text(40), width=22,
               note=gettext_lazy("Found in the person registry, or registered there."),
               example="320213196501010013"),
        Column("mobile", "联系电话", ("Mobile", "手机号码"), parse=optional_text(20), example="13812345678"),
        Column("address", "家庭住址", ("Address", "住址"), parse=optional_text(200), width=30,
               example="无锡市梁溪区人民路12号"),
        Column("region", "行政区划代码", ("Region code",), parse=optional_text(6), example="320213"),
        Column("latitude", "纬度", ("Latitude",), parse=decimal, example="31.5689"),
        Column("longitude", "经度", ("Longitude",), parse=decimal, example="120.2991"),
        Column("categories", "救助类别", ("Categories", "类别"), parse=categories(), width=24,
               note=gettext_lazy("One or more, separated by 、 (e.g. 低保、残疾)."), example="低保、残疾"),
        Column("monthly_income", "家庭月收入（元）", ("Monthly income", "月收入"), parse=decimal, example="1200"),
        Column("risk_level", "风险等级", ("Risk level",), parse=choice(RiskLevel.choices), example="关注"),
        Column("situation", "家庭情况", ("Situation",), parse=optional_text(1000), width=30,
               example="户主患慢性病，子女在读"),
        Column("review_due", "下次复核日期", ("Next review",), parse=date, example="2027-06-30"),
    )

    def prepare(self, *, actor) -> HouseholdContext:
        from boai.orgs.models import Kind, Org

        ctx = HouseholdContext(actor=actor)
        if actor is not None and not actor.has_perm("relief.import"):
            return ctx
        orgs = Org.objects.filter(is_active=True, kind__in=[Kind.GRASSROOTS, Kind.SITE])
        if actor is not None:
            orgs = orgs.restrict(actor, "view")
        ctx.orgs = {org.code: org for org in orgs.only("id", "code", "path", "kind", "name")}
        return ctx

    def validate_row(self, values: dict[str, Any], ctx: HouseholdContext) -> dict[str, Any]:
        from boai.people.identity import normalise_id_number
        from boai.people.protect import id_blind

        if values["org_code"] not in ctx.orgs:
            raise RowError(_("No grassroots unit with this code in your scope."), column="org_code")
        if (values.get("latitude") is None) != (values.get("longitude") is None):
            raise RowError(_("Give both latitude and longitude, or neither."), column="latitude")
        if values.get("monthly_income") is not None and values["monthly_income"] < 0:
            raise RowError(_("The income cannot be negative."), column="monthly_income")
        values["blind"] = id_blind(normalise_id_number(values["id_number"]))
        return values

    def check_batch(self, rows: list[dict[str, Any]], ctx: HouseholdContext) -> dict[int, Any]:
        from boai.people.models import Person
        from boai.relief.models import HouseholdMember, HouseholdStatus

        blinds = {r["blind"] for r in rows if r["blind"]}
        people = {p.id_blind: p for p in Person.objects.filter(id_blind__in=blinds).select_related("org")
                  .only("id", "name", "id_blind", "org__path", "org__name")}
        visible = set(people) if ctx.actor is None else set(
            Person.objects.restrict(ctx.actor, "view").filter(id_blind__in=blinds).values_list("id_blind", flat=True))
        members = set(HouseholdMember.objects.filter(person__id_blind__in=blinds, active=True,
                                                     household__status=HouseholdStatus.ACTIVE)
                      .values_list("person__id_blind", flat=True))
        problems: dict[int, Any] = {}
        seen: dict[str, int] = {}
        for i, row in enumerate(rows):
            blind = row["blind"]
            person = people.get(blind)
            if blind and blind in seen:
                problems[i] = RowError(_("Same ID number as row %(row)d.") % {"row": batch_row_number(seen[blind])},
                                       column="id_number")
            elif person is not None and blind not in visible:
                problems[i] = RowError(_("This ID number is already registered in another organisation."),
                                       column="id_number")
            elif person is not None and person.name != " ".join(row["head_name"].split()):
                problems[i] = RowError(_("The registry has another name for this ID number."), column="head_name")
            elif blind in members:
                problems[i] = RowError(_("This person is already a member of a household under monitoring."),
                                       column="id_number")
            elif blind:
                seen[blind] = i
        return problems

    def commit(self, rows: list[dict[str, Any]], *, actor, ctx: HouseholdContext) -> int:
        from boai.relief.services.households import household_create

        numbers = []
        for r in rows:
            try:
                household = household_create(
                    actor=actor, org=ctx.orgs[r["org_code"]],
                    head_fields={"name": r["head_name"], "id_number": r["id_number"], "mobile": r.get("mobile") or ""},
                    address=r.get("address") or "", region=r.get("region") or "", latitude=r.get("latitude"),
                    longitude=r.get("longitude"), categories=r.get("categories") or [],
                    monthly_income=r.get("monthly_income") or 0, risk_level=r.get("risk_level") or RiskLevel.NORMAL,
                    situation=r.get("situation") or "", review_due=r.get("review_due"))
            except ValidationError as exc:
                raise ValidationError(_("%(name)s (%(code)s): %(reason)s") % {
                    "name": r["head_name"], "code": r["org_code"], "reason": " ".join(exc.messages)}) from None
            numbers.append(household.number)
        audit_import(actor=actor, kind=self, count=len(rows), org=getattr(actor, "org", None),
                     extra={"numbers": [numbers[0], numbers[-1]] if numbers else []})
        return len(rows)

    def export_queryset(self, *, actor):
        return self.restrict(Household.objects.select_related("org", "head").defer(
            "address", "head__id_number", "head__mobile", "head__address"), actor, "export").order_by("id")

    def export_row(self, obj: Household) -> list[Any]:
        return [obj.org.code, obj.head.name, obj.head.id_number_masked, obj.head.mobile_masked, obj.address_masked,
                obj.region, obj.latitude, obj.longitude, "、".join(obj.get_categories_display()), obj.monthly_income,
                obj.get_risk_level_display(), obj.situation, obj.review_due]
