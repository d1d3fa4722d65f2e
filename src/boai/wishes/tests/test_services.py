"""The micro-wish rules: state machine, review by someone else, public text, value cap, claims and their
limits, delivery, confirmation (staff and one-time link), the transparency log, expiry."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from boai.core.models import AuditEntry
from boai.testing.helpers import make_user
from boai.wishes import services
from boai.wishes.models import Claim, ClaimStatus, MicroWish, WishStatus
from boai.wishes.tests import factories as f

pytestmark = pytest.mark.django_db


def _outbox(settings) -> list[dict]:
    path = settings.BOAI_SMS_DIR / "outbox.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_create_numbers_anonymises_and_audits(tree):
    operator = make_user(tree.unit_a, "grassroots_operator")
    person = f.make_person(tree.unit_a, birth="20160505")
    wish = services.wish_create(actor=operator, org=tree.unit_a, beneficiary=person, category="study",
                                title="一个新书包", story="旧书包破了。", estimated_value=Decimal("120"),
                                deadline=timezone.localdate() + dt.timedelta(days=20))
    assert wish.number.startswith(f"WX-{timezone.localdate().year}-") and wish.status == WishStatus.DRAFT
    assert wish.public_profile.endswith("岁的孩子") and wish.district == tree.branch_a
    assert wish.public_area == "甲区某街道"
    second = f.make_wish(tree.unit_a, status="draft")
    assert int(second.number[-6:]) == int(wish.number[-6:]) + 1
    assert AuditEntry.objects.filter(action="wishes.wish.create", object_id=str(wish.pk)).exists()


@pytest.mark.parametrize("field,text,needle", [
    ("story", "联系电话13912345678", "telephone"), ("title", "身份证320211201601010012", "ID number"),
    ("story", "张小明想要一个书包", "name"),
])
def test_public_text_refuses_personal_data(tree, field, text, needle):
    person = f.make_person(tree.unit_a, name="张小明")
    fields = dict(category="study", title="书包", story="想要一个书包", estimated_value=Decimal(50),
                  deadline=timezone.localdate() + dt.timedelta(days=5))
    fields[field] = text
    with pytest.raises(ValidationError) as exc:
        services.wish_create(actor=None, org=tree.unit_a, beneficiary=person, **fields)
    assert field in exc.value.message_dict and needle in exc.value.message_dict[field][0]


def test_value_cap_deadline_org_kind_and_scope(tree, settings):
    settings.BOAI_WISH_VALUE_CAP = "300"
    person = f.make_person(tree.unit_a)
    base = dict(category="daily", title="棉被", story="冬天冷", deadline=timezone.localdate() + dt.timedelta(days=5))
    with pytest.raises(ValidationError) as exc:
        services.wish_create(actor=None, org=tree.unit_a, beneficiary=person, estimated_value=Decimal(301), **base)
    assert "¥300" in exc.value.message_dict["estimated_value"][0]
    with pytest.raises(ValidationError) as exc:
        services.wish_create(actor=None, org=tree.unit_a, beneficiary=person, estimated_value=Decimal(100),
                             **{**base, "deadline": timezone.localdate()})
    assert "deadline" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.wish_create(actor=None, org=tree.branch_a, beneficiary=person, estimated_value=Decimal(100), **base)
    assert "org" in exc.value.message_dict
    other = make_user(tree.unit_b, "grassroots_operator")
    with pytest.raises(ValidationError):
        services.wish_create(actor=other, org=tree.unit_a, beneficiary=person, estimated_value=Decimal(1), **base)
    with pytest.raises(ValidationError) as exc:  # their own unit, someone else's beneficiary
        services.wish_create(actor=other, org=tree.unit_b, beneficiary=person, estimated_value=Decimal(1), **base)
    assert "beneficiary" in exc.value.message_dict


def test_review_needs_another_person_and_keeps_the_reason(tree):
    officer = make_user(tree.branch_a, "relief_officer")
    wish = f.make_wish(tree.unit_a, status="draft")
    MicroWish.objects.filter(pk=wish.pk).update(created_by=officer)
    wish = services.wish_submit(actor=officer, wish=wish)
    with pytest.raises(ValidationError, match="other than"):
        services.wish_approve(actor=officer, wish=wish)
    operator = make_user(tree.unit_a, "grassroots_operator")
    with pytest.raises(ValidationError):  # no relief.approve
        services.wish_approve(actor=operator, wish=wish)
    reviewer = make_user(tree.branch_a, "relief_officer")
    with pytest.raises(ValidationError) as exc:
        services.wish_reject(actor=reviewer, wish=wish, reason=" ")
    assert "reason" in exc.value.message_dict
    wish = services.wish_reject(actor=reviewer, wish=wish, reason="照片不清楚")
    assert wish.status == WishStatus.REJECTED and wish.rejection_reason == "照片不清楚"
    wish = services.wish_update(actor=officer, wish=wish, title="一个新书包（蓝色）")
    wish = services.wish_submit(actor=officer, wish=wish)
    wish = services.wish_approve(actor=reviewer, wish=wish)
    assert wish.status == WishStatus.PUBLISHED and wish.published_at and wish.reviewed_by == reviewer
    with pytest.raises(ValidationError, match="cannot be edited"):
        services.wish_update(actor=officer, wish=wish, title="改")


def test_claim_deliver_confirm_by_staff_writes_the_log(tree, settings, django_capture_on_commit_callbacks):
    from boai.ledger.models import PendingEntry

    wish = f.make_wish(tree.unit_a)
    claimant = f.make_claimant("13700000001")
    with django_capture_on_commit_callbacks(execute=True):
        claim = services.claim_create(wish=wish, claimant=claimant, claimant_name=" 王 先生 ")
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED and claim.claimant_name == "王 先生"
    assert claim.expires_at - claim.claimed_at == dt.timedelta(days=settings.BOAI_WISH_CLAIM_DAYS)
    assert wish.number in _outbox(settings)[-1]["text"] and _outbox(settings)[-1]["to"] == "13700000001"
    with pytest.raises(ValidationError, match="just been claimed"):
        services.claim_create(wish=wish, claimant=f.make_claimant(), claimant_name="李")
    services.claim_deliver(claim=claim, claimant=claimant, note="送到社区")
    operator = make_user(tree.unit_a, "grassroots_operator")
    wish = services.wish_confirm(actor=operator, wish=wish)
    claim.refresh_from_db()
    assert wish.status == WishStatus.CONFIRMED and claim.status == ClaimStatus.CONFIRMED
    assert claim.confirm_method == "staff" and claim.confirmed_by == operator and claim.ledger_opening
    entry = PendingEntry.objects.get(pk=wish.ledger_entry)
    data = json.loads(entry.data)
    assert data["type"] == "wish_fulfilled" and data["ref"] == wish.number and data["amount"] == "80.00"
    assert data["category"] == "study" and data["org"] == tree.unit_a.code
    from boai.ledger.commitments import opens

    assert opens(claim.ledger_opening, data["donor"])
    text = entry.data
    assert wish.beneficiary.name not in text and "王" not in text and "13700000001" not in text


def test_confirmation_link_works_once(tree):
    wish = f.make_wish(tree.unit_a, status="delivered")
    operator = make_user(tree.unit_a, "grassroots_operator")
    token = services.confirm_link_issue(actor=operator, wish=wish)
    assert services.wish_for_token(token).pk == wish.pk
    wish = services.wish_confirm_by_token(token=token)
    assert wish.status == WishStatus.CONFIRMED and wish.claims.get().confirm_method == "link"
    with pytest.raises(ValidationError, match="not valid"):
        services.wish_confirm_by_token(token=token)


def test_confirmation_link_expires(tree):
    wish = f.make_wish(tree.unit_a, status="claimed")
    token = services.confirm_link_issue(actor=None, wish=wish)
    MicroWish.objects.filter(pk=wish.pk).update(confirm_token_expires=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationError):
        services.wish_confirm_by_token(token=token)


def test_limit_of_active_claims_per_number(tree, settings):
    settings.BOAI_WISH_CLAIMS_PER_MOBILE = 2
    claimant = f.make_claimant()
    wishes = [f.make_wish(tree.unit_a) for _ in range(3)]
    first = services.claim_create(wish=wishes[0], claimant=claimant, claimant_name="甲")
    services.claim_create(wish=wishes[1], claimant=claimant, claimant_name="甲")
    with pytest.raises(ValidationError, match="2 wishes") as exc:
        services.claim_create(wish=wishes[2], claimant=claimant, claimant_name="甲")
    assert exc.value.code == "limit"
    services.claim_deliver(claim=first, claimant=claimant)  # delivered claims no longer count
    services.claim_create(wish=wishes[2], claimant=claimant, claimant_name="甲")


def test_claimant_gives_back_and_others_cannot_touch_the_claim(tree):
    wish = f.make_wish(tree.unit_a, status="claimed")
    claim = wish.claims.get()
    stranger = f.make_claimant()
    with pytest.raises(ValidationError, match="not your claim"):
        services.claim_cancel(claimant=stranger, claim=claim)
    with pytest.raises(ValidationError, match="not your claim"):
        services.claim_deliver(claim=claim, claimant=stranger)
    services.claim_cancel(claimant=claim.claimant, claim=claim)
    wish.refresh_from_db()
    assert wish.status == WishStatus.PUBLISHED
    services.claim_create(wish=wish, claimant=stranger, claimant_name="乙")


def test_withdraw_cancels_the_open_claim_and_tells_the_claimant(tree, settings, django_capture_on_commit_callbacks):
    wish = f.make_wish(tree.unit_a, status="claimed")
    officer = make_user(tree.branch_a, "relief_officer")
    with django_capture_on_commit_callbacks(execute=True):
        services.wish_withdraw(actor=officer, wish=wish, reason="家庭搬走了")
    wish.refresh_from_db()
    assert wish.status == WishStatus.WITHDRAWN and wish.claims.get().status == ClaimStatus.CANCELLED
    assert wish.number in _outbox(settings)[-1]["text"] and "withdrawn" in _outbox(settings)[-1]["text"]
    with pytest.raises(ValidationError):
        services.wish_withdraw(actor=officer, wish=wish, reason="再次")


def test_expiry_returns_the_wish_notifies_and_audits(tree, settings, django_capture_on_commit_callbacks):
    from boai.core.models import Notification
    from boai.wishes.tasks import expire_claims

    operator = make_user(tree.unit_a, "grassroots_operator")
    wish = f.make_wish(tree.unit_a, status="claimed")
    fresh = f.make_wish(tree.unit_a, status="claimed")
    claim = wish.claims.get()
    Claim.objects.filter(pk=claim.pk).update(claimed_at=timezone.now() - dt.timedelta(days=8),
                                             expires_at=timezone.now() - dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_claims().startswith("1 claims expired")
    claim.refresh_from_db()
    wish.refresh_from_db()
    fresh.refresh_from_db()
    assert claim.status == ClaimStatus.EXPIRED and wish.status == WishStatus.PUBLISHED
    assert fresh.status == WishStatus.CLAIMED
    assert wish.number in _outbox(settings)[-1]["text"] and "expired" in _outbox(settings)[-1]["text"]
    assert Notification.objects.filter(recipient=operator, title__contains=wish.number).exists()
    assert AuditEntry.objects.filter(action="wishes.claim.expire", object_id=str(claim.pk)).exists()
    services.claim_create(wish=wish, claimant=claim.claimant, claimant_name="再来")  # claimable again


def test_past_deadline_published_wishes_are_withdrawn(tree):
    wish = f.make_wish(tree.unit_a)
    MicroWish.objects.filter(pk=wish.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    assert services.wishes_close_past_deadline() == 1
    wish.refresh_from_db()
    assert wish.status == WishStatus.WITHDRAWN


def test_database_allows_one_open_claim_per_wish(tree):
    wish = f.make_wish(tree.unit_a, status="claimed")
    claim = wish.claims.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(wish=wish, claimant=f.make_claimant(), claimant_name="x", claimed_at=claim.claimed_at,
                             expires_at=claim.expires_at)


def test_photo_is_reencoded_without_metadata_and_limited(tree, settings):
    image = Image.new("RGB", (3000, 1000), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif)
    upload = SimpleUploadedFile("p.jpg", buf.getvalue(), content_type="image/jpeg")
    wish = f.make_wish(tree.unit_a, status="draft", photo=upload)
    stored = Image.open(wish.photo.open("rb"))
    assert max(stored.size) == 1600 and not stored.getexif()
    settings.BOAI_WISH_PHOTO_MAX_MB = 0
    with pytest.raises(ValidationError, match="larger than"):
        services.wish_update(actor=None, wish=wish, photo=SimpleUploadedFile("p.jpg", buf.getvalue()))
    settings.BOAI_WISH_PHOTO_MAX_MB = 5
    with pytest.raises(ValidationError, match="not a photo"):
        services.wish_update(actor=None, wish=wish, photo=SimpleUploadedFile("p.jpg", b"not an image"))


def test_otp_send_and_verify_make_one_claimant(tree, settings):
    services.claimant_send_code(mobile="139 1234 5678", client="1.2.3.4")
    import re

    code = re.search(r"\d{6}", _outbox(settings)[-1]["text"]).group()
    with pytest.raises(ValidationError):
        services.claimant_verify(mobile="13912345678", code="000000" if code != "000000" else "111111")
    claimant = services.claimant_verify(mobile="13912345678", code=code)
    assert claimant.mobile == "13912345678" and claimant.mobile_masked == "139****5678"
    with pytest.raises(ValidationError, match="Too many"):  # one code a minute per number
        services.claimant_send_code(mobile="13912345678", client="1.2.3.4")
