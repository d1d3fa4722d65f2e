import datetime as dt
import io

import pytest
from django.utils import timezone

from boai.core.models import Notification
from boai.core.periodic import jobs, run_job
from boai.relief.models import Alert, AlertKind, Household, HouseholdStatus
from boai.relief.tests.factories_households import make_household, make_person
from boai.testing.helpers import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def test_reviews_overdue_job_is_idempotent_and_notifies_once(tree):
    operator = make_user(tree.unit_a, "grassroots_operator")
    past = timezone.localdate() - dt.timedelta(days=3)
    due = [make_household(tree.unit_a, review_due=past) for _ in range(2)]
    make_household(tree.unit_a)  # not due
    make_household(tree.unit_a, review_due=past, status=HouseholdStatus.CLOSED)
    assert "relief.reviews_overdue" in jobs()
    run_job("relief.reviews_overdue")
    alerts = Alert.objects.filter(kind=AlertKind.REVIEW_OVERDUE)
    assert sorted(a.household_id for a in alerts) == sorted(h.pk for h in due)
    assert all(a.org == tree.unit_a for a in alerts)
    assert Notification.objects.filter(recipient=operator).count() == 1
    run_job("relief.reviews_overdue")
    assert alerts.count() == 2
    assert Notification.objects.filter(recipient=operator).count() == 1


def test_reviews_overdue_is_not_fooled_by_other_alerts(tree):
    """A closed overdue alert plus an open alert of another kind: the household is still due."""
    from boai.relief.services.households import reviews_overdue
    from boai.relief.tests.factories_households import make_alert

    household = make_household(tree.unit_a, review_due=timezone.localdate() - dt.timedelta(days=1))
    make_alert(tree.unit_a, household=household, kind=AlertKind.REVIEW_OVERDUE, resolved_at=timezone.now())
    make_alert(tree.unit_a, household=household, kind=AlertKind.SUDDEN_CHANGE)
    assert reviews_overdue() == 1
    assert reviews_overdue() == 0


def _xlsx(rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        row[2].number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_households_import_creates_through_services_and_rejects_a_bad_row(tree):
    from boai.core.tabular.engine import run_import
    from boai.core.tabular.spec import get_kind
    from boai.people.tests.factories import resident_id

    officer = make_user(tree.branch_a, "relief_officer")
    known = make_person(tree.unit_a)
    code = tree.unit_a.code
    header = ["单位代码", "户主姓名", "户主证件号码", "Mobile", "家庭住址", "纬度", "经度", "救助类别",
              "家庭月收入（元）", "风险等级"]
    good = [code, "李四", resident_id(), "13800002222", "人民路1号", "31.5", "120.3", "低保、残疾", "800", "watch"]
    known_row = [code, known.name, known.id_number, "", "", "", "", "特困", "0", ""]
    bad = [code, "王五", resident_id(), "", "", "31.5", "", "不存在的类别", "-1", ""]
    kind = get_kind("relief_households")
    report = run_import(_xlsx([header, good, known_row, bad]), "hh.xlsx", kind, actor=officer)
    assert not report.committed and Household.objects.count() == 0
    assert any(issue.row == 4 for issue in report.issues)
    report = run_import(_xlsx([header, good, known_row]), "hh.xlsx", kind, actor=officer)
    assert report.committed and report.imported == 2, report.issues
    li = Household.objects.get(head__name="李四")
    assert li.category_list == ["dibao", "disability"] and li.risk_level == "watch"
    assert Household.objects.get(head=known).category_list == ["tekun"]
    # the same head again: already under monitoring
    report = run_import(_xlsx([header, known_row]), "hh.xlsx", kind, actor=officer)
    assert not report.committed


def test_households_export_is_masked(tree):
    from boai.core.tabular.spec import get_kind

    officer = make_user(tree.branch_a, "relief_officer")
    household = make_household(tree.unit_a, address="人民路9号", address_masked="人民路****")
    make_household(tree.unit_b)
    kind = get_kind("relief_households")
    rows = [kind.export_row(h) for h in kind.export_queryset(actor=officer)]
    assert len(rows) == 1
    text = " ".join(str(c) for c in rows[0])
    assert household.head.id_number not in text and "人民路9号" not in text
    assert household.head.id_number_masked in text
