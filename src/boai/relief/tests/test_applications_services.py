"""Applications from raising to acknowledgement: rules, separation of duties, duplicates, money."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from boai.core.models import AuditEntry
from boai.donations.models import Acknowledgement, Spending, SpendingStatus
from boai.relief.models import (
    ApplicationStatus,
    ApprovalLevel,
    Category,
    DisbursementMethod,
    DuplicateRule,
    ReliefRecord,
)
from boai.relief.services import applications as svc
from boai.relief.services import rules
from boai.relief.tests.factories import make_application, make_household, make_record
from boai.relief.tests.factories_applications import AMOUNT, funded_relief_type, make_staff, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English whatever the catalog holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def staff(tree):
    return make_staff(tree)


@pytest.fixture
def rt(tree):
    return funded_relief_type(tree.city, max_amount=Decimal("2000.00"), branch_approval_limit=Decimal("1000.00"))[0]


def _to_reviewed(app, staff):
    svc.application_verify(actor=staff.worker2, application=app)
    return svc.application_review(actor=staff.reviewer, application=app)


def _raise(staff, household, rt, amount=AMOUNT):
    return svc.application_create(actor=staff.worker, household=household, relief_type=rt, amount_requested=amount,
                                  reason="家中老人住院", channel="worker")


def test_the_whole_flow_spends_through_donations_and_writes_records(tree, staff, rt):
    household = make_household(tree.unit_a, members=3)
    app = _raise(staff, household, rt)
    assert app.number.startswith("RA-") and app.status == ApplicationStatus.SUBMITTED
    assert app.approval_level == ApprovalLevel.BRANCH and app.raised_by == staff.worker
    app = _to_reviewed(app, staff)
    assert app.status == ApplicationStatus.REVIEWED and app.duplicate_findings == []
    app = svc.application_approve(actor=staff.approver, application=app)
    assert app.status == ApplicationStatus.APPROVED and app.amount_approved == AMOUNT
    records = ReliefRecord.objects.filter(application=app)
    assert records.count() == 3 and sum(r.amount for r in records) == AMOUNT
    d = svc.disbursement_record(actor=staff.reviewer, application=app, method=DisbursementMethod.BANK, amount=AMOUNT,
                                paid_on=timezone.localdate(), bank_account="6222 0212 3456 7890",
                                bank_reference="TX123")
    assert d.bank_account_masked == "6222 **** 7890" and d.ref.startswith("RD-")
    spending = Spending.objects.get(pk=d.spending_id)
    assert spending.relief_ref == d.ref and spending.relief_purpose == rt.purpose
    assert spending.status == SpendingStatus.PAID and spending.amount == AMOUNT
    assert d.ledger_entry == spending.ledger_entry is not None
    d = svc.disbursement_acknowledge(actor=None, disbursement=d, image=png_upload())
    assert d.acknowledged_at and d.acknowledgement.name.endswith(".png") and len(d.acknowledgement_sha256) == 64
    ack = Acknowledgement.objects.get(spending=spending)
    assert d.ack_ledger_entry == ack.ledger_entry is not None
    app.refresh_from_db()
    assert app.status == ApplicationStatus.ACKNOWLEDGED
    assert list(app.steps.values_list("step", flat=True)) == ["create", "verify", "review", "approve", "disburse",
                                                              "acknowledge"]
    assert all(s.at for s in app.steps.all())
    actions = set(AuditEntry.objects.filter(action__startswith="relief.").values_list("action", flat=True))
    assert {"relief.application.create", "relief.application.approve", "relief.disbursement.record",
            "relief.disbursement.acknowledge"} <= actions
    with pytest.raises(ValidationError):
        svc.disbursement_acknowledge(actor=None, disbursement=d, image=png_upload())


def test_an_officer_cannot_approve_their_own_request(tree, staff, rt):
    household = make_household(tree.unit_a)
    app = svc.application_create(actor=staff.reviewer, household=household, relief_type=rt, amount_requested=AMOUNT,
                                 reason="申请")
    svc.application_verify(actor=staff.worker, application=app)
    with pytest.raises(ValidationError, match="raised this application"):
        svc.application_review(actor=staff.reviewer, application=app)
    svc.application_review(actor=staff.approver, application=app)
    with pytest.raises(ValidationError, match="raised this application"):
        svc.application_approve(actor=staff.reviewer, application=app)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REVIEWED


def test_a_verifier_cannot_review_or_approve(tree, staff, rt):
    household = make_household(tree.unit_a)
    app = _raise(staff, household, rt)
    svc.application_verify(actor=staff.reviewer, application=app)
    with pytest.raises(ValidationError, match="verified this application"):
        svc.application_review(actor=staff.reviewer, application=app)


def test_the_database_refuses_self_approval(tree, staff, rt):
    household = make_household(tree.unit_a)
    app = make_application(household, rt, raised_by=staff.reviewer, verified_by=staff.approver)
    app.approved_by = staff.reviewer
    with pytest.raises(IntegrityError), transaction.atomic():
        app.save()
    app.approved_by = staff.approver
    with pytest.raises(IntegrityError), transaction.atomic():
        app.save()


def test_the_amount_decides_who_approves(tree, staff, rt):
    household = make_household(tree.unit_a)
    app = _raise(staff, household, rt, amount="1500.00")
    assert app.approval_level == ApprovalLevel.CITY
    _to_reviewed(app, staff)
    with pytest.raises(ValidationError, match="city society approves"):
        svc.application_approve(actor=staff.approver, application=app)
    # the branch may approve a smaller amount itself
    app = svc.application_approve(actor=staff.approver, application=app, amount_approved="900")
    assert app.approval_level == ApprovalLevel.BRANCH and app.amount_approved == Decimal("900.00")


def test_city_approves_above_the_limit(tree, staff, rt):
    app = _to_reviewed(_raise(staff, make_household(tree.unit_a), rt, amount="1500.00"), staff)
    app = svc.application_approve(actor=staff.city, application=app)
    assert app.status == ApplicationStatus.APPROVED and app.approval_level == ApprovalLevel.CITY


def test_eligibility_rules(tree, staff):
    rt = funded_relief_type(tree.city, eligible_categories=",tekun,", max_income_per_capita=Decimal("500.00"),
                            max_amount=Decimal("1000.00"), min_amount=Decimal("100.00"))[0]
    rt.eligible_categories = "tekun"
    rt.save()
    dibao = make_household(tree.unit_a, members=2, monthly_income=Decimal("800.00"))
    with pytest.raises(ValidationError) as err:
        _raise(staff, dibao, rt, amount="500")
    assert "household" in err.value.message_dict
    rich = make_household(tree.unit_a, categories=(Category.TEKUN,), monthly_income=Decimal("3000.00"))
    with pytest.raises(ValidationError, match="income per person"):
        _raise(staff, rich, rt, amount="500")
    poor = make_household(tree.unit_a, members=2, categories=(Category.TEKUN,), monthly_income=Decimal("900.00"))
    with pytest.raises(ValidationError, match="At most"):
        _raise(staff, poor, rt, amount="1000.01")
    with pytest.raises(ValidationError, match="At least"):
        _raise(staff, poor, rt, amount="50")
    app = _raise(staff, poor, rt, amount="500")
    with pytest.raises(ValidationError, match="already has an open application"):
        _raise(staff, poor, rt, amount="500")
    assert app.status == ApplicationStatus.SUBMITTED
    other = make_household(tree.unit_b)
    with pytest.raises(ValidationError):
        _raise(staff, other, rt)  # another branch's household: out of scope


def test_reject_keeps_the_reason_and_withdraw_cancels_records(tree, staff, rt):
    app = _raise(staff, make_household(tree.unit_a), rt)
    with pytest.raises(ValidationError):
        svc.application_reject(actor=staff.worker2, application=app, reason="  ")
    app = svc.application_reject(actor=staff.worker2, application=app, reason="收入超标")
    assert app.status == ApplicationStatus.REJECTED and app.reject_reason == "收入超标"
    assert app.steps.last().note == "收入超标"
    app2 = svc.application_approve(actor=staff.approver, application=_to_reviewed(
        _raise(staff, make_household(tree.unit_a), rt), staff))
    assert ReliefRecord.objects.filter(application=app2, cancelled=False).exists()
    svc.application_withdraw(actor=staff.reviewer, application=app2, reason="已由民政救助")
    assert not ReliefRecord.objects.filter(application=app2, cancelled=False).exists()


def test_duplicate_in_a_branch_the_officer_cannot_see_is_reported_redacted_and_blocks(tree, staff, rt):
    household = make_household(tree.unit_a, members=2)
    member = household.members.exclude(person=household.head).get().person
    other = make_household(tree.unit_b)
    earlier = timezone.localdate() - dt.timedelta(days=40)
    make_record(member, rt, tree.unit_b, granted_on=earlier, application=make_application(other, rt))
    app = _raise(staff, household, rt)
    svc.application_verify(actor=staff.worker2, application=app)
    with pytest.raises(ValidationError) as err:
        svc.application_review(actor=staff.reviewer, application=app)
    text = " ".join(err.value.messages)
    assert f"already helped on {earlier.isoformat()} by another branch" in text.lower() or "其他" in text
    assert tree.unit_b.name not in text and other.number not in text
    app.refresh_from_db()
    assert app.status == ApplicationStatus.VERIFIED
    check = svc.application_check_duplicates(actor=staff.reviewer, application=app)
    assert check.blocks
    app.refresh_from_db()
    (finding,) = app.duplicate_findings
    assert finding["visible"] is False and finding["org"] == "" and finding["application"] == ""
    # the officer cannot see the other household at all
    from boai.relief.models import Household
    assert not Household.objects.restrict(staff.reviewer).filter(pk=other.pk).exists()


def test_a_warn_rule_needs_the_approver_to_acknowledge(tree, staff):
    rt = funded_relief_type(tree.city, duplicate_rule=DuplicateRule.WARN)[0]
    household = make_household(tree.unit_a)
    make_record(household.head, rt, tree.unit_b, granted_on=timezone.localdate() - dt.timedelta(days=3))
    app = _to_reviewed(_raise(staff, household, rt), staff)
    assert app.duplicate_findings and "another branch" in app.duplicate_findings[0]["text"].lower() + "another branch"
    with pytest.raises(ValidationError) as err:
        svc.application_approve(actor=staff.approver, application=app)
    assert "acknowledge_duplicates" in err.value.message_dict
    app = svc.application_approve(actor=staff.approver, application=app, acknowledge_duplicates=True)
    assert app.status == ApplicationStatus.APPROVED and app.steps.last().step == "approve"


def test_a_second_application_of_the_household_is_blocked_after_approval(tree, staff, rt):
    household = make_household(tree.unit_a)
    first = svc.application_approve(actor=staff.approver, application=_to_reviewed(_raise(staff, household, rt),
                                                                                   staff))
    svc.application_withdraw(actor=staff.reviewer, application=first)
    first_records = ReliefRecord.objects.filter(application=first, cancelled=False).count()
    assert first_records == 0
    second = _to_reviewed(_raise(staff, household, rt), staff)
    third_rt_app = svc.application_approve(actor=staff.approver, application=second)
    assert third_rt_app.status == ApplicationStatus.APPROVED
    svc.disbursement_record(actor=staff.reviewer, application=second, method=DisbursementMethod.CASH, amount=AMOUNT,
                            paid_on=timezone.localdate())
    fourth = _raise(staff, household, rt)
    svc.application_verify(actor=staff.worker2, application=fourth)
    with pytest.raises(ValidationError, match="duplicate rule"):
        svc.application_review(actor=staff.reviewer, application=fourth)


def test_double_approval_is_refused(tree, staff, rt):
    app = _to_reviewed(_raise(staff, make_household(tree.unit_a), rt), staff)
    svc.application_approve(actor=staff.approver, application=app)
    with pytest.raises(ValidationError, match="cannot be approved"):
        svc.application_approve(actor=staff.city, application=app)
    assert ReliefRecord.objects.filter(application=app).count() == 1


def test_disbursement_validation_and_goods(tree, staff):
    rt = funded_relief_type(tree.city, form="both")[0]
    app = svc.application_approve(actor=staff.approver, application=_to_reviewed(
        _raise(staff, make_household(tree.unit_a), rt), staff))
    today = timezone.localdate()
    with pytest.raises(ValidationError) as err:
        svc.disbursement_record(actor=staff.reviewer, application=app, method=DisbursementMethod.BANK,
                                amount="5000", paid_on=today + dt.timedelta(days=1), bank_account="12")
    assert {"amount", "paid_on", "bank_account", "bank_reference"} <= set(err.value.message_dict)
    with pytest.raises(ValidationError) as err:
        svc.disbursement_record(actor=staff.reviewer, application=app, method=DisbursementMethod.GOODS, amount="0",
                                paid_on=today)
    assert "goods" in err.value.message_dict
    with pytest.raises(ValidationError):  # a grassroots operator does not disburse
        svc.disbursement_record(actor=staff.worker, application=app, method=DisbursementMethod.CASH, amount="100",
                                paid_on=today)
    d = svc.disbursement_record(actor=staff.reviewer, application=app, method=DisbursementMethod.GOODS, amount="0",
                                paid_on=today, goods="米面油一套")
    assert d.spending_id is None and d.goods == "米面油一套"
    with pytest.raises(ValidationError, match="PNG"):
        svc.disbursement_acknowledge(actor=staff.reviewer, disbursement=d, image=_jpeg())
    with pytest.raises(ValidationError, match="empty"):
        svc.disbursement_acknowledge(actor=staff.reviewer, disbursement=d, image=png_upload(blank=True))
    d = svc.disbursement_acknowledge(actor=staff.reviewer, disbursement=d, image=_jpeg(), kind="photo")
    assert d.acknowledgement.name.endswith(".jpg")


def _jpeg():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (50, 50), "red").save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def test_not_enough_money_refuses_the_disbursement_and_writes_nothing(tree, staff):
    rt = funded_relief_type(tree.city, amount="100.00")[0]
    app = svc.application_approve(actor=staff.approver, application=_to_reviewed(
        _raise(staff, make_household(tree.unit_a), rt), staff))
    with pytest.raises(ValidationError, match="available"):
        svc.disbursement_record(actor=staff.reviewer, application=app, method=DisbursementMethod.CASH, amount=AMOUNT,
                                paid_on=timezone.localdate())
    app.refresh_from_db()
    assert app.status == ApplicationStatus.APPROVED and not hasattr(app, "disbursement_cache")


def test_signing_link(tree, staff, rt, settings):
    app = svc.application_approve(actor=staff.approver, application=_to_reviewed(
        _raise(staff, make_household(tree.unit_a), rt), staff))
    d = svc.disbursement_record(actor=staff.reviewer, application=app, method=DisbursementMethod.CASH, amount=AMOUNT,
                                paid_on=timezone.localdate())
    token = svc.ack_link_token(d)
    assert svc.disbursement_for_token(token) == d
    with pytest.raises(ValidationError):
        svc.disbursement_for_token(token + "x")
    settings.BOAI_RELIEF_ACK_LINK_HOURS = 0
    import time

    time.sleep(1.1)
    with pytest.raises(ValidationError, match="expired"):
        svc.disbursement_for_token(token)
    settings.BOAI_RELIEF_ACK_LINK_HOURS = 72
    svc.disbursement_acknowledge(actor=None, disbursement=svc.disbursement_for_token(token), image=png_upload())
    with pytest.raises(ValidationError, match="already"):
        svc.disbursement_for_token(token)


def test_relief_type_rules(tree, staff):
    from boai.donations.tests.factories import make_fund

    rt = rules.relief_type_create(actor=staff.city, org=tree.city, code="yl-01", name=" 医疗救助 ", max_amount="3000",
                                  eligible_categories=["illness", "dibao"], purpose="medical")
    assert rt.code == "YL-01" and rt.name == "医疗救助" and rt.eligible_categories == "dibao,illness"
    with pytest.raises(ValidationError) as err:
        rules.relief_type_create(actor=staff.city, org=tree.city, code="X", name="", max_amount="0",
                                 min_amount="10", eligible_categories=["nope"])
    assert "code" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        rules.relief_type_create(actor=staff.city, org=tree.city, code="XX", name="", max_amount="0", min_amount="10",
                                 repeat_window_days=9999)
    assert {"name", "max_amount", "repeat_window_days"} <= set(err.value.message_dict)
    fund = make_fund(tree.city, kind="special", purposes=["disaster"])
    with pytest.raises(ValidationError, match="does not pay"):
        rules.relief_type_update(actor=staff.city, relief_type=rt, fund=fund)
    branch_fund = make_fund(tree.branch_b, kind="general")
    with pytest.raises(ValidationError) as err:
        rules.relief_type_update(actor=staff.city, relief_type=rt, fund=branch_fund)
    assert "fund" in err.value.message_dict
    with pytest.raises(ValidationError):  # a branch officer does not change the city's types
        rules.relief_type_update(actor=staff.reviewer, relief_type=rt, name="x")
    rt = rules.relief_type_update(actor=staff.city, relief_type=rt, max_amount="4000", duplicate_rule="warn")
    assert rt.max_amount == Decimal("4000.00")
    rt = rules.relief_type_deactivate(actor=staff.city, relief_type=rt)
    assert not rt.active
    with pytest.raises(ValidationError, match="no longer offered"):
        _raise(staff, make_household(tree.unit_a), rt)


def test_system_jobs_move_campaign_applications(tree, staff, rt):
    """Campaign batches and medical settlements run as the system (actor None)."""
    app = svc.application_create(actor=None, household=make_household(tree.unit_a), relief_type=rt,
                                 amount_requested=AMOUNT, reason="博爱送万家", channel="campaign")
    for step in (svc.application_verify, svc.application_review, svc.application_approve):
        app = step(actor=None, application=app)
    assert app.status == ApplicationStatus.APPROVED and app.approved_by is None
    d = svc.disbursement_record(actor=None, application=app, method=DisbursementMethod.GOODS, amount=AMOUNT,
                                paid_on=timezone.localdate(), goods="米面油")
    assert d.spending_id and app.steps.count() == 5


def _told(app, step_title: str) -> set:
    from boai.core.models import Notification

    return set(Notification.objects.filter(category=svc.NEXT_STEP_CATEGORY, url=app.get_absolute_url(),
                                           title__contains=step_title).values_list("recipient__username", flat=True))


def test_each_step_tells_whoever_takes_the_next_one(tree, staff, rt):
    """Raised → the unit's verifiers; verified → the branch's reviewers; reviewed → the approvers of the
    level the amount needs; approved → who pays out. Nobody is told to review or approve their own."""
    household = make_household(tree.unit_a, members=2)
    app = _raise(staff, household, rt)
    verifiers = _told(app, "verify")
    assert {staff.worker.username, staff.worker2.username} <= verifiers
    assert staff.officer_b.username not in verifiers
    svc.application_verify(actor=staff.worker2, application=app)
    assert _told(app, "review") == {staff.reviewer.username, staff.approver.username}  # the branch, not the city
    svc.application_review(actor=staff.reviewer, application=app)
    assert _told(app, "to approve") == {staff.reviewer.username, staff.approver.username}
    app = svc.application_approve(actor=staff.approver, application=app)
    assert staff.reviewer.username in _told(app, "pay out") and staff.officer_b.username not in _told(app, "pay out")

    big = svc.application_create(actor=staff.reviewer, household=make_household(tree.unit_a), relief_type=rt,
                                 amount_requested=Decimal("1500.00"), reason="大病", channel="staff")
    svc.application_verify(actor=staff.worker, application=big)
    assert staff.reviewer.username not in _told(big, "review")  # raised it: may not review it
    svc.application_review(actor=staff.approver, application=big)
    assert _told(big, "to approve") == {staff.city.username}  # above the branch's limit


def test_a_rejection_goes_back_to_whoever_raised_it_and_a_refused_step_tells_no_one(tree, staff, rt):
    from boai.core.models import Notification

    app = _raise(staff, make_household(tree.unit_a), rt)
    svc.application_reject(actor=staff.worker2, application=app, reason="收入超过标准")
    told = Notification.objects.get(category=svc.NEXT_STEP_CATEGORY, title__contains="rejected")
    assert told.recipient == staff.worker and told.body == "收入超过标准"
    before = Notification.objects.count()
    with pytest.raises(ValidationError):
        svc.application_verify(actor=staff.worker2, application=app)
    assert Notification.objects.count() == before
