"""Excel kinds of the volunteers module (see docs/excel.md): volunteers, members and service records.

Rows are checked with the same rules as the pages (the people registry's identity checks, the
module's services); a file imports whole or not at all. Commits call the services in one
transaction, so people already registered elsewhere are linked, never duplicated, and every volunteer,
member and record gets the same checks and audit as one entered by hand. Exports show masked numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boai.core.tabular.engine import audit_import
from boai.core.tabular.spec import CellError, Column, ImportKind, RowError, choice, date, integer
from boai.orgs.models import Org
from boai.people.codes import IdType
from boai.people.identity import check_id, check_mobile
from boai.volunteers import services
from boai.volunteers.codes import Skill, labels
from boai.volunteers.models import Member, ServiceRecord, Volunteer
from boai.volunteers.selectors import PERSON_FIELDS

DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S")


def parse_id_number(value: str) -> str:
    if "*" in value:
        raise CellError(_("This is a masked number (from an export): enter the full number."))
    return value


def parse_mobile(value: str) -> str:
    try:
        return check_mobile(value)
    except ValidationError as exc:
        raise CellError(" ".join(exc.messages)) from None


def parse_datetime(value: str) -> dt.datetime:
    for fmt in DATETIME_FORMATS:
        try:
            return timezone.make_aware(dt.datetime.strptime(value.strip(), fmt))
        except ValueError:
            continue
    raise CellError(_("Write a date and time like 2026-03-01 09:30."))


def parse_skills(value: str) -> list[str]:
    names = {c: c for c in Skill.values}
    for language in ("zh-hans", "en"):  # Chinese or English labels, whatever the page's language
        with translation.override(language):
            names |= {str(label).casefold(): code for code, label in Skill.choices}
    out = []
    for part in value.replace("，", ",").replace("、", ",").split(","):
        part = part.strip()
        if part and part.casefold() not in names:
            raise CellError(_("Unknown skill “%(s)s”.") % {"s": part})
        if part:
            out.append(names[part.casefold()])
    return out


parse_id_type = choice(IdType.choices)
NAME = Column("name", "姓名", ("Name",), required=True, example="张三", width=12)
ID_TYPE = Column("id_type", "证件类型", ("ID type",), parse=parse_id_type, example="居民身份证", width=20)
ID_NUMBER = Column("id_number", "证件号码", ("ID number", "身份证号", "身份证号码"), required=True,
                   parse=parse_id_number, example="11010519491231002X", width=22,
                   note=gettext_lazy("Format the column as text: Excel turns 18-digit numbers into 3.2E+17."))
ORG = Column("org", "所属组织", ("Organisation", "组织单位", "所属单位"), example="320213-001", width=22,
             note=gettext_lazy("The code or full name of a unit in your scope; empty means your own unit."))


class ScopedKind(ImportKind):
    """Units in the importer's scope by code and name (one query), as the people kind does."""

    permission_area = "volunteers"

    def prepare(self, *, actor) -> dict:
        scope = "" if actor is None else (actor.scope_path or None)
        orgs: dict[str, int] = {}
        if scope is not None:
            for pk, code, name in Org.objects.filter(path__startswith=scope, is_active=True).values_list(
                    "pk", "code", "name"):
                orgs[code.upper()] = pk
                orgs.setdefault(name, pk)
        return {"actor": actor, "orgs": orgs, "own": getattr(actor, "org_id", None)}

    @staticmethod
    def org_id(value: str | None, ctx: dict) -> int:
        if not value:
            if ctx["own"] is None or ctx["own"] not in ctx["orgs"].values():
                raise RowError(_("Give the organisation (its code or full name)."), column="org")
            return ctx["own"]
        found = ctx["orgs"].get(value.upper()) or ctx["orgs"].get(value)
        if found is None:
            raise RowError(_("No unit “%(org)s” in your scope.") % {"org": value}, column="org")
        return found

    @staticmethod
    def identity(values: dict) -> str:
        try:
            return check_id(values.get("id_type") or IdType.RESIDENT, values["id_number"]).number
        except ValidationError as exc:
            raise RowError(" ".join(exc.messages), column="id_number") from None

    @staticmethod
    def same_number(rows: list[dict]) -> dict[int, str]:
        seen: dict[str, int] = {}
        out = {}
        for i, row in enumerate(rows):
            key = f"{row.get('id_type')}:{row['id_number']}"
            if key in seen:
                out[i] = RowError(_("The same ID number appears earlier in this file."), column="id_number")
            seen.setdefault(key, i)
        return out


