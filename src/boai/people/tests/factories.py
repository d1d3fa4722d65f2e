"""Test data for people: valid, unique resident ID numbers and names without digits."""

from __future__ import annotations

import datetime as dt
import itertools

from stdnum.cn import ric

from boai.people import services

_seq = itertools.count(1)
DIGITS = "零一二三四五六七八九"


def resident_id(n: int | None = None, *, region: str = "320202", born: dt.date | None = None,
                male: bool = True) -> str:
    """A valid 18-digit resident ID number, different for every n."""
    n = next(_seq) if n is None else n
    born = born or dt.date(1960, 1, 1) + dt.timedelta(days=n // 400)
    seq = (n % 400) * 2 + (1 if male else 2)
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def unique_name(prefix: str = "测试") -> str:
    return prefix + "".join(DIGITS[int(d)] for d in str(next(_seq)))


def make_person(org, *, actor=None, **fields):
    n = next(_seq)
    data = {"name": unique_name(), "id_number": resident_id(n), "mobile": f"139{n:08d}",
            "address": f"江苏省无锡市梁溪区人民路{n}号"}
    data.update(fields)
    return services.person_create(actor=actor, org=org, **data)
