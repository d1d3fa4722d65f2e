"""Online giving: payment orders, gateway notifications, order queries, daily reconciliation.

A notification is verified by its gateway (signature; for WeChat the encrypted resource), then
matched under a row lock on the order: the order must exist, the merchant and app ids must be
ours, the amount and currency exactly the order's. The first good one records the gift; later
deliveries of the same payment find the order paid and change nothing (and the unique gateway
transaction id on gifts makes a second gift impossible even without the lock). Anything forged or
mismatching changes nothing, is written to the audit log with the reason, and gets the gateway's
failure answer.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boai.core.audit import audit_record
from boai.donations.models import (
    Campaign,
    Fund,
    Gift,
    OrderStatus,
    PaymentOrder,
    PeerPage,
    Project,
    ProjectStatus,
    ReconciliationIssue,
    ReconciliationRun,
)
from boai.donations.money import positive_yuan, to_fen
from boai.donations.payments import GatewayResponse, NotificationRejected, OrderRequest, PaidNotice, get_gateway
from boai.donations.payments.base import GatewayError
from boai.donations.services.common import clean_text
from boai.donations.services.gifts import GiftData, gift_receive
from boai.people.identity import check_mobile
from boai.people.protect import mobile_blind

logger = logging.getLogger("boai.donations.payments")


def online_maximum():
    return positive_yuan(getattr(settings, "BOAI_DONATIONS_ONLINE_MAX", "50000"))


@dataclass(frozen=True)
class NewOrder:
    order: PaymentOrder
    pay_url: str


def _new_trade_no() -> str:
    return f"BA{timezone.localtime():%Y%m%d%H%M%S}{secrets.randbelow(10**10):010d}"


def _check_target(fund: Fund, project: Project | None, campaign: Campaign | None, peer_page: PeerPage | None) -> None:
    if not fund.is_active or not fund.is_public:
        raise ValidationError({"fund": _("This fund does not accept online gifts.")})
    if project is not None and (not project.accepts_online or project.status == ProjectStatus.CLOSED
                                or not project.is_public or project.fund_id != fund.pk):
        raise ValidationError({"project": _("This project does not accept online gifts now.")})
    if campaign is not None and not campaign.is_open():
        raise ValidationError({"campaign": _("This campaign is not open for gifts now.")})
    if peer_page is not None and (not peer_page.is_active or peer_page.project_id != getattr(project, "pk", None)):
        raise ValidationError({"peer_page": _("This fundraising page is closed.")})


def order_create(*, channel: str, fund: Fund, amount, notify_url: str, return_url_for, project: Project | None = None,
                 campaign: Campaign | None = None, peer_page: PeerPage | None = None, donor_name: str = "",
                 anonymous: bool = False, name_public: bool = False, mobile: str = "", message: str = "",
                 client_ip: str = "127.0.0.1") -> NewOrder:
    """A donor's online gift, before payment: the order, and where the donor goes to pay
    (`return_url_for(order)` is where the gateway sends the donor back)."""
    try:
        gateway = get_gateway(channel)
    except KeyError:
        raise ValidationError({"channel": _("This payment method is not available.")}) from None
    try:
        amount = positive_yuan(amount)
    except ValidationError as exc:
        raise ValidationError({"amount": exc.messages}) from None
    if amount > online_maximum():
        raise ValidationError({"amount": _("Online gifts are limited to ¥%(max)s; for more, please give by bank "
                                           "transfer.") % {"max": online_maximum()}})
    _check_target(fund, project, campaign, peer_page)
    try:
        mobile = check_mobile(mobile) if mobile else ""
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages}) from None
    with transaction.atomic():
        order = PaymentOrder.objects.create(
            org=fund.org, out_trade_no=_new_trade_no(), channel=channel, amount=amount, fund=fund, project=project,
            campaign=campaign, peer_page=peer_page, anonymous=anonymous, name_public=name_public and not anonymous,
            donor_name=clean_text(donor_name, field="donor_name", max_length=40), mobile=mobile,
            mobile_blind=mobile_blind(mobile) if mobile else "", access_token=secrets.token_urlsafe(16),
            message=clean_text(message, field="message", max_length=200), created_at=timezone.now())
        audit_record(actor=None, action="donations.order.create", obj=order, org=fund.org,
                     after={"channel": channel, "amount": amount, "fund": fund.pk, "project": getattr(project, "pk",
                                                                                                      None)})
    description = f"{project or fund} · {_('Donation')}"
    try:
        created = gateway.create_order(OrderRequest(out_trade_no=order.out_trade_no, amount_fen=to_fen(amount),
                                                    description=description, notify_url=notify_url,
                                                    return_url=return_url_for(order), client_ip=client_ip))
    except GatewayError:
        logger.exception("creating %s order %s failed", channel, order.out_trade_no)
        raise ValidationError(_("The payment service is not answering; please try again in a moment.")) from None
    return NewOrder(order, created.pay_url)


# --- notifications --------------------------------------------------------------------------------

def notification_receive(*, channel: str, headers, body: bytes) -> GatewayResponse:
    """Handle one delivery of a gateway notification; returns what to answer the gateway."""
    try:
        gateway = get_gateway(channel)
    except KeyError:
        return GatewayResponse(status=404, body=b"unknown channel")
    notice = None
    try:
        notice = gateway.verify_notification(headers, body)
        if notice is not None:
            payment_confirm(channel=channel, notice=notice)
    except NotificationRejected as exc:
        _log_rejection(channel, exc.reason, notice=notice)
        return gateway.failure_response(exc.reason)
    return gateway.success_response()


def _log_rejection(channel: str, reason: str, *, notice: PaidNotice | None) -> None:
    order = PaymentOrder.objects.filter(channel=channel, out_trade_no=notice.out_trade_no).select_related(
        "org").first() if notice else None
    audit_record(actor=None, action="donations.payment.rejected", object_type="donations.paymentorder",
                 object_id=str(order.pk) if order else "", object_repr=notice.out_trade_no if notice else channel,
                 org=order.org if order else None, reason=reason,
                 after={"channel": channel, "out_trade_no": getattr(notice, "out_trade_no", ""),
                        "transaction_id": getattr(notice, "transaction_id", ""),
                        "amount_fen": getattr(notice, "amount_fen", None)})


def _check_notice(order: PaymentOrder | None, notice: PaidNotice, channel: str) -> None:
    gateway = get_gateway(channel)
    if order is None:
        raise NotificationRejected(f"no order {notice.out_trade_no}")
    if notice.merchant != gateway.merchant or notice.app_id != gateway.app_id:
        raise NotificationRejected(f"merchant {notice.merchant}/{notice.app_id} is not ours")
    if notice.state != "SUCCESS" or notice.currency not in ("CNY", ""):
        raise NotificationRejected(f"state {notice.state} currency {notice.currency}")
    if notice.amount_fen != to_fen(order.amount):
        raise NotificationRejected(f"amount {notice.amount_fen} fen, the order is {to_fen(order.amount)} fen")
    if not notice.transaction_id:
        raise NotificationRejected("no gateway transaction id")


def payment_confirm(*, channel: str, notice: PaidNotice) -> Gift | None:
    """The gateway says an order was paid: record the gift once (None when it was already recorded)."""
    with transaction.atomic():
        order = PaymentOrder.objects.select_for_update().filter(channel=channel,
                                                                 out_trade_no=notice.out_trade_no).first()
        _check_notice(order, notice, channel)
        if order.status == OrderStatus.PAID:
            if order.transaction_id != notice.transaction_id:
                _double_payment(order, notice)
            return None
        order.status, order.paid_at, order.transaction_id = OrderStatus.PAID, notice.paid_at, notice.transaction_id
        order.save(update_fields=["status", "paid_at", "transaction_id"])
        gift = gift_receive(actor=None, data=_gift_data(order, notice, channel))
        if order.mobile:
            from boai.donations.tasks import thank_donor

            transaction.on_commit(lambda: thank_donor.delay(gift.pk))
        return gift


def _gift_data(order: PaymentOrder, notice: PaidNotice, channel: str) -> GiftData:
    """The gift an order becomes (a few primary-key reads: cheaper to plan than one wide join)."""
    order.fund = Fund.objects.select_related("org", "account").get(pk=order.fund_id)
    order.org = order.fund.org if order.org_id == order.fund.org_id else order.org
    order.project = Project.objects.get(pk=order.project_id) if order.project_id else None
    order.campaign = Campaign.objects.get(pk=order.campaign_id) if order.campaign_id else None
    donor = None
    if order.mobile and not order.anonymous:
        from boai.donations.services.donors import donor_for_mobile

        donor = donor_for_mobile(org=order.org, name=order.donor_name, mobile=order.mobile)
    return GiftData(fund=order.fund, amount=order.amount, channel=channel, donor=donor,
                    donor_name=order.donor_name or ("" if order.anonymous else _("Kind-hearted donor")),
                    anonymous=order.anonymous, name_public=order.name_public, restricted_project=order.project,
                    campaign=order.campaign, peer_page=PeerPage(pk=order.peer_page_id) if order.peer_page_id else None,
                    received_at=notice.paid_at,
                    gateway_txn=notice.transaction_id, message=order.message, order=order)


def _double_payment(order: PaymentOrder, notice: PaidNotice) -> None:
    """A second, different payment of one order: the money arrived, so it is acknowledged, and flagged."""
    run, _created = ReconciliationRun.objects.get_or_create(channel=order.channel,
                                                            bill_date=timezone.localdate(notice.paid_at))
    ReconciliationIssue.objects.get_or_create(
        run=run, kind=ReconciliationIssue.Kind.UNKNOWN_ORDER, transaction_id=notice.transaction_id,
        defaults={"org": order.org, "out_trade_no": order.out_trade_no, "actual": order.amount,
                  "note": _("A second payment of an order that was already paid: refund it.")})
    audit_record(actor=None, action="donations.payment.double", obj=order, reason="second payment of a paid order",
                 after={"transaction_id": notice.transaction_id})


def order_refresh(order: PaymentOrder) -> PaymentOrder:
    """Ask the gateway about an unpaid order (the donor is back before the notification): record it if paid."""
    if order.status == OrderStatus.PAID:
        return order
    try:
        state = get_gateway(order.channel).query_order(order.out_trade_no)
    except GatewayError:
        logger.warning("query of %s order %s failed", order.channel, order.out_trade_no, exc_info=True)
        return order
    if state.state == "SUCCESS":
        try:
            payment_confirm(channel=order.channel, notice=state.as_notice())
        except NotificationRejected as exc:
            _log_rejection(order.channel, exc.reason, notice=state.as_notice())
    order.refresh_from_db()
    return order


# --- reconciliation -------------------------------------------------------------------------------

def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), dt.timezone(dt.timedelta(hours=8)))
    return start, start + dt.timedelta(days=1)


def reconcile(*, channel: str, day: dt.date, actor=None) -> ReconciliationRun:
    """Compare the gateway's statement of `day` with the gifts recorded; flag every mismatch."""
    lines = get_gateway(channel).fetch_statement(day)
    for line in lines:  # a payment whose notification never came: ask for it now
        if not Gift.objects.filter(channel=channel, gateway_txn=line.transaction_id).exists():
            order = PaymentOrder.objects.filter(channel=channel, out_trade_no=line.out_trade_no).first()
            if order is not None:
                order_refresh(order)
    start, end = _day_bounds(day)
    with transaction.atomic():
        run, _created = ReconciliationRun.objects.select_for_update().get_or_create(channel=channel, bill_date=day)
        run.issue_rows.filter(resolved=False).delete()
        gifts = {g.gateway_txn: g for g in Gift.objects.filter(channel=channel, received_at__gte=start,
                                                               received_at__lt=end).select_related("order")}
        issues = _compare(run, lines, gifts, channel)
        ReconciliationIssue.objects.bulk_create(issues)
        run.lines, run.issues, run.matched = len(lines), len(issues), len(lines) - sum(
            1 for i in issues if i.kind != ReconciliationIssue.Kind.UNKNOWN_PAYMENT)
        run.save(update_fields=["lines", "issues", "matched"])
        audit_record(actor=actor, action="donations.reconciliation.run", object_type="donations.reconciliationrun",
                     object_id=str(run.pk), object_repr=str(run),
                     after={"lines": run.lines, "matched": run.matched, "issues": run.issues})
    if issues:
        _notify_finance(run, issues)
    return run


