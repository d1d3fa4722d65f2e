"""Household reads: the scoped list with search and filters, members' person ids, the detail page's
timeline and relief received, the alert inbox and the map's points."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from boai.relief.models.households import Alert, Household, HouseholdMember, HouseholdStatus

ENCRYPTED = ("address",)


def households_for(user, action: str = "view") -> QuerySet[Household]:
    """Households a user may act on, with their unit and head, without the encrypted address."""
    return (Household.objects.restrict(user, action).select_related("org", "head")
            .defer("address", "head__id_number", "head__mobile", "head__address"))


def search(queryset: QuerySet[Household], term: str) -> QuerySet[Household]:
    """One box: a household number, a full or masked ID number of the head, or the start of a member's name."""
    from boai.people.identity import looks_like_id_number, normalise_id_number
    from boai.people.protect import id_blind

    term = " ".join((term or "").split())
    if not term:
        return queryset
    if "*" in term:  # a masked ID number as shown on the pages and exports
        return queryset.filter(Q(head__id_number_masked=term) | Q(members__person__id_number_masked=term,
                                                                    members__active=True)).distinct()
    query = Q(number__iexact=term)
    if looks_like_id_number(term):
        blind = id_blind(normalise_id_number(term))
        if blind:
            query |= Q(members__person__id_blind=blind, members__active=True)
    else:
        query |= Q(head__name__startswith=term)
        query |= Q(pk__in=HouseholdMember.objects.filter(person__name__startswith=term, active=True)
                   .values("household_id"))
    return queryset.filter(query).distinct()


def overdue(queryset: QuerySet[Household], *, on=None) -> QuerySet[Household]:
    return queryset.filter(status=HouseholdStatus.ACTIVE, review_due__lt=on or timezone.localdate())


def member_person_ids(household: Household, *, active_only: bool = True) -> list[int]:
    """Person ids of the household's members (for the duplicate check and applications)."""
    members = HouseholdMember.objects.filter(household=household)
    if active_only:
        members = members.filter(active=True)
    return list(members.values_list("person_id", flat=True))


def members(household: Household) -> QuerySet[HouseholdMember]:
    return (household.members.select_related("person")
            .defer("person__id_number", "person__mobile", "person__address").order_by("-active", "id"))


def relief_received(household: Household, user, *, limit: int = 50) -> dict:
    """Applications and relief records of this household that the user can see (newest first)."""
    from boai.relief.models import Application, ReliefRecord

    applications = (Application.objects.restrict(user, "view").filter(household=household)
                    .select_related("relief_type").order_by("-id")[:limit])
    records = (ReliefRecord.objects.restrict(user, "view").filter(household=household)
               .select_related("relief_type", "person").defer("person__id_number", "person__mobile",
                                                              "person__address")
               .order_by("-granted_on", "-id"))
    return {"applications": list(applications), "records": list(records[:limit])}


def alerts_for(user, *, open_only: bool = True) -> QuerySet[Alert]:
    alerts = Alert.objects.restrict(user, "view").select_related("household", "org", "resolved_by")
    if open_only:
        alerts = alerts.filter(resolved_at__isnull=True)
    return alerts


MAP_LIMIT = 5000


def map_points(user, *, risk: str = "", limit: int = MAP_LIMIT) -> tuple[list[dict], int]:
    """Active households with a map point (of one risk level, if given), newest first, as plain dicts
    for the map page (masked address only), and how many there are in all (the page says when it
    shows only the first `limit`)."""
    qs = Household.objects.restrict(user, "view").filter(status=HouseholdStatus.ACTIVE, latitude__isnull=False,
                                                          longitude__isnull=False)
    if risk:
        qs = qs.filter(risk_level=risk)
    rows = list(qs.order_by("-id").values("id", "number", "latitude", "longitude", "risk_level",
                                          "address_masked")[:limit])
    total = len(rows) if len(rows) < limit else qs.count()
    return [{**r, "latitude": float(r["latitude"]), "longitude": float(r["longitude"])} for r in rows], total
