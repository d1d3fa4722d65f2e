"""Objects for micro-wish tests, made through the services (so they are valid and audited)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from boai.wishes import services
from boai.wishes.models import Claimant, WishStatus

_seq = itertools.count(1)
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(n: int, *, region: str = "320211", birth: str = "20160101") -> str:
    """A valid GB 11643 number (check digit computed) for test person n."""
    base = f"{region}{birth}{n % 1000:03d}"
    return base + "10X98765432"[sum(int(a) * w for a, w in zip(base, _W, strict=True)) % 11]


def make_person(org, *, name: str | None = None, birth: str | None = None, **fields):
    from boai.people import services as people_services

    n = next(_seq)
    birth = birth or f"20{10 + n % 10:02d}0{1 + n % 9}1{n % 9}"
    digits = "零一二三四五六七八九"
    name = name or "受助" + "".join(digits[int(c)] for c in str(n))
    return people_services.person_create(actor=None, org=org, name=name,
                                         id_number=fields.pop("id_number", resident_id(n, birth=birth)), **fields)


def make_claimant(mobile: str | None = None) -> Claimant:
    from boai.people.identity import mask_mobile
    from boai.people.protect import mobile_blind

    mobile = mobile or f"137{next(_seq):08d}"
    claimant, _ = Claimant.objects.get_or_create(mobile_blind=mobile_blind(mobile), defaults={
        "mobile": mobile, "mobile_masked": mask_mobile(mobile)})
    return claimant


def make_wish(org, *, status: str = WishStatus.PUBLISHED, person=None, **fields):
    """A wish in `status` (draft, submitted, rejected, published, claimed, delivered, confirmed, withdrawn)."""
    n = next(_seq)
    defaults = dict(category="study", title=f"一套辅导书{n}", story="孩子上初一，希望有一套辅导书。",
                    estimated_value=Decimal("80"), deadline=timezone.localdate() + dt.timedelta(days=30))
    defaults.update(fields)
    wish = services.wish_create(actor=None, org=org, beneficiary=person or make_person(org), **defaults)
    if status == WishStatus.DRAFT:
        return wish
    wish = services.wish_submit(actor=None, wish=wish)
    if status == WishStatus.SUBMITTED:
        return wish
    if status == WishStatus.REJECTED:
        return services.wish_reject(actor=None, wish=wish, reason="请补充说明")
    wish = services.wish_approve(actor=None, wish=wish)
    if status in (WishStatus.CLAIMED, WishStatus.DELIVERED, WishStatus.CONFIRMED):
        claim = services.claim_create(wish=wish, claimant=make_claimant(), claimant_name="好心人")
        if status in (WishStatus.DELIVERED, WishStatus.CONFIRMED):
            services.claim_deliver(claim=claim, claimant=claim.claimant, note="已送到社区")
        if status == WishStatus.CONFIRMED:
            services.wish_confirm(actor=None, wish=wish)
    if status == WishStatus.WITHDRAWN:
        services.wish_withdraw(actor=None, wish=wish, reason="已解决")
    wish.refresh_from_db()
    return wish


def make_claim(org):
    wish = make_wish(org, status=WishStatus.CLAIMED)
    return wish.claims.get()
