"""The public phone pages: anonymised list and filters, claiming with an SMS code, my claims,
delivery, the beneficiary's confirmation link, and the staff pages around them."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from boai.testing.helpers import login, make_user
from boai.wishes import services
from boai.wishes.models import ClaimStatus, WishStatus
from boai.wishes.tests import factories as f

pytestmark = pytest.mark.django_db


def _last_code(settings) -> str:
    lines = (settings.BOAI_SMS_DIR / "outbox.jsonl").read_text().splitlines()
    return re.search(r"\d{6}", json.loads(lines[-1])["text"]).group()


def test_list_is_anonymous_and_filters(client, tree):
    person = f.make_person(tree.unit_a, name="钱小宝", birth="20170303")
    wish = f.make_wish(tree.unit_a, person=person, category="clothing", household_note="低保户")
    other = f.make_wish(tree.unit_b, category="study")
    draft = f.make_wish(tree.unit_a, status="draft")
    body = client.get(reverse("wishes:public-list")).content.decode()
    assert wish.title in body and other.title in body and draft.title not in body
    assert "钱小宝" not in body and "低保户" not in body and tree.unit_a.name not in body
    assert "甲区某街道" in body and "岁的孩子" in body
    body = client.get(reverse("wishes:public-list"), {"category": "clothing"}).content.decode()
    assert wish.title in body and other.title not in body
    body = client.get(reverse("wishes:public-list"), {"district": tree.branch_b.pk}).content.decode()
    assert other.title in body and wish.title not in body
    detail = client.get(wish.get_public_url()).content.decode()
    assert wish.story in detail and "钱小宝" not in detail and person.id_number_masked not in detail
    assert client.get(draft.get_public_url()).status_code == 404


def test_claim_with_sms_code_then_deliver_and_confirm_by_link(client, tree, settings):
    wish = f.make_wish(tree.unit_a)
    url = reverse("wishes:public-claim", args=[wish.number])
    response = client.post(url, {"step": "send", "claimant_name": "赵女士", "agree": "on", "mobile": "13800001111"})
    assert response.status_code == 200 and "code_form" in response.context
    response = client.post(url, {"step": "verify", "mobile": "13800001111", "code": _last_code(settings)})
    assert response.status_code == 302 and response["Location"] == reverse("wishes:public-mine")
    wish.refresh_from_db()
    claim = wish.claims.get()
    assert wish.status == WishStatus.CLAIMED and claim.claimant_name == "赵女士"
    assert claim.claimant.mobile_masked == "138****1111"
    mine = client.get(reverse("wishes:public-mine")).content.decode()
    assert wish.title in mine and tree.unit_a.name in mine  # the claimant learns where to deliver
    response = client.post(reverse("wishes:public-deliver", args=[claim.pk]), {"note": "放在社区服务站"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DELIVERED
    token = services.confirm_link_issue(actor=None, wish=wish)
    confirm = reverse("wishes:public-confirm", args=[token])
    assert wish.title in client.get(confirm).content.decode()
    client.post(confirm)
    wish.refresh_from_db()
    assert wish.status == WishStatus.CONFIRMED
    assert "confirmed" in client.get(wish.get_public_url()).content.decode() or wish.confirmed_at


def test_verified_number_claims_in_one_step_and_a_taken_wish_says_so(client, tree, settings):
    first, second = f.make_wish(tree.unit_a), f.make_wish(tree.unit_a)
    client.post(reverse("wishes:public-login"), {"step": "send", "mobile": "13800002222"})
    client.post(reverse("wishes:public-login"), {"step": "verify", "mobile": "13800002222",
                                                 "code": _last_code(settings)})
    response = client.post(reverse("wishes:public-claim", args=[first.number]),
                           {"step": "send", "claimant_name": "孙先生", "agree": "on"})
    assert response.status_code == 302
    services.claim_create(wish=second, claimant=f.make_claimant(), claimant_name="别人")
    response = client.post(reverse("wishes:public-claim", args=[second.number]),
                           {"step": "send", "claimant_name": "孙先生", "agree": "on"}, follow=True)
    assert "这个心愿刚刚被认领了" in response.content.decode()  # pages speak zh-Hans by default


def test_deliver_page_of_someone_elses_claim_is_404(client, tree, settings):
    wish = f.make_wish(tree.unit_a, status="claimed")
    client.post(reverse("wishes:public-login"), {"step": "send", "mobile": "13800003333"})
    client.post(reverse("wishes:public-login"), {"step": "verify", "mobile": "13800003333",
                                                 "code": _last_code(settings)})
    assert client.get(reverse("wishes:public-deliver", args=[wish.claims.get().pk])).status_code == 404


def test_public_photo_only_for_public_wishes(client, tree):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buf, "PNG")
    draft = f.make_wish(tree.unit_a, status="draft", photo=SimpleUploadedFile("x.png", buf.getvalue()))
    assert client.get(reverse("wishes:public-photo", args=[draft.number])).status_code == 404
    services.wish_submit(actor=None, wish=draft)
    services.wish_approve(actor=None, wish=draft)
    response = client.get(reverse("wishes:public-photo", args=[draft.number]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_staff_create_review_and_timeline(client, tree):
    operator = make_user(tree.unit_a, "grassroots_operator")
    person = f.make_person(tree.unit_a)
    login(client, operator)
    response = client.post(reverse("wishes:create"), {
        "org": tree.unit_a.pk, "id_number": person.id_number, "category": "health", "title": "一副老花镜",
        "story": "老人看说明书吃力。", "estimated_value": "600", "deadline": "2099-01-01"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "estimated_value" in errors and "deadline" in errors
    response = client.post(reverse("wishes:create"), {
        "org": tree.unit_a.pk, "id_number": person.id_number, "category": "health", "title": "一副老花镜",
        "story": "老人看说明书吃力。", "estimated_value": "90", "deadline": f.timezone.localdate().replace(
            year=f.timezone.localdate().year + 1, month=1, day=1).isoformat()})
    assert response.status_code == 302
    wish = person.micro_wishes.get()
    client.post(reverse("wishes:submit", args=[wish.pk]))
    wish.refresh_from_db()
    assert wish.status == WishStatus.SUBMITTED
    reviewer = make_user(tree.branch_a, "relief_officer")
    login(client, reviewer)
    assert wish.number in client.get(reverse("wishes:inbox")).content.decode()
    client.post(reverse("wishes:approve", args=[wish.pk]))
    wish.refresh_from_db()
    assert wish.status == WishStatus.PUBLISHED
    page = client.get(wish.get_absolute_url()).content.decode()
    assert "wishes.wish.create" in page and "wishes.wish.submit" in page and "wishes.wish.approve" in page
    response = client.get(reverse("wishes:export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_import_sheet_creates_drafts_and_export_round_trips(tree):
    from boai.core.tabular.engine import run_import
    from boai.core.tabular.spec import get_kind
    from boai.core.tabular.testing import xlsx_bytes

    officer = make_user(tree.branch_a, "relief_officer")
    known = f.make_person(tree.unit_a, name="周小明")
    outsider = f.make_person(tree.unit_b, name="吴小红")
    deadline = f.timezone.localdate().replace(year=f.timezone.localdate().year + 1, month=1, day=1).isoformat()
    header = ["单位代码", "证件号码", "姓名", "类别", "心愿", "公开描述", "估价（元）", "截止日期", "家庭情况备注"]
    good = [tree.unit_a.code, known.id_number, "周小明", "学习用品", "一个书包", "想要新书包", "120", deadline, "低保"]
    rows = [header, good,
            [tree.unit_a.code, outsider.id_number, "吴小红", "衣物", "羽绒服", "冬天冷", "200", deadline, ""],
            [tree.unit_a.code, known.id_number, "周小明", "衣物", "一双鞋", "周小明的鞋破了", "900", deadline, ""]]
    report = run_import(xlsx_bytes(rows, text_columns=[1]), "wishes.xlsx", get_kind("micro_wishes"), actor=officer)
    assert not report.committed
    problems = {(i.column, i.reason) for i in report.issues}
    columns = {c for c, _r in problems}
    assert "证件号码" in columns and any(c.startswith("估价") for c in columns), problems
    report = run_import(xlsx_bytes([header, good], text_columns=[1]), "wishes.xlsx", get_kind("micro_wishes"),
                        actor=officer)
    assert report.imported == 1, [i.reason for i in report.issues]
    wish = known.micro_wishes.get()
    assert wish.status == WishStatus.DRAFT and wish.number and wish.district == tree.branch_a
    assert wish.public_profile.endswith("岁的孩子")
    kind = get_kind("micro_wishes")
    row = kind.export_row(kind.export_queryset(actor=officer).get())
    assert row[0] == tree.unit_a.code and row[2] == "周小明" and "*" in row[1]
