"""The `people` kind of the Excel engine: registering people from a spreadsheet.

The same rules as the forms and the API (`services.clean_person`), per cell where a cell alone is
wrong and per row where columns disagree (a number that is not valid for its type, a gender that
contradicts the ID number, an organisation outside the importer's scope). Rows are sealed
(encrypted, masked, blind-indexed) while they are validated, which the engine spreads over every
core for big files; the commit then only streams them into the table (COPY on PostgreSQL).
Exports carry masked numbers only: a file of plaintext ID numbers is exactly what must not leak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import ric

from boai.core.tabular.engine import audit_import, batch_row_number
from boai.core.tabular.spec import CellError, Column, ImportKind, RowError, choice, date
from boai.orgs.models import Org
from boai.people import services
from boai.people.codes import ETHNICITY_ALIASES, ETHNICITY_CHOICES, GENDER_ALIASES, ID_TYPE_ALIASES, Gender, IdType
from boai.people.identity import check_mobile, normalise_id_number
from boai.people.models import Person
from boai.people.selectors import ENCRYPTED


class aliased_choice(choice):  # noqa: N801 - a parser, used like a function
    """A choice that also accepts the names people actually write (身份证, 台胞证, 男性, 汉 ...)."""

    def __init__(self, options, aliases: dict[str, str]):
        super().__init__(options)
        self.aliases = aliases

    def lookup(self) -> dict[str, str]:
        if self._lookup is None:
            table = dict(super().lookup())
            for alias, code in self.aliases.items():
                table.setdefault(alias.casefold(), str(code))
            self._lookup = table
        return self._lookup


def _cell(func, value: str):
    try:
        return func(value)
    except ValidationError as exc:
        raise CellError(" ".join(exc.messages)) from None


def parse_name(value: str) -> str:
    return _cell(services.clean_name, value)


_GB11643 = re.compile(r"\d{17}[\dX]")


def parse_id_number(value: str) -> str:
    """Normalised; the full check needs the ID type (validate_row). But every 18-character number of the
    GB 11643 shape (resident ID, HMT residence permit, 2023 foreign permanent resident card) carries
    its check digit, so a typo is reported here, together with the row's other bad cells."""
    number = normalise_id_number(value)
    if "*" in number:
        raise CellError(_("This is a masked number (from an export): enter the full number."))
    if _GB11643.fullmatch(number) and number[-1] != ric.calc_check_digit(number):
        raise CellError(_("The check digit does not match: a digit is probably mistyped."))
    return number


def parse_mobile(value: str) -> str:
    if "*" in value:
        raise CellError(_("This is a masked number (from an export): enter the full number."))
    return _cell(check_mobile, value)


def parse_address(value: str) -> str:
    return _cell(services.clean_address, value)


parse_id_type = aliased_choice(IdType.choices, ID_TYPE_ALIASES)
parse_gender = aliased_choice(Gender.choices, GENDER_ALIASES)
parse_ethnicity = aliased_choice(ETHNICITY_CHOICES, ETHNICITY_ALIASES)

COLUMNS = (
    Column("name", "姓名", ("Name", "名字"), required=True, parse=parse_name, example="张三", width=12),
    Column("id_type", "证件类型", ("ID type", "证件种类"), parse=parse_id_type, example="居民身份证", width=22,
           note=gettext_lazy("Leave empty for a resident identity card.")),
    Column("id_number", "证件号码", ("ID number", "身份证号", "身份证号码", "公民身份号码", "证件号"),
           parse=parse_id_number, example="11010519491231002X", width=22,
           note=gettext_lazy("Format the column as text: Excel turns 18-digit numbers into 3.2E+17 and loses digits.")),
    Column("gender", "性别", ("Gender", "Sex"), parse=parse_gender, example="女", width=8,
           note=gettext_lazy("Taken from a resident ID number when empty; must agree with it when given.")),
    Column("birth_date", "出生日期", ("Birth date", "Date of birth", "出生年月日"), parse=date, example="1949-12-31",
           width=12, note=gettext_lazy("Taken from a resident ID number when empty; must agree with it when given.")),
    Column("mobile", "手机号码", ("Mobile", "Mobile number", "手机", "手机号", "联系电话"), parse=parse_mobile,
           example="13812345678", width=15, note=gettext_lazy("A mainland mobile number (11 digits).")),
    Column("address", "地址", ("Address", "住址", "家庭住址", "联系地址"), parse=parse_address,
           example="江苏省无锡市梁溪区人民路1号", width=30),
    Column("org", "所属组织", ("Organisation", "Organization", "所属单位", "组织"), example="320213-001", width=24,
           note=gettext_lazy("The code or full name of a unit in your scope; empty means your own unit.")),
    Column("ethnicity", "民族", ("Ethnicity", "Ethnic group"), parse=parse_ethnicity, example="汉族", width=10),
)


