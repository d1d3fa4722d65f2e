"""Seed donations data.

`demo`: the city's funds and projects (博爱送万家, 帮你回家, 博爱光明行, 造血干细胞捐献关爱...), enterprise
donors and the charity alliance, the year's 人道万人捐 and a giving day that is open now, gifts at
the counter, by bank and online through the payment simulator (signed notifications, the real
path), allocations, payments and acknowledgements, so that journeys and disclosure show something.
Everything goes through the services and ends on the transparency log.

`city`: five years of a city's giving for load and benchmark work: 1,000,000 gifts (most of them
small online gifts on giving days), 2,000 enterprise donors, 30 funds, 200 projects, with lots,
pools, allocations, spending and a balanced journal, written with COPY. The log has no leaves for
them (the ledger offers no bulk append): their journeys read the database, marked as pending.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.utils import timezone

from boai.core.seeding import SeedContext, seeder
from boai.donations import services
from boai.donations.models import FundKind, Purpose

DEMO_FUNDS = [  # code, name, kind, purposes, org key
    ("GENERAL", "综合基金（非限定性）", FundKind.GENERAL, [], "city"),
    ("RDJZ", "人道救助基金", FundKind.SPECIAL, [Purpose.HARDSHIP, Purpose.DISASTER, Purpose.MEDICAL], "city"),
    ("GMX", "博爱光明行专项基金", FundKind.SPECIAL, [Purpose.MEDICAL], "city"),
    ("ZXGX", "造血干细胞捐献关爱基金", FundKind.SPECIAL, [Purpose.MEDICAL], "city"),
    ("LX-GENERAL", "梁溪区综合基金", FundKind.GENERAL, [], "320213"),
]
DEMO_PROJECTS = [  # code, name, fund code, purpose, budget, summary, org key
    ("BASWJ", "博爱送万家", "RDJZ", Purpose.HARDSHIP, "500000", "春节前为困难家庭送去慰问金和生活物资。", "city"),
    ("BNHJ", "帮你回家", "RDJZ", Purpose.HARDSHIP, "100000", "为滞留的困难旅客购买返乡车票、提供应急生活救助。",
     "city"),
    ("BAGMX", "博爱光明行", "GMX", Purpose.MEDICAL, "800000", "资助贫困白内障患者免费复明手术。", "city"),
    ("ZXGXGA", "造血干细胞捐献关爱", "ZXGX", Purpose.MEDICAL, "300000", "关爱造血干细胞捐献志愿者和患者家庭。", "city"),
    ("LXBAJY", "梁溪博爱家园建设", "LX-GENERAL", Purpose.COMMUNITY, "150000", "社区博爱家园的应急救护培训与设备。",
     "320213"),
]
ENTERPRISES = ["无锡某某电子科技有限公司", "江南某某食品股份有限公司", "太湖某某建设集团有限公司",
               "锡城某某银行无锡分行", "梁溪某某商贸有限公司"]
DONOR_NAMES = ["王芳", "李强", "张敏", "刘洋", "陈静", "杨磊", "黄丽", "赵军", "周婷", "吴涛", "徐娜", "孙超",
               "马燕", "朱明", "胡玲"]


def uscc(n: int) -> str:
    from stdnum.cn import uscc as code

    body = f"91320200{n:09d}"[:17]
    return body + code.calc_check_digit(body)


def _at(days_ago: float, hour: int = 10) -> dt.datetime:
    moment = timezone.now() - dt.timedelta(days=days_ago)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _funds_and_projects(ctx: SeedContext, orgs) -> tuple[dict, dict]:
    funds = {code: services.fund_create(actor=None, org=orgs[key], code=code, name=name, kind=kind,
                                        purposes=purposes, description=f"{name}，接受社会各界捐赠。")
             for code, name, kind, purposes, key in DEMO_FUNDS}
    year = timezone.localdate().year
    projects = {code: services.project_create(
        actor=None, org=orgs[key], fund=funds[fund], code=code, name=name, purpose=purpose, budget=Decimal(budget),
        summary=summary, description=summary, starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31))
        for code, name, fund, purpose, budget, summary, key in DEMO_PROJECTS}
    return funds, projects


def _donors(ctx: SeedContext, orgs) -> list:
    city = orgs["city"]
    donors = [services.donor_create(actor=None, org=city, kind="enterprise", name=name, uscc=uscc(i + 1),
                                    contact_name="联络人") for i, name in enumerate(ENTERPRISES)]
    for i, donor in enumerate(donors[:3]):
        member = services.alliance_join(actor=None, donor=donor, joined_on=dt.date(2023, 5, 8 + i),
                                        pledge="每年参与人道万人捐，员工志愿服务。")
        services.contact_record(actor=None, member=member, kind="visit", happened_on=timezone.localdate()
                                - dt.timedelta(days=30 + i), summary="走访企业，介绍博爱光明行项目进展。")
        services.contact_record(actor=None, member=member, kind="gathering", happened_on=timezone.localdate()
                                - dt.timedelta(days=10), summary="参加爱心企业联盟年度恳谈会。")
    for name, amount, kind in (("博爱之友", "1000", ""), ("博爱之星", "50000", ""), ("博爱天使", "500000",
                                                                                      "enterprise")):
        services.tier_save(actor=None, org=city, name=name, min_total=Decimal(amount), donor_kind=kind,
                           benefits="年度表彰，捐赠人荣誉墙署名。")
    return donors


def _campaigns(ctx: SeedContext, orgs, projects) -> tuple:
    year = timezone.localdate().year
    city = orgs["city"]
    annual = services.campaign_create(
        actor=None, org=city, slug=f"rdwrj-{year}", name=f"{year}年人道万人捐", kind="annual",
        starts_at=timezone.make_aware(dt.datetime(year, 1, 1)), ends_at=timezone.make_aware(dt.datetime(year, 12, 31,
                                                                                                       23, 59)),
        target=Decimal("2000000"), projects=list(projects.values()), record_number="53320200MJ0000000X",
        summary="人人参与，奉献爱心：全市机关、企事业单位和市民的年度募捐。")
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    day = services.campaign_create(
        actor=None, org=city, slug="renda-gongyiri", name="人道公益日", kind="giving_day", starts_at=start,
        ends_at=start + dt.timedelta(days=4), target=Decimal("300000"),
        projects=[projects["BAGMX"], projects["ZXGXGA"], projects["BNHJ"]], record_number="53320200MJ0000001Y",
        summary="网络募捐日：为博爱光明行、造血干细胞捐献关爱、帮你回家筹款。")
    for key in ("320213", "320211", "320205"):
        services.campaign_set_target(actor=None, campaign=annual, org=orgs[key], amount=Decimal("200000"))
    for offset in range(4):
        services.campaign_set_target(actor=None, campaign=day, day=(start + dt.timedelta(days=offset)).date(),
                                     amount=Decimal("75000"))
    return annual, day


def _offline_gifts(ctx: SeedContext, funds, projects, donors, annual) -> None:
    rng = ctx.rng
    for i, donor in enumerate(donors):
        services.gift_receive(actor=None, data=services.GiftData(
            fund=funds["GMX" if i % 2 else "RDJZ"], amount=Decimal(rng.choice([50000, 80000, 120000, 200000])),
            channel="bank", donor=donor, name_public=True, campaign=annual, received_at=_at(60 - i * 7),
            bank_ref=f"HX{2026000 + i}", receipt_number=f"苏财0{i + 1:06d}"))
    for i in range(20):
        services.gift_receive(actor=None, data=services.GiftData(
            fund=funds["GENERAL"], amount=Decimal(rng.choice([100, 200, 500, 1000])), channel="cash",
            donor_name=rng.choice(DONOR_NAMES), anonymous=i % 7 == 0, campaign=annual,
            received_at=_at(50 - i)))
    services.gift_receive(actor=None, data=services.GiftData(
        fund=funds["RDJZ"], amount=Decimal("6000"), channel="in_kind", kind="goods", item="矿泉水", quantity=Decimal(
            200), unit="箱", valuation_basis="invoice", donor=donors[1], received_at=_at(20)))


def _online_gifts(ctx: SeedContext, projects, day) -> int:
    """Donors giving on the giving day, through the payment simulator: orders, signed notifications."""
    from boai.donations.models import SimulatorOrder
    from boai.donations.payments import simulator

    rng, paid = ctx.rng, 0
    for i in range(60):
        project = projects[rng.choice(["BAGMX", "ZXGXGA", "BNHJ"])]
        channel = rng.choice(["wechat", "alipay"])
        mobile = f"139{rng.randrange(10**8):08d}" if i % 3 else ""
        new = services.order_create(channel=channel, fund=project.fund, project=project, campaign=day,
                                    amount=Decimal(rng.choice([10, 20, 50, 50, 100, 200, 520])),
                                    donor_name=rng.choice(DONOR_NAMES), anonymous=i % 9 == 0,
                                    name_public=i % 4 == 0, mobile=mobile,
                                    message=rng.choice(["", "加油！", "一点心意"]),
                                    notify_url="http://127.0.0.1:8000/give/notify/" + channel + "/",
                                    return_url_for=lambda o: f"http://127.0.0.1:8000/give/order/{o.access_token}/")
        if channel == "alipay":
            from urllib.parse import parse_qsl, urlsplit

            simulator.alipay_accept_wap(dict(parse_qsl(urlsplit(new.pay_url).query)))
        simulator.order_pay(SimulatorOrder.objects.get(channel=channel, out_trade_no=new.order.out_trade_no))
        paid += 1
    simulator.deliver_due(sender=simulator.inprocess_sender, limit=1000)
    return paid


def _movements(ctx: SeedContext, funds, projects) -> None:
    allocate = services.allocation_create
    allocate(actor=None, fund=funds["GMX"], project=projects["BAGMX"], amount=Decimal("150000"), note="第一批手术")
    allocate(actor=None, fund=funds["RDJZ"], project=projects["BASWJ"], amount=Decimal("100000"), note="春节慰问")
    allocate(actor=None, fund=funds["RDJZ"], project=projects["BNHJ"], amount=Decimal("20000"))
    allocate(actor=None, fund=funds["RDJZ"], relief_purpose=Purpose.DISASTER, amount=Decimal("30000"),
             note="防汛救灾储备")
    allocate(actor=None, fund=funds["GENERAL"], project=projects["LXBAJY"], amount=Decimal("2000"))
    spend = services.spending_request
    for project, amount, purpose, payee_kind, payee in (
            ("BAGMX", "36000", "白内障复明手术 12 例", "organisation", "无锡市第二人民医院"),
            ("BAGMX", "18000", "白内障复明手术 6 例", "organisation", "江阴市人民医院"),
            ("BASWJ", "40000", "困难家庭慰问金", "recipient", ""),
            ("BASWJ", "25000", "慰问物资（米、油）", "supplier", "无锡某某粮油有限公司"),
            ("BNHJ", "3600", "滞留旅客返乡车票", "recipient", ""),
            ("LXBAJY", "1500", "AED 耗材", "supplier", "某某医疗器械公司")):
        spending = spend(actor=None, project=projects[project], amount=Decimal(amount), purpose=purpose,
                         payee_kind=payee_kind, payee_name=payee)
        services.acknowledgement_record(actor=None, spending=spending, method="signature",
                                        recipient_party=f"seed:{spending.pk}")


@seeder("donations", order=60)
def seed_donations(ctx: SeedContext) -> None:
    if ctx.is_city:
        from boai.donations.seed_city import seed_city

        seed_city(ctx)
        return
    orgs = ctx.data["orgs"]
    funds, projects = _funds_and_projects(ctx, orgs)
    donors = _donors(ctx, orgs)
    annual, day = _campaigns(ctx, orgs, projects)
    _offline_gifts(ctx, funds, projects, donors, annual)
    online = _online_gifts(ctx, projects, day)
    _movements(ctx, funds, projects)
    services.peer_page_create(project=projects["BAGMX"], campaign=day, supporter_name="小林",
                              title="帮十位老人重见光明",
                              target=Decimal("5000"), message="一次白内障手术约三千元。",
                              owner_mobile_blind=secrets.token_hex(32))
    from boai.ledger.services import ledger_checkpoint, ledger_integrate

    ledger_integrate(checkpoint=False)
    ledger_checkpoint()
    ctx.out(f"donations: {len(funds)} funds, {len(projects)} projects, {online} online gifts through the simulator")
