"""Concurrent approvals on PostgreSQL, each thread with its own connection, released together: one
application approved by several officers at once is approved once; two applications of one household
approved at once give one grant (the second is refused by the duplicate rule)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from boai.relief.models import Application, ApplicationStatus, ReliefRecord
from boai.relief.services import applications as svc
from boai.relief.tests.factories import make_application, make_household
from boai.relief.tests.factories_applications import AMOUNT, funded_relief_type, make_staff
from boai.testing.concurrency import postgres_only, run_together
from boai.testing.helpers import make_user

pytestmark = postgres_only()


def _reviewed(staff, household, rt):
    app = svc.application_create(actor=staff.worker, household=household, relief_type=rt, amount_requested=AMOUNT,
                                 reason="并发测试")
    svc.application_verify(actor=staff.worker2, application=app)
    return svc.application_review(actor=staff.reviewer, application=app)


def test_concurrent_approvals_of_one_application_give_one(tree):
    staff = make_staff(tree)
    rt = funded_relief_type(tree.city, max_amount=Decimal("2000.00"))[0]
    app = _reviewed(staff, make_household(tree.unit_a, members=2), rt)
    approvers = [make_user(tree.branch_a, "relief_officer") for _ in range(6)]
    outcomes = run_together([
        (lambda u=u: svc.application_approve(actor=u, application=Application.objects.get(pk=app.pk)))
        for u in approvers])
    assert sum(isinstance(o, Application) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == len(approvers) - 1
    assert ReliefRecord.objects.filter(application=app).count() == 2
    assert app.steps.filter(step="approve").count() == 1
    assert Application.objects.get(pk=app.pk).status == ApplicationStatus.APPROVED


def test_two_applications_of_one_household_approved_at_once_give_one_grant(tree):
    staff = make_staff(tree)
    rt_a = funded_relief_type(tree.city)[0]
    household = make_household(tree.unit_a)
    first = _reviewed(staff, household, rt_a)
    # a second reviewed application of the same household (e.g. from a campaign list)
    second = make_application(household, rt_a, status=ApplicationStatus.REVIEWED, raised_by=staff.worker,
                              verified_by=staff.worker2, reviewed_by=staff.reviewer, amount=str(AMOUNT))
    outcomes = run_together([
        lambda: svc.application_approve(actor=staff.approver, application=Application.objects.get(pk=first.pk)),
        lambda: svc.application_approve(actor=staff.city, application=Application.objects.get(pk=second.pk)),
    ])
    assert sum(isinstance(o, Application) for o in outcomes) == 1
    assert ReliefRecord.objects.filter(household=household, cancelled=False).count() == 1

