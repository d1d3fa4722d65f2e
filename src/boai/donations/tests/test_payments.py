"""Payment gateways and notification handling: real signatures and encryption against the simulator."""

import json
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from boai.core.models import AuditEntry
from boai.donations import services
from boai.donations.models import (
    Gift,
    OrderStatus,
    PaymentOrder,
    ReconciliationIssue,
    SimulatorDelivery,
    SimulatorOrder,
)
from boai.donations.payments import NotificationRejected, get_gateway, simulator
from boai.donations.payments.alipay import response_node
from boai.donations.tests.factories import make_fund, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(tree):
    return make_project(tree.branch_a, make_fund(tree.branch_a))


def place(project, channel="wechat", amount="50.00", **extra):
    new = services.order_create(channel=channel, fund=project.fund, project=project, amount=amount,
                                notify_url="http://testserver/give/notify/" + channel + "/",
                                return_url_for=lambda o: f"http://testserver/give/order/{o.access_token}/", **extra)
    if channel == "alipay":  # the donor's browser takes the signed request to Alipay
        simulator.alipay_accept_wap(dict(parse_qsl(urlsplit(new.pay_url).query)))
    return new.order, SimulatorOrder.objects.get(out_trade_no=new.order.out_trade_no), new.pay_url


def paid(sim):
    SimulatorOrder.objects.filter(pk=sim.pk).update(status="SUCCESS", paid_at=timezone.now())
    sim.refresh_from_db()
    return sim


@pytest.mark.parametrize("channel", ["wechat", "alipay"])
def test_one_gift_whatever_the_number_of_deliveries(project, channel):
    order, sim, pay_url = place(project, channel)
    assert pay_url.startswith("/pay-simulator/")
    paid(sim)
    for _ in range(4):
        headers, body = simulator.notification(sim)
        response = services.notification_receive(channel=channel, headers=headers, body=body)
        assert response.status in (200, 204)
        assert channel == "wechat" or response.body == b"success"
    gift = Gift.objects.get(order=order)
    assert gift.amount == Decimal("50.00") and gift.restricted_project == project
    assert gift.gateway_txn == sim.transaction_id
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


@pytest.mark.parametrize("channel", ["wechat", "alipay"])
@pytest.mark.parametrize("tamper", ["signature", "amount", "merchant"])
def test_forged_or_mismatching_notifications_change_nothing_and_are_audited(project, channel, tamper):
    order, sim, _url = place(project, channel)
    paid(sim)
    headers, body = simulator.notification(sim, tamper=tamper)
    response = services.notification_receive(channel=channel, headers=headers, body=body)
    if channel == "wechat":
        assert response.status == 400 and json.loads(response.body)["code"] == "FAIL"
    else:
        assert response.body == b"failure"
    assert not Gift.objects.exists()
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED
    rejected = AuditEntry.objects.get(action="donations.payment.rejected")
    assert rejected.reason


@pytest.mark.parametrize("tamper", ["stale", "ciphertext"])
def test_wechat_replays_and_undecryptable_resources_are_refused(project, tamper):
    _order, sim, _url = place(project, "wechat")
    headers, body = simulator.wechat_notification(paid(sim), tamper=tamper)
    assert services.notification_receive(channel="wechat", headers=headers, body=body).status == 400
    assert not Gift.objects.exists()


def test_wechat_resource_is_really_encrypted_and_signed(project):
    _order, sim, _url = place(project, "wechat")
    headers, body = simulator.wechat_notification(paid(sim))
    envelope = json.loads(body)
    assert sim.out_trade_no not in body.decode()  # the payment details travel encrypted (AES-256-GCM)
    assert envelope["resource"]["algorithm"] == "AEAD_AES_256_GCM"
    notice = get_gateway("wechat").verify_notification(headers, body)
    assert notice.amount_fen == 5000 and notice.out_trade_no == sim.out_trade_no
    tampered = body.replace(b'"summary"', b'"Summary"')
    with pytest.raises(NotificationRejected, match="signature"):
        get_gateway("wechat").verify_notification(headers, tampered)


def test_alipay_signature_covers_every_parameter(project):
    _order, sim, _url = place(project, "alipay")
    _headers, body = simulator.alipay_notification(paid(sim))
    params = dict(parse_qsl(body.decode()))
    params["total_amount"] = "0.01"
    with pytest.raises(NotificationRejected, match="signature"):
        get_gateway("alipay").verify_notification({}, urlencode(params).encode())


