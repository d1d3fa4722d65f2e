import datetime as dt
from decimal import Decimal

from django.utils import timezone

from boai.testing.helpers import make_user
from boai.volunteers import reports, selectors, services
from boai.volunteers.models import IncentivePolicy, Volunteer
from boai.volunteers.testing import make_activity, make_record, make_signup, make_volunteer


def months_ago(n: int) -> dt.date:
    return reports.month_start(n) + dt.timedelta(days=3)


def test_active_rule_average_and_monthly(tree):
    steady, burst, idle = (make_volunteer(tree.unit_a) for _ in range(3))
    for m in range(12):
        make_record(steady, hours="8", status="certified", day=months_ago(m))
    for _ in range(4):
        make_record(burst, hours="8", status="certified", day=months_ago(1) + dt.timedelta(days=_))
    make_record(idle, hours="3", status="certified", day=months_ago(2))
    policy = IncentivePolicy(active_hours_per_month=Decimal("2"), active_window_months=12)
    assert set(selectors.filter_active(Volunteer.objects.all(), policy)) == {steady, burst}
    policy.active_min_months = 6
    assert set(selectors.filter_active(Volunteer.objects.all(), policy)) == {steady}
    assert set(selectors.filter_active(Volunteer.objects.all(), policy, active=False)) == {burst, idle}


def test_for_self_sees_only_own_data(tree):
    me_user = make_user(tree.unit_a, "volunteer")
    me = make_volunteer(tree.unit_a, user=me_user)
    other = make_volunteer(tree.unit_a)
    mine, theirs = make_record(me), make_record(other)
    scope = selectors.for_self(me_user)
    assert list(scope.records()) == [mine] and theirs not in scope.records()
    open_here, elsewhere = make_activity(tree.unit_a), make_activity(tree.unit_b)
    signed = make_activity(tree.unit_b)
    make_signup(signed, me)
    assert set(scope.activities()) == {open_here, signed} and elsewhere not in scope.activities()
    nobody = selectors.for_self(make_user(tree.unit_a, "auditor"))
    assert not nobody.exists and not nobody.records().exists() and not nobody.activities().exists()


def test_team_only_activities_are_open_to_members_only(tree):
    user = make_user(tree.unit_a, "volunteer")
    me = make_volunteer(tree.unit_a, user=user)
    team = services.team_create(actor=None, org=tree.unit_a, name="救护队", speciality="first_aid")
    activity = make_activity(tree.unit_a, team=team, recruitment="team")
    assert activity not in selectors.for_self(user).activities()
    services.team_member_add(actor=None, team=team, volunteer=me)
    assert activity in selectors.for_self(user).activities()


def test_hours_by_branch_month_is_one_query(tree, django_assert_num_queries):
    officer = make_user(tree.city, "volunteers_officer")
    for unit in (tree.unit_a, tree.unit_b):
        v = make_volunteer(unit)
        make_record(v, hours="2", status="certified", day=timezone.localdate().replace(day=1))
        make_record(v, hours="3", status="certified", day=months_ago(1))
    with django_assert_num_queries(1):
        rows = reports.hours_by_branch_month(user=officer, months=3)
    assert sum(r["hours"] for r in rows) == Decimal("10") and len(rows) == 4
    assert {r["branch"] for r in rows} == {tree.branch_a.path, tree.branch_b.path}
    branch_user = make_user(tree.branch_a, "volunteers_officer")
    assert {r["branch"] for r in reports.hours_by_branch_month(user=branch_user)} == {tree.branch_a.path}
