"""What every volunteers service needs: permission and scope checks, and who to tell."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from boai.core.scoping import org_in_scope


def require(actor, perm: str, org) -> None:
    """A staff actor must hold `perm` and act for a node above `org`. `actor=None` is the system
    (seeders, periodic jobs), which may do anything."""
    if actor is None:
        return
    if not actor.has_perm(perm):
        raise PermissionDenied
    if org is None or not org_in_scope(org, actor):
        raise ValidationError(_("This is outside your organisation's scope."))


def ancestor_paths(org) -> list[str]:
    steplen = type(org).steplen
    return [org.path[: i * steplen] for i in range(1, org.depth + 1)]


def staff_to_notify(org, perm: str = "volunteers.change", *, min_depth: int = 2):
    """Active users acting for `org` or one of its ancestors down to the branch level whose roles
    grant `perm` (the city level is left out unless `min_depth` says otherwise: it would drown)."""
    from boai.accounts.models import User
    from boai.accounts.roles import ROLES

    roles = [code for code, role in ROLES.items() if role.allows(perm)]
    paths = [p for p in ancestor_paths(org) if len(p) // type(org).steplen >= min_depth]
    return (User.objects.filter(is_active=True, org__path__in=paths, role_grants__role__in=roles)
            .select_related("org").distinct())


def own_volunteer(actor):
    """The volunteer profile of a self-service actor, or ValidationError."""
    from boai.volunteers.models import Volunteer

    volunteer = Volunteer.objects.filter(user=actor).select_related("person", "org").first() if actor else None
    if volunteer is None:
        raise ValidationError(_("You are not registered as a volunteer."))
    return volunteer
