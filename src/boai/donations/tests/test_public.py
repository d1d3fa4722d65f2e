"""Public pages: giving through the simulator, campaigns with live progress, fundraising pages, the
donor's SMS login, disclosure."""

import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from boai.donations import services
from boai.donations.models import Gift, OrderStatus, PaymentOrder, PeerPage
from boai.donations.tests.factories import make_campaign, make_fund, make_gift, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def day(tree):
    fund = make_fund(tree.city, name="人道救助基金")
    project = make_project(tree.city, fund, name="造血干细胞捐献关爱", summary="关爱捐献者")
    campaign = make_campaign(tree.city, slug="day", projects=[project])
    return campaign, project


def give(client, project, campaign=None, channel="wechat", amount="50", **extra):
    url = reverse("donations:give", args=[project.code]) + (f"?c={campaign.slug}" if campaign else "")
    return client.post(url, {"amount": amount, "channel": channel, "donor_name": "陈晨", **extra})


@pytest.mark.parametrize("channel", ["wechat", "alipay"])
def test_give_through_the_simulator(day, client, channel, celery_eager, django_capture_on_commit_callbacks):
    campaign, project = day
    response = give(client, project, campaign, channel=channel, mobile="13912345678", name_public="on")
    assert response.status_code == 302
    pay = client.get(response["Location"], follow=True)
    assert "simulator-banner" in pay.content.decode() and "¥50.00" in pay.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the simulator delivers after the payment commits
        done = client.post(pay.redirect_chain[-1][0] if pay.redirect_chain else response["Location"],
                           {"action": "pay"})
    assert done.status_code == 302
    order_page = client.get(done["Location"])
    html = order_page.content.decode()
    gift = Gift.objects.get()
    assert gift.campaign == campaign and gift.amount == Decimal("50.00") and gift.channel == channel
    assert gift.certificate.token in html and gift.donor.mobile_masked == "139****5678"
    assert PaymentOrder.objects.get().status == OrderStatus.PAID
    progress = client.get(reverse("donations:campaign-progress", args=[campaign.slug])).content.decode()
    assert "¥50.00" in progress and "陈晨" in progress  # the donor agreed to be named


def test_give_form_errors_lose_nothing(day, client):
    campaign, project = day
    for bad in ({"amount": "0"}, {"amount": "12.345"}, {"amount": "100000000"}, {"mobile": "12345"}):
        response = give(client, project, campaign, **{"amount": "10", **bad})
        assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not PaymentOrder.objects.exists()


def test_anonymous_gift_is_never_named(day, client, celery_eager, django_capture_on_commit_callbacks):
    campaign, project = day
    give(client, project, campaign, anonymous="on", name_public="on")
    order = PaymentOrder.objects.get()
    from boai.donations.models import SimulatorOrder
    from boai.donations.payments import simulator

    sim = SimulatorOrder.objects.get(out_trade_no=order.out_trade_no)
    with django_capture_on_commit_callbacks(execute=True):
        simulator.order_pay(sim)
    gift = Gift.objects.get()
    assert gift.anonymous and not gift.name_public
    for url in (reverse("donations:public-campaign", args=[campaign.slug]),
                reverse("donations:disclosure-gifts"), reverse("donations:public-project", args=[project.code])):
        assert "陈晨" not in client.get(url).content.decode()


def test_campaign_page_progress_and_million_flag(day, client):
    campaign, project = day
    make_gift(project.fund, "999999.00", project=project, campaign=campaign, name="某某实业集团")
    page = client.get(reverse("donations:public-campaign", args=[campaign.slug])).content.decode()
    assert 'hx-trigger="every 5s"' in page and "某某***集团" in page and "Million project" not in page
    cache.clear()
    make_gift(project.fund, "1.00", project=project, campaign=campaign, name="张三")
    page = client.get(reverse("donations:public-campaign", args=[campaign.slug])).content.decode()
    assert "百万项目" in page or "Million project" in page
    assert "qr.png" in page


def test_share_qr_only_for_this_site(client):
    assert client.get(reverse("donations:qr"), {"u": "http://testserver/give/"})["Content-Type"] == "image/png"
    assert client.get(reverse("donations:qr"), {"u": "https://evil.example/"}).status_code == 404


def _code(settings) -> str:
    outbox = (settings.BOAI_SMS_DIR / "outbox.jsonl").read_text().splitlines()
    return re.search(r"\d{6}", json.loads(outbox[-1])["text"]).group()


