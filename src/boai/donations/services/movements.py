"""Moving money: allocations from a fund to a project or a relief purpose, spending out of a
project or relief purpose (second approval above a threshold, a cap on management costs),
recipients' acknowledgements, and goods given in kind received into store and issued.

Each movement locks the accounts it touches (ascending id), checks what the source may pay for
this target, draws the lots (pooling pro rata), posts a balanced journal transaction, appends its
leaf to the transparency log with the drawn lots as parents, and writes its audit record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from boai.core.audit import audit_record
from boai.donations import ledger_bridge
from boai.donations.models import (
    Acknowledgement,
    Allocation,
    AllocationDraw,
    Fund,
    Gift,
    GiftKind,
    GoodsMovement,
    JournalTxn,
    Lot,
    LotSource,
    PayeeKind,
    Project,
    ProjectStatus,
    Purpose,
    Spending,
    SpendingCategory,
    SpendingDraw,
    SpendingStatus,
    Voucher,
)
from boai.donations.money import positive_yuan, yuan_text
from boai.donations.services import journal, lots
from boai.donations.services.common import clean_text, require, under


def approval_threshold() -> Decimal:
    return Decimal(str(getattr(settings, "BOAI_DONATIONS_APPROVAL_THRESHOLD", "50000")))


# --- allocations --------------------------------------------------------------------------------

def allocation_classes(*, project: Project | None, purpose: str) -> list[Q]:
    """The lots a target may use, in the order they are drawn: the donor's restriction first."""
    if project is not None:
        return [Q(restricted_project=project), Q(restricted_project=None, restricted_purpose=project.purpose),
                Q(restricted_project=None, restricted_purpose="")]
    return [Q(restricted_project=None, restricted_purpose=purpose), Q(restricted_project=None, restricted_purpose="")]


def _check_target(fund: Fund, project: Project | None, purpose: str) -> None:
    if (project is None) == (not purpose):
        raise ValidationError(_("Allocate either to a project or to a relief purpose."))
    if project is not None:
        if project.status == ProjectStatus.CLOSED:
            raise ValidationError({"project": _("This project is closed.")})
        if not under(project.org, fund.org):
            raise ValidationError({"project": _("This fund cannot finance a project of another organisation.")})
        if fund.restricted and project.fund_id != fund.pk and project.purpose not in fund.purposes:
            raise ValidationError({"project": _("%(fund)s is restricted: it pays only for its own projects and "
                                                "the purposes it names.") % {"fund": fund}})
        return
    if purpose not in Purpose.values:
        raise ValidationError({"relief_purpose": _("Unknown purpose.")})
    if fund.restricted and purpose not in fund.purposes:
        raise ValidationError({"relief_purpose": _("%(fund)s does not pay for this purpose.") % {"fund": fund}})


def allocation_payload(allocation: Allocation) -> dict:
    fund = allocation.fund
    return {"amount": yuan_text(allocation.amount), "fund": fund.name, "ref": str(allocation),
            "project": allocation.project.name if allocation.project_id else None,
            "purpose": allocation.relief_purpose or None, "date": timezone.localdate(allocation.created_at),
            "org": fund.org.code}


