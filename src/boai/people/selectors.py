"""Person registry reads. Exact lookups go through the blind indexes: one indexed query each."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from boai.people.identity import looks_like_id_number, looks_like_mobile, normalise_id_number, normalise_mobile
from boai.people.models import Person
from boai.people.protect import id_blind, mobile_blind

# the encrypted columns: lists, searches and exports never need them, so they are not even loaded
ENCRYPTED = ("id_number", "mobile", "address")


def people_for(user, action: str = "view") -> QuerySet[Person]:
    """The people a user may act on, without the encrypted columns, newest first."""
    return Person.objects.restrict(user, action).select_related("org").defer(*ENCRYPTED).order_by("-id")


def by_id_number(queryset: QuerySet[Person], number: str) -> QuerySet[Person]:
    """Exact match on a full document number of any type (normalised the same way it was stored)."""
    blind = id_blind(normalise_id_number(number))
    return queryset.filter(id_blind=blind) if blind else queryset.none()


def by_mobile(queryset: QuerySet[Person], number: str) -> QuerySet[Person]:
    blind = mobile_blind(normalise_mobile(number))
    return queryset.filter(mobile_blind=blind) if blind else queryset.none()


def by_name(queryset: QuerySet[Person], term: str, *, prefix: bool = False) -> QuerySet[Person]:
    term = " ".join(term.split())
    return queryset.filter(name__startswith=term) if prefix else queryset.filter(name__contains=term)


def search(queryset: QuerySet[Person], term: str) -> QuerySet[Person]:
    """One search box: a full mobile or document number goes to its blind index, anything else is the
    beginning of a name (an indexed prefix match: a million names are not scanned for every keystroke).

    An 11-digit mobile-shaped term is looked up in both indexes (some permit numbers are all digits).
    """
    term = term.strip()
    if not term:
        return queryset
    if looks_like_mobile(term):
        query = Q(mobile_blind=mobile_blind(normalise_mobile(term)))
        return queryset.filter(query | Q(id_blind=id_blind(normalise_id_number(term))))
    if looks_like_id_number(term):
        return by_id_number(queryset, term)
    return by_name(queryset, term, prefix=True)