@dataclass
class PeopleImportContext:
    actor: Any
    own_org_id: int | None  # where rows without an organisation go (None for a system import)
    by_code: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=dict)
    copy: bool = False  # PostgreSQL: rows are sealed straight into COPY lines by the validating processes


class PeopleKind(ImportKind):
    name = "people"
    label = gettext_lazy("People")
    permission_area = "people"
    parallel_safe = True  # validate_row is pure CPU (validation and encryption), no database
    columns = COLUMNS

    def prepare(self, *, actor) -> PeopleImportContext:
        """Every unit the importer may register people in, by code and by full name (one query)."""
        scope = "" if actor is None else actor.scope_path
        ctx = PeopleImportContext(actor=actor, own_org_id=getattr(actor, "org_id", None),
                                  copy=connection.vendor == "postgresql")
        if scope is None or (actor is not None and not actor.has_perm("people.add")):
            ctx.own_org_id = None
            return ctx
        for pk, code, name in Org.objects.filter(path__startswith=scope, is_active=True).values_list(
                "pk", "code", "name"):
            ctx.by_code[code.upper()] = pk
            ctx.by_name.setdefault(name, []).append(pk)
        if ctx.own_org_id not in ctx.by_code.values():
            ctx.own_org_id = None
        return ctx

    def validate_row(self, values: dict[str, Any], ctx: PeopleImportContext) -> dict[str, Any]:
        org_id = self._org(values.get("org"), ctx)
        try:
            row = services.clean_person(
                org_id=org_id, name=values["name"], id_type=values.get("id_type") or IdType.RESIDENT,
                id_number=values.get("id_number") or "", gender=values.get("gender"),
                birth_date=values.get("birth_date"), mobile=values.get("mobile") or "",
                address=values.get("address") or "", ethnicity=values.get("ethnicity") or "", parsed=True)
        except ValidationError as exc:
            raise _row_error(exc) from None
        return {"row": services.seal_for_copy(row) if ctx.copy else services.seal(row)}

    @staticmethod
    def _org(value: str | None, ctx: PeopleImportContext) -> int:
        if not value:
            if ctx.own_org_id is None:
                raise RowError(_("Give the organisation (its code or full name)."), column="org")
            return ctx.own_org_id
        if value.upper() in ctx.by_code:
            return ctx.by_code[value.upper()]
        matches = ctx.by_name.get(value, [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise RowError(_("Several units are called “%(name)s”: use the unit's code.") % {"name": value},
                           column="org")
        raise RowError(_("No unit “%(org)s” in your scope: use the code or the full name of one of your units.")
                       % {"org": value}, column="org")

    def check_batch(self, rows: list[dict[str, Any]], ctx: PeopleImportContext) -> dict[int, Any]:
        reasons = services.find_duplicates([r["row"] for r in rows], actor=ctx.actor, row_number=batch_row_number)
        return {i: RowError(reason, column="id_number") for i, reason in reasons.items()}

    def commit(self, rows: list[dict[str, Any]], *, actor, ctx: PeopleImportContext) -> int:
        people = [r["row"] for r in rows]
        # duplicates were checked just before; the unique index refuses any registered since (a rollback)
        if ctx.copy:
            n = services.person_bulk_copy(actor=actor, rows=people, source="import", audit=False)
        else:
            n = services.person_bulk_create(actor=actor, rows=people, source="import", check_duplicates=False,
                                            audit=False)
        by_org: dict[str, int] = {}
        for person in people:
            by_org[str(person.org_id)] = by_org.get(str(person.org_id), 0) + 1
        audit_import(actor=actor, kind=self, count=n, org=getattr(actor, "org", None), extra={"by_org": by_org})
        return n

    def export_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in COLUMNS if c.key != "address")  # addresses are never exported

    def export_queryset(self, *, actor):
        people = Person.objects.select_related("org").defer(*ENCRYPTED).order_by("id")
        return self.restrict(people, actor, "export")

    def export_row(self, obj: Person) -> list[Any]:
        return [obj.name, obj.get_id_type_display(), obj.id_number_masked, obj.get_gender_display(), obj.birth_date,
                obj.mobile_masked, obj.org.code, obj.get_ethnicity_display() if obj.ethnicity else ""]


def _row_error(exc: ValidationError) -> RowError:
    """The service's field errors as one row error, highlighting the first offending column."""
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    first = next(iter(fields))
    message = " ".join(m for messages in fields.values() for m in messages)
    return RowError(message, column=None if first == "__all__" else first)