@transaction.atomic
def allocation_create(*, actor, fund: Fund, amount, project: Project | None = None, relief_purpose: str = "",
                      note: str = "", relief_ref: str = "") -> Allocation:
    """Move money from `fund` to a project or to a relief purpose of the fund's organisation."""
    require(actor, "donations.allocate", fund.org, field="fund")
    amount = positive_yuan(amount)
    _check_target(fund, project, relief_purpose)
    source = fund.account
    target = project.account if project is not None else journal.relief_account(fund.org, relief_purpose)
    locked = journal.lock_accounts([source, target])
    classes = allocation_classes(project=project, purpose=relief_purpose)
    usable = lots.available(source, classes)
    if usable < amount:
        raise ValidationError({"amount": _("%(fund)s can give at most ¥%(usable)s to this target (balance ¥%("
                                           "balance)s; the rest is restricted to other purposes).")
                               % {"fund": fund, "usable": f"{usable:,.2f}",
                                  "balance": f"{locked[source.pk].balance:,.2f}"}})
    draws = lots.draw(source, classes, amount, actor=actor)
    now = timezone.now()
    txn = journal.post(org=fund.org, kind=JournalTxn.Kind.ALLOCATION, at=now,
                       lines=[(source, -amount), (target, amount)])
    allocation = Allocation.objects.create(
        org=fund.org, fund=fund, project=project, relief_purpose=relief_purpose, target=target, amount=amount,
        note=clean_text(note, field="note", max_length=200), relief_ref=clean_text(relief_ref, field="relief_ref",
                                                                                   max_length=64),
        txn=txn, created_by=actor if getattr(actor, "pk", None) else None, created_at=now)
    AllocationDraw.objects.bulk_create([AllocationDraw(allocation=allocation, lot=lot, amount=a) for lot, a in draws])
    entry = ledger_bridge.append(event_type=ledger_bridge.ALLOCATION, payload=allocation_payload(allocation),
                                 parents=[(lot.ledger_entry, a) for lot, a in draws], actor=actor)
    Lot.objects.create(account=target, source=LotSource.ALLOCATION, allocation=allocation, amount=amount,
                       remaining=amount, ledger_entry=entry, created_at=now)
    if entry is not None:
        Allocation.objects.filter(pk=allocation.pk).update(ledger_entry=entry)
        allocation.ledger_entry = entry
    audit_record(actor=actor, action="donations.allocation.create", obj=allocation,
                 after={"fund": fund.pk, "project": getattr(project, "pk", None), "relief_purpose": relief_purpose,
                        "amount": amount, "draws": [[lot.pk, a] for lot, a in draws], "ledger_entry": entry})
    return allocation


# --- spending -----------------------------------------------------------------------------------

