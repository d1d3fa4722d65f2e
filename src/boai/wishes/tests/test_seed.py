import random

from boai.core import seeding
from boai.core.seeding import SeedContext
from boai.wishes import seed
from boai.wishes.models import OPEN_CLAIM, Claim, MicroWish, WishStatus


def test_demo_preset_has_every_state(db):
    seeding.run("demo", out=lambda s: None, only=["orgs", "accounts", "people", "wishes"])
    states = set(MicroWish.objects.values_list("status", flat=True))
    assert states == set(WishStatus.values)
    assert not MicroWish.objects.filter(status=WishStatus.CONFIRMED, ledger_entry__isnull=True).exists()


def test_city_seed_is_consistent_and_reproducible(db):
    seeding.run("demo", out=lambda s: None, only=["orgs", "people"])

    def run(seed_value):
        ctx = SeedContext(preset="city", rng=random.Random(seed_value), out=lambda s: None)
        return seed.seed_city(ctx, count=300)

    assert run(7) == 300
    first = list(MicroWish.objects.order_by("number").values_list("category", "status", "beneficiary_id"))
    assert MicroWish.objects.count() == 300
    open_wishes = MicroWish.objects.filter(status__in=[WishStatus.CLAIMED, WishStatus.DELIVERED])
    assert all(w.claims.filter(status__in=OPEN_CLAIM).count() == 1 for w in open_wishes)
    assert not MicroWish.objects.filter(status=WishStatus.CONFIRMED, claims__isnull=True).exists()
    Claim.objects.all().delete()
    MicroWish.objects.all().delete()
    run(7)
    again = list(MicroWish.objects.order_by("number").values_list("category", "status", "beneficiary_id"))
    assert again == first
