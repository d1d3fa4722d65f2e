"""Seed volunteers and members.

`demo`: a few teams per branch, a couple of hundred volunteers linked to the seeded people, past
activities with certified hours and upcoming ones open for sign-up, members with dues, a star in
public notice, rewards, and a self-service login (`volunteer` / the demo password).

`city`: 100,000 volunteers, 2,000 teams, 50,000 activities and 2,000,000 service records over five
years (the issue's scale), written with COPY on PostgreSQL. Hours, star levels and points are then
derived in the database exactly as the services would (one aggregate each).

`build(...)` takes the sizes, so `bench/volunteer_hours.py` seeds only what it needs with it.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Floor
from django.utils import timezone

from boai.core.seeding import SeedContext, copy_rows, seeder
from boai.orgs.models import Kind, Org
from boai.volunteers.codes import Skill, Speciality, TimeSlot, Weekday
from boai.volunteers.models import (
    Activity,
    IncentivePolicy,
    Member,
    PointEntry,
    ServiceRecord,
    Signup,
    Team,
    TeamMembership,
    Volunteer,
)
from boai.volunteers.services.members import add_years, next_member_no

TEAM_NAMES = {
    Speciality.EMERGENCY_RESCUE: "应急救援队", Speciality.FIRST_AID: "应急救护志愿服务队",
    Speciality.COMMUNITY: "社区志愿服务队", Speciality.ELDERLY: "敬老助老服务队", Speciality.DONATION: "无偿献血宣传队",
    Speciality.YOUTH: "青少年志愿服务队", Speciality.PUBLICITY: "人道传播志愿服务队",
}
ACTIVITY_TITLES = {
    Speciality.EMERGENCY_RESCUE: ["防汛应急演练", "水上救援训练", "地震避险演练"],
    Speciality.FIRST_AID: ["社区应急救护培训", "马拉松赛事医疗保障", "AED使用普及", "校园急救知识讲座"],
    Speciality.COMMUNITY: ["社区环境整治", "博爱家园便民服务", "困难家庭走访慰问"],
    Speciality.ELDERLY: ["敬老院陪伴服务", "独居老人上门探访", "老年人防跌倒宣传"],
    Speciality.DONATION: ["无偿献血街头宣传", "造血干细胞捐献宣讲", "遗体器官捐献缅怀活动"],
    Speciality.YOUTH: ["红十字青少年夏令营", "校园红十字社团活动"],
    Speciality.PUBLICITY: ["世界红十字日宣传", "人道法知识进社区"],
}
PLACES = ["社区服务中心", "街道文化站", "人民广场", "中心医院门诊楼前", "博爱家园活动室", "市民公园", "中学礼堂"]
DEMO_VOLUNTEER_USER = "volunteer"


@dataclass(frozen=True)
class Sizes:
    volunteers: int
    teams: int
    activities: int
    records: int
    years: int = 5
    members: int = 0


DEMO = Sizes(volunteers=240, teams=16, activities=200, records=8000, years=2, members=60)
CITY = Sizes(volunteers=100_000, teams=2_000, activities=50_000, records=2_000_000, years=5, members=20_000)


# --- the builder ---------------------------------------------------------------------------------

class Builder:
    def __init__(self, rng: random.Random, sizes: Sizes, today: dt.date, out=print):
        self.rng, self.sizes, self.today, self.out = rng, sizes, today, out
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        leaves = Org.objects.filter(kind=Kind.GRASSROOTS, is_active=True).values_list("id", "path")
        self.units_by_branch: dict[str, list[int]] = defaultdict(list)
        for org_id, path in leaves:
            self.units_by_branch[path[: 2 * Org.steplen]].append(org_id)
        self.branches = sorted(self.units_by_branch)
        self.org_paths = dict(Org.objects.values_list("id", "path"))

    def branch_of(self, org_id: int) -> str:
        return self.org_paths[org_id][: 2 * Org.steplen]

    def skills(self) -> str:
        picked = self.rng.sample(Skill.values, k=self.rng.choice((0, 1, 1, 2, 3)))
        return f",{','.join(s for s in Skill.values if s in picked)}," if picked else ""

    def volunteers(self) -> dict[str, list[int]]:
        """Volunteers for a sample of the registry's people, in the people's own units."""
        from boai.people.models import Person

        people = list(Person.objects.values_list("id", "org_id").order_by("id").iterator(chunk_size=50000))
        chosen = self.rng.sample(people, min(self.sizes.volunteers, len(people)))
        rows = []
        for person_id, org_id in chosen:
            r = self.rng.random()
            status = "active" if r < 0.93 else "inactive" if r < 0.97 else "withdrawn" if r < 0.99 else "pending"
            joined = self.today - dt.timedelta(days=self.rng.randrange(30, 365 * (self.sizes.years + 1)))
            rows.append((person_id, org_id, status, "seed", self.skills(), "", "", self._days(), self._slots(), "",
                         "", "", "", "", "", None if status == "pending" else joined, Decimal("0"), 0, 0, self.now,
                         self.now))
        cols = ["person_id", "org_id", "status", "registered_via", "skills", "first_aid_cert_no", "languages",
                "available_days", "available_slots", "emergency_name", "emergency_relation", "emergency_phone",
                "emergency_phone_masked", "note", "review_reason", "joined_on", "certified_hours", "star_level",
                "points_balance", "created_at", "updated_at"]
        copy_rows(Volunteer, cols, rows)
        by_branch: dict[str, list[int]] = defaultdict(list)
        for pk, org_id in Volunteer.objects.filter(status="active").values_list("pk", "org_id").order_by("pk"):
            by_branch[self.branch_of(org_id)].append(pk)
        self.out(f"volunteers: {len(rows)}")
        return by_branch

    def _days(self) -> str:
        days = self.rng.sample(Weekday.values, k=self.rng.randrange(1, 5))
        return f",{','.join(d for d in Weekday.values if d in days)},"

    def _slots(self) -> str:
        slots = self.rng.sample(TimeSlot.values, k=self.rng.randrange(1, 3))
        return f",{','.join(s for s in TimeSlot.values if s in slots)},"

    def teams(self, volunteers: dict[str, list[int]]) -> dict[str, list[Team]]:
        teams = []
        per_branch = max(1, self.sizes.teams // max(1, len(self.branches)))
        for branch in self.branches:
            for i in range(per_branch):
                speciality = list(TEAM_NAMES)[i % len(TEAM_NAMES)]
                org_id = self.rng.choice(self.units_by_branch[branch])
                teams.append(Team(org_id=org_id, name=f"{TEAM_NAMES[speciality]}{i // len(TEAM_NAMES) + 1}",
                                  speciality=speciality, founded_on=self.today - dt.timedelta(days=900)))
        Team.objects.bulk_create(teams, batch_size=2000)
        members = []
        for team in teams:
            pool = volunteers.get(self.branch_of(team.org_id), [])
            for n, vid in enumerate(self.rng.sample(pool, min(len(pool), self.rng.randrange(8, 30)))):
                role = "leader" if n == 0 else "deputy" if n == 1 else "member"
                members.append(TeamMembership(team=team, volunteer_id=vid, role=role, joined_on=team.founded_on))
        TeamMembership.objects.bulk_create(members, batch_size=5000)
        self.out(f"teams: {len(teams)}, team members: {len(members)}")
        out: dict[str, list[Team]] = defaultdict(list)
        for team in teams:
            out[self.branch_of(team.org_id)].append(team)
        return out

    def activities(self, teams: dict[str, list[Team]], upcoming: int) -> list[tuple]:
        """(id, org branch, start, end, type, capacity) of past activities; upcoming ones are open."""
        rows, span = [], 365 * self.sizes.years
        for n in range(self.sizes.activities):
            branch = self.rng.choice(self.branches)
            future = n < upcoming
            kind = self.rng.choice(list(ACTIVITY_TITLES))
            day = self.today + dt.timedelta(days=self.rng.randrange(1, 30)) if future else \
                self.today - dt.timedelta(days=int(span * self.rng.random() ** 0.7) + 1)
            start = dt.datetime.combine(day, dt.time(self.rng.choice((8, 9, 13, 14, 18)), 0), self.tz)
            end = start + dt.timedelta(hours=self.rng.choice((2, 3, 3, 4, 8)))
            team_list = teams.get(branch) or [None]
            team = self.rng.choice(team_list) if self.rng.random() < 0.6 else None
            title = self.rng.choice(ACTIVITY_TITLES[kind])
            rows.append((self.rng.choice(self.units_by_branch[branch]), team.pk if team else None, title, kind, "",
                         self.rng.choice(PLACES), start, end, self.rng.choice((30, 50, 80, 100, 120)), 0, "open", False,
                         "", "published" if future else "closed", secrets.token_hex(16), self.now, self.now))
        cols = ["org_id", "team_id", "title", "activity_type", "description", "place", "starts_at", "ends_at",
                "capacity", "taken", "recruitment", "needs_approval", "required_skills", "status", "qr_salt",
                "created_at", "updated_at"]
        copy_rows(Activity, cols, rows)
        self.out(f"activities: {len(rows)} ({upcoming} upcoming)")
        return [(pk, self.branch_of(org_id), org_id, s, e, cap) for pk, org_id, s, e, cap in
                Activity.objects.filter(status="closed").values_list("pk", "org_id", "starts_at", "ends_at",
                                                                     "capacity").order_by("pk")]

    def records(self, past: list[tuple], volunteers: dict[str, list[int]]) -> int:
        """Sign-ups and service records of past activities: ~records/activities volunteers each."""
        per = max(1.0, self.sizes.records / max(1, len(past)) * 1.07)  # capacity trims some draws
        signup_cols = ["activity_id", "volunteer_id", "status", "created_at", "queued_at", "reason"]
        record_cols = ["volunteer_id", "activity_id", "org_id", "service_date", "check_in_at", "check_out_at", "hours",
                       "status", "source", "note", "reject_reason", "certified_at", "created_at"]
        pairs: list[tuple] = []
        records = []
        for pk, branch, org_id, start, end, cap in past:
            pool = volunteers.get(branch) or []
            k = min(len(pool), cap, max(1, int(per * self.rng.uniform(0.5, 1.5))))
            for vid in self.rng.sample(pool, k):
                pairs.append((pk, vid, "confirmed", start, start, ""))
                hours = Decimal(int((end - start).total_seconds() // 1800)) / 2
                status = "certified" if self.rng.random() < 0.97 else "recorded"
                records.append((vid, pk, org_id, timezone.localtime(start).date(), start, end, min(hours, Decimal(8)),
                                status, "seed", "", "", end if status == "certified" else None, end))
        copy_rows(Signup, signup_cols, pairs)
        n = copy_rows(ServiceRecord, record_cols, records)
        held = Signup.objects.filter(activity=OuterRef("pk"), status__in=Signup.HOLDS_PLACE).order_by().values(
            "activity").annotate(n=Count("id")).values("n")
        Activity.objects.filter(status="closed").update(taken=Coalesce(Subquery(held), 0))
        self.out(f"sign-ups: {len(pairs)}, service records: {n}")
        return n

    def upcoming_signups(self, volunteers: dict[str, list[int]]) -> None:
        rows = []
        for a in Activity.objects.filter(status="published"):
            branch = self.branch_of(a.org_id)
            pool = volunteers.get(branch) or []
            chosen = self.rng.sample(pool, min(len(pool), self.rng.randrange(0, a.capacity + 3)))
            for i, vid in enumerate(chosen):
                rows.append((a.pk, vid, "confirmed" if i < a.capacity else "waiting", self.now,
                             self.now + dt.timedelta(seconds=i), ""))
            Activity.objects.filter(pk=a.pk).update(taken=min(len(chosen), a.capacity))
        copy_rows(Signup, ["activity_id", "volunteer_id", "status", "created_at", "queued_at", "reason"], rows)


def derive_totals(points_per_hour: int = 10) -> None:
    """Certified hours, awarded star levels and points as the services would have left them, computed in
    the database (one UPDATE each), and one points entry per volunteer for the imported history."""
    from boai.volunteers.services import policy_for
    from boai.volunteers.services.incentives import level_case

    policy = policy_for()
    total = (ServiceRecord.objects.filter(volunteer=OuterRef("pk"), status="certified").order_by()
             .values("volunteer").annotate(s=Sum("hours")).values("s"))
    Volunteer.objects.update(certified_hours=Coalesce(Subquery(total), Value(Decimal("0.00"))))
    Volunteer.objects.update(star_level=level_case(policy.star_thresholds, "certified_hours"),
                             points_balance=Cast(Floor(F("certified_hours") * points_per_hour), IntegerField()))
    now = timezone.now()
    points = ((pk, n, "adjustment", "seed: hours before go-live", now)
              for pk, n in Volunteer.objects.filter(points_balance__gt=0).values_list("pk", "points_balance"))
    copy_rows(PointEntry, ["volunteer_id", "delta", "kind", "note", "created_at"], list(points))


def build(rng: random.Random, sizes: Sizes, *, today: dt.date | None = None, out=print) -> None:
    from boai.people.models import Person

    today = today or timezone.localdate()
    builder = Builder(rng, sizes, today, out)
    with transaction.atomic():
        volunteers = builder.volunteers()
        teams = builder.teams(volunteers)
        upcoming = max(3, sizes.activities // 50)
        past = builder.activities(teams, upcoming)
        builder.records(past, volunteers)
        builder.upcoming_signups(volunteers)
        derive_totals()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Org, Person, Volunteer, Activity, Signup, ServiceRecord, PointEntry):
                cursor.execute(f"ANALYZE {model._meta.db_table}")


def _members(rng: random.Random, count: int, today: dt.date, out=print) -> None:
    people = list(Volunteer.objects.values_list("person_id", "org_id").order_by("pk")[:count])
    rows = []
    orgs = {o.pk: o for o in Org.objects.filter(pk__in={org_id for _p, org_id in people})}
    for person_id, org_id in people:
        org = orgs[org_id]
        joined = today - dt.timedelta(days=rng.randrange(10, 365 * 4))
        term_end = add_years(joined, rng.choice((1, 2, 3)))
        while term_end < today - dt.timedelta(days=200):
            term_end = add_years(term_end, 1)
        status = "active" if term_end >= today else "lapsed"
        rows.append(Member(kind="individual", person_id=person_id, org_id=org_id, joined_on=joined,
                           term_end=term_end, status=status, card_code=secrets.token_urlsafe(18),
                           member_no=next_member_no(org=org, kind="individual", on=joined)))
    Member.objects.bulk_create(rows, batch_size=2000)
    out(f"members: {len(rows)}")


@seeder("volunteers", order=40)
def seed_volunteers(ctx: SeedContext) -> None:
    sizes = CITY if ctx.is_city else DEMO
    orgs = ctx.data.get("orgs") or {}
    root = orgs.get("city") or Org.objects.filter(depth=1).first()
    IncentivePolicy.objects.get_or_create(org=root)
    build(ctx.rng, sizes, out=ctx.out)
    with transaction.atomic():
        _members(ctx.rng, sizes.members, timezone.localdate(), ctx.out)
    if not ctx.is_city:
        _demo_extras(ctx, root)


def _demo_extras(ctx: SeedContext, root: Org) -> None:
    """A self-service login with history, a pending registration, a star in notice, rewards."""
    from boai.accounts import services as account_services
    from boai.accounts.seed import DEMO_PASSWORD
    from boai.volunteers.models import HoursRule, Reward, StarAward

    volunteer = Volunteer.objects.filter(status="active", certified_hours__gt=0).order_by("pk").first()
    if volunteer is not None:
        user = account_services.user_create(actor=None, username=DEMO_VOLUNTEER_USER, org=volunteer.org,
                                            roles=["volunteer"], password=DEMO_PASSWORD,
                                            display_name=volunteer.person.name)
        Volunteer.objects.filter(pk=volunteer.pk).update(user=user)
        ctx.out(f"self-service volunteer login: {DEMO_VOLUNTEER_USER} ({volunteer.person.name})")
    near = Volunteer.objects.filter(status="active", star_level=0).order_by("-certified_hours").first()
    if near is not None and near.certified_hours:
        today = timezone.localdate()
        StarAward.objects.create(volunteer=near, level=1, hours_at=near.certified_hours, notice_starts=today,
                                 notice_ends=today + dt.timedelta(days=7))
    HoursRule.objects.get_or_create(org=root, activity_type="", defaults={"rounding_minutes": 30})
    HoursRule.objects.get_or_create(org=root, activity_type=Speciality.EMERGENCY_RESCUE,
                                    defaults={"rounding_minutes": 30, "daily_cap_hours": Decimal("12")})
    for name, cost in (("红十字志愿者徽章", 100), ("应急救护培训优先名额", 300), ("志愿服务纪念证书", 500)):
        Reward.objects.get_or_create(org=root, name=name, defaults={"points_cost": cost})
