"""Pages: the public log page with its receipt check, a public leaf, the flow picture, and the staff
pages (leaves with filters, search and export; one leaf; checkpoints; signing now)."""

from __future__ import annotations

import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from boai.core.models import AuditEntry
from boai.ledger.models import Checkpoint
from boai.ledger.services import ledger_integrate
from boai.ledger.tests.helpers import gift, sample_log
from boai.testing.helpers import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def log():
    return sample_log()


def test_home_page_offers_the_log_and_the_flow_picture(client, log):
    html = client.get("/").content.decode()
    assert "/transparency/" in html and "/transparency/flows/" in html


def test_public_page_shows_checkpoint_keys_and_recent_leaves(client, log):
    html = client.get("/transparency/").content.decode()
    assert Checkpoint.objects.get().note.split("\n")[2] in html
    assert "dev.boai.invalid/log+" in html  # the verifier key to pin
    assert f"/transparency/leaves/{log['index']['issued']}/" in html


def test_receipt_check_finds_the_gift_and_what_it_paid_for(client, log):
    index = log["index"]["g1"]
    html = client.get("/transparency/", {"index": index, "opening": log["opening"].token}).content.decode()
    assert 'data-testid="receipt-ok"' in html
    assert f"/transparency/leaves/{log['index']['alloc']}/" in html  # the allocation that spent from it
    assert "text-success" in html  # inclusion proof checked against the checkpoint
    wrong = client.get("/transparency/", {"index": index, "opening": log["relief_opening"].token}).content.decode()
    assert "receipt-ok" not in wrong and "alert-warning" in wrong
    recipient = client.get("/transparency/", {"index": log["index"]["relief"],
                                              "opening": log["relief_opening"].token}).content.decode()
    assert 'data-testid="receipt-ok"' in recipient
    assert "alert-warning" in client.get("/transparency/", {"index": "x", "opening": "y"}).content.decode()


def test_public_leaf_page_and_missing_leaf(client, log):
    response = client.get(f"/transparency/leaves/{log['index']['relief']}/")
    html = response.content.decode()
    assert response.status_code == 200 and f"#{log['index']['ack']}" in html and "text-success" in html
    assert client.get("/transparency/leaves/999/").status_code == 404


def test_flow_page_draws_a_sankey_over_the_leaves(client, log):
    html = client.get("/transparency/flows/").content.decode()
    assert 'data-chart="flow-option"' in html and "echarts.min.js" in html
    option = json.loads(html.split('<script id="flow-option" type="application/json">')[1].split("</script>")[0])
    series = option["series"][0]
    assert series["type"] == "sankey" and series["links"] and series["data"]
    fund = client.get("/transparency/flows/", {"fund": "抗洪救灾专项基金"}).content.decode()
    assert "乡村卫生室" in fund
    assert "整数" in client.get("/transparency/flows/", {"root": "abc"}).content.decode()  # (zh-Hans by default)


def test_flow_page_when_nothing_moved(client, db):
    assert "账本中还没有资金或物资流动" in client.get("/transparency/flows/").content.decode()


def test_staff_list_filters_searches_and_exports(login_as, tree, log):
    client = login_as(make_user(tree.city, "finance_officer"))
    html = client.get("/staff/ledger/", {"event_type": "relief_delivered"}).content.decode()
    assert f"/staff/ledger/{log['index']['relief']}/" in html and f"/staff/ledger/{log['index']['g1']}/" not in html
    found = client.get("/staff/ledger/", {"q": log["opening"].commitment}).content.decode()
    assert f"/staff/ledger/{log['index']['g1']}/" in found and f"/staff/ledger/{log['index']['g2']}/" not in found
    by_index = client.get("/staff/ledger/", {"q": str(log["index"]["ack"])}).content.decode()
    assert f"/staff/ledger/{log['index']['ack']}/" in by_index
    export = client.get("/staff/ledger/export/", {"event_type": "gift_received"})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and any(log["opening"].commitment in (r[6] or "") for r in rows[1:])
    assert AuditEntry.objects.filter(action="ledger.export").exists()


def test_staff_list_query_count_does_not_grow(login_as, tree, log):
    client = login_as(make_user(tree.city, "auditor"))
    client.get("/staff/ledger/")
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/ledger/")
    for i in range(10):
        gift(f"{i + 1}.00")
    ledger_integrate(checkpoint=False)
    with CaptureQueriesContext(connection) as many:
        client.get("/staff/ledger/")
    assert len(many.captured_queries) <= len(few.captured_queries)


def test_staff_leaf_detail_and_checkpoints(login_as, tree, log):
    client = login_as(make_user(tree.city, "auditor"))
    html = client.get(f"/staff/ledger/{log['index']['alloc']}/").content.decode()
    assert "1200.00" in html and "text-success" in html
    assert client.get("/staff/ledger/999/").status_code == 404
    listing = client.get("/staff/ledger/checkpoints/").content.decode()
    assert Checkpoint.objects.get().root_b64 in listing
    assert "立即签署检查点" not in listing  # auditors read only


def test_signing_now_integrates_and_signs(login_as, tree, log):
    client = login_as(make_user(tree.city, "finance_officer"))
    gift("42.00")
    response = client.post("/staff/ledger/checkpoints/sign/", follow=True)
    assert Checkpoint.objects.order_by("-id").first().size == 9
    assert response.status_code == 200
    again = client.post("/staff/ledger/checkpoints/sign/", follow=True)
    assert Checkpoint.objects.count() == 2 and again.status_code == 200
    assert AuditEntry.objects.filter(action="ledger.checkpoint.sign").count() == 2


def test_nav_entry_for_finance_officer(login_as, tree, log):
    client = login_as(make_user(tree.city, "finance_officer"))
    assert "/staff/ledger/" in client.get("/staff/").content.decode()
