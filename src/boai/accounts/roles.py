"""Roles and what they may do.

A user acts for one node of the organisation tree with one or more roles. Each role grants
permission codes ``<area>.<action>`` (shell-style patterns allowed); the node limits *where*
(see `boai.core.scoping`). Modules add their areas here as they arrive; the permission-matrix test
reads this table, so a route's expected answer for every role follows from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

MODULES = ("volunteers", "donations", "relief", "firstaid", "reserves", "lifegift")
READ_ACTIONS = ("view",)


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    grants: tuple[str, ...]
    denies: tuple[str, ...] = ()
    staff: bool = True

    def allows(self, perm: str) -> bool:
        if any(fnmatchcase(perm, pattern) for pattern in self.denies):
            return False
        return any(fnmatchcase(perm, pattern) for pattern in self.grants)


def _officer(module: str, label) -> Role:
    return Role(
        code=f"{module}_officer",
        label=label,
        grants=(f"{module}.*", "people.view", "people.add", "people.change", "people.import", "people.export",
                "orgs.view", "notifications.*"),
    )


ROLES: dict[str, Role] = {
    role.code: role
    for role in [
        Role("city_admin", _("City administrator"), grants=("*",)),
        Role("branch_admin", _("Branch administrator"), grants=("*",), denies=("audit.purge",)),
        _officer("volunteers", _("Volunteer officer")),
        _officer("donations", _("Donations officer")),
        _officer("relief", _("Relief officer")),
        _officer("firstaid", _("First-aid officer")),
        _officer("reserves", _("Reserves officer")),
        _officer("lifegift", _("Three-donations officer")),
        Role(
            "finance_officer",
            _("Finance officer"),
            grants=("donations.view", "donations.export", "ledger.*", "finance.*", "relief.view", "orgs.view",
                    "notifications.*"),
        ),
        Role(
            "auditor",
            _("Auditor / supervisor"),
            grants=("*.view", "*.export", "audit.view", "notifications.*"),
            denies=("people.reveal",),
        ),
        Role(
            "grassroots_operator",
            _("Grassroots operator"),
            grants=("people.view", "people.add", "people.change", "people.import", "orgs.view",
                    "volunteers.view", "volunteers.change", "volunteers.add", "relief.view", "relief.add",
                    "relief.verify", "notifications.*"),
        ),
        Role("volunteer", _("Self-service volunteer"), grants=("self.*", "notifications.*"), staff=False),
    ]
}

ROLE_CHOICES = [(code, role.label) for code, role in ROLES.items()]


@lru_cache(maxsize=4096)
def roles_allow(role_codes: frozenset[str], perm: str) -> bool:
    return any(ROLES[code].allows(perm) for code in role_codes if code in ROLES)


def requires_second_factor(role_codes: frozenset[str]) -> bool:
    """Every staff role logs in with a TOTP second factor (all of them can see personal data)."""
    return any(ROLES[code].staff for code in role_codes if code in ROLES)
