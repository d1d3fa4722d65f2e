"""Excel kinds of the first-aid module (see docs/excel.md for the engine).

- `aeds`: the AED registry with Chinese headers; every column also accepts its France schema-dae
  name (`c_nom`, `c_lat_coor1`, ...), so a schema-dae CSV imports as it is.
- `aeds_dae`: the same columns with the schema-dae names as headers, for exchange (export and import).
- `firstaid_enrolments`: bulk enrolment of an organisation's staff or pupils into sessions; people
  not yet in the registry are registered through the person services in the same transaction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boai.core.tabular.engine import audit_import, batch_row_number
from boai.core.tabular.spec import CellError, Column, ImportKind, RowError, boolean, choice, date, optional_text
from boai.firstaid import geo, openhours
from boai.firstaid.models import AED, AEDStatus, Enrolment, EnrolmentSource, Funding, PlaceType, Session, SessionStatus
from boai.firstaid.schemadae import DAE_STATUS

STATUS_WORDS = {  # schema-dae c_etat_fonct values and Chinese synonyms
    "en fonctionnement": AEDStatus.IN_SERVICE, "hors service": AEDStatus.OUT_OF_SERVICE,
    "absent momentanément": AEDStatus.ABSENT, "absent momentanement": AEDStatus.ABSENT,
    "正常": AEDStatus.IN_SERVICE, "停用": AEDStatus.OUT_OF_SERVICE, "暂时移除": AEDStatus.ABSENT,
}
_status_choice = choice(AEDStatus.choices)


def status(value: str) -> str:
    return STATUS_WORDS.get(value.casefold()) or _status_choice(value)


status.accepted = _status_choice.accepted


def indoor(value: str) -> bool:
    folded = value.casefold()
    if folded in ("室内", "intérieur", "interieur", "indoor", "是", "yes", "1"):
        return True
    if folded in ("室外", "extérieur", "exterieur", "outdoor", "否", "no", "0"):
        return False
    raise CellError(_("Enter 室内 or 室外 (indoor or outdoor)."))


indoor.accepted = ("室内", "室外")


def latitude(value: str) -> float:
    return _coordinate(value, 90)


def longitude(value: str) -> float:
    return _coordinate(value, 180)


def _coordinate(value: str, limit: int) -> float:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise CellError(_("Enter decimal degrees, e.g. 31.5689.")) from None
    if not -limit <= number <= limit:
        raise CellError(_("Must be between -%(n)d and %(n)d.") % {"n": limit})
    return number


def opening_hours(value: str) -> str:
    try:
        return openhours.validate(value)
    except ValidationError as exc:
        raise CellError(" ".join(exc.messages)) from None


def _c(key, zh, dae, en, **kw) -> Column:
    return Column(key, zh, tuple(a for a in (dae, en) if a), **kw)


AED_COLUMNS = (
    _c("code", "设备编号", "c_gid", "Device code", required=True, parse=optional_text(32), example="WX-AED-00001"),
    _c("name", "位置名称", "c_nom", "Location name", required=True, parse=optional_text(120),
       example="无锡地铁三阳广场站", width=24),
    _c("org_code", "责任单位代码", "", "Responsible unit code", required=True, parse=optional_text(32),
       note=gettext_lazy("Code of a unit in your scope."), example="320213-001"),
    _c("latitude", "纬度", "c_lat_coor1", "Latitude", required=True, parse=latitude, example="31.5750"),
    _c("longitude", "经度", "c_long_coor1", "Longitude", required=True, parse=longitude, example="120.2960"),
    _c("address", "地址", "c_adr_voie", "Address", required=True, parse=optional_text(200), example="中山路1号",
       width=28),
    _c("division_code", "行政区划代码", "c_com_insee", "Division code", parse=optional_text(6), example="320213"),
    _c("place_type", "场所类型", "", "Place type", required=True, parse=choice(PlaceType.choices), example="地铁站"),
    _c("indoor", "室内/室外", "c_acc", "Indoor or outdoor", parse=indoor, example="室内"),
    _c("free_access", "可自由取用", "c_acc_lib", "Freely accessible", parse=boolean, example="是"),
    _c("floor", "楼层", "c_acc_etg", "Floor", parse=optional_text(20), example="B1"),
    _c("access_notes", "取用说明", "c_acc_complt", "Access notes", parse=optional_text(300), example="站厅客服中心旁"),
    _c("opening_hours", "开放时间", "c_disp_complt", "Opening hours", parse=opening_hours,
       note=gettext_lazy("OpenStreetMap syntax, e.g. 24/7 or Mo-Fr 08:00-18:00; PH off."), example="24/7"),
    _c("status", "状态", "c_etat_fonct", "Status", parse=status, example="在用"),
    _c("installed_on", "安装日期", "c_date_instal", "Installed on", parse=date, example="2024-05-01"),
    _c("maker", "生产厂家", "c_fab_rais", "Maker", parse=optional_text(80), example="迈瑞"),
    _c("device_model", "型号", "c_modele", "Model", parse=optional_text(80), example="BeneHeart C1A"),
    _c("serial_number", "序列号", "c_num_serie", "Serial number", parse=optional_text(60), example="SN00000001"),
    _c("battery_expiry", "电池有效期", "c_dtpr_bat", "Battery expiry", parse=date, example="2027-05-01"),
    _c("adult_pads_expiry", "成人电极片有效期", "c_dtpr_lcad", "Adult pads expiry", parse=date, example="2026-11-01"),
    _c("child_pads", "配备儿童电极片", "c_lc_ped", "Child pads present", parse=boolean, example="否"),
    _c("child_pads_expiry", "儿童电极片有效期", "c_dtpr_lcped", "Child pads expiry", parse=date),
    _c("last_inspected_on", "最近巡检日期", "c_dermnt", "Last inspected", parse=date, example="2026-11-01"),
    _c("owner", "产权单位", "c_expt_rais", "Owner", parse=optional_text(120), example="无锡地铁集团"),
    _c("owner_credit_code", "产权单位信用代码", "c_expt_siren", "Owner credit code", parse=optional_text(18)),
    _c("custodian_phone", "联系电话", "c_expt_tel1", "Contact telephone", parse=optional_text(30)),
    _c("funding", "资金来源", "", "Funding", parse=choice(Funding.choices), example="政府项目"),
)
DEFAULTS = {"indoor": True, "free_access": True, "opening_hours": openhours.ALWAYS, "status": AEDStatus.IN_SERVICE,
            "child_pads": False, "funding": Funding.GOVERNMENT}
TEXT_KEYS = ("division_code", "floor", "access_notes", "maker", "device_model", "serial_number", "owner",
             "owner_credit_code", "custodian_phone")


@dataclass
class OrgScope:
    orgs: dict[str, int] = field(default_factory=dict)  # code -> id, in the importer's scope


def _scope_orgs(actor, perm: str) -> OrgScope:
    from boai.orgs.models import Org

    if actor is not None and (not actor.has_perm(perm) or not actor.scope_path):
        return OrgScope()
    qs = Org.objects.all() if actor is None else Org.objects.filter(path__startswith=actor.scope_path)
    return OrgScope(orgs=dict(qs.values_list("code", "id")))


class AEDKind(ImportKind):
    name = "aeds"
    label = gettext_lazy("AEDs")
    permission_area = "firstaid"
    parallel_safe = True
    columns = AED_COLUMNS

    def prepare(self, *, actor) -> OrgScope:
        return _scope_orgs(actor, "firstaid.import")

    def validate_row(self, values: dict[str, Any], ctx: OrgScope) -> dict[str, Any]:
        org_id = ctx.orgs.get(values["org_code"])
        if org_id is None:
            raise RowError(_("No unit with this code in your scope."), column="org_code")
        for key, default in DEFAULTS.items():
            if values.get(key) is None:
                values[key] = default
        for key in TEXT_KEYS:
            values[key] = values.get(key) or ""
        if values.get("child_pads_expiry") and not values["child_pads"]:
            values["child_pads"] = True
        values["org_id"] = org_id
        return values

    def check_batch(self, rows: list[dict[str, Any]], ctx: OrgScope) -> dict[int, Any]:
        problems: dict[int, Any] = {}
        first: dict[str, int] = {}
        for i, row in enumerate(rows):
            if row["code"] in first:
                problems[i] = RowError(_("The same device code is already on row %(row)d of this file.")
                                       % {"row": batch_row_number(first[row["code"]])}, column="code")
            else:
                first[row["code"]] = i
        taken = set(AED.objects.filter(code__in=list(first)).values_list("code", flat=True))
        for i, row in enumerate(rows):
            if row["code"] in taken and i not in problems:
                problems[i] = RowError(_("Another AED already has this device code."), column="code")
        return problems

    def commit(self, rows: list[dict[str, Any]], *, actor, ctx: OrgScope) -> int:
        fields = [c.key for c in AED_COLUMNS if c.key != "org_code"]
        objs = [AED(org_id=r["org_id"], cell=geo.cell_of(r["latitude"], r["longitude"]),
                    **{k: r[k] for k in fields}) for r in rows]
        AED.objects.bulk_create(objs, batch_size=2000)
        audit_import(actor=actor, kind=self, count=len(objs), org=getattr(actor, "org", None),
                     extra={"codes": [r["code"] for r in rows[:50]]})
        return len(objs)

    def export_queryset(self, *, actor):
        return self.restrict(AED.objects.select_related("org"), actor, "export").order_by("code")

    def export_row(self, obj: AED) -> list[Any]:
        values = {c.key: getattr(obj, c.key, None) for c in AED_COLUMNS}
        values["org_code"] = obj.org.code
        values["place_type"] = obj.get_place_type_display()
        values["funding"] = obj.get_funding_display()
        values["status"] = self.status_label(obj.status)
        values["indoor"] = self.indoor_label(obj.indoor)
        for key in ("free_access", "child_pads"):
            values[key] = _("Yes") if values[key] else _("No")
        return [values[c.key] for c in AED_COLUMNS]

    def status_label(self, code: str) -> str:
        return str(AEDStatus(code).label)

    def indoor_label(self, value: bool) -> str:
        return "室内" if value else "室外"


class AEDSchemaDaeKind(AEDKind):
    """The schema-dae column names as headers (and French status/access values on export)."""

    name = "aeds_dae"
    label = gettext_lazy("AEDs (France schema-dae columns)")
    columns = tuple(
        Column(c.key, c.aliases[0], (c.header, *c.aliases[1:]), c.required, c.parse, c.note, c.example, c.width)
        if c.aliases and c.aliases[0].startswith("c_") else c
        for c in AED_COLUMNS
    )

    def status_label(self, code: str) -> str:
        return DAE_STATUS[code]

    def indoor_label(self, value: bool) -> str:
        return "Intérieur" if value else "Extérieur"


# --- bulk enrolment -----------------------------------------------------------------------------

@dataclass
class EnrolContext:
    actor: Any
    sessions: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # code -> (id, org id, free seats)


class EnrolmentKind(ImportKind):
    name = "firstaid_enrolments"
    label = gettext_lazy("Training enrolments")
    permission_area = "firstaid"
    columns = (
        Column("session", "期次编号", ("Session number", "场次编号"), required=True, parse=optional_text(30),
               example="320213-2026-001"),
        Column("name", "姓名", ("Name",), required=True, parse=optional_text(50), example="张三"),
        Column("id_number", "证件号码", ("ID number", "身份证号"), required=True, parse=optional_text(40),
               example="320213199001010015", width=22),
        Column("mobile", "手机号码", ("Mobile",), parse=optional_text(20), example="13812345678"),
        Column("employer", "工作单位或学校", ("Employer or school", "单位"), parse=optional_text(100),
               example="无锡市第一中学"),
    )

    def prepare(self, *, actor) -> EnrolContext:
        ctx = EnrolContext(actor=actor)
        if actor is not None and not (actor.has_perm("firstaid.import") and actor.has_perm("people.add")):
            return ctx
        qs = Session.objects.filter(status=SessionStatus.PLANNED)
        if actor is not None:
            qs = qs.restrict(actor, "change")
        taken = Counter(Enrolment.objects.filter(session__in=qs, cancelled=False).values_list("session_id", flat=True))
        ctx.sessions = {code: (pk, org_id, cap - taken[pk]) for pk, code, org_id, cap
                        in qs.values_list("id", "code", "org_id", "capacity")}
        return ctx

    def validate_row(self, values: dict[str, Any], ctx: EnrolContext) -> dict[str, Any]:
        from boai.people.services import clean_person

        session = ctx.sessions.get(values["session"])
        if session is None:
            raise RowError(_("No session open for enrolment with this number in your scope."), column="session")
        try:
            values["person_row"] = clean_person(org_id=session[1], name=values["name"], id_number=values["id_number"],
                                                mobile=values.get("mobile") or "")
        except ValidationError as exc:
            key, messages = next(iter(exc.message_dict.items()))
            raise RowError(" ".join(messages), column=key if key in ("name", "id_number", "mobile") else None) from None
        values["session_id"] = session[0]
        values["employer"] = values.get("employer") or ""
        return values

    def check_batch(self, rows: list[dict[str, Any]], ctx: EnrolContext) -> dict[int, Any]:
        problems: dict[int, Any] = {}
        seen: dict[tuple, int] = {}
        per_session: Counter = Counter()
        for i, row in enumerate(rows):
            key = (row["session_id"], row["person_row"].blind)
            if key in seen:
                problems[i] = RowError(_("The same person is already on row %(row)d for this session.")
                                       % {"row": batch_row_number(seen[key])}, column="id_number")
                continue
            seen[key] = i
            per_session[row["session"]] += 1
            if per_session[row["session"]] > ctx.sessions[row["session"]][2]:
                problems[i] = RowError(_("The session is full."), column="session")
        existing = set(Enrolment.objects.filter(session_id__in={r["session_id"] for r in rows},
                                                person__id_blind__in={r["person_row"].blind for r in rows})
                       .values_list("session_id", "person__id_blind"))
        for i, row in enumerate(rows):
            if i not in problems and (row["session_id"], row["person_row"].blind) in existing:
                problems[i] = RowError(_("This person is already enrolled in this session."), column="id_number")
        return problems

    def commit(self, rows: list[dict[str, Any]], *, actor, ctx: EnrolContext) -> int:
        from boai.people.models import Person
        from boai.people.services import person_bulk_create

        blinds = {r["person_row"].blind for r in rows}
        known = dict(Person.objects.filter(id_blind__in=blinds).values_list("id_blind", "id"))
        new_rows = list({r["person_row"].blind: r["person_row"] for r in rows if r["person_row"].blind not in known}
                        .values())
        if new_rows:
            person_bulk_create(actor=actor, rows=new_rows, source="firstaid:bulk-enrolment", check_duplicates=False)
            known.update(Person.objects.filter(id_blind__in=blinds).values_list("id_blind", "id"))
        Enrolment.objects.bulk_create([
            Enrolment(session_id=r["session_id"], person_id=known[r["person_row"].blind], source=EnrolmentSource.BULK,
                      employer=r["employer"]) for r in rows])
        audit_import(actor=actor, kind=self, count=len(rows), org=getattr(actor, "org", None),
                     extra={"sessions": sorted({r["session"] for r in rows}), "new_people": len(new_rows)})
        return len(rows)

    def export_queryset(self, *, actor):
        return self.restrict(Enrolment.objects.select_related("session", "person"), actor, "export")

    def export_row(self, obj: Enrolment) -> list[Any]:
        return [obj.session.code, obj.person.name, obj.person.id_number_masked, obj.person.mobile_masked, obj.employer]