def _commit(kind, rows, actor, write) -> int:
    """One transaction: a service error on any row refuses the whole file (all or nothing)."""
    with transaction.atomic():
        orgs = {o.pk: o for o in Org.objects.filter(pk__in={r["org_id"] for r in rows})}
        for n, row in enumerate(rows, start=1):
            try:
                write(row, orgs[row["org_id"]])
            except ValidationError as exc:
                raise ValidationError(_("Row %(n)d: %(e)s") % {"n": n, "e": " ".join(exc.messages)}) from None
        audit_import(actor=actor, kind=kind, count=len(rows), org=getattr(actor, "org", None))
    return len(rows)


class VolunteersKind(ScopedKind):
    name = "volunteers"
    label = gettext_lazy("Volunteers")
    columns = (NAME, ID_TYPE, ID_NUMBER,
               Column("mobile", "手机号码", ("Mobile", "手机"), parse=parse_mobile, example="13812345678", width=15),
               ORG,
               Column("skills", "技能", ("Skills",), parse=parse_skills, example="持证救护员、驾驶", width=24,
                      note=gettext_lazy("Skills separated by 、 or commas.")),
               Column("first_aid_cert_no", "救护员证编号", ("First-aid certificate",), width=18),
               Column("consent_on", "登记表签署日期", ("Form signed on",), parse=date, example="2026-03-01", width=14))

    def validate_row(self, values: dict[str, Any], ctx: dict) -> dict[str, Any]:
        return {**values, "id_number": self.identity(values), "org_id": self.org_id(values.get("org"), ctx)}

    def check_batch(self, rows, ctx):
        out = self.same_number(rows)
        from boai.people.protect import id_blind

        blinds = {id_blind(r["id_number"]): i for i, r in enumerate(rows)}
        for blind in Volunteer.objects.filter(person__id_blind__in=list(blinds)).values_list("person__id_blind",
                                                                                              flat=True):
            out[blinds[blind]] = RowError(_("This person is already registered as a volunteer."), column="id_number")
        return out

    def commit(self, rows, *, actor, ctx) -> int:
        def write(row, org):
            profile = services.Profile(skills=row.get("skills") or [],
                                       first_aid_cert_no=row.get("first_aid_cert_no") or "")
            volunteer = services.volunteer_create(
                actor=actor, org=org, name=row["name"], id_type=row.get("id_type") or IdType.RESIDENT,
                id_number=row["id_number"], mobile=row.get("mobile") or "", profile=profile,
                paper_consent_on=row.get("consent_on"))
            Volunteer.objects.filter(pk=volunteer.pk).update(registered_via=Volunteer.Via.IMPORT)
        return _commit(self, rows, actor, write)

    def export_queryset(self, *, actor):
        qs = Volunteer.objects.select_related("person", "org").defer(*PERSON_FIELDS, "emergency_phone").order_by("id")
        return self.restrict(qs, actor, "export")

    def export_row(self, v: Volunteer) -> list[Any]:
        return [v.person.name, v.person.get_id_type_display(), v.person.id_number_masked, v.person.mobile_masked,
                v.org.code, "、".join(labels(v.skills, Skill)), v.first_aid_cert_no, v.joined_on]


