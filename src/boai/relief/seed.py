"""Seed humanitarian relief.

`demo`: the relief types, a few dozen households in the demo units (梁溪区 with 崇安寺街道, and 滨湖区)
with their members, applications in every status (with their dated steps, disbursements and the
city-wide relief records of the granted ones), a 博爱送万家 campaign with quotas and its list, and a
medical-insurance exchange.

`city`: 100,000 households and 250,000 members drawn from the people the people seeder registered in
grassroots units, and 500,000 relief records (imported history, no application) over the last five
years in every branch, written with COPY on PostgreSQL (bulk inserts elsewhere). Reproducible from
`--random-seed`: every choice comes from the preset's generator and the input lists are ordered.

A relief record is one person helped by one grant; the grant's amount is carried by the beneficiary's
record (the first member) and the other members' records carry 0, so a sum of amounts is money spent
and a count of distinct people is people helped.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from boai.core.numbering import next_numbers
from boai.core.seeding import SeedContext, copy_rows, next_id, reset_sequences, seeder
from boai.donations.models import Fund, Purpose
from boai.orgs.models import Kind, Org
from boai.relief.models import (
    Application,
    ApplicationStatus,
    ApplicationStep,
    Campaign,
    CampaignHousehold,
    CampaignQuota,
    CampaignStatus,
    Category,
    Channel,
    Disbursement,
    DisbursementMethod,
    DuplicateRule,
    Holiday,
    Household,
    HouseholdMember,
    Relation,
    ReliefForm,
    ReliefRecord,
    ReliefType,
    RiskLevel,
)
from boai.relief.models.households import categories_text

CITY_HOUSEHOLDS, CITY_MEMBERS, CITY_RECORDS, YEARS = 100_000, 250_000, 500_000, 5
DEMO_HOUSEHOLDS = 36
DEMO_BRANCHES = ("320213", "320211")

# code, name, purpose, form, max amount, repeat window (days), grants per window, rule, categories
TYPES = [
    ("HOLIDAY", "节日慰问（博爱送万家）", Purpose.HARDSHIP, ReliefForm.BOTH, "1000", 180, 1, DuplicateRule.BLOCK,
     ""),
    ("MEDICAL", "大病医疗救助", Purpose.MEDICAL, ReliefForm.MONEY, "20000", 365, 1, DuplicateRule.BLOCK,
     "illness,dibao,tekun"),
    ("EMERGENCY", "临时困难救助", Purpose.HARDSHIP, ReliefForm.MONEY, "5000", 90, 2, DuplicateRule.WARN, ""),
    ("EDUCATION", "红十字助学", Purpose.EDUCATION, ReliefForm.MONEY, "3000", 365, 1, DuplicateRule.BLOCK,
     "child,dibao,dibao_edge"),
    ("DISASTER", "灾害救助", Purpose.DISASTER, ReliefForm.BOTH, "5000", 180, 1, DuplicateRule.WARN, "disaster"),
]
# relief type code → (share of grants, typical amounts)
GRANT_MIX = {"HOLIDAY": (0.55, (300, 500, 500, 800)), "MEDICAL": (0.12, (2000, 5000, 8000, 12000)),
             "EMERGENCY": (0.18, (500, 1000, 2000, 3000)), "EDUCATION": (0.1, (1000, 1500, 2000)),
             "DISASTER": (0.05, (500, 1000, 2000))}
CATEGORY_WEIGHTS = [(Category.DIBAO, 35), (Category.DIBAO_EDGE, 15), (Category.TEKUN, 8), (Category.ILLNESS, 12),
                    (Category.DISABILITY, 10), (Category.ELDERLY, 8), (Category.CHILD, 7), (Category.DISASTER, 3),
                    (Category.OTHER, 2)]
SIZE_WEIGHTS = [(1, 25), (2, 30), (3, 25), (4, 12), (5, 8)]
RELATIONS = (Relation.SPOUSE, Relation.CHILD, Relation.CHILD, Relation.PARENT, Relation.GRANDCHILD)
ROADS = ("人民路", "解放路", "中山路", "学前街", "梁溪路", "太湖大道", "金城路", "运河东路", "清扬路", "湖滨路")
SITUATIONS = {Category.DIBAO: "家庭成员无稳定收入，享受最低生活保障。",
              Category.ILLNESS: "家中有人患重病，医疗支出大。",
              Category.TEKUN: "无劳动能力、无生活来源。", Category.ELDERLY: "老人独居，子女不在身边。",
              Category.CHILD: "父母一方残疾，孩子上学有困难。", Category.DISABILITY: "家庭成员有重度残疾。"}


# --- shared ------------------------------------------------------------------------------------------

def relief_types(ctx: SeedContext) -> dict[str, ReliefType]:
    city = Org.objects.filter(kind=Kind.SOCIETY).order_by("id").first()
    funds = list(Fund.objects.filter(org=city, is_active=True).order_by("code"))
    types = {}
    for code, name, purpose, form, top, window, per_window, rule, categories in TYPES:
        fund = next((f for f in funds if purpose in (f.purposes or [])), None)
        types[code], _ = ReliefType.objects.get_or_create(code=code, defaults={
            "org": city, "name": name, "purpose": purpose, "form": form, "fund": fund,
            "max_amount": Decimal(top), "repeat_window_days": window, "max_per_window": per_window,
            "duplicate_rule": rule, "eligible_categories": categories_text(categories.split(","))})
    ctx.data["relief_types"] = types
    return types


def _categories(rng) -> str:
    codes, weights = zip(*CATEGORY_WEIGHTS, strict=True)
    picked = rng.choices(codes, weights=weights, k=2 if rng.random() < 0.3 else 1)
    return categories_text(picked)


def _household_fields(rng, today: dt.date, number: str) -> dict:
    categories = _categories(rng)
    main = categories.strip(",").split(",")[0]
    road, no = rng.choice(ROADS), rng.randint(1, 999)
    return {"number": number, "address": f"{road}{no}号", "address_masked": f"{road}**号",
            "categories": categories, "monthly_income": Decimal(rng.randrange(0, 4000, 50)),
            "situation": SITUATIONS.get(main, ""),
            "risk_level": rng.choices(list(RiskLevel.values), weights=[85, 12, 3])[0],
            "review_due": today + dt.timedelta(days=rng.randint(-40, 180)),
            "last_assessed_on": today - dt.timedelta(days=rng.randint(10, 300))}


# --- demo --------------------------------------------------------------------------------------------

def _demo_people() -> list:
    from boai.people.models import Person

    branches = Org.objects.filter(kind=Kind.BRANCH, code__in=DEMO_BRANCHES).order_by("code")
    people = []
    for branch in branches:  # both branches, the one with the demo grassroots user first
        people += list(Person.objects.filter(org__path__startswith=branch.path, org__kind=Kind.GRASSROOTS)
                       .select_related("org").order_by("id")[:60])
    return people


def _demo_households(ctx: SeedContext, people: list) -> list[Household]:
    rng, today = ctx.rng, timezone.localdate()
    households, used, i = [], 0, 0
    numbers = next_numbers("HH", DEMO_HOUSEHOLDS)
    while len(households) < DEMO_HOUSEHOLDS and used < len(people):
        size = min(rng.choice((1, 2, 2, 3, 4)), len(people) - used)
        members = people[used:used + size]
        used += size
        head = members[0]
        household = Household.objects.create(org=head.org, head=head, size=size,
                                             **_household_fields(rng, today, numbers[i]))
        HouseholdMember.objects.create(household=household, person=head, relation=Relation.HEAD)
        for person in members[1:]:
            HouseholdMember.objects.create(household=household, person=person, relation=rng.choice(RELATIONS))
        households.append(household)
        i += 1
    if households:
        households[-1].status = "closed"
        households[-1].closed_reason = "家庭收入已稳定，退出监测。"
        households[-1].save(update_fields=["status", "closed_reason"])
    return households


STEPS = [("verify", ApplicationStatus.VERIFIED, "verified"), ("review", ApplicationStatus.REVIEWED, "reviewed"),
         ("approve", ApplicationStatus.APPROVED, "approved")]
ORDER = [ApplicationStatus.SUBMITTED, ApplicationStatus.VERIFIED, ApplicationStatus.REVIEWED,
         ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED, ApplicationStatus.ACKNOWLEDGED]


def _demo_application(ctx: SeedContext, household: Household, relief_type: ReliefType, status: str,
                      number: str, users: dict) -> Application:
    rng, now = ctx.rng, timezone.now()
    raised = now - dt.timedelta(days=rng.randint(8, 40))
    amount = Decimal(rng.choice((500, 800, 1000, 2000)))
    app = Application.objects.create(
        number=number, org=household.org, household=household, beneficiary=household.head, relief_type=relief_type,
        channel=rng.choice([Channel.WORKER, Channel.STAFF, Channel.SELF]), amount_requested=amount,
        reason="家庭困难，申请救助。", status=ApplicationStatus.SUBMITTED, raised_by=users.get("grassroots"),
        raised_at=raised)
    ApplicationStep.objects.create(application=app, step="raise", status=ApplicationStatus.SUBMITTED, at=raised,
                                   actor=users.get("grassroots"), actor_label="崇安寺街道红十字会")
    reached = ORDER.index(status) if status in ORDER else rng.randint(0, 2)
    at = raised
    for step, step_status, field in STEPS[:reached]:
        at += dt.timedelta(days=rng.randint(1, 3))
        actor = users.get("grassroots" if step == "verify" else "branch_admin" if step == "review" else "city_admin")
        setattr(app, f"{field}_by", actor)
        setattr(app, f"{field}_at", at)
        ApplicationStep.objects.create(application=app, step=step, status=step_status, at=at, actor=actor)
    if reached >= 3:
        app.amount_approved = amount
    if status == ApplicationStatus.REJECTED:
        app.rejected_by, app.rejected_at, app.reject_reason = users.get("branch_admin"), at, "家庭收入超过标准。"
        ApplicationStep.objects.create(application=app, step="reject", status=status, at=at, note=app.reject_reason)
    if status == ApplicationStatus.WITHDRAWN:
        ApplicationStep.objects.create(application=app, step="withdraw", status=status, at=at,
                                       note="已由其他渠道解决。")
    app.status = status
    app.save()
    if reached >= 4:
        _demo_disbursement(ctx, app, at, acknowledged=status == ApplicationStatus.ACKNOWLEDGED)
    if reached >= 3:
        ReliefRecord.objects.bulk_create([
            ReliefRecord(relief_type=relief_type, person_id=pid, household=household, org=household.org,
                         granted_on=timezone.localtime(app.approved_at).date(), amount=amount if n == 0 else 0,
                         application=app)
            for n, pid in enumerate(household.members.order_by("id").values_list("person_id", flat=True))])
    return app


def _demo_disbursement(ctx: SeedContext, app: Application, at: dt.datetime, *, acknowledged: bool) -> None:
    paid = at + dt.timedelta(days=1)
    Disbursement.objects.create(application=app, ref=f"RD-DEMO-{app.pk:06d}", method=DisbursementMethod.CASH,
                                amount=app.amount_approved, paid_on=timezone.localtime(paid).date(),
                                acknowledged_at=paid + dt.timedelta(hours=2) if acknowledged else None)
    ApplicationStep.objects.create(application=app, step="disburse", status=ApplicationStatus.DISBURSED, at=paid)
    if acknowledged:
        ApplicationStep.objects.create(application=app, step="acknowledge", status=ApplicationStatus.ACKNOWLEDGED,
                                       at=paid + dt.timedelta(hours=2))


def _demo_campaign(ctx: SeedContext, types: dict, households: list[Household]) -> Campaign:
    today = timezone.localdate()
    city = Org.objects.filter(kind=Kind.SOCIETY).order_by("id").first()
    campaign = Campaign.objects.create(
        org=city, name=f"{today.year + 1}年春节博爱送万家", holiday=Holiday.SPRING, year=today.year + 1,
        starts_on=today, ends_on=today + dt.timedelta(days=60), relief_type=types["HOLIDAY"],
        standard_amount=Decimal("500.00"), package="大米一袋、食用油一桶、慰问金 500 元",
        target_categories=categories_text([Category.DIBAO, Category.TEKUN, Category.ELDERLY]),
        status=CampaignStatus.OPEN)
    for code in DEMO_BRANCHES:
        branch = Org.objects.get(kind=Kind.BRANCH, code=code)
        CampaignQuota.objects.create(campaign=campaign, org=branch, households=10)
    for household in households[: len(households) // 2]:
        if household.status == "active":
            CampaignHousehold.objects.create(campaign=campaign, household=household, org=household.org)
    return campaign


def seed_demo(ctx: SeedContext) -> dict[str, int]:
    types = relief_types(ctx)
    people = _demo_people()
    if len(people) < 20:
        return {"types": len(types)}
    households = _demo_households(ctx, people)
    users = ctx.data.get("users", {})
    plan = [*ORDER, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN]
    plan = plan * 2 + [ApplicationStatus.SUBMITTED, ApplicationStatus.VERIFIED]
    numbers = next_numbers("RA", len(plan))
    codes = ["HOLIDAY", "EMERGENCY", "MEDICAL", "EDUCATION"]
    for i, status in enumerate(plan):
        household = households[-(i + 2)]  # the campaign lists the first half
        _demo_application(ctx, household, types[codes[i % len(codes)]], status, numbers[i], users)
    campaign = _demo_campaign(ctx, types, households)
    ctx.data["relief_campaign"] = campaign
    return {"types": len(types), "households": len(households), "applications": len(plan),
            "campaign households": campaign.households.count()}


# --- city --------------------------------------------------------------------------------------------

def _registry_people(rng, count: int) -> list[tuple[int, int]]:
    """(person, org) of `count` people registered in grassroots units and sites, sorted by unit so a
    household's members live in one unit."""
    from boai.people.models import Person

    rows = list(Person.objects.filter(org__kind__in=[Kind.GRASSROOTS, Kind.SITE]).order_by("id")
                .values_list("id", "org_id"))
    picked = rng.sample(rows, min(count, len(rows)))
    picked.sort(key=lambda r: (r[1], r[0]))
    return picked


