"""The `city` preset of donations: five years of a city's giving, written in bulk.

1,000,000 gifts (about 85% small online gifts on the giving days, the rest 人道万人捐 gifts at the
counter and enterprise transfers), 2,000 enterprise donors and 50,000 online donors, 30 funds, 200
projects, 15 campaigns. Every gift gets its lot, its balanced journal transaction and its
certificate; each year's lots of a fund are pooled per restriction, allocated to projects, and the
projects spend, so balances, lots and the journal agree (`selectors.journal_balance_check`).

Gifts, lots, journal and certificates go in with COPY (PostgreSQL) with the journal triggers off
for the load (`session_replication_role = replica`), after which balances are set from the lines;
pools, allocations and spending (a few thousand rows) are written with the triggers on.
"""

from __future__ import annotations

import datetime as dt
import secrets
from array import array
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

from boai.core.audit import audit_record
from boai.core.seeding import SeedContext, copy_rows, next_id, reset_sequences
from boai.donations import services
from boai.donations.models import (
    Account,
    Allocation,
    AllocationDraw,
    Certificate,
    Donor,
    FundKind,
    Gift,
    JournalLine,
    JournalTxn,
    Lot,
    Purpose,
    Spending,
    SpendingDraw,
)
from boai.donations.seed import uscc

YEARS = (2021, 2022, 2023, 2024, 2025)
GIFTS = 1_000_000
ONLINE_SHARE, OFFLINE_SHARE = 0.85, 0.12  # the rest: enterprise bank transfers
ENTERPRISES, ONLINE_DONORS = 2_000, 50_000
CHINA = dt.timezone(dt.timedelta(hours=8))
SMALL = (1, 5, 10, 10, 20, 20, 50, 50, 50, 66, 88, 100, 100, 200, 500)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯芳娜敏静丽艳娟霞秀玲桂英萍红玉兰琳婷雪慧颖洁佳倩梅琴"
PROJECT_THEMES = [("博爱送万家", Purpose.HARDSHIP), ("帮你回家", Purpose.HARDSHIP), ("博爱光明行", Purpose.MEDICAL),
                  ("造血干细胞捐献关爱", Purpose.MEDICAL), ("应急救护进社区", Purpose.FIRST_AID),
                  ("博爱家园", Purpose.COMMUNITY), ("红十字助学", Purpose.EDUCATION), ("防灾减灾", Purpose.DISASTER),
                  ("大病救助", Purpose.MEDICAL), ("博爱助老", Purpose.HARDSHIP)]
BRANCH_CODES = ("320213", "320205", "320206", "320211", "320214", "320281", "320282")


@dataclass
class Columns:
    """The million gifts as compact columns (array('q')): ~90 MB instead of a million objects."""

    org: array = field(default_factory=lambda: array("q"))
    fund: array = field(default_factory=lambda: array("q"))
    project: array = field(default_factory=lambda: array("q"))  # 0 = unrestricted
    campaign: array = field(default_factory=lambda: array("q"))  # 0 = none
    donor: array = field(default_factory=lambda: array("q"))  # 0 = none
    fen: array = field(default_factory=lambda: array("q"))
    ts: array = field(default_factory=lambda: array("q"))  # epoch seconds
    kind: array = field(default_factory=lambda: array("b"))  # 0 online wechat, 1 online alipay, 2 cash, 3 bank
    flags: array = field(default_factory=lambda: array("b"))  # 1 anonymous, 2 name public
    name: array = field(default_factory=lambda: array("i"))  # index into the name table

    def add(self, *, org, fund, project, campaign, donor, fen, ts, kind, flags, name) -> None:
        for column, value in (("org", org), ("fund", fund), ("project", project), ("campaign", campaign),
                              ("donor", donor), ("fen", fen), ("ts", ts), ("kind", kind), ("flags", flags),
                              ("name", name)):
            getattr(self, column).append(value)

    def __len__(self) -> int:
        return len(self.fen)


@dataclass
class Plan:
    funds: list
    projects: list
    accounts: dict  # fund id / ("p", project id) / ("income"|"expense", org id) → account id
    campaigns: dict  # (year, "annual"|"58"|"99") → campaign
    enterprises: list
    online_donors: list
    names: list


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


# --- structure: funds, projects, donors, campaigns ------------------------------------------------

