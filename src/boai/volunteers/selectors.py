"""Reads of the volunteers module.

Staff reads start from `Model.objects.restrict(user, action)`. Self-service reads start from
`for_self(user)`: the one scope a volunteer's pages and API use, built from the user's own volunteer
row, so no view can forget a filter and show someone else's data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from boai.orgs.models import Org
from boai.volunteers.codes import Skill, from_codes
from boai.volunteers.models import (
    Activity,
    Certificate,
    IncentivePolicy,
    Member,
    PointEntry,
    Redemption,
    Reward,
    ServiceRecord,
    Signup,
    StarAward,
    Volunteer,
)

PERSON_FIELDS = ("person__id_number", "person__mobile", "person__address")


def volunteers_for(user, action: str = "view") -> QuerySet[Volunteer]:
    return (Volunteer.objects.restrict(user, action).select_related("person", "org")
            .defer(*PERSON_FIELDS, "emergency_phone"))


def open_activities_q(volunteer: Volunteer) -> Q:
    """Activities a volunteer may see and join: organised by their unit, its ancestors, or anywhere in
    their branch; team-only ones only for the team's current members."""
    org: Org = volunteer.org
    steplen = Org.steplen
    ancestors = [org.path[: i * steplen] for i in range(1, org.depth + 1)]
    branch = org.path[: 2 * steplen] if org.depth >= 2 else org.path
    where = Q(org__path__in=ancestors) | Q(org__path__startswith=branch)
    team_ok = Q(recruitment=Activity.Recruitment.OPEN) | Q(
        team__memberships__volunteer=volunteer, team__memberships__left_on__isnull=True)
    return where & team_ok & Q(status__in=[Activity.Status.PUBLISHED, Activity.Status.CLOSED])


@dataclass
class SelfScope:
    """Everything a self-service user may read about themself. Empty when they are not a volunteer."""

    user: object
    volunteer: Volunteer | None

    @property
    def exists(self) -> bool:
        return self.volunteer is not None

    def signups(self) -> QuerySet[Signup]:
        if not self.volunteer:
            return Signup.objects.none()
        return Signup.objects.filter(volunteer=self.volunteer).select_related("activity__org")

    def records(self) -> QuerySet[ServiceRecord]:
        if not self.volunteer:
            return ServiceRecord.objects.none()
        return ServiceRecord.objects.filter(volunteer=self.volunteer).select_related("activity", "org")

    def certificates(self) -> QuerySet[Certificate]:
        if not self.volunteer:
            return Certificate.objects.none()
        return Certificate.objects.filter(volunteer=self.volunteer).select_related("org")

    def activities(self) -> QuerySet[Activity]:
        """Activities open to them, plus any they signed up for."""
        if not self.volunteer:
            return Activity.objects.none()
        mine = Signup.objects.filter(volunteer=self.volunteer).values("activity_id")
        return (Activity.objects.filter(open_activities_q(self.volunteer) | Q(pk__in=mine))
                .select_related("org", "team").distinct())

    def upcoming(self) -> QuerySet[Activity]:
        return self.activities().filter(status=Activity.Status.PUBLISHED, ends_at__gte=timezone.now()).order_by(
            "starts_at", "id")

    def points(self) -> QuerySet[PointEntry]:
        return PointEntry.objects.filter(volunteer=self.volunteer) if self.volunteer else PointEntry.objects.none()

    def redemptions(self) -> QuerySet[Redemption]:
        if not self.volunteer:
            return Redemption.objects.none()
        return Redemption.objects.filter(volunteer=self.volunteer).select_related("reward")

    def rewards(self) -> QuerySet[Reward]:
        if not self.volunteer:
            return Reward.objects.none()
        org = self.volunteer.org
        paths = [org.path[: i * Org.steplen] for i in range(1, org.depth + 1)]
        return Reward.objects.filter(is_active=True, org__path__in=paths)

    def star_awards(self) -> QuerySet[StarAward]:
        return StarAward.objects.filter(volunteer=self.volunteer) if self.volunteer else StarAward.objects.none()

    @cached_property
    def member(self) -> Member | None:
        if not self.volunteer:
            return None
        return Member.objects.filter(person_id=self.volunteer.person_id).select_related("org", "person").first()

    def led_activities(self) -> QuerySet[Activity]:
        return Activity.objects.led_by(self.user).filter(status=Activity.Status.PUBLISHED).order_by("starts_at")