def _sizes(rng, households: int, members: int) -> list[int]:
    sizes_, weights = zip(*SIZE_WEIGHTS, strict=True)
    sizes = rng.choices(sizes_, weights=weights, k=households)
    diff = members - sum(sizes)
    step = 1 if diff > 0 else -1
    while diff:
        i = rng.randrange(households)
        if 1 <= sizes[i] + step <= 6:
            sizes[i] += step
            diff -= step
    return sizes


def _household_rows(rng, people, sizes, first_id: int, numbers: list[str], now) -> Iterator[tuple]:
    """Household rows; fills `people` positions into members as it goes (see _member_rows)."""
    field = Household._meta.get_field("address")
    today, pos = timezone.localdate(), 0
    for i, size in enumerate(sizes):
        head, org = people[pos]
        f = _household_fields(rng, today, numbers[i])
        closed = rng.random() < 0.05
        yield (first_id + i, f["number"], org, head, field.get_prep_value(f["address"]), f["address_masked"], "",
               f["categories"], size, f["monthly_income"], f["situation"], f["risk_level"],
               "closed" if closed else "active", "家庭情况好转，退出监测。" if closed else "", f["review_due"],
               f["last_assessed_on"], now, now)
        pos += size


HOUSEHOLD_COLUMNS = ("id", "number", "org_id", "head_id", "address", "address_masked", "region", "categories",
                     "size", "monthly_income", "situation", "risk_level", "status", "closed_reason", "review_due",
                     "last_assessed_on", "created_at", "updated_at")


