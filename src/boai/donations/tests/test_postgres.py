"""What must hold on PostgreSQL for real: the database refuses unbalanced journal transactions and
negative balances written with raw SQL; concurrent spending never overspends; a storm of duplicated,
reordered and forged notifications yields exactly one gift per paid order."""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boai.core.models import AuditEntry
from boai.donations import services
from boai.donations.models import (
    Account,
    Allocation,
    Gift,
    JournalTxn,
    Lot,
    OrderStatus,
    PaymentOrder,
    SimulatorOrder,
    Spending,
    SpendingStatus,
)
from boai.donations.payments import simulator
from boai.donations.selectors import journal_balance_check
from boai.donations.tests.factories import make_fund, make_gift, make_project
from boai.testing.concurrency import in_thread

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL behaviour")]


@pytest.mark.django_db
def test_unbalanced_transaction_written_with_raw_sql_is_refused_at_commit(tree):
    fund = make_fund(tree.branch_a)
    account = Account.objects.get(fund=fund)
    income = Account.objects.create(org=tree.branch_a, kind="income")
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("INSERT INTO donations_journaltxn (org_id, kind, created_at) VALUES (%s, 'gift', now()) "
                    "RETURNING id", [tree.branch_a.pk])
        txn = cur.fetchone()[0]
        cur.execute("INSERT INTO donations_journalline (txn_id, account_id, amount) VALUES (%s, %s, 100), "
                    "(%s, %s, -99.99)", [txn, account.pk, txn, income.pk])
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT would do: the deferred check fires
    account.refresh_from_db()
    assert account.balance == 0


@pytest.mark.django_db
def test_balanced_raw_sql_moves_the_balance_and_lines_are_append_only(tree):
    fund = make_fund(tree.branch_a)
    account = Account.objects.get(fund=fund)
    income = Account.objects.create(org=tree.branch_a, kind="income")
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("INSERT INTO donations_journaltxn (org_id, kind, created_at) VALUES (%s, 'gift', now()) "
                    "RETURNING id", [tree.branch_a.pk])
        txn = cur.fetchone()[0]
        cur.execute("INSERT INTO donations_journalline (txn_id, account_id, amount) VALUES (%s, %s, 12.34), "
                    "(%s, %s, -12.34)", [txn, account.pk, txn, income.pk])
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    account.refresh_from_db()
    assert account.balance == Decimal("12.34")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE donations_journalline SET amount = 1000 WHERE txn_id = %s", [txn])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("INSERT INTO donations_journaltxn (org_id, kind, created_at) VALUES (%s, 'gift', now()) "
                    "RETURNING id", [tree.branch_a.pk])
        txn = cur.fetchone()[0]
        cur.execute("INSERT INTO donations_journalline (txn_id, account_id, amount) VALUES (%s, %s, -20), "
                    "(%s, %s, 20)", [txn, account.pk, txn, income.pk])  # would leave the fund at -7.66


@pytest.mark.django_db
def test_restricted_money_cannot_be_drawn_for_another_project_even_with_raw_sql(tree):
    fund = make_fund(tree.branch_a)
    eyes, other = make_project(tree.branch_a, fund), make_project(tree.branch_a, fund)
    gift = make_gift(fund, "100.00", project=eyes)
    make_gift(fund, "10.00")
    allocation = services.allocation_create(actor=None, fund=fund, project=other, amount="10.00")
    with pytest.raises(IntegrityError, match="restricted to another project"), transaction.atomic(), \
            connection.cursor() as cur:
        cur.execute("INSERT INTO donations_allocationdraw (allocation_id, lot_id, amount) VALUES (%s, %s, 1)",
                    [allocation.pk, Lot.objects.get(gift=gift).pk])


