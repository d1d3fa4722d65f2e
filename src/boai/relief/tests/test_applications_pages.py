"""Application pages through the test client: the step forms, the inbox, date inputs in Chinese,
the acknowledgement from a drawn signature, and the household's phone pages (SMS login, apply)."""

from __future__ import annotations

import base64
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from boai.relief.models import Application, ApplicationStatus, ReliefType
from boai.relief.services import applications as svc
from boai.relief.tests.factories import make_household
from boai.relief.tests.factories_applications import AMOUNT, funded_relief_type, make_staff, png_upload
from boai.testing.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _env(settings, tmp_path):
    settings.BOAI_SMS_BACKEND = "boai.core.sms.FileSmsBackend"
    settings.BOAI_SMS_DIR = tmp_path / "sms"
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def staff(tree):
    return make_staff(tree)


@pytest.fixture
def rt(tree):
    return funded_relief_type(tree.city)[0]


def _approved(staff, household, rt):
    app = svc.application_create(actor=staff.worker, household=household, relief_type=rt, amount_requested=AMOUNT,
                                 reason="页面测试")
    svc.application_verify(actor=staff.worker2, application=app)
    svc.application_review(actor=staff.reviewer, application=app)
    return svc.application_approve(actor=staff.approver, application=app)


def test_raise_and_walk_the_steps_through_the_pages(tree, staff, rt, client):
    household = make_household(tree.unit_a)
    login(client, staff.worker)
    page = client.get(reverse("relief:application-create") + f"?household={household.pk}")
    assert page.status_code == 200 and household.number in page.content.decode()
    response = client.post(reverse("relief:application-create"), {
        "household": household.number, "relief_type": rt.pk, "amount_requested": "700", "reason": "住院",
        "channel": "worker"})
    app = Application.objects.get(household=household)
    assert response.status_code == 302 and response["Location"] == app.get_absolute_url()
    client.logout()
    login(client, staff.worker2)
    client.post(reverse("relief:application-verify", args=[app.pk]), {"note": "已入户核实"})
    client.logout()
    login(client, staff.reviewer)
    client.post(reverse("relief:application-review", args=[app.pk]), {})
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REVIEWED
    detail = client.get(app.get_absolute_url()).content.decode()
    assert 'data-testid="timeline"' in detail and "已入户核实" in detail
    # the inbox of another officer lists it to approve; the reviewer's own approval is still possible, the
    # raiser's is not (see the services)
    login(client, staff.approver)
    inbox = client.get(reverse("relief:application-inbox") + "?box=approve").content.decode()
    assert app.number in inbox
    client.post(reverse("relief:application-approve", args=[app.pk]), {})
    app.refresh_from_db()
    assert app.status == ApplicationStatus.APPROVED


def test_the_raiser_is_told_they_cannot_approve(tree, staff, rt, client):
    household = make_household(tree.unit_a)
    app = svc.application_create(actor=staff.reviewer, household=household, relief_type=rt, amount_requested=AMOUNT,
                                 reason="自己提交")
    svc.application_verify(actor=staff.worker, application=app)
    svc.application_review(actor=staff.approver, application=app)
    login(client, staff.reviewer)
    assert app.number not in client.get(reverse("relief:application-inbox") + "?box=approve").content.decode()
    page = client.post(reverse("relief:application-approve", args=[app.pk]), {})
    assert page.status_code == 200 and "这份申请是您提交的" in page.content.decode()
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REVIEWED


