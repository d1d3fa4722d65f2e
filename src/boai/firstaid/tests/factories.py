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


_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def resident_id(n: int, *, region: str = "320213", birth: str = "19900101") -> str:
    """A valid GB 11643 number (check digit computed) for test person n."""
    base = f"{region}{birth}{n % 1000:03d}"
    return base + "10X98765432"[sum(int(a) * w for a, w in zip(base, _W, strict=True)) % 11]


def make_person(org, *, name: str | None = None, **fields):
    from boai.people import services as people_services

    n = next(_seq)
    birth = f"19{60 + n % 40:02d}0{1 + n % 9}1{n % 9}"
    digits = "零一二三四五六七八九"
    name = name or "学员" + "".join(digits[int(c)] for c in str(n))
    return people_services.person_create(actor=None, org=org, name=name,
                                         id_number=fields.pop("id_number", resident_id(n, birth=birth)),
                                         mobile=fields.pop("mobile", f"139{n:08d}"), **fields)


def make_enrolment(org, *, session=None, person=None):
    from boai.firstaid.models import Enrolment

    session = session or make_session(org)
    return Enrolment.objects.create(session=session, person=person or make_person(org), source="staff")


def make_certificate(org, **kwargs):
    from boai.firstaid import services_training

    enrolment = make_enrolment(org, **kwargs)
    enrolment = services_training.result_record(actor=None, enrolment=enrolment, attendance_percent=100,
                                                theory_score=95, practical_passed=True)
    return enrolment.certificate


def make_instructor(org, **fields):
    from boai.firstaid import services_training

    today = timezone.localdate()
    return services_training.instructor_create(
        actor=None, person=make_person(org), org=org, qualification_no=f"SZ{next(_seq):06d}",
        qualified_on=today - dt.timedelta(days=100), expires_on=today + dt.timedelta(days=1000), **fields)