def _funds(ctx: SeedContext, orgs) -> list:
    city = orgs["city"]
    funds = [services.fund_create(actor=None, org=city, code="C-GENERAL", name="市综合基金", kind=FundKind.GENERAL)]
    for i, (theme, purpose) in enumerate(PROJECT_THEMES[:8], start=1):
        funds.append(services.fund_create(actor=None, org=city, code=f"C-S{i:02d}", name=f"{theme}专项基金",
                                          kind=FundKind.SPECIAL, purposes=[purpose]))
    for code in BRANCH_CODES:
        branch = orgs[code]
        short = branch.name.removesuffix("红十字会")
        funds.append(services.fund_create(actor=None, org=branch, code=f"{code}-G", name=f"{short}综合基金",
                                          kind=FundKind.GENERAL))
        funds.append(services.fund_create(actor=None, org=branch, code=f"{code}-S", name=f"{short}人道救助基金",
                                          kind=FundKind.SPECIAL, purposes=[Purpose.HARDSHIP, Purpose.MEDICAL]))
        if len(funds) < 30:
            funds.append(services.fund_create(actor=None, org=branch, code=f"{code}-N", name=f"{short}爱心冠名基金",
                                              kind=FundKind.NAMED, purposes=[Purpose.EDUCATION]))
    return funds[:30]


def _projects(ctx: SeedContext, funds) -> list:
    rng, projects = ctx.rng, []
    for n in range(200):
        fund = funds[n % len(funds)]
        allowed = [(t, p) for t, p in PROJECT_THEMES if not fund.restricted or p in fund.purposes]
        theme, purpose = rng.choice(allowed)
        start = dt.date(rng.choice(YEARS), 1, 1)
        projects.append(services.project_create(
            actor=None, org=fund.org, fund=fund, code=f"P{n + 1:04d}", name=f"{theme}·{fund.name[:4]}{n + 1:03d}",
            purpose=purpose, budget=Decimal(rng.choice([50000, 100000, 300000, 1000000])), starts_on=start,
            ends_on=dt.date(YEARS[-1], 12, 31), summary=f"{theme}项目"))
    return projects


def _donors(ctx: SeedContext, orgs) -> tuple[list[int], list[int], list[str]]:
    from boai.people.identity import mask_mobile
    from boai.people.protect import mobile_blind

    rng, city = ctx.rng, orgs["city"]
    Donor.objects.bulk_create([Donor(org=city, kind="enterprise", name=f"无锡{rng.choice(GIVEN)}{rng.choice(GIVEN)}"
                                     f"实业有限公司{i + 1:04d}", uscc=uscc(10_000 + i), contact_name="联络人")
                               for i in range(ENTERPRISES)], batch_size=2000)
    names = [f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN) if rng.random() < .6 else ''}"
             for _ in range(5000)]
    batch = []
    for i in range(ONLINE_DONORS):
        mobile = f"13{rng.randrange(10**9):09d}"
        batch.append(Donor(org=city, kind="individual", name=names[i % len(names)], mobile=mobile,
                           mobile_masked=mask_mobile(mobile), mobile_blind=mobile_blind(mobile)))
    Donor.objects.bulk_create(batch, batch_size=5000, ignore_conflicts=True)
    enterprises = list(Donor.objects.filter(kind="enterprise").values_list("pk", flat=True))
    online = list(Donor.objects.filter(kind="individual").values_list("pk", flat=True))
    return enterprises, online, names


def _campaigns(ctx: SeedContext, orgs, projects) -> dict:
    city, out = orgs["city"], {}
    for year in YEARS:
        out[(year, "annual")] = services.campaign_create(
            actor=None, org=city, slug=f"rdwrj-{year}", name=f"{year}年人道万人捐", kind="annual",
            starts_at=dt.datetime(year, 1, 1, tzinfo=CHINA), ends_at=dt.datetime(year, 12, 31, 23, 59, tzinfo=CHINA),
            target=Decimal("30000000"), record_number=f"5332020{year}MJ0001")
        for key, start, days, name in (("58", dt.datetime(year, 5, 8, tzinfo=CHINA), 1, "5·8人道公益日"),
                                       ("99", dt.datetime(year, 9, 7, tzinfo=CHINA), 3, "99公益日")):
            featured = ctx.rng.sample(projects, 12)
            out[(year, key)] = services.campaign_create(
                actor=None, org=city, slug=f"gyr-{key}-{year}", name=f"{year}{name}", kind="giving_day",
                starts_at=start, ends_at=start + dt.timedelta(days=days), target=Decimal("8000000"),
                projects=featured, record_number=f"5332020{year}MJ{key}00")
    return out