def test_donor_logs_in_with_an_sms_code_and_sees_their_gifts(day, client, settings, tmp_path, celery_eager,
                                                              django_capture_on_commit_callbacks):
    settings.BOAI_SMS_DIR = tmp_path
    campaign, project = day
    give(client, project, campaign, mobile="13912345678")
    from boai.donations.models import SimulatorOrder
    from boai.donations.payments import simulator

    with django_capture_on_commit_callbacks(execute=True):
        simulator.order_pay(SimulatorOrder.objects.get())
    assert client.get(reverse("donations:my-gifts")).status_code == 302
    login = reverse("donations:donor-login")
    client.post(login, {"step": "send", "mobile": "13912345678"})
    wrong = client.post(login, {"step": "verify", "mobile": "13912345678", "code": "000000"})
    assert "invalid-feedback" in wrong.content.decode()
    assert client.post(login, {"step": "verify", "mobile": "13912345678", "code": _code(settings)}).status_code == 302
    mine = client.get(reverse("donations:my-gifts")).content.decode()
    assert Gift.objects.get().certificate.number in mine
    again = client.post(login, {"step": "send", "mobile": "13912345678"})  # one code a minute
    assert "invalid-feedback" in again.content.decode() and "sent=True" not in again.content.decode()


def test_peer_fundraising_page(day, client, settings, tmp_path, celery_eager):
    settings.BOAI_SMS_DIR = tmp_path
    campaign, project = day
    create = reverse("donations:peer-create", args=[project.code]) + f"?c={campaign.slug}"
    assert client.get(create).status_code == 302  # log in first
    login = reverse("donations:donor-login")
    client.post(login, {"step": "send", "mobile": "13700001111"})
    client.post(login, {"step": "verify", "mobile": "13700001111", "code": _code(settings)})
    response = client.post(create, {"title": "为爱接力", "supporter_name": "小林", "target": "1000",
                                    "message": "一起来"})
    page = PeerPage.objects.get()
    assert response["Location"] == page.get_absolute_url() and page.campaign == campaign
    make_gift(project.fund, "300.00", project=project, campaign=campaign, peer_page=page, name="朋友")
    html = client.get(page.get_absolute_url()).content.decode()
    assert "¥300.00" in html and "30%" in html
    client.post(reverse("donations:peer-close", args=[page.slug]))
    page.refresh_from_db()
    assert not page.is_active


def test_disclosure_report_and_gift_list(tree, client):
    fund = make_fund(tree.branch_a, name="公开基金")
    hidden = make_fund(tree.branch_a, name="内部基金", is_public=False)
    project = make_project(tree.branch_a, fund, name="公开项目")
    make_gift(fund, "1000.00", name="周八", name_public=True)
    make_gift(fund, "500.00", name="吴九")
    make_gift(hidden, "77.00", name="郑十")
    services.allocation_create(actor=None, fund=fund, project=project, amount="800.00")
    services.spending_request(actor=None, project=project, amount="300.00", purpose="慰问品",
                              payee_kind="supplier", payee_name="商店")
    html = client.get(reverse("donations:disclosure")).content.decode()
    assert "公开基金" in html and "¥1,500.00" in html and "¥300.00" in html and "内部基金" not in html
    gifts = client.get(reverse("donations:disclosure-gifts")).content.decode()
    assert "周八" in gifts and "吴*" in gifts and "吴九" not in gifts and "郑" not in gifts
    export = client.get(reverse("donations:disclosure-report"))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    assert any(r[2] == "公开项目" and r[7] == 300 for r in rows)
    sheet = client.get(reverse("donations:disclosure-gifts-export"))
    text = str(list(load_workbook(BytesIO(b"".join(sheet.streaming_content))).active.iter_rows(values_only=True)))
    assert "吴九" not in text and "周八" in text


def test_disclosure_report_costs_the_same_queries_for_more_funds_projects_and_gifts(tree, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grow(n):
        for _ in range(n):
            fund = make_fund(tree.branch_a)
            project = make_project(tree.branch_a, fund)
            make_gift(fund, "10.00", project=project)
            make_gift(fund, "20.00")
            services.allocation_create(actor=None, fund=fund, project=project, amount="15.00")
            services.spending_request(actor=None, project=project, amount="5.00", purpose="慰问",
                                      payee_kind="recipient")

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    grow(2)
    urls = [reverse("donations:disclosure"), reverse("donations:disclosure-gifts")]
    few = [count(u) for u in urls]
    grow(6)
    assert [count(u) for u in urls] == few


def test_online_donors_are_thanked_and_told_what_their_gift_paid_for(day, client, settings, tmp_path, celery_eager,
                                                                      django_capture_on_commit_callbacks):
    from boai.donations.models import SimulatorOrder
    from boai.donations.payments import simulator
    from boai.donations.services.feedback import feedback_report

    settings.BOAI_SMS_DIR = tmp_path
    campaign, project = day
    give(client, project, campaign, mobile="13912345678")
    with django_capture_on_commit_callbacks(execute=True):
        simulator.order_pay(SimulatorOrder.objects.get())
    outbox = (tmp_path / "outbox.jsonl").read_text()
    assert "感谢您" in outbox and "/give/verify/" in outbox
    services.allocation_create(actor=None, fund=project.fund, project=project, amount="50.00")
    services.spending_request(actor=None, project=project, amount="30.00", purpose="捐献者体检", payee_kind="supplier",
                              payee_name="体检中心")
    assert feedback_report() == 1
    last = json.loads((tmp_path / "outbox.jsonl").read_text().splitlines()[-1])
    assert "30.00元已用于：捐献者体检" in last["text"] and last["to"] == "13912345678"