def _member_rows(rng, people, sizes, first_id: int) -> Iterator[tuple]:
    pos = 0
    for i, size in enumerate(sizes):
        for k in range(size):
            relation = Relation.HEAD if k == 0 else RELATIONS[rng.randrange(len(RELATIONS))]
            yield (first_id + i, people[pos + k][0], relation, "", "", True)
        pos += size


def _record_rows(rng, types: dict, people, sizes, first_id: int, count: int) -> Iterator[tuple]:
    """Grants to random households over five years, one row per member, until `count` rows."""
    today = timezone.localdate()
    starts = [0]
    for size in sizes[:-1]:
        starts.append(starts[-1] + size)
    codes = list(GRANT_MIX)
    shares = [GRANT_MIX[c][0] for c in codes]
    type_ids = {c: types[c].pk for c in codes}
    n = 0
    while n < count:
        i = rng.randrange(len(sizes))
        code = rng.choices(codes, weights=shares)[0]
        granted = today - dt.timedelta(days=rng.randrange(YEARS * 365))
        amount = Decimal(rng.choice(GRANT_MIX[code][1]))
        org = people[starts[i]][1]
        for k in range(min(sizes[i], count - n)):
            yield (type_ids[code], people[starts[i] + k][0], first_id + i, org, granted,
                   amount if k == 0 else Decimal(0), False)
            n += 1