def test_dates_render_in_chinese(tree, staff, rt, client):
    app = _approved(staff, make_household(tree.unit_a), rt)
    login(client, staff.reviewer)
    with translation.override("zh-hans"):
        html = client.get(reverse("relief:application-disburse", args=[app.pk]),
                          HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in html and 'type="date"' in html


def test_acknowledge_with_a_drawn_signature(tree, staff, rt, client):
    app = _approved(staff, make_household(tree.unit_a), rt)
    svc.disbursement_record(actor=staff.reviewer, application=app, method="cash", amount=AMOUNT,
                            paid_on=timezone.localdate())
    login(client, staff.reviewer)
    data_url = "data:image/png;base64," + base64.b64encode(png_upload().read()).decode()
    response = client.post(reverse("relief:application-acknowledge", args=[app.pk]), {"signature": data_url})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.ACKNOWLEDGED
    image = client.get(reverse("relief:application-ack-file", args=[app.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


def test_the_signing_link_page(tree, staff, rt, client):
    app = _approved(staff, make_household(tree.unit_a), rt)
    svc.disbursement_record(actor=staff.reviewer, application=app, method="cash", amount=AMOUNT,
                            paid_on=timezone.localdate())
    login(client, staff.reviewer)
    client.post(reverse("relief:application-ack-link", args=[app.pk]), {})
    from boai.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="relief.disbursement.ack_link", actor_id=staff.reviewer.pk).count() == 1
    detail = client.get(app.get_absolute_url()).content.decode()
    link = re.search(r'data-testid="household-sign-link"[^>]*>([^<]+)<', detail).group(1)
    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and 'data-testid="signature-pad"' in page.content.decode()
    assert "请在框内签名或上传照片" in client.post(link, {}).content.decode()
    data_url = "data:image/png;base64," + base64.b64encode(png_upload().read()).decode()
    assert 'data-testid="signed"' in client.post(link, {"signature": data_url}).content.decode()
    assert 'data-testid="sign-error"' in client.get(link).content.decode()
    with pytest.raises(svc.ValidationError):  # signed: no delivery waits for a link any more
        svc.ack_link_issue(actor=staff.reviewer, application=app)


def test_a_household_applies_on_its_phone(tree, rt, client, settings):
    household = make_household(tree.unit_a)
    mobile = household.head.mobile
    assert client.get(reverse("relief_public:apply"))["Location"] == reverse("relief_public:login")
    page = client.post(reverse("relief_public:login"), {"step": "send", "mobile": mobile})
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    outbox = (settings.BOAI_SMS_DIR / "outbox.jsonl").read_text().splitlines()
    code = re.search(r"\d{6}", json.loads(outbox[-1])["text"]).group()
    assert client.post(reverse("relief_public:login"), {"step": "verify", "mobile": mobile, "code": "000000"}
                       ).status_code == 200
    response = client.post(reverse("relief_public:login"), {"step": "verify", "mobile": mobile, "code": code})
    assert response["Location"] == reverse("relief_public:mine")
    page = client.post(reverse("relief_public:apply"), {"relief_type": rt.pk, "amount_requested": "300",
                                                        "reason": "孩子上学需要帮助"})
    assert 'data-testid="applied"' in page.content.decode()
    app = Application.objects.get(household=household)
    assert app.channel == "self" and app.raised_by is None
    assert app.number in client.get(reverse("relief_public:mine")).content.decode()


def test_an_unknown_number_gets_the_same_answer_and_no_sms(tree, client, settings):
    page = client.post(reverse("relief_public:login"), {"step": "send", "mobile": "13900001111"})
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    assert not (settings.BOAI_SMS_DIR / "outbox.jsonl").exists()


def test_relief_type_pages(tree, staff, client):
    login(client, staff.city)
    response = client.post(reverse("relief:type-create"), {
        "org": tree.city.pk, "code": "JJ-01", "name": "临时救助", "purpose": "hardship", "form": "money",
        "eligible_categories": ["dibao", "tekun"], "min_amount": "0", "max_amount": "3000",
        "repeat_window_days": "180", "max_per_window": "1", "duplicate_rule": "warn", "branch_approval_limit": "1000"})
    rt = ReliefType.objects.get(code="JJ-01")
    assert response.status_code == 302 and rt.eligible_category_list == ["dibao", "tekun"]
    client.logout()
    login(client, staff.reviewer)  # a branch officer sees the city's type, read-only
    assert client.get(rt.get_absolute_url()).status_code == 200
    assert client.get(reverse("relief:type-update", args=[rt.pk])).status_code == 404
