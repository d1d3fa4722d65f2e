"""Concurrent claims on PostgreSQL, each thread with its own connection, released together by a
barrier: many people claiming one wish get exactly one claim (the others a clear message), and one
number racing for more wishes than its limit gets exactly the limit."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from boai.testing.concurrency import postgres_only, run_together
from boai.wishes import services
from boai.wishes.models import Claim, ClaimStatus, MicroWish, WishStatus
from boai.wishes.tests import factories as f

pytestmark = postgres_only()

CLAIMERS = 24


def test_concurrent_claims_of_one_wish_give_one_claim(tree):
    wish = f.make_wish(tree.unit_a)
    claimants = [f.make_claimant() for _ in range(CLAIMERS)]
    outcomes = run_together([
        (lambda c=c: services.claim_create(wish=MicroWish.objects.get(pk=wish.pk), claimant=c, claimant_name="好心人"))
        for c in claimants])
    won = [o for o in outcomes if isinstance(o, Claim)]
    lost = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(won) == 1 and len(lost) == CLAIMERS - 1
    # threads speak the default language (translation.override is per thread)
    assert all(e.code == "claimed" and ("just been claimed" in e.messages[0] or "刚刚被认领" in e.messages[0])
               for e in lost)
    assert Claim.objects.filter(wish=wish).count() == 1
    assert MicroWish.objects.get(pk=wish.pk).status == WishStatus.CLAIMED


def test_one_number_racing_for_more_than_its_limit(tree, settings):
    settings.BOAI_WISH_CLAIMS_PER_MOBILE = 3
    claimant = f.make_claimant()
    wishes = [f.make_wish(tree.unit_a) for _ in range(10)]
    outcomes = run_together([
        (lambda w=w: services.claim_create(wish=w, claimant=claimant, claimant_name="同一人")) for w in wishes])
    assert sum(isinstance(o, Claim) for o in outcomes) == 3
    assert all(o.code == "limit" for o in outcomes if isinstance(o, ValidationError))
    assert Claim.objects.filter(claimant=claimant, status=ClaimStatus.ACTIVE).count() == 3
    assert MicroWish.objects.filter(status=WishStatus.CLAIMED).count() == 3


def test_expiry_racing_a_delivery_leaves_one_outcome(tree):
    """The job and the claimant's "delivered" lock the same rows: the claim ends up either delivered
    (and the wish delivered) or expired (and the wish published), never a mix."""
    import datetime as dt

    from django.utils import timezone

    wish = f.make_wish(tree.unit_a, status="claimed")
    claim = wish.claims.get()
    Claim.objects.filter(pk=claim.pk).update(claimed_at=timezone.now() - dt.timedelta(days=8),
                                             expires_at=timezone.now() - dt.timedelta(seconds=1))
    run_together([lambda: services.claims_expire(),
                  lambda: services.claim_deliver(claim=claim, claimant=claim.claimant, note="刚送到")])
    claim.refresh_from_db()
    wish.refresh_from_db()
    assert (claim.status, wish.status) in {(ClaimStatus.DELIVERED, WishStatus.DELIVERED),
                                           (ClaimStatus.EXPIRED, WishStatus.PUBLISHED)}
