"""Relief seed presets: demo shows every state; the city logic, run small, is consistent and reproducible."""

from __future__ import annotations

import random

from boai.core import seeding
from boai.core.seeding import SeedContext
from boai.relief import seed
from boai.relief.models import (
    Application,
    ApplicationStatus,
    Campaign,
    Household,
    HouseholdMember,
    ReliefRecord,
    ReliefType,
)


def test_demo_preset_has_every_state(db):
    seeding.run("demo", out=lambda s: None, only=["orgs", "accounts", "people", "relief"])
    assert set(Application.objects.values_list("status", flat=True)) == set(ApplicationStatus.values)
    assert ReliefType.objects.count() == len(seed.TYPES)
    assert Household.objects.count() == seed.DEMO_HOUSEHOLDS
    assert set(Household.objects.values_list("status", flat=True)) == {"active", "closed"}
    granted = Application.objects.filter(status__in=["approved", "disbursed", "acknowledged"])
    assert all(a.records.exists() for a in granted)
    assert not ReliefRecord.objects.filter(application__status__in=["submitted", "rejected"]).exists()
    assert not Application.objects.filter(status="acknowledged", disbursement__acknowledged_at__isnull=True).exists()
    campaign = Campaign.objects.get()
    assert campaign.quotas.count() == 2 and campaign.households.exists()


def _city(seed_value: int) -> dict:
    ctx = SeedContext(preset="city", rng=random.Random(seed_value), out=lambda s: None)
    return seed.seed_city(ctx, households=40, members=100, records=300)


def _snapshot():
    return (list(Household.objects.order_by("id").values_list("org_id", "head_id", "size", "categories")),
            list(ReliefRecord.objects.order_by("id").values_list("relief_type__code", "person_id", "granted_on",
                                                                 "amount")))


def test_city_seed_is_consistent_and_reproducible(db):
    seeding.run("demo", out=lambda s: None, only=["orgs", "people"])
    counts = _city(7)
    assert counts == {"types": len(seed.TYPES), "households": 40, "members": 100, "records": 300}
    for household in Household.objects.all():
        members = list(household.members.values_list("person_id", "relation"))
        assert len(members) == household.size and (household.head_id, "head") in members
    assert HouseholdMember.objects.values("person_id").distinct().count() == 100
    # every record is a member of its household, in the household's unit, within five years
    assert not ReliefRecord.objects.exclude(org_id__in=Household.objects.values("org_id")).exists()
    for record in ReliefRecord.objects.select_related("household")[:50]:
        assert record.household.members.filter(person_id=record.person_id).exists()
        assert record.org_id == record.household.org_id
    first = _snapshot()
    ReliefRecord.objects.all().delete()
    HouseholdMember.objects.all().delete()
    Household.objects.all().delete()
    _city(7)
    assert [row[1:] for row in _snapshot()[0]] == [row[1:] for row in first[0]]
    assert _snapshot()[1] == first[1]