RECORD_COLUMNS = ("relief_type_id", "person_id", "household_id", "org_id", "granted_on", "amount", "cancelled")


def seed_city(ctx: SeedContext, *, households: int = CITY_HOUSEHOLDS, members: int = CITY_MEMBERS,
              records: int = CITY_RECORDS) -> dict[str, int]:
    rng, started = ctx.rng, time.perf_counter()
    types = relief_types(ctx)
    people = _registry_people(rng, members)
    if len(people) < members:  # a smaller registry: keep 2.5 members per household
        members, households = len(people), max(1, len(people) * 2 // 5)
    if not people:
        return {"types": len(types)}
    sizes = _sizes(rng, households, members)
    first = next_id(Household)
    numbers = next_numbers("HH", households)
    now = timezone.now()
    n_households = copy_rows(Household, HOUSEHOLD_COLUMNS, _household_rows(rng, people, sizes, first, numbers, now))
    n_members = copy_rows(HouseholdMember, ("household_id", "person_id", "relation", "categories", "note", "active"),
                      _member_rows(rng, people, sizes, first))
    n_records = copy_rows(ReliefRecord, RECORD_COLUMNS, _record_rows(rng, types, people, sizes, first, records))
    if connection.vendor == "postgresql":
        reset_sequences(Household, HouseholdMember, ReliefRecord)
        with connection.cursor() as cursor:
            for model in (Household, HouseholdMember, ReliefRecord):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    ctx.out(f"relief: loaded in {time.perf_counter() - started:.1f}s")
    return {"types": len(types), "households": n_households, "members": n_members, "records": n_records}


@seeder("relief", order=65)
def seed_relief(ctx: SeedContext) -> None:
    if not Org.objects.filter(kind=Kind.SOCIETY).exists():
        return
    with transaction.atomic():
        counts = seed_city(ctx) if ctx.is_city else seed_demo(ctx)
    ctx.out("relief: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