class MembersKind(ScopedKind):
    name = "members"
    label = gettext_lazy("Members")
    columns = (NAME, ID_TYPE, ID_NUMBER, ORG,
               Column("joined_on", "入会日期", ("Joined",), parse=date, required=True, example="2026-01-01", width=12),
               Column("years", "会籍年限", ("Years",), parse=integer, example="1", width=8))

    def validate_row(self, values, ctx):
        years = values.get("years") or 1
        if not 1 <= years <= 10:
            raise RowError(_("A term is 1 to %(n)d years.") % {"n": 10}, column="years")
        return {**values, "years": years, "id_number": self.identity(values),
                "org_id": self.org_id(values.get("org"), ctx)}

    def check_batch(self, rows, ctx):
        return self.same_number(rows)

    def commit(self, rows, *, actor, ctx) -> int:
        def write(row, org):
            services.member_create(actor=actor, org=org, kind=Member.Kind.INDIVIDUAL, joined_on=row["joined_on"],
                                   years=row["years"], name=row["name"], id_type=row.get("id_type") or "resident",
                                   id_number=row["id_number"])
        return _commit(self, rows, actor, write)

    def export_columns(self):
        return (Column("member_no", "会员编号"), NAME, Column("kind", "会员类别"), ORG,
                Column("joined_on", "入会日期"), Column("term_end", "有效期至"), Column("status", "状态"))

    def export_queryset(self, *, actor):
        qs = Member.objects.select_related("person", "org").defer(
            "person__id_number", "person__mobile", "person__address", "contact_mobile").order_by("id")
        return self.restrict(qs, actor, "export")

    def export_row(self, m: Member) -> list[Any]:
        return [m.member_no, m.display_name, m.get_kind_display(), m.org.code, m.joined_on, m.term_end,
                m.get_status_display()]


class ServiceRecordsKind(ScopedKind):
    """Historical hours (paper sheets): recorded for the organiser, then certified like any other."""

    name = "volunteer_records"
    label = gettext_lazy("Volunteer service records")
    columns = (NAME, ID_TYPE, ID_NUMBER, ORG,
               Column("check_in_at", "服务开始时间", ("Start",), parse=parse_datetime, required=True,
                      example="2026-03-01 09:00", width=18),
               Column("check_out_at", "服务结束时间", ("End",), parse=parse_datetime, required=True,
                      example="2026-03-01 12:00", width=18),
               Column("note", "服务内容", ("Service",), required=True, example="社区应急救护宣传", width=30))

    def validate_row(self, values, ctx):
        if values["check_out_at"] <= values["check_in_at"]:
            raise RowError(_("Check-out must be after check-in."), column="check_out_at")
        return {**values, "id_number": self.identity(values), "org_id": self.org_id(values.get("org"), ctx)}

    def commit(self, rows, *, actor, ctx) -> int:
        from boai.people.protect import id_blind

        def write(row, org):
            volunteer = (Volunteer.objects.filter(person__id_blind=id_blind(row["id_number"]))
                         .select_related("org").first())
            if volunteer is None or volunteer.person.name != row["name"]:
                raise ValidationError(_("No volunteer with this name and ID number."))
            services.record_create_past(actor=actor, volunteer=volunteer, org=org, check_in_at=row["check_in_at"],
                                        check_out_at=row["check_out_at"], note=row["note"])
        return _commit(self, rows, actor, write)

    def export_columns(self):
        return (NAME, ID_NUMBER, ORG, Column("check_in_at", "服务开始时间"), Column("check_out_at", "服务结束时间"),
                Column("hours", "服务时长（小时）"), Column("status", "状态"), Column("note", "服务内容"))

    def export_queryset(self, *, actor):
        qs = (ServiceRecord.objects.select_related("volunteer__person", "org", "activity")
              .defer(*(f"volunteer__{f}" for f in PERSON_FIELDS)).order_by("id"))
        return self.restrict(qs, actor, "export")

    def export_row(self, r: ServiceRecord) -> list[Any]:
        local = timezone.localtime
        return [r.volunteer.person.name, r.volunteer.person.id_number_masked, r.org.code, local(r.check_in_at),
                local(r.check_out_at) if r.check_out_at else None, r.hours, r.get_status_display(),
                r.activity.title if r.activity_id else r.note]
