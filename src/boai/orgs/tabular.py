"""The `orgs` import/export kind: organisation units from a spreadsheet.

Same rules as `services.org_create` (the parent must be in the importer's subtree and able to hold
the new unit, codes are unique, field validators apply), but written for thousands of rows: the
tree paths are computed in Python and the rows go in with one bulk insert. A parent may be an
existing unit (by code) or another row of the same file, in any order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Max, OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boai.core.tabular.engine import audit_import, batch_row_number
from boai.core.tabular.spec import CellError, Column, ImportKind, RowError, choice, optional_text
from boai.orgs.models import SUBTYPES_BY_KIND, Org, Subtype, division_code_validator, org_code_validator
from boai.orgs.services import _check_placement

KIND_OF_SUBTYPE = {subtype.value: kind.value for kind, subtypes in SUBTYPES_BY_KIND.items() for subtype in subtypes}
IMPORTABLE_SUBTYPES = [(value, label) for value, label in Subtype.choices if value != Subtype.CITY]


def org_code(value: str) -> str:
    code = value.upper()
    try:
        org_code_validator(code)
    except ValidationError as exc:
        raise CellError(" ".join(exc.messages)) from None
    return code


def division_code(value: str) -> str:
    try:
        division_code_validator(value)
    except ValidationError as exc:
        raise CellError(" ".join(exc.messages)) from None
    return value


@dataclass(frozen=True)
class Parent:
    pk: int | None
    path: str
    kind: str
    code: str


@dataclass
class OrgImportContext:
    scope_path: str | None  # None: no scope at all (lacks orgs.add); "" for a system import
    parents: dict[str, Parent] = field(default_factory=dict)  # importable parents by code


class OrgsKind(ImportKind):
    name = "orgs"
    label = gettext_lazy("Organisations")
    permission_area = "orgs"
    parallel_safe = True
    columns = (
        Column("name", "名称", ("Name", "单位名称", "组织名称"), required=True, parse=optional_text(100),
               example="示例社区红十字会", width=28),
        Column("code", "代码", ("Code", "组织代码", "单位代码"), required=True, parse=org_code,
               note=gettext_lazy("2–32 upper-case letters, digits or hyphens; unique in the whole city."),
               example="SL-DEMO-01"),
        Column("subtype", "类型", ("Type", "单位类型"), required=True, parse=choice(IMPORTABLE_SUBTYPES),
               example="社区红十字会", width=20),
        Column("parent_code", "上级代码", ("Parent code", "上级组织代码", "上级单位代码"), required=True,
               parse=org_code,
               note=gettext_lazy("Code of an existing unit in your scope, or of another row in this file."),
               example="SL-DEMO-PARENT"),
        Column("division_code", "行政区划代码", ("Division code", "区划代码"), parse=division_code,
               note=gettext_lazy("Six digits (GB/T 2260)."), example="320213"),
        Column("address", "地址", ("Address",), parse=optional_text(200), example="示例路 1 号", width=30),
        Column("phone", "电话", ("Telephone", "Phone", "联系电话"), parse=optional_text(30), example="0510-12345678"),
    )

    def prepare(self, *, actor) -> OrgImportContext:
        if actor is not None and not actor.has_perm("orgs.add"):
            return OrgImportContext(scope_path=None)
        scope = "" if actor is None else (actor.scope_path or None)
        if scope is None:
            return OrgImportContext(scope_path=None)
        rows = Org.objects.filter(path__startswith=scope).values_list("pk", "path", "kind", "code")
        return OrgImportContext(scope_path=scope, parents={code: Parent(pk, path, kind, code)
                                                           for pk, path, kind, code in rows})

    def validate_row(self, values: dict[str, Any], ctx: OrgImportContext) -> dict[str, Any]:
        values["kind"] = KIND_OF_SUBTYPE[values["subtype"]]
        values["division_code"] = values["division_code"] or ""
        values["address"] = values["address"] or ""
        values["phone"] = values["phone"] or ""
        if values["parent_code"] == values["code"]:
            raise RowError(_("A unit cannot be its own parent."), column="parent_code")
        parent = ctx.parents.get(values["parent_code"])
        if parent is not None:
            _placement(values, parent.kind)
        return values

    def check_batch(self, rows: list[dict[str, Any]], ctx: OrgImportContext) -> dict[int, Any]:
        problems: dict[int, Any] = {}
        first_row: dict[str, int] = {}
        for i, row in enumerate(rows):
            if row["code"] in first_row:
                problems[i] = RowError(_("The same code is already on row %(row)d of this file.")
                                       % {"row": batch_row_number(first_row[row["code"]])}, column="code")
            else:
                first_row[row["code"]] = i
        taken = set(Org.objects.filter(code__in=list(first_row)).values_list("code", flat=True))
        for i, row in enumerate(rows):
            if row["code"] in taken and i not in problems:
                problems[i] = RowError(_("This code is already used by another organisation."), column="code")
        in_file = {row["code"]: i for i, row in enumerate(rows) if i not in problems}
        for i, row in enumerate(rows):
            if i not in problems:
                reason = _parent_problem(row, rows, in_file, ctx)
                if reason:
                    problems[i] = RowError(reason, column="parent_code")
        return problems

    def commit(self, rows: list[dict[str, Any]], *, actor, ctx: OrgImportContext) -> int:
        created = insert_subtrees(rows, ctx)
        audit_import(actor=actor, kind=self, count=created, org=getattr(actor, "org", None),
                     extra={"codes": [r["code"] for r in rows[:50]]})
        return created

    def export_queryset(self, *, actor):
        parent_code = Org.objects.filter(path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Org.steplen))
        return self.restrict(Org.objects.all(), actor, "export").annotate(
            parent_code=Subquery(parent_code.values("code")[:1])
        ).order_by("path")

    def export_row(self, obj: Org) -> list[Any]:
        return [obj.name, obj.code, obj.get_subtype_display(), obj.parent_code or "", obj.division_code,
                obj.address, obj.phone]


def _placement(values: dict[str, Any], parent_kind: str) -> None:
    try:
        _check_placement(kind=values["kind"], subtype=values["subtype"], parent=Parent(None, "", parent_kind, ""))
    except ValidationError as exc:
        raise RowError(" ".join(exc.messages), column="parent_code") from None


def _parent_problem(row: dict[str, Any], rows: list[dict[str, Any]], in_file: dict[str, int],
                    ctx: OrgImportContext) -> str:
    """Why the row's parent cannot hold it ("" when it can): out of scope, missing, misplaced, a cycle."""
    if row["parent_code"] in ctx.parents:
        return ""
    seen = {row["code"]}
    code = row["parent_code"]
    while code in in_file and code not in ctx.parents:
        if code in seen:
            return _("The parent codes in this file form a loop.")
        seen.add(code)
        code = rows[in_file[code]]["parent_code"]
    if code not in ctx.parents:
        return _("No organisation with code %(code)s in your scope or in this file.") % {"code": code}
    parent_row = rows[in_file[row["parent_code"]]] if row["parent_code"] in in_file else None
    if parent_row is not None:
        try:
            _placement(row, parent_row["kind"])
        except RowError as exc:
            return str(exc)
    return ""


