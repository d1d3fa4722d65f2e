"""Relief reports: figures by branch, type, month, category and fund, in the user's subtree only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from boai.relief.models import Category
from boai.relief.selectors import reports
from boai.relief.tests.factories import make_household, make_record, make_relief_type
from boai.testing.helpers import login, make_user


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _data(tree):
    today = timezone.localdate()
    rt = make_relief_type(tree.city, code="RPT-HOL")
    a = make_household(tree.unit_a, members=2, categories=[Category.DIBAO, Category.ILLNESS])
    b = make_household(tree.unit_b, categories=[Category.TEKUN])
    members = [m.person for m in a.members.select_related("person").order_by("id")]
    make_record(members[0], rt, tree.unit_a, granted_on=today, household=a, amount="500.00")
    make_record(members[1], rt, tree.unit_a, granted_on=today, household=a, amount="0")
    make_record(b.head, rt, tree.unit_b, granted_on=today, household=b, amount="800.00")
    make_record(b.head, rt, tree.unit_b, granted_on=today - dt.timedelta(days=800), household=b, amount="100.00")
    return rt, today.year


def test_city_sees_every_branch_and_a_branch_only_its_own(tree):
    rt, year = _data(tree)
    city = make_user(tree.city, "relief_officer")
    data = reports.report(city, reports.Period.year(year))
    assert data["totals"] == {"people": 3, "helped": 3, "amount": Decimal("1300.00")}
    assert {r["name"]: r["amount"] for r in data["branches"]} == {tree.branch_a.name: Decimal("500.00"),
                                                                   tree.branch_b.name: Decimal("800.00")}
    assert [(r["relief_type__code"], r["people"]) for r in data["types"]] == [("RPT-HOL", 3)]
    categories = {r["code"]: (r["people"], r["amount"]) for r in data["categories"]}
    assert categories == {"dibao": (2, Decimal("500.00")), "illness": (2, Decimal("500.00")),
                          "tekun": (1, Decimal("800.00"))}
    officer_a = make_user(tree.branch_a, "relief_officer")
    mine = reports.report(officer_a, reports.Period.year(year))
    assert mine["totals"]["amount"] == Decimal("500.00")
    assert [r["name"] for r in mine["branches"]] == [tree.unit_a.name]


def test_report_page_and_export(tree, client):
    _rt, year = _data(tree)
    officer_a = make_user(tree.branch_a, "relief_officer")
    login(client, officer_a)
    response = client.get(reverse("relief:reports"), {"year": year})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="people">2</div>' in body and "chart-months" in body
    assert tree.unit_a.name in body and tree.branch_b.name not in body
    export = client.get(reverse("relief:reports-export"), {"year": year})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
