"""Offline gifts from spreadsheets through the Excel engine: bank statements (银行流水) and counter
sheets (柜台捐赠登记表), and the gift list as an export in the counter-sheet layout.

Each row goes through `gift_receive`, the same service as the forms and the API (one set of rules:
restrictions, duplicates, lots, the journal, a log leaf and a certificate per gift), inside the
engine's single transaction: a file is imported completely or not at all. A bank reference or a
receipt number that repeats in the file or matches a recorded gift is reported on its row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boai.core.tabular.engine import audit_import, batch_row_number
from boai.core.tabular.spec import Column, ImportKind, RowError, boolean, choice, date, decimal, optional_text
from boai.donations import services
from boai.donations.models import Channel, Donor, DonorKind, Fund, Gift, Project, Purpose, ValuationBasis

OFFLINE_CHANNELS = [(c, label) for c, label in Channel.choices if c in ("cash", "bank", "cheque", "other")]


@dataclass
class GiftImportContext:
    actor: Any
    funds: dict[str, Fund] = field(default_factory=dict)  # by code and by name
    projects: dict[str, Project] = field(default_factory=dict)
    donors: dict[str, Donor] = field(default_factory=dict)  # by credit code


def _prepare(actor) -> GiftImportContext:
    """The funds and projects the importer may record gifts for, and enterprise donors by credit code."""
    ctx = GiftImportContext(actor=actor)
    funds = Fund.objects.filter(is_active=True).select_related("org", "account")
    projects = Project.objects.select_related("fund__org", "fund__account")
    donors = Donor.objects.exclude(uscc="")
    if actor is not None:
        funds, projects = funds.restrict(actor, "add"), projects.restrict(actor, "add")
        donors = donors.restrict(actor, "view")
    for fund in funds:
        ctx.funds[fund.code.upper()] = ctx.funds[fund.name] = fund
    for project in projects:
        ctx.projects[project.code.upper()] = ctx.projects[project.name] = project
    ctx.donors = {d.uscc: d for d in donors}
    return ctx


def _lookup(table: dict, value: str | None, column: str, what) -> Any:
    if not value:
        return None
    found = table.get(value.upper()) or table.get(value)
    if found is None:
        raise RowError(_("No %(what)s “%(value)s” in your scope: use its code or full name.")
                       % {"what": what, "value": value}, column=column)
    return found


def _money(value: Decimal | None, column: str = "amount") -> Decimal:
    if value is None or value <= 0:
        raise RowError(_("The amount must be greater than zero (a debit or an empty amount is not a gift)."),
                       column=column)
    if value != value.quantize(Decimal("0.01")):
        raise RowError(_("An amount has at most two decimal places (fen)."), column=column)
    return value


def _target(values: dict, ctx: GiftImportContext) -> tuple[Fund, Project | None]:
    project = _lookup(ctx.projects, values.get("project"), "project", _("project"))
    fund = _lookup(ctx.funds, values.get("fund"), "fund", _("fund"))
    if fund is None and project is not None:
        fund = project.fund
    if fund is None:
        raise RowError(_("Give the fund (or a project, whose fund is then used)."), column="fund")
    if project is not None and project.fund_id != fund.pk:
        raise RowError(_("%(project)s is financed from %(fund)s.") % {"project": project, "fund": project.fund},
                       column="project")
    return fund, project


def _row_error(exc: ValidationError) -> RowError:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    first = next(iter(fields))
    return RowError(" ".join(m for ms in fields.values() for m in ms), column=None if first == "__all__" else first)


def _duplicates(rows: list[dict], key: str, column: str, existing: set[str]) -> dict[int, RowError]:
    out, seen = {}, {}
    for i, row in enumerate(rows):
        value = row["data"].get(key)
        if not value:
            continue
        ref = (row["data"]["fund"].org_id, value)
        if value in existing:
            out[i] = RowError(_("Already recorded: %(value)s.") % {"value": value}, column=column)
        elif ref in seen:
            out[i] = RowError(_("Same as row %(row)d.") % {"row": batch_row_number(seen[ref])}, column=column)
        else:
            seen[ref] = i
    return out


class _GiftKind(ImportKind):
    permission_area = "donations"

    def prepare(self, *, actor) -> GiftImportContext:
        return _prepare(actor)

    def check_batch(self, rows: list[dict], ctx: GiftImportContext) -> dict[int, Any]:
        refs = {r["data"]["bank_ref"] for r in rows if r["data"].get("bank_ref")}
        receipts = {r["data"]["receipt_number"] for r in rows if r["data"].get("receipt_number")}
        found_refs = set(Gift.objects.filter(bank_ref__in=refs).values_list("bank_ref", flat=True))
        found_receipts = set(Gift.objects.filter(receipt_number__in=receipts).values_list("receipt_number", flat=True))
        issues = _duplicates(rows, "bank_ref", "bank_ref", found_refs)
        for i, error in _duplicates(rows, "receipt_number", "receipt_number", found_receipts).items():
            issues.setdefault(i, error)
        return issues

    def commit(self, rows: list[dict], *, actor, ctx: GiftImportContext) -> int:
        total = Decimal(0)
        for number, row in enumerate(rows, start=1):
            data = services.GiftData(**row["data"])
            if row.get("new_donor"):
                data.donor = services.donor_create(actor=actor, org=data.fund.org, **row["new_donor"])
            try:
                services.gift_receive(actor=actor, data=data)
            except ValidationError as exc:  # a rule only the database can check (e.g. a concurrent duplicate)
                raise ValidationError(_("Gift %(n)d of the file: %(error)s") % {
                    "n": number, "error": " ".join(exc.messages)}) from None
            total += data.amount
        audit_import(actor=actor, kind=self, count=len(rows), org=getattr(actor, "org", None),
                     extra={"amount": str(total)})
        return len(rows)

    def export_queryset(self, *, actor):
        gifts = Gift.objects.select_related("fund", "restricted_project", "donor").order_by("received_at", "id")
        return self.restrict(gifts, actor, "export")


class BankStatementKind(_GiftKind):
    """An exported bank statement of the donations account, with a fund column added."""

    name = "donations_bank"
    label = gettext_lazy("Gifts from a bank statement")
    columns = (
        Column("day", "交易日期", ("Date", "记账日期", "入账日期", "交易时间"), required=True, parse=date,
               example="2025-05-08", width=12),
        Column("bank_ref", "流水号", ("Reference", "交易流水号", "凭证号", "银行流水号"), required=True,
               parse=optional_text(64), example="HX202505080001", width=20,
               note=gettext_lazy("The bank's reference of the transfer: importing the same one twice is refused.")),
        Column("payer", "付款人户名", ("Payer", "对方户名", "对方账户名称", "付款人"), required=True,
               parse=optional_text(100), example="某某科技有限公司", width=24),
        Column("amount", "贷方金额", ("Amount", "收入金额", "入账金额", "金额"), required=True, parse=decimal,
               example="5000.00", width=12, note=gettext_lazy("Incoming amount in yuan.")),
        Column("memo", "摘要", ("Memo", "附言", "用途", "备注"), parse=optional_text(200), example="捐赠 博爱送万家",
               width=24),
        Column("fund", "基金", ("Fund", "基金代码"), parse=optional_text(100), example="GENERAL", width=14,
               note=gettext_lazy("Code or name of the receiving fund; may be empty when a project is given.")),
        Column("project", "项目", ("Project", "项目代码"), parse=optional_text(100), example="", width=14,
               note=gettext_lazy("Code or name of the project the donor named, if any.")),
        Column("uscc", "统一社会信用代码", ("Credit code", "USCC", "信用代码"), parse=optional_text(18), width=20,
               note=gettext_lazy("Links the gift to a registered enterprise donor.")),
        Column("name_public", "公开姓名", ("Named", "Name public"), parse=boolean, example="否", width=10),
    )

    def validate_row(self, values: dict, ctx: GiftImportContext) -> dict:
        fund, project = _target(values, ctx)
        donor = ctx.donors.get((values.get("uscc") or "").upper()) if values.get("uscc") else None
        if values.get("uscc") and donor is None:
            raise RowError(_("No registered donor has this credit code: register the enterprise first."),
                           column="uscc")
        received = timezone.make_aware(timezone.datetime.combine(values["day"], timezone.datetime.min.time()))
        data = {"fund": fund, "restricted_project": project, "amount": _money(values["amount"]),
                "channel": Channel.BANK, "donor": donor, "donor_name": values["payer"], "received_at": received,
                "bank_ref": values["bank_ref"], "message": values.get("memo") or "",
                "name_public": bool(values.get("name_public"))}
        try:
            services.gifts.clean_gift(services.GiftData(**data))
        except ValidationError as exc:
            raise _row_error(exc) from None
        return {"data": data}

    def export_row(self, gift: Gift) -> list[Any]:
        return [timezone.localtime(gift.received_at).date(), gift.bank_ref, gift.donor_name, gift.amount,
                gift.message, gift.fund.code, gift.restricted_project.code if gift.restricted_project_id else "",
                gift.donor.uscc if gift.donor_id else "", _("Yes") if gift.name_public else _("No")]

    def export_queryset(self, *, actor):
        return super().export_queryset(actor=actor).exclude(bank_ref="")


class CounterSheetKind(_GiftKind):
    """Gifts received at the counter (cash, cheques, goods in kind), one per row."""

    name = "donations_counter"
    label = gettext_lazy("Gifts from a counter sheet")
    columns = (
        Column("day", "日期", ("Date", "捐赠日期"), required=True, parse=date, example="2025-05-08", width=12),
        Column("donor_name", "捐赠人", ("Donor", "捐赠人姓名", "捐赠单位"), parse=optional_text(100), example="张三",
               width=18, note=gettext_lazy("May be empty only for an anonymous gift.")),
        Column("donor_kind", "捐赠人类型", ("Donor type",), parse=choice(DonorKind.choices), example="个人",
               width=12),
        Column("id_number", "证件号码", ("ID number", "身份证号"), parse=optional_text(30), width=22,
               note=gettext_lazy("Individuals: the donor is found in, or added to, the person registry.")),
        Column("uscc", "统一社会信用代码", ("Credit code", "USCC"), parse=optional_text(18), width=20),
        Column("channel", "方式", ("Channel", "捐赠方式"), parse=choice(OFFLINE_CHANNELS), example="现金", width=10,
               note=gettext_lazy("Empty: cash; goods are always in kind.")),
        Column("amount", "金额", ("Amount", "金额（元）", "折价金额"), required=True, parse=decimal, example="200.00",
               width=12, note=gettext_lazy("Money in yuan, or the value of the goods.")),
        Column("item", "物资名称", ("Item",), parse=optional_text(60), width=14),
        Column("quantity", "数量", ("Quantity",), parse=decimal, width=10),
        Column("unit", "单位", ("Unit",), parse=optional_text(16), width=8),
        Column("valuation_basis", "估价依据", ("Valuation basis",), parse=choice(ValuationBasis.choices), width=12),
        Column("fund", "基金", ("Fund", "基金代码"), parse=optional_text(100), example="GENERAL", width=14),
        Column("project", "项目", ("Project", "项目代码"), parse=optional_text(100), width=14),
        Column("purpose", "限定用途", ("Purpose",), parse=choice(Purpose.choices), width=12),
        Column("anonymous", "匿名", ("Anonymous",), parse=boolean, example="否", width=8),
        Column("name_public", "公开姓名", ("Named",), parse=boolean, example="否", width=10),
        Column("receipt_number", "票据号", ("Receipt number", "捐赠票据号"), parse=optional_text(40), width=16),
        Column("message", "备注", ("Note", "留言"), parse=optional_text(200), width=20),
    )

    def validate_row(self, values: dict, ctx: GiftImportContext) -> dict:
        fund, project = _target(values, ctx)
        goods = bool(values.get("item"))
        data = {"fund": fund, "restricted_project": project, "amount": _money(values["amount"]),
                "channel": Channel.IN_KIND if goods else values.get("channel") or Channel.CASH,
                "donor_name": values.get("donor_name") or "", "anonymous": bool(values.get("anonymous")),
                "name_public": bool(values.get("name_public")), "restricted_purpose": values.get("purpose") or "",
                "received_at": timezone.make_aware(timezone.datetime.combine(values["day"],
                                                                             timezone.datetime.min.time())),
                "receipt_number": values.get("receipt_number") or "", "message": values.get("message") or "",
                "kind": "goods" if goods else "money", "item": values.get("item") or "",
                "quantity": values.get("quantity"), "unit": values.get("unit") or "",
                "valuation_basis": values.get("valuation_basis") or ""}
        row = {"data": data}
        self._donor(values, ctx, row)
        try:
            services.gifts.clean_gift(services.GiftData(**data))
        except ValidationError as exc:
            raise _row_error(exc) from None
        return row

    @staticmethod
    def _donor(values: dict, ctx: GiftImportContext, row: dict) -> None:
        kind = values.get("donor_kind") or DonorKind.INDIVIDUAL
        if values.get("uscc"):
            donor = ctx.donors.get(values["uscc"].upper())
            if donor is None:
                row["new_donor"] = {"kind": kind if kind != DonorKind.INDIVIDUAL else DonorKind.ENTERPRISE,
                                    "name": values.get("donor_name") or "", "uscc": values["uscc"]}
                try:
                    services.donors.clean_uscc(values["uscc"])
                except ValidationError as exc:
                    raise _row_error(exc) from None
            row["data"]["donor"] = donor
        elif values.get("id_number"):
            if kind != DonorKind.INDIVIDUAL:
                raise RowError(_("Only individuals have an ID number; use the credit code."), column="id_number")
            row["new_donor"] = {"kind": DonorKind.INDIVIDUAL, "name": values.get("donor_name") or "",
                                "id_number": values["id_number"]}

    def export_row(self, gift: Gift) -> list[Any]:
        donor = gift.donor
        return [timezone.localtime(gift.received_at).date(), gift.donor_name, donor.get_kind_display() if donor else "",
                "", donor.uscc if donor else "", gift.get_channel_display(), gift.amount, gift.item, gift.quantity,
                gift.unit, gift.get_valuation_basis_display() if gift.valuation_basis else "", gift.fund.code,
                gift.restricted_project.code if gift.restricted_project_id else "",
                gift.get_restricted_purpose_display() if gift.restricted_purpose else "",
                _("Yes") if gift.anonymous else _("No"), _("Yes") if gift.name_public else _("No"),
                gift.receipt_number, gift.message]


def register_kinds() -> None:
    from boai.core.tabular.spec import register_kind

    register_kind(BankStatementKind())
    register_kind(CounterSheetKind())