def insert_subtrees(rows: list[dict[str, Any]], ctx: OrgImportContext) -> int:
    """Compute every new node's materialised path and insert them all at once (parents first)."""
    parents = dict(ctx.parents)
    existing = sorted({r["parent_code"] for r in rows if r["parent_code"] in parents})
    list(Org.objects.select_for_update().filter(code__in=existing).order_by("path").values_list("pk"))  # lock
    last_step: dict[str, int] = {}
    for parent_path in (parents[c].path for c in existing):
        depth = len(parent_path) // Org.steplen
        top = Org.objects.filter(path__startswith=parent_path, depth=depth + 1).aggregate(m=Max("path"))["m"]
        last_step[parent_path] = Org._str2int(top[-Org.steplen:]) if top else 0
    new_children: dict[str, int] = {}  # existing parent path → children added
    created: dict[str, Org] = {}  # new node path → node (numchild counted in memory)
    pending = list(rows)
    while pending:
        ready = [r for r in pending if r["parent_code"] in parents]
        if not ready:
            raise ValidationError(_("Some parent codes could not be resolved."))
        for row in ready:
            parent = parents[row["parent_code"]]
            step = last_step.get(parent.path, 0) + 1
            last_step[parent.path] = step
            if parent.path in created:
                created[parent.path].numchild += 1
            else:
                new_children[parent.path] = new_children.get(parent.path, 0) + 1
            path = Org._get_path(parent.path, len(parent.path) // Org.steplen + 1, step)
            if len(path) > Org._meta.get_field("path").max_length or step >= 36**Org.steplen:
                raise ValidationError(_("The tree is too deep or too wide under %(code)s.") % {"code": parent.code})
            created[path] = _new_org(row, path)
            parents[row["code"]] = Parent(None, path, row["kind"], row["code"])
        pending = [r for r in pending if r["code"] not in parents]
    Org.objects.bulk_create(list(created.values()), batch_size=1000)
    for path, count in new_children.items():
        Org.objects.filter(path=path).update(numchild=F("numchild") + count)
    return len(created)


def _new_org(row: dict[str, Any], path: str) -> Org:
    org = Org(name=row["name"], code=row["code"], kind=row["kind"], subtype=row["subtype"],
              division_code=row["division_code"], address=row["address"], phone=row["phone"],
              path=path, depth=len(path) // Org.steplen, numchild=0)
    try:  # field rules only: uniqueness was checked for the batch, the kind's CHECK holds by construction
        org.clean_fields(exclude=["path", "depth", "numchild"])
    except ValidationError as exc:
        raise ValidationError(_("Row for code %(code)s: %(errors)s") % {"code": row["code"],
                                                                        "errors": " ".join(exc.messages)}) from None
    return org
