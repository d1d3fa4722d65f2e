"""Objects for firstaid tests, made through the services (so they are valid and audited)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from boai.firstaid import services
from boai.firstaid.models import CourseKind
from boai.orgs.models import Kind, Subtype
from boai.testing.helpers import make_org

_seq = itertools.count(1)


def make_aed(org, *, lat: float = 31.5689, lng: float = 120.2991, **fields):
    n = next(_seq)
    today = timezone.localdate()
    defaults = dict(code=f"AED{n:06d}", name=f"测试AED点位{n}", address=f"测试路{n}号", place_type="community",
                    latitude=lat, longitude=lng, opening_hours="24/7", installed_on=today - dt.timedelta(days=400),
                    battery_expiry=today + dt.timedelta(days=700), adult_pads_expiry=today + dt.timedelta(days=500),
                    last_inspected_on=today - dt.timedelta(days=5))
    defaults.update(fields)
    return services.aed_create(actor=None, org=org, **defaults)


def make_course(org, *, kind: str = CourseKind.CPR_AED, **fields):
    n = next(_seq)
    defaults = dict(code=f"C{n:04d}", name=f"测试课程{n}", kind=kind, hours=8,
                    certificate_name="" if kind == CourseKind.AWARENESS else "CPR+AED证书")
    defaults.update(fields)
    return services.coursetype_create(actor=None, org=org, **defaults)


def make_base(unit, **fields):
    site = make_org(unit, kind=Kind.SITE, subtype=Subtype.TRAINING_BASE, name=f"测试培训基地{next(_seq)}")
    return services.base_create(actor=None, org=site, **{"planned_open_days": 100, **fields})


def make_session(org, *, course=None, **fields):
    course = course or make_course(org)
    today = timezone.localdate()
    defaults = dict(venue_kind="community", venue_address="测试社区活动室", starts_on=today + dt.timedelta(days=7),
                    ends_on=today + dt.timedelta(days=7), capacity=30, public_enrolment=True)
    defaults.update(fields)
    return services.session_create(actor=None, org=org, course_type=course, **defaults)


def make_target(org, year: int | None = None, **fields):
    from boai.orgs.selectors import branch_of

    branch = org if org.kind in (Kind.BRANCH, Kind.SOCIETY) else branch_of(org)
    return services.target_set(actor=None, org=branch, year=year or timezone.localdate().year,
                               certified=fields.get("certified", 100), awareness=fields.get("awareness", 1000))