def for_self(user) -> SelfScope:
    """The self-service scope of a logged-in user (anyone; empty for someone who is not a volunteer)."""
    volunteer = None
    if getattr(user, "is_authenticated", False) and user.is_active:
        volunteer = (Volunteer.objects.filter(user=user).select_related("person", "org")
                     .defer(*PERSON_FIELDS).first())
    return SelfScope(user=user, volunteer=volunteer)


# --- active volunteers ---------------------------------------------------------------------------

def active_window(policy: IncentivePolicy, today: dt.date | None = None) -> dt.date:
    """First day of the window: the current calendar month and the months before it."""
    today = today or timezone.localdate()
    months = today.year * 12 + today.month - 1 - (policy.active_window_months - 1)
    return dt.date(months // 12, months % 12 + 1, 1)


def active_volunteer_ids(policy: IncentivePolicy, today: dt.date | None = None):
    """A subquery of the ids of active volunteers by the policy's rule (for `pk__in=`).

    Average rule: certified hours over the window ≥ hours per month × months. Monthly rule: at least
    `active_min_months` calendar months in the window each reaching the hours per month.
    """
    start = active_window(policy, today)
    certified = ServiceRecord.objects.filter(status=ServiceRecord.Status.CERTIFIED, service_date__gte=start)
    per_month = Decimal(policy.active_hours_per_month)
    if not policy.active_min_months:
        need = per_month * policy.active_window_months
        return (certified.order_by().values("volunteer_id").annotate(total=Sum("hours"))
                .filter(total__gte=need).values("volunteer_id"))
    month_sums = {}
    for i in range(policy.active_window_months):
        first = _add_months(start, i)
        month_sums[f"m{i}"] = Sum("hours", filter=Q(service_date__gte=first, service_date__lt=_add_months(first, 1)))
    reached = sum((Case(When(**{f"m{i}__gte": per_month}, then=1), default=0, output_field=IntegerField())
                   for i in range(policy.active_window_months)), Value(0))
    return (certified.order_by().values("volunteer_id").annotate(**month_sums).annotate(reached=reached)
            .filter(reached__gte=policy.active_min_months).values("volunteer_id"))


def _add_months(day: dt.date, n: int) -> dt.date:
    months = day.year * 12 + day.month - 1 + n
    return dt.date(months // 12, months % 12 + 1, 1)


def filter_active(queryset: QuerySet[Volunteer], policy: IncentivePolicy, active: bool = True) -> QuerySet:
    ids = active_volunteer_ids(policy)
    return queryset.filter(pk__in=ids) if active else queryset.exclude(pk__in=ids)


def with_skill(queryset: QuerySet, skill: str, field: str = "skills") -> QuerySet:
    return queryset.filter(**{f"{field}__contains": f",{skill},"}) if skill in Skill.values else queryset


def activities_matching_skills(queryset: QuerySet[Activity], volunteer: Volunteer) -> QuerySet[Activity]:
    """Activities whose required skills the volunteer all has."""
    have = set(from_codes(volunteer.skills))
    for skill in Skill.values:
        if skill not in have:
            queryset = queryset.exclude(required_skills__contains=f",{skill},")
    return queryset


def pending_review_count(user) -> int:
    return Volunteer.objects.restrict(user, "review").filter(status=Volunteer.Status.PENDING).count()


def records_waiting(user) -> QuerySet[ServiceRecord]:
    return (ServiceRecord.objects.restrict(user, "change").filter(status=ServiceRecord.Status.RECORDED)
            .select_related("volunteer__person", "activity", "org").defer(*(f"volunteer__{f}" for f in PERSON_FIELDS)))


def roster(activity: Activity) -> QuerySet[Signup]:
    records = ServiceRecord.objects.filter(activity=activity, volunteer=OuterRef("volunteer"), corrects__isnull=True)
    return (Signup.objects.filter(activity=activity).select_related("volunteer__person")
            .defer(*(f"volunteer__{f}" for f in PERSON_FIELDS)).annotate(has_record=Exists(records))
            .order_by("status", "queued_at", "id"))
