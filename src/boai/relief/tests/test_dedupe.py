"""The duplicate check: one query, city-wide, redacted outside the viewer's scope."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from boai.relief.models import DuplicateRule
from boai.relief.selectors.dedupe import duplicate_check
from boai.relief.tests.factories import make_application, make_household, make_record, make_relief_type


def test_grant_in_another_branch_is_reported_without_its_details(tree):
    rt = make_relief_type(tree.city, repeat_window_days=365)
    mine = make_household(tree.unit_a, members=2)
    theirs = make_household(tree.unit_b)
    # a member of my household was helped in branch B (also registered in a household there)
    member = mine.members.exclude(person=mine.head).get().person
    app_b = make_application(theirs, rt)
    make_record(member, rt, tree.unit_b, granted_on=timezone.localdate() - dt.timedelta(days=30), application=app_b)
    person_ids = list(mine.members.values_list("person_id", flat=True))
    with CaptureQueriesContext(connection) as queries:
        check = duplicate_check(relief_type=rt, person_ids=person_ids, viewer_path=tree.branch_a.path)
    assert len(queries) == 1
    assert check.found and check.blocks
    (grant,) = check.grants
    assert not grant.visible and grant.org_name == "" and grant.application_number == "" and grant.person_ids == ()
    assert "another branch" in grant.describe() or "其他" in grant.describe()
    # the city sees everything
    city = duplicate_check(relief_type=rt, person_ids=person_ids, viewer_path=tree.city.path)
    assert city.grants[0].visible and city.grants[0].application_number == app_b.number


def test_window_rule_and_cancelled_records(tree):
    rt = make_relief_type(tree.city, repeat_window_days=90, duplicate_rule=DuplicateRule.WARN, max_per_window=2)
    household = make_household(tree.unit_a)
    today = timezone.localdate()
    make_record(household.head, rt, tree.unit_a, granted_on=today - dt.timedelta(days=91))  # outside the window
    old = make_record(household.head, rt, tree.unit_a, granted_on=today - dt.timedelta(days=10))
    check = duplicate_check(relief_type=rt, person_ids=[household.head_id], viewer_path=tree.branch_a.path)
    assert len(check.grants) == 1 and check.warns and not check.blocks and check.grants[0].visible
    make_record(household.head, rt, tree.unit_a, granted_on=today - dt.timedelta(days=5))
    assert duplicate_check(relief_type=rt, person_ids=[household.head_id], viewer_path="").over_limit
    old.cancelled = True
    old.save()
    assert len(duplicate_check(relief_type=rt, person_ids=[household.head_id], viewer_path="").grants) == 1
    other_type = make_relief_type(tree.city)
    assert not duplicate_check(relief_type=other_type, person_ids=[household.head_id], viewer_path="").found


def test_compiled_once_per_shape_gives_the_querysets_rows(tree):
    """The reused SQL answers exactly what the queryset would, for each shape (people, exclusion)."""
    from boai.relief.selectors import dedupe

    rt = make_relief_type(tree.city, repeat_window_days=365)
    household = make_household(tree.unit_a, members=3)
    members = [m.person for m in household.members.select_related("person").order_by("person_id")]
    people = [p.pk for p in members]
    app = make_application(household, rt)
    today = timezone.localdate()
    for n, person in enumerate(members):
        make_record(person, rt, tree.unit_a, granted_on=today - dt.timedelta(days=n * 10), application=app)
    make_record(members[0], rt, tree.unit_b, granted_on=today - dt.timedelta(days=3))
    since = today - dt.timedelta(days=365)
    for size in (1, 2, 3):
        for exclude in (None, app.pk):
            for _ in range(2):  # compiled, then reused
                got = dedupe._prior_records(rt.pk, people[:size], since, today, exclude)
                want = list(dedupe._records_queryset(rt.pk, people[:size], since, today, exclude))
                assert got == want and want
