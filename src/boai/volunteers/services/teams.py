"""Volunteer service teams: creation, changes, joining and leaving (both kept as history)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boai.core.audit import audit_record, diff
from boai.core.scoping import org_in_scope
from boai.volunteers.codes import Speciality
from boai.volunteers.models import Team, TeamMembership, Volunteer
from boai.volunteers.services.common import require


def _clean_team(name: str, speciality: str) -> dict:
    errors = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = [_("Enter the team's name.")]
    if speciality not in Speciality.values:
        errors["speciality"] = [_("Choose a speciality.")]
    if errors:
        raise ValidationError(errors)
    return {"name": name[:80], "speciality": speciality}


def _save_team(team: Team) -> None:
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError:
        raise ValidationError({"name": _("This unit already has a team with this name.")}) from None


@transaction.atomic
def team_create(*, actor, org, name: str, speciality: str, description: str = "",
                founded_on: dt.date | None = None) -> Team:
    require(actor, "volunteers.add", org)
    team = Team(org=org, description=description.strip(), founded_on=founded_on, **_clean_team(name, speciality))
    _save_team(team)
    audit_record(actor=actor, action="volunteers.team.create", obj=team, after=team.snapshot())
    return team


@transaction.atomic
def team_update(*, actor, team: Team, name: str, speciality: str, description: str = "",
                founded_on: dt.date | None = None, is_active: bool = True) -> Team:
    team = Team.objects.select_for_update(of=("self",)).select_related("org").get(pk=team.pk)
    require(actor, "volunteers.change", team.org)
    before = team.snapshot()
    for key, value in {**_clean_team(name, speciality), "description": description.strip(),
                       "founded_on": founded_on, "is_active": is_active}.items():
        setattr(team, key, value)
    _save_team(team)
    old, new = diff(before, team.snapshot())
    audit_record(actor=actor, action="volunteers.team.update", obj=team, before=old, after=new)
    return team


@transaction.atomic
def team_member_add(*, actor, team: Team, volunteer: Volunteer, role: str = TeamMembership.Role.MEMBER,
                    joined_on: dt.date | None = None) -> TeamMembership:
    team = Team.objects.select_for_update(of=("self",)).select_related("org").get(pk=team.pk)
    require(actor, "volunteers.change", team.org)
    if actor is not None and not org_in_scope(volunteer.org, actor):
        raise ValidationError({"volunteer": _("This volunteer is outside your organisation's scope.")})
    if volunteer.status != Volunteer.Status.ACTIVE:
        raise ValidationError({"volunteer": _("Only active volunteers can join a team.")})
    if role not in TeamMembership.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if TeamMembership.objects.filter(team=team, volunteer=volunteer, left_on__isnull=True).exists():
        raise ValidationError({"volunteer": _("This volunteer is in the team already.")})
    membership = TeamMembership.objects.create(team=team, volunteer=volunteer, role=role,
                                               joined_on=joined_on or timezone.localdate())
    audit_record(actor=actor, action="volunteers.team.join", obj=team,
                 after={"volunteer": volunteer.pk, "role": role, "joined_on": membership.joined_on})
    return membership


@transaction.atomic
def team_member_leave(*, actor, membership: TeamMembership, reason: str = "",
                      left_on: dt.date | None = None) -> TeamMembership:
    membership = (TeamMembership.objects.select_for_update(of=("self",)).select_related("team__org")
                  .get(pk=membership.pk))
    require(actor, "volunteers.change", membership.team.org)
    if membership.left_on is not None:
        raise ValidationError(_("This volunteer has left the team already."))
    left_on = left_on or timezone.localdate()
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": _("Leaving cannot be before joining.")})
    membership.left_on, membership.left_reason = left_on, " ".join(reason.split())[:200]
    membership.save(update_fields=["left_on", "left_reason"])
    audit_record(actor=actor, action="volunteers.team.leave", obj=membership.team,
                 after={"volunteer": membership.volunteer_id, "left_on": left_on}, reason=membership.left_reason)
    return membership