def _check_management_cap(project: Project | None, amount: Decimal, category: str) -> None:
    if category != SpendingCategory.MANAGEMENT or project is None:
        return
    received = project.allocations.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    spent = (Spending.objects.filter(project=project, category=SpendingCategory.MANAGEMENT)
             .exclude(status=SpendingStatus.REJECTED).aggregate(s=Sum("amount"))["s"] or Decimal(0))
    cap = (received * project.fund.management_cap / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if spent + amount > cap:
        raise ValidationError({"amount": _("Management costs of this project may not exceed %(pct)s%% of what it "
                                           "received (¥%(cap)s); ¥%(spent)s is already used.")
                               % {"pct": project.fund.management_cap, "cap": cap, "spent": spent}})


def _voucher_rows(spending: Spending, files, actor) -> list[Voucher]:
    rows = []
    for upload in files or ():
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        voucher = Voucher(spending=spending, name=upload.name[:120], sha256=digest.hexdigest(),
                          uploaded_by=actor if getattr(actor, "pk", None) else None)
        voucher.file.save(upload.name, upload, save=False)
        rows.append(voucher)
    return Voucher.objects.bulk_create(rows)


def _clean_spending(spending: Spending) -> None:
    spending.purpose = clean_text(spending.purpose, field="purpose", max_length=100, required=True)
    spending.payee_name = clean_text(spending.payee_name, field="payee_name", max_length=100)
    if spending.payee_kind not in PayeeKind.values:
        raise ValidationError({"payee_kind": _("Unknown payee type.")})
    if spending.category not in SpendingCategory.values:
        raise ValidationError({"category": _("Unknown category.")})
    if spending.payee_kind != PayeeKind.RECIPIENT and not spending.payee_name:
        raise ValidationError({"payee_name": _("Name the supplier or organisation paid.")})
    if spending.region and (len(spending.region) != 6 or not spending.region.isdigit()):
        raise ValidationError({"region": _("A GB/T 2260 division code has six digits.")})
    if spending.project_id and spending.project.status == ProjectStatus.CLOSED:
        raise ValidationError({"project": _("This project is closed.")})


@transaction.atomic
def spending_request(*, actor, amount, purpose: str, payee_kind: str, project: Project | None = None,
                     org=None, relief_purpose: str = "", category: str = SpendingCategory.PROGRAMME,
                     payee_name: str = "", region: str = "", relief_ref: str = "", recipient_commitment: str = "",
                     vouchers=()) -> Spending:
    """Request a payment. Below the approval threshold it is paid at once; above it waits for a second
    approver (finance) who is not the requester."""
    org = project.org if project is not None else org
    if (project is None) == (not relief_purpose):
        raise ValidationError(_("Pay either out of a project or out of a relief purpose."))
    require(actor, "donations.spend", org, field="project")
    amount = positive_yuan(amount)
    source = project.account if project is not None else journal.relief_account(org, relief_purpose)
    spending = Spending(org=org, project=project, relief_purpose=relief_purpose, source=source, amount=amount,
                        category=category, purpose=purpose, payee_kind=payee_kind, payee_name=payee_name,
                        region=region or "", relief_ref=relief_ref or "", recipient_commitment=recipient_commitment,
                        status=SpendingStatus.PENDING, requested_at=timezone.now(),
                        requested_by=actor if getattr(actor, "pk", None) else None)
    _clean_spending(spending)
    locked = journal.lock_accounts([source])[source.pk]
    if locked.balance < amount:
        raise ValidationError({"amount": _("Only ¥%(balance)s is available in %(source)s.")
                               % {"balance": locked.balance, "source": spending.source_label}})
    _check_management_cap(project, amount, category)
    spending.save()
    _voucher_rows(spending, vouchers, actor)
    audit_record(actor=actor, action="donations.spending.request", obj=spending,
                 after={"amount": amount, "source": str(spending.source_label), "category": category})
    if amount < approval_threshold():
        _pay(spending, actor=actor)
    else:
        _ask_approval(spending)
    return spending


def _pay(spending: Spending, *, actor) -> None:
    source = journal.lock_accounts([spending.source])[spending.source_id]
    if source.balance < spending.amount:
        raise ValidationError({"amount": _("Only ¥%(balance)s is available in %(source)s.")
                               % {"balance": source.balance, "source": spending.source_label}})
    draws = lots.draw(source, [Q()], spending.amount, actor=actor)
    now = timezone.now()
    txn = journal.post(org=spending.org, kind=JournalTxn.Kind.SPENDING, at=now,
                       lines=[(source, -spending.amount), (journal.expense_account(spending.org), spending.amount)])
    SpendingDraw.objects.bulk_create([SpendingDraw(spending=spending, lot=lot, amount=a) for lot, a in draws])
    entry = ledger_bridge.append(event_type=ledger_bridge.DISBURSEMENT, payload=spending_payload(spending),
                                 parents=[(lot.ledger_entry, a) for lot, a in draws], actor=actor)
    spending.status, spending.paid_at, spending.txn, spending.ledger_entry = SpendingStatus.PAID, now, txn, entry
    spending.save(update_fields=["status", "paid_at", "txn", "ledger_entry"])
    audit_record(actor=actor, action="donations.spending.pay", obj=spending,
                 after={"amount": spending.amount, "draws": [[lot.pk, a] for lot, a in draws], "ledger_entry": entry})


def spending_payload(spending: Spending) -> dict:
    docs = [f"sha256:{v}" for v in spending.vouchers.values_list("sha256", flat=True)][:20]
    return {"amount": yuan_text(spending.amount), "payee_kind": spending.payee_kind,
            "recipient": spending.recipient_commitment or None, "purpose": spending.purpose,
            "project": spending.project.name if spending.project_id else None, "region": spending.region or None,
            "ref": str(spending), "docs": docs or None, "date": timezone.localdate(), "org": spending.org.code}


def _ask_approval(spending: Spending) -> None:
    from boai.core.notifications import notify
    from boai.donations.selectors import users_with_perm

    approvers = [u for u in users_with_perm(spending.org, "finance.approve") if u.pk != spending.requested_by_id]
    notify(recipients=approvers, category="donations.approval",
           title=_("Payment of ¥%(amount)s awaits your approval") % {"amount": spending.amount},
           body=f"{spending.source_label}: {spending.purpose}", url=spending.get_absolute_url())


@transaction.atomic
def spending_approve(*, actor, spending: Spending) -> Spending:
    spending = Spending.objects.select_for_update(of=("self",)).select_related("org", "project").get(pk=spending.pk)
    require(actor, "finance.approve", spending.org)
    if spending.status != SpendingStatus.PENDING:
        raise ValidationError(_("This payment is not waiting for approval."))
    if actor is not None and actor.pk == spending.requested_by_id:
        raise ValidationError(_("A payment needs a second approver: you requested this one."))
    journal.lock_accounts([spending.source])  # accounts before the audit chain, as every movement does
    spending.approved_by, spending.decided_at = actor, timezone.now()
    spending.save(update_fields=["approved_by", "decided_at"])
    audit_record(actor=actor, action="donations.spending.approve", obj=spending, after={"amount": spending.amount})
    _pay(spending, actor=actor)
    return spending


@transaction.atomic
def spending_reject(*, actor, spending: Spending, reason: str) -> Spending:
    spending = Spending.objects.select_for_update().get(pk=spending.pk)
    require(actor, "finance.approve", spending.org)
    if spending.status != SpendingStatus.PENDING:
        raise ValidationError(_("This payment is not waiting for approval."))
    spending.reject_reason = clean_text(reason, field="reason", max_length=200, required=True)
    spending.status, spending.approved_by, spending.decided_at = SpendingStatus.REJECTED, actor, timezone.now()
    spending.save(update_fields=["reject_reason", "status", "approved_by", "decided_at"])
    audit_record(actor=actor, action="donations.spending.reject", obj=spending, reason=spending.reject_reason)
    return spending


# --- acknowledgements ---------------------------------------------------------------------------

@transaction.atomic
def acknowledgement_record(*, actor, spending: Spending, method: str, acknowledged_on: dt.date | None = None,
                           note: str = "", recipient_party: str = "") -> Acknowledgement:
    """The recipient confirmed receipt. `recipient_party` (e.g. "person:12") becomes a fresh commitment."""
    require(actor, "donations.add", spending.org)
    if spending.status != SpendingStatus.PAID:
        raise ValidationError(_("Only a payment that was made can be acknowledged."))
    if method not in Acknowledgement.Method.values:
        raise ValidationError({"method": _("Unknown method.")})
    acknowledged_on = acknowledged_on or timezone.localdate()
    if acknowledged_on > timezone.localdate() or acknowledged_on < timezone.localdate(spending.paid_at):
        raise ValidationError({"acknowledged_on": _("The date must be between the payment and today.")})
    commitment = ledger_bridge.commit(recipient_party).commitment if recipient_party else ""
    commitment = commitment or spending.recipient_commitment
    ack = Acknowledgement(org=spending.org, spending=spending, method=method, acknowledged_on=acknowledged_on,
                          note=clean_text(note, field="note", max_length=200), recipient_commitment=commitment,
                          created_by=actor if getattr(actor, "pk", None) else None)
    ack.save()
    entry = ledger_bridge.append(event_type=ledger_bridge.ACKNOWLEDGEMENT, actor=actor,
                                 parents=[(spending.ledger_entry, None)],
                                 payload={"recipient": commitment or None, "date": acknowledged_on,
                                          "org": spending.org.code, "ref": f"{spending}/ACK{ack.pk}"})
    if entry is not None:
        Acknowledgement.objects.filter(pk=ack.pk).update(ledger_entry=entry)
        ack.ledger_entry = entry
    audit_record(actor=actor, action="donations.acknowledgement.create", obj=ack,
                 after={"spending": spending.pk, "method": method, "ledger_entry": entry})
    return ack


# --- goods in kind ------------------------------------------------------------------------------

@transaction.atomic
def goods_receive(*, actor, gift: Gift, warehouse: str) -> GoodsMovement:
    """Goods given in kind go into a warehouse (the whole gift, once)."""
    gift = Gift.objects.select_for_update().select_related("org").get(pk=gift.pk)
    require(actor, "donations.add", gift.org)
    if gift.kind != GiftKind.GOODS:
        raise ValidationError(_("Only goods in kind go into a warehouse."))
    if gift.goods_movements.filter(kind=GoodsMovement.Kind.RECEIVED).exists():
        raise ValidationError(_("These goods are already in store."))
    warehouse = clean_text(warehouse, field="warehouse", max_length=100, required=True)
    move = GoodsMovement.objects.create(org=gift.org, gift=gift, kind=GoodsMovement.Kind.RECEIVED,
                                        quantity=gift.quantity, remaining=gift.quantity, amount=gift.amount,
                                        warehouse=warehouse, created_by=_user(actor), created_at=timezone.now())
    entry = ledger_bridge.append(event_type=ledger_bridge.GOODS_RECEIVED, actor=actor, parents=[(gift.ledger_entry,
                                                                                                   None)],
                                 payload={"amount": yuan_text(gift.amount), "item": gift.item,
                                          "quantity": f"{gift.quantity}", "unit": gift.unit, "warehouse": warehouse,
                                          "org": gift.org.code, "date": timezone.localdate()})
    _set_entry(move, entry)
    audit_record(actor=actor, action="donations.goods.receive", obj=move, after={"gift": gift.pk,
                                                                                 "warehouse": warehouse})
    return move


@transaction.atomic
def goods_issue(*, actor, received: GoodsMovement, quantity, purpose: str, project: Project | None = None
                ) -> GoodsMovement:
    received = GoodsMovement.objects.select_for_update().select_related("gift", "org").get(pk=received.pk)
    require(actor, "donations.spend", received.org)
    quantity = Decimal(str(quantity))
    if received.kind != GoodsMovement.Kind.RECEIVED:
        raise ValidationError(_("Goods are issued from what was received into store."))
    if not Decimal(0) < quantity <= received.remaining:
        raise ValidationError({"quantity": _("Between 0 and %(left)s %(unit)s are in store.")
                               % {"left": received.remaining, "unit": received.gift.unit}})
    issued_value = received.issues.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    value = (received.amount - issued_value if quantity == received.remaining else
             (received.amount * quantity / received.quantity).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    purpose = clean_text(purpose, field="purpose", max_length=100, required=True)
    move = GoodsMovement.objects.create(org=received.org, gift=received.gift, kind=GoodsMovement.Kind.ISSUED,
                                        parent=received, quantity=quantity, amount=value, purpose=purpose,
                                        project=project, warehouse=received.warehouse, created_by=_user(actor),
                                        created_at=timezone.now())
    received.remaining -= quantity
    received.save(update_fields=["remaining"])
    gift = received.gift
    entry = ledger_bridge.append(event_type=ledger_bridge.GOODS_ISSUED, actor=actor,
                                 parents=[(received.ledger_entry, None)],
                                 payload={"amount": yuan_text(value), "item": gift.item, "quantity": f"{quantity}",
                                          "unit": gift.unit, "purpose": purpose, "warehouse": received.warehouse,
                                          "project": project.name if project else None, "org": received.org.code})
    _set_entry(move, entry)
    audit_record(actor=actor, action="donations.goods.issue", obj=move, after={"quantity": quantity, "value": value})
    return move


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _set_entry(move: GoodsMovement, entry: int | None) -> None:
    if entry is not None:
        GoodsMovement.objects.filter(pk=move.pk).update(ledger_entry=entry)
        move.ledger_entry = entry
