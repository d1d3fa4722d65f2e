"""The `micro_wishes` Excel kind: a grassroots unit's sheet of wishes imported as drafts, and the
export of wishes. Beneficiaries are found in the person registry by ID number (and must be there:
registering people is the registry's own import); the name on the sheet must match the registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boai.core.tabular.engine import audit_import, batch_row_number
from boai.core.tabular.spec import Column, ImportKind, RowError, choice, date, decimal, optional_text
from boai.wishes import conf
from boai.wishes.models import Category, MicroWish, WishStatus


@dataclass
class WishContext:
    actor: Any
    orgs: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # code -> (id, path, kind)
    people: dict[str, tuple[int, str, Any]] = field(default_factory=dict)  # id blind -> (id, name, birth date)


class WishKind(ImportKind):
    name = "micro_wishes"
    label = gettext_lazy("Micro-wishes")
    permission_area = "relief"
    columns = (
        Column("org_code", "单位代码", ("Unit code",), required=True, parse=optional_text(32),
               note=gettext_lazy("Code of a grassroots unit or site in your scope."), example="320213-001-01"),
        Column("id_number", "证件号码", ("ID number", "身份证号"), required=True, parse=optional_text(40),
               note=gettext_lazy("The beneficiary, registered in the person registry."), example="320213201601010012",
               width=22),
        Column("name", "姓名", ("Name",), required=True, parse=optional_text(50), example="张小明"),
        Column("category", "类别", ("Category",), required=True, parse=choice(Category.choices), example="学习用品"),
        Column("title", "心愿", ("Wish",), required=True, parse=optional_text(40), example="一套初中数学辅导书"),
        Column("story", "公开描述", ("Public story",), required=True, parse=optional_text(300),
               note=gettext_lazy("Shown in public: no name, ID number, telephone, school or address."),
               example="孩子上初一，数学基础薄弱，希望有一套辅导书。", width=40),
        Column("estimated_value", "估价（元）", ("Estimated value",), required=True, parse=decimal, example="80"),
        Column("deadline", "截止日期", ("Deadline",), required=True, parse=date, example="2026-12-31"),
        Column("household_note", "家庭情况备注", ("Household note",), parse=optional_text(200),
               note=gettext_lazy("For staff only, never shown in public."), example="低保户，单亲家庭"),
    )

    def prepare(self, *, actor) -> WishContext:
        from boai.orgs.models import Kind, Org

        ctx = WishContext(actor=actor)
        if actor is not None and not actor.has_perm("relief.import"):
            return ctx
        orgs = Org.objects.filter(is_active=True, kind__in=[Kind.GRASSROOTS, Kind.SITE])
        if actor is not None:
            orgs = orgs.restrict(actor, "view")
        ctx.orgs = {code: (pk, path, kind) for pk, code, path, kind in orgs.values_list("id", "code", "path", "kind")}
        return ctx

    def validate_row(self, values: dict[str, Any], ctx: WishContext) -> dict[str, Any]:
        from boai.ledger.events import personal_data_in
        from boai.people.identity import normalise_id_number
        from boai.people.protect import id_blind

        org = ctx.orgs.get(values["org_code"])
        if org is None:
            raise RowError(_("No grassroots unit with this code in your scope."), column="org_code")
        values["org_id"], values["org_path"] = org[0], org[1]
        values["blind"] = id_blind(normalise_id_number(values["id_number"]))
        value, cap = values["estimated_value"], conf.value_cap()
        if value <= 0 or value > cap:
            raise RowError(_("The estimated value must be more than 0 and at most ¥%(cap)s.") % {"cap": cap},
                           column="estimated_value")
        today = timezone.localdate()
        if values["deadline"] <= today or (values["deadline"] - today).days > 366:
            raise RowError(_("The deadline must be after today and at most a year away."), column="deadline")
        for key in ("title", "story"):
            found = personal_data_in(values[key])
            if found:
                raise RowError(_("This text is shown in public and seems to contain %(what)s; remove it.")
                               % {"what": found}, column=key)
            if values["name"] in values[key]:
                raise RowError(_("This text is shown in public and mentions the beneficiary's name; remove it."),
                               column=key)
        values["household_note"] = values.get("household_note") or ""
        values["estimated_value"] = Decimal(value).quantize(Decimal("0.01"))
        return values

    def check_batch(self, rows: list[dict[str, Any]], ctx: WishContext) -> dict[int, Any]:
        from boai.people.models import Person

        people = Person.objects.filter(id_blind__in={r["blind"] for r in rows if r["blind"]})
        if ctx.actor is not None:
            people = people.restrict(ctx.actor, "view")
        ctx.people = {blind: (pk, name, born) for pk, blind, name, born
                      in people.values_list("id", "id_blind", "name", "birth_date")}
        problems: dict[int, Any] = {}
        seen: dict[tuple, int] = {}
        for i, row in enumerate(rows):
            person = ctx.people.get(row["blind"])
            if person is None:
                problems[i] = RowError(_("No one with this ID number is registered in your scope. Register the "
                                         "person in the person registry first."), column="id_number")
            elif person[1] != row["name"]:
                problems[i] = RowError(_("The registry has another name for this ID number."), column="name")
            elif (row["blind"], row["title"]) in seen:
                problems[i] = RowError(_("The same wish for the same person is already on row %(row)d.")
                                       % {"row": batch_row_number(seen[(row["blind"], row["title"])])},
                                       column="title")
            else:
                seen[(row["blind"], row["title"])] = i
        return problems

    @transaction.atomic
    def commit(self, rows: list[dict[str, Any]], *, actor, ctx: WishContext) -> int:
        from boai.orgs.models import Org
        from boai.wishes.models import WishNumber
        from boai.wishes.services import public_profile

        year = timezone.localdate().year
        WishNumber.objects.bulk_create([WishNumber(year=year)], ignore_conflicts=True)
        counter = WishNumber.objects.select_for_update().get(year=year)
        first, counter.last = counter.last + 1, counter.last + len(rows)
        counter.save(update_fields=["last"])
        branch_paths = {r["org_path"][: Org.steplen * 2] for r in rows}
        districts = dict(Org.objects.filter(path__in=branch_paths).values_list("path", "id"))
        pattern, author = conf.number_pattern(), actor if getattr(actor, "pk", None) else None

        MicroWish.objects.bulk_create([
            MicroWish(number=pattern.format(year=year, seq=first + i), org_id=r["org_id"],
                      district_id=districts.get(r["org_path"][: Org.steplen * 2]),
                      beneficiary_id=ctx.people[r["blind"]][0], category=r["category"], title=r["title"],
                      story=r["story"], estimated_value=r["estimated_value"], deadline=r["deadline"],
                      household_note=r["household_note"], status=WishStatus.DRAFT, created_by=author,
                      public_profile=public_profile(ctx.people[r["blind"]][2]))
            for i, r in enumerate(rows)], batch_size=1000)
        audit_import(actor=actor, kind=self, count=len(rows), org=getattr(actor, "org", None),
                     extra={"numbers": [pattern.format(year=year, seq=first), pattern.format(year=year,
                                                                                             seq=counter.last)]})
        return len(rows)

    def export_queryset(self, *, actor):
        return self.restrict(MicroWish.objects.select_related("org", "beneficiary")
                             .defer("beneficiary__id_number", "beneficiary__mobile", "beneficiary__address"),
                             actor, "export")

    def export_row(self, obj: MicroWish) -> list[Any]:
        return [obj.org.code, obj.beneficiary.id_number_masked, obj.beneficiary.name, obj.get_category_display(),
                obj.title, obj.story, obj.estimated_value, obj.deadline, obj.household_note]
