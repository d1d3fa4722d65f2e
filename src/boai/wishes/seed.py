"""Seed micro-wishes.

`demo`: a dozen wishes through the real services, in every state (draft, waiting for review,
returned, published, claimed, delivered, fulfilled on the transparency log, withdrawn), so each
page has something to show.

`city`: 5,000 wishes over the last year in realistic proportions, with their claims and claimants,
written with bulk inserts (no per-row services; fulfilled wishes carry no log leaf, like data
migrated from before the log). Reproducible from `--random-seed`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from boai.core.seeding import SeedContext, seeder
from boai.orgs.models import Kind, Org
from boai.wishes.models import Category, Claim, Claimant, ClaimStatus, ConfirmMethod, MicroWish, WishNumber, WishStatus

WISHES = {
    Category.STUDY: [("一套初中数学辅导书", 80, "孩子上初一，数学基础薄弱，希望有一套辅导书课后练习。"),
                     ("一个新书包", 120, "旧书包已经破了好几处，孩子希望开学能背上新书包。"),
                     ("一盏护眼台灯", 150, "家里光线暗，孩子晚上写作业很费眼睛。"),
                     ("一本新华字典和文具", 60, "孩子刚上小学，想要一本自己的字典。")],
    Category.DAILY: [("一床冬季棉被", 200, "老人独自居住，冬天的被子太薄。"),
                     ("一个电饭煲", 180, "家里的电饭煲坏了，老人行动不便，做饭困难。"),
                     ("一台小型取暖器", 160, "房间朝北，冬天很冷。")],
    Category.CLOTHING: [("一件羽绒服", 260, "孩子长高了，去年的冬衣已经穿不下。"),
                        ("一双运动鞋", 150, "孩子喜欢跑步，鞋子已经磨破了。")],
    Category.HEALTH: [("一副老花镜", 90, "老人视力下降，看药品说明书很吃力。"),
                      ("一根助行拐杖", 120, "老人腿脚不便，希望出门更安全。"),
                      ("一台电子血压计", 200, "老人患有高血压，需要每天测量。")],
    Category.FESTIVAL: [("一份新年礼物", 100, "孩子希望新年能收到一份惊喜。"),
                        ("一盒生日蛋糕", 120, "孩子快过生日了，从来没有吃过生日蛋糕。")],
    Category.OTHER: [("一套绘画工具", 130, "孩子喜欢画画，一直用别人剩下的蜡笔。")],
}
NAMES = ["李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"]
CITY_WISHES = 5_000
CITY_SHARES = [(WishStatus.PUBLISHED, 0.34), (WishStatus.CLAIMED, 0.08), (WishStatus.DELIVERED, 0.05),
               (WishStatus.CONFIRMED, 0.40), (WishStatus.SUBMITTED, 0.05), (WishStatus.DRAFT, 0.03),
               (WishStatus.REJECTED, 0.01), (WishStatus.WITHDRAWN, 0.04)]


def _beneficiaries(limit: int, stride: int = 1) -> list[tuple[int, int, int, dt.date | None]]:
    """(person, org, district, birth date) of people registered in grassroots units."""
    from boai.people.models import Person

    branches = dict(Org.objects.filter(kind=Kind.BRANCH).values_list("path", "id"))
    qs = Person.objects.filter(org__kind__in=[Kind.GRASSROOTS, Kind.SITE]).order_by()
    if stride > 1:
        from django.db.models import F

        qs = qs.annotate(m=F("id") % stride).filter(m=0)
    rows = qs.values_list("id", "org_id", "org__path", "birth_date")[:limit]
    return [(pk, org, branches.get(path[: Org.steplen * 2]), born) for pk, org, path, born in rows]


def _claimant(mobile: str) -> Claimant:
    from boai.people.identity import mask_mobile
    from boai.people.protect import mobile_blind

    claimant, _ = Claimant.objects.get_or_create(mobile_blind=mobile_blind(mobile), defaults={
        "mobile": mobile, "mobile_masked": mask_mobile(mobile)})
    return claimant


def seed_demo(ctx: SeedContext) -> int:
    from boai.people.models import Person
    from boai.wishes import services

    people = list(Person.objects.filter(org__kind=Kind.GRASSROOTS).select_related("org").order_by("id")[:40])
    if len(people) < 12:
        return 0
    ctx.rng.shuffle(people)
    today = timezone.localdate()
    plan = ["draft", "submitted", "rejected", "published", "published", "published", "claimed", "claimed",
            "delivered", "confirmed", "confirmed", "withdrawn"]
    items = [(c, *w) for c, ws in WISHES.items() for w in ws]
    for i, target in enumerate(plan):
        person = people[i]
        category, title, value, story = items[i % len(items)]
        wish = services.wish_create(actor=None, org=person.org, beneficiary=person, category=category, title=title,
                                    story=story, estimated_value=Decimal(value),
                                    deadline=today + dt.timedelta(days=ctx.rng.randint(20, 90)),
                                    household_note="低保家庭" if i % 3 == 0 else "")
        if target == "draft":
            continue
        services.wish_submit(actor=None, wish=wish)
        if target == "submitted":
            continue
        if target == "rejected":
            services.wish_reject(actor=None, wish=wish, reason="请补充说明为什么需要这件物品。")
            continue
        services.wish_approve(actor=None, wish=wish)
        if target in ("claimed", "delivered", "confirmed"):
            claimant = _claimant(f"139{ctx.rng.randint(10_000_000, 99_999_999)}")
            claim = services.claim_create(wish=wish, claimant=claimant,
                                          claimant_name=ctx.rng.choice(NAMES) + ctx.rng.choice(["先生", "女士"]))
            if target in ("delivered", "confirmed"):
                services.claim_deliver(claim=claim, claimant=claimant, note="已送到社区服务站。")
            if target == "confirmed":
                services.wish_confirm(actor=None, wish=wish)
        if target == "withdrawn":
            services.wish_withdraw(actor=None, wish=wish, reason="家庭已通过其他渠道解决。")
    return len(plan)


def _status_plan(rng, n: int) -> list[str]:
    statuses = [s for s, _share in CITY_SHARES]
    return rng.choices(statuses, weights=[w for _s, w in CITY_SHARES], k=n)


def seed_city(ctx: SeedContext, count: int = CITY_WISHES) -> int:
    from boai.people.identity import mask_mobile
    from boai.people.protect import mobile_blind

    people = _beneficiaries(count * 2, stride=max(1, _people_count() // (count * 3)))
    if not people:
        return 0
    rng, now, year = ctx.rng, timezone.now(), timezone.localdate().year
    claimants = []
    for i in range(count // 2):
        mobile = f"13{rng.randint(0, 9)}{i:08d}"
        claimants.append(Claimant(mobile=mobile, mobile_masked=mask_mobile(mobile), mobile_blind=mobile_blind(mobile)))
    Claimant.objects.bulk_create(claimants, batch_size=2000, ignore_conflicts=True)
    claimant_ids = list(Claimant.objects.values_list("id", flat=True))
    items = [(c, *w) for c, ws in WISHES.items() for w in ws]
    WishNumber.objects.bulk_create([WishNumber(year=year)], ignore_conflicts=True)
    counter = WishNumber.objects.select_for_update().get(year=year)
    wishes, specs = [], []
    for i, status in enumerate(_status_plan(rng, count)):
        person, org, district, born = people[rng.randrange(len(people))]
        category, title, value, story = items[rng.randrange(len(items))]
        created = now - dt.timedelta(days=rng.randint(10, 360), minutes=rng.randint(0, 1440))
        published = created + dt.timedelta(days=rng.randint(1, 5))
        deadline = (timezone.localtime(created).date() + dt.timedelta(days=rng.randint(30, 120)))
        if status in (WishStatus.PUBLISHED, WishStatus.CLAIMED, WishStatus.DELIVERED):
            deadline = max(deadline, timezone.localdate() + dt.timedelta(days=rng.randint(5, 60)))
        from boai.wishes.services import public_profile

        wishes.append(MicroWish(
            number=f"WX-{year}-{counter.last + i + 1:06d}", org_id=org, district_id=district, beneficiary_id=person,
            category=category, title=title, story=story, public_profile=public_profile(born),
            estimated_value=Decimal(value + rng.choice([0, 0, 10, -10, 20])), deadline=deadline, status=status,
            submitted_at=created if status != WishStatus.DRAFT else None,
            published_at=published if status in (WishStatus.PUBLISHED, WishStatus.CLAIMED, WishStatus.DELIVERED,
                                                  WishStatus.CONFIRMED) else None,
            rejection_reason="请补充需求说明。" if status == WishStatus.REJECTED else "",
            withdraw_reason="家庭已通过其他渠道解决。" if status == WishStatus.WITHDRAWN else "",
            withdrawn_at=published if status == WishStatus.WITHDRAWN else None,
            confirmed_at=published + dt.timedelta(days=rng.randint(3, 12)) if status == WishStatus.CONFIRMED else None))
        specs.append((status, published))
    counter.last += count
    counter.save(update_fields=["last"])
    MicroWish.objects.bulk_create(wishes, batch_size=2000)
    Claim.objects.bulk_create(_city_claims(rng, wishes, specs, claimant_ids, now), batch_size=2000)
    return count


def _city_claims(rng, wishes, specs, claimant_ids, now) -> list[Claim]:
    claims = []
    for wish, (status, published) in zip(wishes, specs, strict=True):
        if status not in (WishStatus.CLAIMED, WishStatus.DELIVERED, WishStatus.CONFIRMED):
            continue
        claimed = published + dt.timedelta(hours=rng.randint(1, 72))
        if status == WishStatus.CLAIMED:
            claimed = now - dt.timedelta(hours=rng.randint(1, 120))  # open claims are recent
        claim_status = {WishStatus.CLAIMED: ClaimStatus.ACTIVE, WishStatus.DELIVERED: ClaimStatus.DELIVERED,
                        WishStatus.CONFIRMED: ClaimStatus.CONFIRMED}[status]
        delivered = claimed + dt.timedelta(days=rng.randint(1, 5)) if status != WishStatus.CLAIMED else None
        claims.append(Claim(
            wish_id=wish.pk, claimant_id=rng.choice(claimant_ids) if status != WishStatus.CLAIMED else None,
            claimant_name=rng.choice(NAMES) + rng.choice(["先生", "女士", "同学"]), status=claim_status,
            claimed_at=claimed, expires_at=claimed + dt.timedelta(days=7), delivered_at=delivered,
            delivery_note="已送到社区服务站。" if delivered else "",
            confirmed_at=wish.confirmed_at, confirm_method=ConfirmMethod.STAFF if wish.confirmed_at else ""))
    # an active claim per number stays within the limit: give each open claim its own claimant
    open_claims = [c for c in claims if c.claimant_id is None]
    for claim, claimant_id in zip(open_claims, claimant_ids, strict=False):
        claim.claimant_id = claimant_id
    return [c for c in claims if c.claimant_id is not None]


def _people_count() -> int:
    from boai.people.models import Person

    return Person.objects.count()


@seeder("wishes", order=70)
def seed_wishes(ctx: SeedContext) -> None:
    if not Org.objects.filter(kind=Kind.SOCIETY).exists():
        return
    with transaction.atomic():
        n = seed_city(ctx) if ctx.is_city else seed_demo(ctx)
    ctx.out(f"wishes: {n} micro-wishes")
