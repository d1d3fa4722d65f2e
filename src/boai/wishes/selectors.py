"""Micro-wish reads beyond `restrict()`: the public list, the review inbox, a wish's timeline."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from boai.wishes.models import OPEN_CLAIM, PUBLIC, Claim, ClaimStatus, MicroWish, WishStatus


def public_wishes() -> QuerySet[MicroWish]:
    """What the public pages may show: reviewed wishes, with only the columns they print (never the
    beneficiary, the household note or the unit's own name)."""
    return (MicroWish.objects.filter(status__in=PUBLIC).select_related("district", "org")
            .only("number", "category", "title", "story", "public_profile", "estimated_value", "photo", "deadline",
                  "status", "published_at", "confirmed_at", "district__name", "district__short_name",
                  "org__subtype"))


def open_to_claim(queryset: QuerySet[MicroWish] | None = None) -> QuerySet[MicroWish]:
    qs = queryset if queryset is not None else public_wishes()
    return qs.filter(status=WishStatus.PUBLISHED, deadline__gte=timezone.localdate())


def public_districts() -> list[tuple[int, str]]:
    rows = (MicroWish.objects.filter(status=WishStatus.PUBLISHED, district__isnull=False)
            .values_list("district_id", "district__short_name", "district__name").distinct()
            .order_by("district__path"))
    return [(pk, short or name.removesuffix("红十字会")) for pk, short, name in rows]


def public_counts() -> dict[str, int]:
    row = MicroWish.objects.aggregate(open=Count("pk", filter=Q(status=WishStatus.PUBLISHED,
                                                                deadline__gte=timezone.localdate())),
                                      fulfilled=Count("pk", filter=Q(status=WishStatus.CONFIRMED)))
    return {"open": row["open"], "fulfilled": row["fulfilled"]}


def review_inbox(user) -> QuerySet[MicroWish]:
    """Wishes waiting for review in the user's scope that the user did not write."""
    return (MicroWish.objects.restrict(user, "approve").filter(status=WishStatus.SUBMITTED)
            .exclude(Q(created_by=user) | Q(submitted_by=user))
            .select_related("org").order_by("submitted_at"))


def open_claim(wish: MicroWish) -> Claim | None:
    return wish.claims.filter(status__in=OPEN_CLAIM).select_related("claimant").first()


def claims_of(claimant) -> QuerySet[Claim]:
    return (Claim.objects.filter(claimant=claimant).select_related("wish", "wish__district", "wish__org")
            .order_by("-claimed_at"))


def timeline(wish: MicroWish) -> list:
    """The wish's audit records and its claims' records, oldest first."""
    from boai.core.models import AuditEntry

    claim_ids = [str(pk) for pk in wish.claims.values_list("pk", flat=True)]
    return list(AuditEntry.objects.filter(Q(object_type="wishes.microwish", object_id=str(wish.pk))
                                          | Q(object_type="wishes.claim", object_id__in=claim_ids))
                .order_by("created_at", "id")[:200])


def status_counts(queryset: QuerySet[MicroWish]) -> dict[str, int]:
    return dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))


__all__ = ["ClaimStatus", "claims_of", "open_claim", "open_to_claim", "public_counts", "public_districts",
           "public_wishes", "review_inbox", "status_counts", "timeline"]