def _accounts(funds, projects, orgs) -> dict:
    accounts = {a.fund_id: a.pk for a in Account.objects.filter(fund__in=funds)}
    accounts.update({("p", a.project_id): a.pk for a in Account.objects.filter(project__in=projects)})
    for org in {f.org for f in funds}:
        from boai.donations.services import journal

        accounts[("income", org.pk)] = journal.income_account(org).pk
        accounts[("expense", org.pk)] = journal.expense_account(org).pk
    return accounts


# --- the million gifts --------------------------------------------------------------------------

def _office_day(rng, year: int) -> dt.datetime:
    return dt.datetime(year, 1, 1, 9, tzinfo=CHINA) + dt.timedelta(days=rng.randrange(360), hours=rng.randrange(8))


def _generate(ctx: SeedContext, plan: Plan) -> Columns:
    rng, cols = ctx.rng, Columns()
    online = int(GIFTS * ONLINE_SHARE)
    offline = int(GIFTS * OFFLINE_SHARE)
    per_day = online // (len(YEARS) * 2)
    general = {f.org_id: f for f in plan.funds if f.kind == FundKind.GENERAL}
    for year in YEARS:
        for key, share in (("58", 0.36), ("99", 0.64)):
            campaign = plan.campaigns[(year, key)]
            featured = list(campaign.projects.all())
            span = _epoch(campaign.ends_at) - _epoch(campaign.starts_at)
            for _ in range(int(per_day * 2 * share)):
                project = rng.choice(featured)
                donor = rng.choice(plan.online_donors) if rng.random() < 0.6 else 0
                flags = 1 if rng.random() < 0.1 else (2 if rng.random() < 0.3 else 0)
                cols.add(org=project.fund.org_id, fund=project.fund_id, project=project.pk, campaign=campaign.pk,
                         donor=donor, fen=rng.choice(SMALL) * 100 + (rng.randrange(100) if rng.random() < .2 else 0),
                         ts=_epoch(campaign.starts_at) + int(rng.random() ** 1.5 * span), kind=rng.random() < .3,
                         flags=flags, name=rng.randrange(len(plan.names)))
        for _ in range(offline // len(YEARS)):
            fund = general[rng.choice(list(general))]
            day = _office_day(rng, year)
            cols.add(org=fund.org_id, fund=fund.pk, project=0, campaign=plan.campaigns[(year, "annual")].pk, donor=0,
                     fen=rng.choice((10, 20, 50, 100, 100, 200, 500, 1000)) * 100, ts=_epoch(day), kind=2,
                     flags=1 if rng.random() < 0.05 else 0, name=rng.randrange(len(plan.names)))
    while len(cols) < GIFTS:
        fund = rng.choice(plan.funds)
        mine = [p for p in plan.projects if p.fund_id == fund.pk]
        project = rng.choice(mine) if mine and rng.random() < 0.4 else None
        year = rng.choice(YEARS)
        day = _office_day(rng, year)
        cols.add(org=fund.org_id, fund=fund.pk, project=project.pk if project else 0, campaign=0,
                 donor=rng.choice(plan.enterprises), fen=int(rng.lognormvariate(9.5, 1.2)) * 100, ts=_epoch(day),
                 kind=3, flags=2, name=0)
    return cols


CHANNELS = ("wechat", "alipay", "cash", "bank")


def _when(ts: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC)


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def _gift_rows(cols: Columns, plan: Plan, first: int) -> Iterator[tuple]:
    for i in range(len(cols)):
        kind, flags = cols.kind[i], cols.flags[i]
        anonymous = flags == 1
        channel = CHANNELS[kind]
        txn = f"{4200 if kind == 0 else 2025}{first + i:020d}" if kind < 2 else ""
        yield (first + i, cols.org[i], cols.donor[i] or None, "" if anonymous else plan.names[cols.name[i]],
               anonymous, flags == 2, "money", channel, _yuan(cols.fen[i]), cols.fund[i], cols.project[i] or None, "",
               cols.campaign[i] or None, _when(cols.ts[i]), "", "", "", "", txn,
               f"HX{first + i:010d}" if kind == 3 else "", "")


GIFT_COLUMNS = ("id", "org_id", "donor_id", "donor_name", "anonymous", "name_public", "kind", "channel", "amount",
                "fund_id", "restricted_project_id", "restricted_purpose", "campaign_id", "received_at", "item", "unit",
                "valuation_basis", "receipt_number", "gateway_txn", "bank_ref", "message")


@dataclass
class Ids:
    gift: int
    lot: int
    txn: int
    pools: dict = field(default_factory=dict)  # (fund, project or 0, year) → [pool lot id, total fen]


def _pool_key(cols: Columns, i: int) -> tuple[int, int, int]:
    return cols.fund[i], cols.project[i], _when(cols.ts[i]).astimezone(CHINA).year


def _plan_pools(cols: Columns, ids: Ids) -> None:
    totals: dict = defaultdict(int)
    for i in range(len(cols)):
        totals[_pool_key(cols, i)] += cols.fen[i]
    next_lot = ids.lot + len(cols)
    for key in sorted(totals):
        ids.pools[key] = [next_lot, totals[key]]
        next_lot += 1


def _lot_rows(cols: Columns, plan: Plan, ids: Ids) -> Iterator[tuple]:
    for i in range(len(cols)):
        amount = _yuan(cols.fen[i])
        pool = ids.pools[_pool_key(cols, i)][0]
        yield (ids.lot + i, plan.accounts[cols.fund[i]], "gift", cols.project[i] or None, "", ids.gift + i, None,
               amount, Decimal("0.00"), pool, amount, _when(cols.ts[i]))


def _txn_rows(cols: Columns, ids: Ids) -> Iterator[tuple]:
    for i in range(len(cols)):
        yield (ids.txn + i, cols.org[i], "gift", _when(cols.ts[i]))


def _line_rows(cols: Columns, plan: Plan, ids: Ids) -> Iterator[tuple]:
    for i in range(len(cols)):
        amount = _yuan(cols.fen[i])
        yield (ids.txn + i, plan.accounts[cols.fund[i]], amount)
        yield (ids.txn + i, plan.accounts[("income", cols.org[i])], -amount)


def _certificate_rows(cols: Columns, plan: Plan, ids: Ids) -> Iterator[tuple]:
    token = secrets.token_urlsafe
    for i in range(len(cols)):
        holder = "爱心人士" if cols.flags[i] == 1 else plan.names[cols.name[i]]
        yield (ids.gift + i, token(16), holder, "", "", _when(cols.ts[i]))


def _load_gifts(ctx: SeedContext, cols: Columns, plan: Plan) -> Ids:
    ids = Ids(gift=next_id(Gift), lot=next_id(Lot), txn=next_id(JournalTxn))
    _plan_pools(cols, ids)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")  # journal triggers off for the load
        n = copy_rows(Gift, GIFT_COLUMNS, _gift_rows(cols, plan, ids.gift))
        ctx.out(f"  gifts: {n}")
        copy_rows(Lot, ("id", "account_id", "source", "restricted_project_id", "restricted_purpose",
                        "created_at", "amount", "remaining", "ledger_entry", "gift_id"),
                  ((lid, acc, "pool", proj or None, "", dt.datetime(year, 12, 1, tzinfo=CHINA), _yuan(fen), _yuan(fen),
                    None, None) for (fund, proj, year), (lid, fen) in ((k, v) for k, v in ids.pools.items())
                   for acc in (plan.accounts[fund],)))
        copy_rows(Lot, ("id", "account_id", "source", "restricted_project_id", "restricted_purpose",
                        "gift_id", "allocation_id", "amount", "remaining", "pooled_into_id",
                        "pooled_amount", "created_at"), _lot_rows(cols, plan, ids))
        copy_rows(JournalTxn, ("id", "org_id", "kind", "created_at"), _txn_rows(cols, ids))
        copy_rows(JournalLine, ("txn_id", "account_id", "amount"), _line_rows(cols, plan, ids))
        copy_rows(Certificate, ("gift_id", "token", "holder", "opening", "commitment", "issued_at"),
                  _certificate_rows(cols, plan, ids))
        _set_balances()
    reset_sequences(Gift, Lot, JournalTxn, JournalLine, Certificate)
    return ids


def _set_balances() -> None:
    with connection.cursor() as cursor:
        cursor.execute("""UPDATE donations_account SET balance = coalesce((SELECT sum(amount) FROM donations_journalline
                          WHERE account_id = donations_account.id), 0) WHERE kind IN ('fund', 'project', 'relief')""")


# --- allocations and spending -------------------------------------------------------------------

def _movements(ctx: SeedContext, plan: Plan, ids: Ids) -> tuple[int, int]:
    """Each year's pools go to projects (restricted ones to their project), and projects spend."""
    rng = ctx.rng
    by_fund: dict[int, list] = defaultdict(list)
    for project in plan.projects:
        by_fund[project.fund_id].append(project)
    funds = {f.pk: f for f in plan.funds}
    pools = {lot.pk: lot for lot in Lot.objects.filter(pk__in=[v[0] for v in ids.pools.values()])}
    allocations = spendings = 0
    with transaction.atomic():
        for (fund_id, project_id, year), (pool_id, _fen) in sorted(ids.pools.items()):
            pool, fund = pools[pool_id], funds[fund_id]
            targets = ([p for p in plan.projects if p.pk == project_id] if project_id
                       else rng.sample(by_fund[fund_id], min(3, len(by_fund[fund_id]))))
            share = Decimal("0.95") if project_id else Decimal("0.70")
            total = (pool.remaining * share).quantize(Decimal("0.01"))
            for n, project in enumerate(targets):
                amount = (total / len(targets)).quantize(Decimal("0.01")) if n < len(targets) - 1 else \
                    total - (total / len(targets)).quantize(Decimal("0.01")) * (len(targets) - 1)
                if amount <= 0:
                    continue
                spent = _allocate_and_spend(rng, plan, fund, project, pool, amount, year)
                allocations, spendings = allocations + 1, spendings + spent
    return allocations, spendings


def _allocate_and_spend(rng, plan: Plan, fund, project, pool: Lot, amount: Decimal, year: int) -> int:
    when = dt.datetime(year, 12, 10, 10, tzinfo=CHINA)
    source, target = plan.accounts[fund.pk], plan.accounts[("p", project.pk)]
    txn = JournalTxn.objects.create(org_id=fund.org_id, kind="allocation", created_at=when)
    JournalLine.objects.bulk_create([JournalLine(txn=txn, account_id=source, amount=-amount),
                                     JournalLine(txn=txn, account_id=target, amount=amount)])
    allocation = Allocation.objects.create(org_id=fund.org_id, fund=fund, project=project, target_id=target,
                                           amount=amount, txn=txn, created_at=when, note=f"{year}年度拨付")
    AllocationDraw.objects.create(allocation=allocation, lot=pool, amount=amount)
    pool.remaining -= amount
    Lot.objects.filter(pk=pool.pk).update(remaining=pool.remaining)
    parts = rng.randint(1, 4)
    spend_total = (amount * Decimal(rng.choice(["0.6", "0.8", "0.9", "0.95"]))).quantize(Decimal("0.01"))
    each = (spend_total / parts).quantize(Decimal("0.01"))
    lot = Lot.objects.create(account_id=target, source="allocation", allocation=allocation, amount=amount,
                             remaining=amount - each * parts, created_at=when)
    expense = plan.accounts[("expense", fund.org_id)]
    for n in range(parts):
        paid = when + dt.timedelta(days=5 + n)
        stxn = JournalTxn.objects.create(org_id=fund.org_id, kind="spending", created_at=paid)
        JournalLine.objects.bulk_create([JournalLine(txn=stxn, account_id=target, amount=-each),
                                         JournalLine(txn=stxn, account_id=expense, amount=each)])
        spending = Spending.objects.create(
            org_id=fund.org_id, project=project, source_id=target, amount=each, category="programme",
            purpose=f"{project.name[:20]} 第{n + 1}批支出", payee_kind=rng.choice(["recipient", "supplier"]),
            payee_name="物资供应商", status="paid", requested_at=paid, paid_at=paid, txn=stxn)
        SpendingDraw.objects.create(spending=spending, lot=lot, amount=each)
    return parts


def seed_city(ctx: SeedContext) -> None:
    orgs = ctx.data["orgs"]
    funds = _funds(ctx, orgs)
    projects = _projects(ctx, funds)
    enterprises, online, names = _donors(ctx, orgs)
    campaigns = _campaigns(ctx, orgs, projects)
    plan = Plan(funds=funds, projects=projects, accounts=_accounts(funds, projects, orgs), campaigns=campaigns,
                enterprises=enterprises, online_donors=online, names=names)
    cols = _generate(ctx, plan)
    ids = _load_gifts(ctx, cols, plan)
    allocations, spendings = _movements(ctx, plan, ids)
    _set_balances()  # SQLite has no balance trigger: the movements' lines must be counted there too
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("donations_gift", "donations_lot", "donations_journalline", "donations_journaltxn",
                          "donations_certificate", "donations_donor"):
                cursor.execute(f"ANALYZE {table}")  # noqa: S608 - fixed names
    audit_record(actor=None, action="donations.seed.city", object_type="donations.gift",
                 object_repr=f"{len(cols)} gifts", after={"gifts": len(cols), "allocations": allocations,
                                                          "spendings": spendings})
    ctx.out(f"donations: {len(funds)} funds, {len(projects)} projects, {len(cols)} gifts, {allocations} allocations, "
            f"{spendings} payments, {len(enterprises)} enterprise donors")

