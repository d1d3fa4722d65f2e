"""Receiving gifts: money (bank, cash, online) and goods in kind; receipts and certificates.

A money gift is, in one transaction: the gift row, a lot of its fund (carrying the donor's
restriction), a balanced journal transaction (fund up, gift income down), a `gift_received` leaf
on the transparency log (the donor as a fresh commitment), the certificate that prints the
commitment's opening, and the audit record. The log append comes late on purpose: from there on
the transaction holds the log's and the audit's serialising locks, so what follows is short.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boai.core.audit import audit_record
from boai.donations import ledger_bridge
from boai.donations.models import (
    Certificate,
    Channel,
    Fund,
    Gift,
    GiftKind,
    JournalTxn,
    Lot,
    LotSource,
    ProjectStatus,
    Purpose,
    ValuationBasis,
)
from boai.donations.models.money import ONLINE_CHANNELS
from boai.donations.money import positive_yuan, yuan_text
from boai.donations.services import journal
from boai.donations.services.common import clean_text, require

FUTURE_SLACK = dt.timedelta(minutes=5)


@dataclass
class GiftData:
    """Everything a gift may carry; services and imports fill it, `gift_receive` checks and writes it."""

    fund: Fund
    amount: Decimal
    channel: str
    donor: object = None
    donor_name: str = ""
    anonymous: bool = False
    name_public: bool = False
    restricted_project: object = None
    restricted_purpose: str = ""
    campaign: object = None
    peer_page: object = None
    received_at: dt.datetime | None = None
    kind: str = GiftKind.MONEY
    item: str = ""
    quantity: Decimal | None = None
    unit: str = ""
    valuation_basis: str = ""
    expires_on: dt.date | None = None
    receipt_number: str = ""
    bank_ref: str = ""
    gateway_txn: str = ""
    message: str = ""
    order: object = None
    extra: dict = field(default_factory=dict)


def _check_restriction(data: GiftData) -> None:
    fund, project = data.fund, data.restricted_project
    if project is not None and data.restricted_purpose:
        raise ValidationError({"restricted_purpose": _("Restrict a gift to a project or to a purpose, not both.")})
    if project is not None:
        if project.fund_id != fund.pk:
            raise ValidationError({"restricted_project": _("%(project)s is financed from %(fund)s, not from this "
                                                           "fund.") % {"project": project, "fund": project.fund}})
        if project.status == ProjectStatus.CLOSED:
            raise ValidationError({"restricted_project": _("This project is closed.")})
    if data.restricted_purpose:
        if data.restricted_purpose not in Purpose.values:
            raise ValidationError({"restricted_purpose": _("Unknown purpose.")})
        if fund.restricted and data.restricted_purpose not in fund.purposes:
            raise ValidationError({"restricted_purpose": _("This fund does not pay for that purpose.")})


def _check_goods(data: GiftData) -> None:
    if data.kind == GiftKind.MONEY:
        if data.item or data.quantity:
            raise ValidationError({"item": _("A money gift has no item or quantity.")})
        return
    data.item = clean_text(data.item, field="item", max_length=60, required=True)
    data.unit = clean_text(data.unit, field="unit", max_length=16, required=True)
    if data.quantity is None or Decimal(data.quantity) <= 0:
        raise ValidationError({"quantity": _("The quantity must be greater than zero.")})
    if data.valuation_basis not in ValuationBasis.values:
        raise ValidationError({"valuation_basis": _("Say how the goods were valued.")})
    if data.channel != Channel.IN_KIND:
        raise ValidationError({"channel": _("Goods are received in kind.")})


def clean_gift(data: GiftData) -> GiftData:
    """Every rule a gift must meet; raises a ValidationError naming the fields."""
    data.amount = positive_yuan(data.amount)
    if data.channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    if data.kind not in GiftKind.values:
        raise ValidationError({"kind": _("Unknown kind of gift.")})
    if not data.fund.is_active:
        raise ValidationError({"fund": _("This fund no longer accepts gifts.")})
    _check_restriction(data)
    _check_goods(data)
    now = timezone.now()
    data.received_at = data.received_at or now
    if data.received_at > now + FUTURE_SLACK:
        raise ValidationError({"received_at": _("A gift cannot be received in the future.")})
    data.donor_name = clean_text(data.donor_name or (data.donor.name if data.donor else ""), field="donor_name",
                                 max_length=100)
    if data.anonymous:
        data.name_public = False
    if not data.donor and not data.anonymous and not data.donor_name:
        raise ValidationError({"donor_name": _("Name the donor, or record the gift as anonymous.")})
    data.message = clean_text(data.message, field="message", max_length=200)
    data.receipt_number = clean_text(data.receipt_number, field="receipt_number", max_length=40)
    data.bank_ref = clean_text(data.bank_ref, field="bank_ref", max_length=64)
    return data


def donor_kind_on_log(gift: Gift) -> str:
    if gift.anonymous:
        return "anonymous"
    if gift.channel in ONLINE_CHANNELS:
        return "online"
    if gift.donor is not None and gift.donor.kind != "individual":
        return "organisation"
    return "individual"


def gift_payload(gift: Gift, commitment: str) -> dict:
    restricted = bool(gift.restricted_project_id or gift.restricted_purpose or gift.fund.restricted)
    payload = {"amount": yuan_text(gift.amount), "donor_kind": donor_kind_on_log(gift), "donor": commitment,
               "fund": gift.fund.name, "restricted": restricted, "ref": gift.number,
               "date": timezone.localdate(gift.received_at), "org": gift.org.code,
               "project": gift.restricted_project.name if gift.restricted_project_id else None,
               "purpose": gift.restricted_purpose or None,
               "campaign": gift.campaign.name if gift.campaign_id else None}
    if gift.kind == GiftKind.GOODS:
        payload.update(item=gift.item, quantity=f"{gift.quantity}", unit=gift.unit)
    return payload


def _new_gift(data: GiftData, actor) -> Gift:
    fields = {k: getattr(data, k) for k in (
        "fund", "amount", "channel", "donor", "donor_name", "anonymous", "name_public", "restricted_project",
        "restricted_purpose", "campaign", "peer_page", "received_at", "kind", "item", "quantity", "unit",
        "valuation_basis", "expires_on", "receipt_number", "bank_ref", "gateway_txn", "message", "order")}
    gift = Gift(org=data.fund.org, created_by=actor if getattr(actor, "pk", None) else None, **fields)
    if data.receipt_number:
        gift.receipt_issued_on = timezone.localdate()
    try:
        with transaction.atomic():
            gift.save(force_insert=True)
    except IntegrityError:
        raise ValidationError(_("This gift is already recorded (same bank reference, receipt number or payment)."),
                              code="duplicate") from None
    return gift


def _post_money(gift: Gift) -> None:
    journal.post(org=gift.org, kind=JournalTxn.Kind.GIFT, at=gift.received_at,
                 lines=[(gift.fund.account, gift.amount), (journal.income_account(gift.org), -gift.amount)])


def _set_entry(gift: Gift, lot: Lot | None, entry: int) -> None:
    """The log entry on the gift and its lot, in one statement on PostgreSQL."""
    if connection.vendor == "postgresql" and lot is not None:
        with connection.cursor() as cursor:
            cursor.execute("WITH g AS (UPDATE donations_gift SET ledger_entry = %s WHERE id = %s) "
                           "UPDATE donations_lot SET ledger_entry = %s WHERE id = %s", [entry, gift.pk, entry, lot.pk])
        return
    Gift.objects.filter(pk=gift.pk).update(ledger_entry=entry)
    if lot is not None:
        Lot.objects.filter(pk=lot.pk).update(ledger_entry=entry)


def _new_lot(gift: Gift) -> Lot:
    return Lot.objects.create(account=gift.fund.account, source=LotSource.GIFT, gift=gift,
                              restricted_project=gift.restricted_project, restricted_purpose=gift.restricted_purpose,
                              amount=gift.amount, remaining=gift.amount, ledger_entry=gift.ledger_entry,
                              created_at=gift.received_at)


def _certificate(gift: Gift, commitment: ledger_bridge.Commitment | None, token: str) -> Certificate:
    holder = gift.donor_name or (gift.donor.name if gift.donor_id else "") or _("Kind-hearted donor")
    return Certificate.objects.create(gift=gift, token=token, holder=holder,
                                      opening=commitment.opening if commitment else "",
                                      commitment=commitment.commitment if commitment else "",
                                      issued_at=timezone.now())


def gift_receive(*, actor, data: GiftData) -> Gift:
    """Record one gift (inside the caller's transaction or a new one); see the module docstring."""
    with transaction.atomic():
        require(actor, "donations.add", data.fund.org, field="fund")
        data = clean_gift(data)
        gift = _new_gift(data, actor)
        token = secrets.token_urlsafe(16)
        party = f"donor:{gift.donor_id}" if gift.donor_id else f"gift:{token}"
        commitment = ledger_bridge.commit(party) if ledger_bridge.enabled() else None
        _certificate(gift, commitment, token)
        lot = _new_lot(gift) if gift.kind == GiftKind.MONEY else None
        if lot is not None:  # the account row is locked before the log's and the audit's serialising locks
            _post_money(gift)
        # The gift's audit record names its log entry (`ledger_entry` in the snapshot), so the append writes
        # none of its own; the audit chain's lock is taken last, by that one record, just before commit.
        entry = ledger_bridge.append(event_type=ledger_bridge.GIFT, actor=actor, audit=False,
                                     payload=gift_payload(gift, commitment.commitment if commitment else None))
        if entry is not None:
            gift.ledger_entry = entry
            _set_entry(gift, lot, entry)
        audit_record(actor=actor, action="donations.gift.receive", obj=gift, after=gift.snapshot())
    return gift


@transaction.atomic
def gift_set_receipt(*, actor, gift: Gift, receipt_number: str, issued_on: dt.date | None = None) -> Gift:
    """Record the official receipt (捐赠票据) issued for a gift."""
    gift = Gift.objects.select_for_update().get(pk=gift.pk)
    require(actor, "donations.change", gift.org)
    number = clean_text(receipt_number, field="receipt_number", max_length=40, required=True)
    issued_on = issued_on or timezone.localdate()
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("A receipt cannot be issued in the future.")})
    if Gift.objects.filter(org=gift.org, receipt_number=number).exclude(pk=gift.pk).exists():
        raise ValidationError({"receipt_number": _("This receipt number is already recorded for another gift.")})
    before = {"receipt_number": gift.receipt_number, "receipt_issued_on": gift.receipt_issued_on}
    gift.receipt_number, gift.receipt_issued_on = number, issued_on
    gift.save(update_fields=["receipt_number", "receipt_issued_on"])
    audit_record(actor=actor, action="donations.gift.receipt", obj=gift, before=before,
                 after={"receipt_number": number, "receipt_issued_on": issued_on})
    return gift
