"""Reads about staff users that other modules need (whom to notify, who looks after a unit)."""

from __future__ import annotations

from collections.abc import Iterable


def unit_staff(org_ids: Iterable[int], *, perm: str) -> dict[int, list]:
    """For each organisation, the active users acting for it or one of its ancestors who hold `perm`
    (a unit's own operators and the officers of the branches above it): whom to tell about the unit."""
    from boai.accounts.models import User
    from boai.orgs.models import Org

    paths = dict(Org.objects.filter(pk__in=set(org_ids)).values_list("pk", "path"))
    ancestors = {p[:i] for p in paths.values() for i in range(Org.steplen, len(p) + 1, Org.steplen)}
    users = [u for u in User.objects.filter(is_active=True, org__path__in=ancestors).select_related("org")
             if u.has_perm(perm)]
    return {oid: [u for u in users if path.startswith(u.org.path)] for oid, path in paths.items()}