def test_order_query_records_the_gift_when_the_notification_is_late(project):
    order, sim, _url = place(project, "alipay")
    assert services.order_refresh(order).status == OrderStatus.CREATED
    paid(sim)
    assert services.order_refresh(order).status == OrderStatus.PAID
    assert Gift.objects.filter(order=order).count() == 1


def test_amounts_cross_the_boundary_in_fen_and_yuan_strings(project):
    order, sim, _url = place(project, "wechat", amount="123.45")
    assert sim.amount_fen == 12345
    state = get_gateway("wechat").query_order(order.out_trade_no)
    assert state.amount_fen == 12345 and state.state == "NOTPAY"
    order2, sim2, pay_url = place(project, "alipay", amount="0.10")
    assert sim2.amount_fen == 10 and "total_amount%22%3A%220.10" in pay_url


def test_alipay_response_node_is_the_signed_text():
    body = '{"alipay_trade_query_response":{"code":"10000","msg":"Su\\"cc{ess}"},"sign":"x"}'
    assert response_node(body, "alipay_trade_query_response") == '{"code":"10000","msg":"Su\\"cc{ess}"}'


def test_unknown_order_is_rejected_and_audited(project):
    _order, sim, _url = place(project, "wechat")
    sim = paid(sim)
    sim.out_trade_no = "BA-NOT-OURS"
    headers, body = simulator.wechat_notification(sim)
    assert services.notification_receive(channel="wechat", headers=headers, body=body).status == 400
    assert AuditEntry.objects.filter(action="donations.payment.rejected", reason__contains="no order").exists()


def test_retries_follow_the_gateway_schedule_until_answered(project, monkeypatch):
    import datetime as dt

    _order, sim, _url = place(project, "wechat")
    delivery = SimulatorDelivery.objects.create(order=paid(sim), due_at=timezone.now())
    answers = iter([(500, b"down"), (500, b"down"), (204, b"")])
    now = timezone.now()
    simulator.deliver_one(delivery, sender=lambda *a: next(answers), now=now)
    assert delivery.due_at == now + dt.timedelta(seconds=15) and not delivery.done
    simulator.deliver_one(delivery, sender=lambda *a: next(answers), now=now)
    assert delivery.due_at == now + dt.timedelta(seconds=15) and delivery.attempt == 2
    simulator.deliver_one(delivery, sender=lambda *a: next(answers), now=now)
    assert delivery.done


def test_notification_endpoint(project, client):
    order, sim, _url = place(project, "wechat")
    headers, body = simulator.wechat_notification(paid(sim))
    meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if k != "Content-Type"}
    url = reverse("donations:notify", args=["wechat"])
    assert client.post(url, body, content_type="application/json", **meta).status_code == 204
    assert client.post(url, body, content_type="application/json", **meta).status_code == 204
    assert Gift.objects.filter(order=order).count() == 1
    assert client.post(url, b"{}", content_type="application/json").status_code == 400
    assert client.get(url).status_code == 405


def test_reconciliation_flags_mismatches_and_recovers_lost_notifications(project, tree, user_factory):
    finance = user_factory(tree.city, "finance_officer")
    today = timezone.localdate()
    order1, sim1, _ = place(project, "wechat")
    order2, sim2, _ = place(project, "wechat", amount="20.00")
    for sim in (sim1, sim2):
        headers, body = simulator.wechat_notification(paid(sim))
        if sim is sim1:
            services.notification_receive(channel="wechat", headers=headers, body=body)
    Gift.objects.filter(order=order1).update(amount=Decimal("49.00"))  # a recorded amount that differs
    run = services.reconcile(channel="wechat", day=today, actor=finance)
    kinds = set(run.issue_rows.values_list("kind", flat=True))
    assert kinds == {ReconciliationIssue.Kind.AMOUNT}
    assert Gift.objects.filter(order=order2).exists()  # the lost notification was recovered by query
    assert run.lines == 2 and PaymentOrder.objects.get(pk=order2.pk).status == OrderStatus.PAID


def test_alipay_statement_round_trip(project):
    _order, sim, _url = place(project, "alipay", amount="8.88")
    paid(sim)
    lines = get_gateway("alipay").fetch_statement(timezone.localdate())
    assert [(line.out_trade_no, line.amount_fen) for line in lines] == [(sim.out_trade_no, 888)]
