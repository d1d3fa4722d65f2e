"""Concurrent sign-ups on PostgreSQL: the activity row lock and the CHECK constraint never let an
activity be overbooked, and the unique constraint never lets a volunteer in twice.

The headline case is 200 threads, each with its own database connection, released together by a
barrier, for 50 places. It needs 200 free connections: on a server with fewer (the default
max_connections is 100, shared with other test workers) the same test runs at the largest size
that fits, keeping the 4:1 ratio, and says so. Set `max_connections = 300` to run it at full size.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from boai.accounts.models import User
from boai.testing.concurrency import free_connections, postgres_only, run_together
from boai.testing.helpers import make_user
from boai.volunteers import services
from boai.volunteers.models import Activity, Signup
from boai.volunteers.testing import make_activity, make_volunteer

pytestmark = postgres_only()

FULL_SIZE = 200


def sign_up_together(users, activity) -> list:
    """One thread per user, each with its own connection, all released at once."""
    return run_together([lambda u=u: services.signup_create(actor=u, activity=activity).status for u in users])


def test_concurrent_signups_fill_exactly_the_places(tree, capsys):
    size = FULL_SIZE if free_connections() >= FULL_SIZE + 5 else max(40, (free_connections() - 10) // 4 * 4)
    places = size // 4
    activity = make_activity(tree.unit_a, capacity=places)
    users = [make_volunteer(tree.unit_a, user=make_user(tree.unit_a, "volunteer")).user for _ in range(size)]
    users = list(User.objects.filter(pk__in=[u.pk for u in users]))  # fresh objects, no cached state
    outcomes = sign_up_together(users, activity)
    with capsys.disabled():
        print(f"\n{size} simultaneous sign-ups for {places} places (free connections decide the size)")
    assert Counter(outcomes) == {"confirmed": places, "waiting": size - places}
    rows = Signup.objects.filter(activity=activity)
    assert rows.count() == size
    assert rows.values("volunteer").distinct().count() == size  # nobody twice
    assert Activity.objects.get(pk=activity.pk).taken == places
    first_waiting = rows.filter(status="waiting").order_by("queued_at", "id").first()
    services.signup_cancel(actor=rows.filter(status="confirmed").first().volunteer.user,
                           signup=rows.filter(status="confirmed").first())
    first_waiting.refresh_from_db()
    assert first_waiting.status == "confirmed" and Activity.objects.get(pk=activity.pk).taken == places


def test_same_volunteer_twice_at_once_gets_one_signup(tree):
    activity = make_activity(tree.unit_a, capacity=5)
    volunteer = make_volunteer(tree.unit_a, user=make_user(tree.unit_a, "volunteer"))
    users = [User.objects.get(pk=volunteer.user_id) for _ in range(12)]
    outcomes = sign_up_together(users, activity)
    assert sum(1 for o in outcomes if o == "confirmed") == 1
    assert all(isinstance(o, ValidationError) for o in outcomes if o != "confirmed")
    assert Signup.objects.filter(activity=activity).count() == 1
    assert Activity.objects.get(pk=activity.pk).taken == 1


def test_database_refuses_overbooking_whatever_the_code_does(tree):
    from django.db import IntegrityError, transaction

    activity = make_activity(tree.unit_a, capacity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(taken=3)
