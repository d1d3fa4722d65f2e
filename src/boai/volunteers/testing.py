"""Factories for tests (and the permission matrix): real objects made through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone
from stdnum.cn import ric

from boai.people import services as people_services
from boai.volunteers import services
from boai.volunteers.models import Activity, Certificate, Member, ServiceRecord, Signup, Team, Volunteer

_seq = itertools.count(1)


def id_number(born: dt.date | None = None, region: str = "320213") -> str:
    n = next(_seq)
    born = born or dt.date(1980, 1, 1) + dt.timedelta(days=n % 9000)
    body = f"{region}{born:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_person(unit, name: str | None = None, **fields):
    n = next(_seq)
    return people_services.person_create(actor=None, org=unit, name=name or f"志愿者{chr(0x4E00 + n % 500)}",
                                         id_number=fields.pop("id_number", None) or id_number(), **fields)


def make_volunteer(unit, *, user=None, status: str = Volunteer.Status.ACTIVE, skills: str = "",
                   name: str | None = None) -> Volunteer:
    person = make_person(unit, name)
    return Volunteer.objects.create(person=person, org=unit, user=user, status=status, skills=skills,
                                    joined_on=timezone.localdate())


def volunteer_for(user, unit=None) -> Volunteer:
    """The user's own volunteer profile (made on first use), in `unit` or the user's unit."""
    existing = Volunteer.objects.filter(user=user).first()
    return existing or make_volunteer(unit or user.org, user=user)


def make_team(unit, name: str | None = None) -> Team:
    return services.team_create(actor=None, org=unit, name=name or f"测试服务队{next(_seq)}", speciality="community")


def make_activity(unit, *, capacity: int = 10, start: dt.datetime | None = None, hours: float = 3,
                  status: str = Activity.Status.PUBLISHED, title: str | None = None, **extra) -> Activity:
    start = start or timezone.now() + dt.timedelta(days=2)
    data = services.ActivityData(title=title or f"测试活动{next(_seq)}", place="测试地点", starts_at=start,
                                 ends_at=start + dt.timedelta(hours=hours), capacity=capacity, **extra)
    activity = services.activity_create(actor=None, org=unit, data=data)
    if status != Activity.Status.DRAFT:
        Activity.objects.filter(pk=activity.pk).update(status=status)
        activity.refresh_from_db()
    return activity


def make_signup(activity: Activity, volunteer: Volunteer, status: str = Signup.Status.CONFIRMED) -> Signup:
    if status in Signup.HOLDS_PLACE:
        Activity.objects.filter(pk=activity.pk).update(taken=activity.taken + 1)
        activity.taken += 1
    return Signup.objects.create(activity=activity, volunteer=volunteer, status=status, queued_at=timezone.now())


def make_record(volunteer: Volunteer, *, org=None, activity: Activity | None = None, hours: str = "3",
                status: str = ServiceRecord.Status.RECORDED, day: dt.date | None = None) -> ServiceRecord:
    """A checked-out record (certified through the service when `status` is certified)."""
    day = day or timezone.localdate() - dt.timedelta(days=1 + next(_seq) % 300)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    end = start + dt.timedelta(hours=float(hours))
    record = ServiceRecord.objects.create(
        volunteer=volunteer, activity=activity, org=org or (activity.org if activity else volunteer.org),
        service_date=day, check_in_at=start, check_out_at=end, hours=Decimal(hours),
        status=ServiceRecord.Status.RECORDED, source=ServiceRecord.Source.MANUAL)
    if status == ServiceRecord.Status.CERTIFIED:
        services.records_certify(actor=None, records=[record])
        record.refresh_from_db()
    elif status != ServiceRecord.Status.RECORDED:
        ServiceRecord.objects.filter(pk=record.pk).update(status=status)
        record.refresh_from_db()
    return record


def make_certificate(volunteer: Volunteer) -> Certificate:
    record = make_record(volunteer, status=ServiceRecord.Status.CERTIFIED)
    return services.certificate_issue(actor=None, volunteer=volunteer, period_start=record.service_date,
                                      period_end=record.service_date)


def make_member(unit, **fields) -> Member:
    if fields.get("kind") == Member.Kind.GROUP:
        return services.member_create(actor=None, org=unit, joined_on=timezone.localdate(), **fields)
    person_name = fields.pop("name", None) or f"会员{next(_seq)}".replace("0", "零")
    return services.member_create(actor=None, org=unit, kind=Member.Kind.INDIVIDUAL, joined_on=timezone.localdate(),
                                  name=person_name.translate(str.maketrans("123456789", "一二三四五六七八九")),
                                  id_number=id_number(), **fields)