@pytest.mark.django_db(transaction=True)
def test_concurrent_spending_of_one_fund_never_overspends(tree):
    fund = make_fund(tree.branch_a)
    projects = [make_project(tree.branch_a, fund) for _ in range(3)]
    for _ in range(10):
        make_gift(fund, "100.00")

    @in_thread
    def allocate(i):
        try:
            services.allocation_create(actor=None, fund=fund, project=projects[i % 3], amount="100.00")
            return "ok"
        except ValidationError:
            return "refused"

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = Counter(pool.map(allocate, range(24)))
    assert results == {"ok": 10, "refused": 14}
    assert Account.objects.get(fund=fund).balance == 0
    assert sum(Account.objects.get(project=p).balance for p in projects) == Decimal("1000.00")
    assert journal_balance_check() == []

    @in_thread
    def spend(i):
        try:
            services.spending_request(actor=None, project=projects[0], amount="9.00", purpose="救助金",
                                      payee_kind="recipient")
            return "ok"
        except ValidationError:
            return "refused"

    available = Account.objects.get(project=projects[0]).balance  # which allocations won varies: 100 to 1000
    with ThreadPoolExecutor(max_workers=12) as pool:
        spent = Counter(pool.map(spend, range(int(available // 9) + 6)))  # always more attempts than money
    assert spent["ok"] == int(available // 9)
    assert Account.objects.get(project=projects[0]).balance == available - 9 * spent["ok"] >= 0
    assert Spending.objects.filter(status=SpendingStatus.PAID).count() == spent["ok"]
    open_lots = sum(lot.remaining for lot in Lot.objects.filter(account__project=projects[0]))
    assert open_lots == Account.objects.get(project=projects[0]).balance
    assert journal_balance_check() == []


@pytest.mark.django_db(transaction=True)
def test_a_thousand_notifications_for_a_hundred_orders(tree, settings):
    rng = random.Random(6)
    fund = make_fund(tree.branch_a)
    project = make_project(tree.branch_a, fund)
    orders = []
    for i in range(100):
        channel = "wechat" if i % 2 else "alipay"
        amount = f"{rng.randint(1, 2000)}.{i:02d}"
        new = services.order_create(channel=channel, fund=fund, project=project, amount=amount,
                                    notify_url="http://testserver/", return_url_for=lambda o: "http://testserver/")
        if channel == "alipay":
            from urllib.parse import parse_qsl, urlsplit

            simulator.alipay_accept_wap(dict(parse_qsl(urlsplit(new.pay_url).query)))
        sim = SimulatorOrder.objects.get(out_trade_no=new.order.out_trade_no)
        SimulatorOrder.objects.filter(pk=sim.pk).update(status="SUCCESS", paid_at=timezone.now())
        sim.refresh_from_db()
        orders.append((new.order, sim))
    deliveries, forged = [], 0
    for _order, sim in orders:
        deliveries += [(sim.channel, *simulator.notification(sim)) for _ in range(rng.randint(2, 5))]
    while len(deliveries) < 1000:
        _order, sim = rng.choice(orders)
        deliveries.append((sim.channel, *simulator.notification(sim, tamper=rng.choice(["signature", "amount",
                                                                                        "merchant"]))))
        forged += 1
    rng.shuffle(deliveries)  # out of order: retries before first deliveries, forgeries in between

    @in_thread
    def deliver(item):
        channel, headers, body = item
        meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if k != "Content-Type"}
        response = Client().post(reverse("donations:notify", args=[channel]), body,
                                 content_type=headers["Content-Type"], **meta)
        ok = response.status_code in (200, 204) and (channel == "wechat" or response.content == b"success")
        return ok

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = Counter(pool.map(deliver, deliveries))
    assert answers == {True: 1000 - forged, False: forged}
    assert Gift.objects.count() == 100
    for order, sim in orders:
        gift = Gift.objects.get(order=order)
        assert gift.amount == order.amount and gift.gateway_txn == sim.transaction_id
    assert PaymentOrder.objects.filter(status=OrderStatus.PAID).count() == 100
    assert AuditEntry.objects.filter(action="donations.payment.rejected").count() == forged
    assert Account.objects.get(fund=fund).balance == sum(o.amount for o, _s in orders)
    assert JournalTxn.objects.filter(kind="gift").count() == 100
    assert journal_balance_check() == []
    assert threading.active_count() >= 1 and not Allocation.objects.exists()
