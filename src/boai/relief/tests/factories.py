"""Test data for relief: rows made directly (services are tested on their own)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from boai.people.tests.factories import make_person
from boai.relief.models import (
    Application,
    ApplicationStatus,
    Category,
    Household,
    HouseholdMember,
    Relation,
    ReliefRecord,
    ReliefType,
)
from boai.relief.models.households import categories_text

_seq = itertools.count(1)


def make_relief_type(org, *, code: str | None = None, **fields) -> ReliefType:
    n = next(_seq)
    data = {"code": code or f"T{n:04d}", "name": f"测试救助{n}", "max_amount": Decimal("2000.00"),
            "repeat_window_days": 365}
    data.update(fields)
    return ReliefType.objects.create(org=org, **data)


def make_household(unit, *, members: int = 1, categories=(Category.DIBAO,), head=None, **fields) -> Household:
    n = next(_seq)
    head = head or make_person(unit)
    data = {"number": f"HH-TEST-{n:06d}", "address": f"测试路{n}号", "address_masked": "测试路**号",
            "categories": categories_text(categories), "size": members, "monthly_income": Decimal("1200.00"),
            "review_due": timezone.localdate() + dt.timedelta(days=90)}
    data.update(fields)
    household = Household.objects.create(org=unit, head=head, **data)
    HouseholdMember.objects.create(household=household, person=head, relation=Relation.HEAD)
    for _ in range(members - 1):
        HouseholdMember.objects.create(household=household, person=make_person(unit), relation=Relation.CHILD)
    return household


def make_application(household, relief_type, *, status: str = ApplicationStatus.SUBMITTED, raised_by=None,
                     amount: str = "500.00", **fields) -> Application:
    n = next(_seq)
    data = {"number": f"RA-TEST-{n:06d}", "org": household.org, "beneficiary": household.head,
            "amount_requested": Decimal(amount), "reason": "测试申请", "status": status,
            "raised_by": raised_by, "raised_at": timezone.now()}
    data.update(fields)
    return Application.objects.create(household=household, relief_type=relief_type, **data)


def make_record(person, relief_type, org, *, granted_on: dt.date | None = None, household=None,
                application=None, amount: str = "500.00") -> ReliefRecord:
    return ReliefRecord.objects.create(person=person, relief_type=relief_type, org=org, household=household,
                                       application=application, amount=Decimal(amount),
                                       granted_on=granted_on or timezone.localdate())