def _compare(run, lines, gifts: dict, channel: str) -> list[ReconciliationIssue]:
    from boai.donations.money import from_fen
    from boai.orgs.models import Org

    issues = []
    root = Org.objects.filter(depth=1).first()
    orders = {o.out_trade_no: o for o in PaymentOrder.objects.filter(
        channel=channel, out_trade_no__in=[line.out_trade_no for line in lines])}
    seen = set()
    for line in lines:
        gift = gifts.get(line.transaction_id) or Gift.objects.filter(channel=channel,
                                                                     gateway_txn=line.transaction_id).first()
        order = orders.get(line.out_trade_no)
        seen.add(line.transaction_id)
        kind = None
        if order is None:
            kind = ReconciliationIssue.Kind.UNKNOWN_ORDER
        elif gift is None:
            kind = ReconciliationIssue.Kind.MISSING_GIFT
        elif to_fen(gift.amount) != line.amount_fen:
            kind = ReconciliationIssue.Kind.AMOUNT
        if kind:
            issues.append(ReconciliationIssue(run=run, kind=kind, org=getattr(order, "org", None) or root,
                                              out_trade_no=line.out_trade_no, transaction_id=line.transaction_id,
                                              expected=gift.amount if gift else None, actual=from_fen(line.amount_fen)))
    for txn, gift in gifts.items():
        if txn not in seen:
            issues.append(ReconciliationIssue(run=run, kind=ReconciliationIssue.Kind.UNKNOWN_PAYMENT, org=gift.org,
                                              out_trade_no=getattr(gift.order, "out_trade_no", ""), transaction_id=txn,
                                              expected=gift.amount))
    return issues


def _notify_finance(run: ReconciliationRun, issues) -> None:
    from boai.core.notifications import notify
    from boai.donations.selectors import users_with_perm

    by_org = {}
    for issue in issues:
        if issue.org is not None:
            by_org.setdefault(issue.org.pk, issue.org)
    recipients = {u.pk: u for org in by_org.values() for u in users_with_perm(org, "finance.reconcile")}
    notify(recipients=recipients.values(), category="donations.reconciliation",
           title=_("%(n)d payment mismatches in the %(channel)s statement of %(day)s")
           % {"n": len(issues), "channel": run.channel, "day": run.bill_date},
           url=f"/staff/donations/reconciliation/?run={run.pk}")


@transaction.atomic
def issue_resolve(*, actor, issue: ReconciliationIssue, note: str) -> ReconciliationIssue:
    from boai.donations.services.common import require

    require(actor, "finance.reconcile", issue.org)
    issue.note = clean_text(note, field="note", max_length=200, required=True)
    issue.resolved = True
    issue.save(update_fields=["note", "resolved"])
    audit_record(actor=actor, action="donations.reconciliation.resolve", obj=issue, reason=issue.note)
    return issue
