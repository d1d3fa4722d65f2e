"""Objects for donations tests, made through the services (so accounts, lots and log entries exist)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from boai.donations import services
from boai.donations.models import Channel, FundKind, Purpose

_seq = itertools.count(1)


def make_fund(org, *, kind: str = FundKind.GENERAL, purposes=(), name: str | None = None, **fields):
    n = next(_seq)
    return services.fund_create(actor=None, org=org, code=f"F{n:04d}", name=name or f"测试基金{n}", kind=kind,
                                purposes=purposes, **fields)


def make_project(org, fund=None, *, purpose: str = Purpose.MEDICAL, name: str | None = None, **fields):
    n = next(_seq)
    fund = fund or make_fund(org)
    return services.project_create(actor=None, org=org, fund=fund, code=f"P{n:04d}", name=name or f"测试项目{n}",
                                   purpose=purpose, budget=Decimal("100000"), **fields)


def make_gift(fund, amount="100.00", *, project=None, purpose: str = "", donor=None, channel: str = Channel.BANK,
              name: str = "张三", anonymous: bool = False, actor=None, **fields):
    data = services.GiftData(fund=fund, amount=Decimal(str(amount)), channel=channel, donor=donor,
                             donor_name="" if anonymous else name, anonymous=anonymous, restricted_project=project,
                             restricted_purpose=purpose, **fields)
    return services.gift_receive(actor=actor, data=data)


def funded_project(org, amount="1000.00", **fields):
    """A project whose fund received `amount` and allocated all of it to the project."""
    fund = make_fund(org)
    project = make_project(org, fund, **fields)
    make_gift(fund, amount)
    services.allocation_create(actor=None, fund=fund, project=project, amount=amount)
    return project


def make_donor(org, *, kind: str = "enterprise", name: str | None = None):
    n = next(_seq)
    uscc = enterprise_code(n) if kind != "individual" else ""
    return services.donor_create(actor=None, org=org, kind=kind, name=name or f"爱心企业{n}号", uscc=uscc)


def enterprise_code(n: int) -> str:
    """A valid unified social credit code (GB 32100) made from a number."""
    from stdnum.cn import uscc

    body = f"91320200{n:09d}"[:17]
    return body + uscc.calc_check_digit(body)


def make_campaign(org, *, slug: str | None = None, open_now: bool = True, **fields):
    import datetime as dt

    from django.utils import timezone

    n = next(_seq)
    start = timezone.now() - dt.timedelta(hours=1) if open_now else timezone.now() + dt.timedelta(days=1)
    return services.campaign_create(actor=None, org=org, slug=slug or f"c{n}", name=f"测试募捐活动{n}",
                                    kind="giving_day", starts_at=start, ends_at=start + dt.timedelta(days=2),
                                    target=Decimal("10000"), record_number=f"5332{n:014d}", **fields)
