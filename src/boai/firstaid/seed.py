"""First-aid seed data. `demo`: a few course types, bases, instructors, sessions, certificates and
~50 AEDs around Wuxi's real districts with inspection history. `city`: the programme at city scale
(600,000 certificates over five years, 1,500,000 awareness trainees counted on 30,000 sessions,
400 instructors, 30 bases, 10,000 AEDs with monthly inspections), written with COPY on PostgreSQL
and bulk inserts elsewhere."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import connection, transaction
from django.utils import timezone

from boai.core.seeding import SeedContext, seeder
from boai.firstaid import geo
from boai.firstaid.models import (
    AED,
    AEDInspection,
    Certificate,
    CourseKind,
    CourseType,
    Instructor,
    Session,
    Target,
    TrainingBase,
    mask_name,
    name_hash,
)
from boai.orgs.models import Kind, Org, Subtype

PLACES = [("school", "学校"), ("community", "社区服务中心"), ("metro", "地铁站"), ("scenic", "景区游客中心"),
          ("sports", "体育馆"), ("mall", "购物中心"), ("government", "政务服务中心"), ("railway", "火车站"),
          ("hotel", "酒店大堂"), ("office", "写字楼")]
HOURS = ["24/7", "24/7", "Mo-Su 06:00-23:00", "Mo-Fr 08:00-18:00; PH off", "Mo-Su 09:00-21:00",
         "Mo-Fr 07:30-17:30; Sa,Su 09:00-17:00; PH off"]
MAKERS = [("迈瑞", "BeneHeart C1A"), ("飞利浦", "HeartStart HS1"), ("卓尔", "AED Plus"), ("久心", "iAED-S1")]
COURSES = [
    ("JYY", "红十字救护员培训", CourseKind.FIRST_AIDER, 16, "红十字救护员证"),
    ("CPR", "心肺复苏与AED使用培训", CourseKind.CPR_AED, 4, "CPR+AED培训合格证"),
    ("PJ", "应急救护普及培训", CourseKind.AWARENESS, 2, ""),
]


def write_rows(model, fields: list[str], rows) -> int:
    """COPY on PostgreSQL (fast), bulk_create elsewhere. `fields` are column attnames."""
    rows = list(rows)
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        columns = ", ".join(f'"{f}"' for f in fields)
        with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return len(rows)
    model.objects.bulk_create([model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=2000)
    return len(rows)


def _branches() -> list[Org]:
    return list(Org.objects.filter(kind=Kind.BRANCH).order_by("path"))


def _units_by_branch() -> dict[int, list[Org]]:
    out: dict[int, list[Org]] = {}
    branches = _branches()
    for unit in Org.objects.filter(kind=Kind.GRASSROOTS).only("id", "path", "latitude", "longitude", "code"):
        for b in branches:
            if unit.path.startswith(b.path):
                out.setdefault(b.pk, []).append(unit)
    return out


def seed_courses(city: Org) -> dict[str, CourseType]:
    courses = {}
    for code, name, kind, hours, cert in COURSES:
        courses[code] = CourseType.objects.create(org=city, code=code, name=name, kind=kind, hours=hours,
                                                  certificate_name=cert,
                                                  syllabus="心肺复苏、AED使用、创伤救护、常见急症")
    return courses


def seed_bases(ctx: SeedContext, n: int) -> list[TrainingBase]:
    from boai.orgs.seed import TreeBuilder  # noqa: F401 - documents where sites come from

    bases = [TrainingBase(org=o, planned_open_days=200, manikins=20, training_aeds=6, classroom_seats=60,
                          facilities="多媒体教室、模拟人、训练用AED", demonstration_level="city")
             for o in Org.objects.filter(subtype=Subtype.TRAINING_BASE)]
    units = [u for us in _units_by_branch().values() for u in us if u.depth == 3]
    for i in range(max(0, n - len(bases))):
        unit = units[i % len(units)]
        site = Org.objects.add_child(Org.objects.get(pk=unit.pk), instance=Org(
            name=f"{unit.name.removesuffix('红十字会')}应急救护培训点", code=f"{unit.code}-TB{i:02d}", kind=Kind.SITE,
            subtype=Subtype.TRAINING_BASE, latitude=unit.latitude, longitude=unit.longitude))
        bases.append(TrainingBase(org=site, planned_open_days=ctx.rng.choice([100, 150, 200]), manikins=10,
                                  training_aeds=3, classroom_seats=40, facilities="教室、模拟人"))
    return TrainingBase.objects.bulk_create(bases)


def seed_aeds(ctx: SeedContext, count: int) -> int:
    units = _units_by_branch()
    pool = [u for us in units.values() for u in us if u.latitude]
    today = timezone.localdate()
    rows = []
    fields = ["org_id", "code", "name", "address", "division_code", "floor", "indoor", "free_access", "access_notes",
              "photo", "place_type", "latitude", "longitude", "cell", "opening_hours", "owner", "owner_credit_code",
              "custodian", "custodian_phone", "funding", "maker", "device_model", "serial_number", "installed_on",
              "battery_expiry", "adult_pads_expiry", "child_pads", "child_pads_expiry", "status",
              "last_inspected_on", "created_at", "updated_at"]
    now = timezone.now()
    for i in range(count):
        unit = ctx.rng.choice(pool)
        lat = float(unit.latitude) + ctx.rng.uniform(-0.03, 0.03)
        lng = float(unit.longitude) + ctx.rng.uniform(-0.03, 0.03)
        place, label = ctx.rng.choice(PLACES)
        maker, model = ctx.rng.choice(MAKERS)
        installed = today - dt.timedelta(days=ctx.rng.randint(60, 1500))
        last = today - dt.timedelta(days=ctx.rng.choice([3, 10, 20, 28, 45]))
        child = ctx.rng.random() < 0.3
        status = "in_service" if ctx.rng.random() < 0.94 else ctx.rng.choice(["out_of_service", "absent"])
        short = unit.name.removesuffix("红十字会")
        rows.append((unit.pk, f"WX-AED-{i + 1:05d}", f"{short}{label}", f"{short[:6]}路{i % 300 + 1}号",
                     "", f"{ctx.rng.randint(1, 3)}F", place != "scenic", True, "前台/保安室旁，玻璃柜内", "", place,
                     round(lat, 6), round(lng, 6), geo.cell_of(lat, lng), ctx.rng.choice(HOURS), "无锡市红十字会", "",
                     "管理员", "", "government", maker, model, f"SN{i:08d}", installed,
                     today + dt.timedelta(days=ctx.rng.randint(-20, 900)),
                     today + dt.timedelta(days=ctx.rng.randint(-10, 700)),
                     child, today + dt.timedelta(days=ctx.rng.randint(0, 700)) if child else None, status, last,
                     now, now))
    write_rows(AED, fields, rows)
    return len(rows)


def seed_inspections(ctx: SeedContext, months: int) -> int:
    """Monthly inspection history for every device (the last one matching last_inspected_on)."""
    ifields = ["aed_id", "inspected_on", "inspector_id", "inspector_name", "status_light_ok", "battery_ok", "pads_ok",
               "cabinet_ok", "notes", "photo", "created_at"]
    now = timezone.now()

    def rows():
        for aed_id, last in AED.objects.values_list("id", "last_inspected_on").iterator(chunk_size=5000):
            for m in range(months):
                ok = ctx.rng.random() > 0.03
                yield (aed_id, last - dt.timedelta(days=30 * m), None, "巡检员", True, ok, True, True,
                       "" if ok else "电池指示异常", "", now)

    total = 0
    batch = []
    for row in rows():
        batch.append(row)
        if len(batch) >= 50_000:
            total += write_rows(AEDInspection, ifields, batch)
            batch = []
    return total + write_rows(AEDInspection, ifields, batch)


def seed_sessions(ctx: SeedContext, courses, bases, *, years: int, certified_sessions: int,
                  awareness_sessions: int, awareness_total: int) -> list[tuple[int, int, int, dt.date]]:
    """Sessions over the last `years`; returns (session id, org id, branch id, day) of certified ones."""
    units = _units_by_branch()
    branches = {b.pk: b for b in _branches()}
    today = timezone.localdate()
    fields = ["org_id", "branch_id", "course_type_id", "code", "title", "base_id", "venue_kind", "venue_address",
              "starts_on", "ends_on", "capacity", "public_enrolment", "status", "awareness_count", "notes",
              "created_at"]
    rows, now = [], timezone.now()
    per_awareness = max(1, awareness_total // max(1, awareness_sessions))
    plan = [("CPR" if i % 3 else "JYY", 40) for i in range(certified_sessions)]
    plan += [("PJ", per_awareness) for _ in range(awareness_sessions)]
    for n, (code, size) in enumerate(plan):
        branch_id = ctx.rng.choice(list(units))
        unit = ctx.rng.choice(units[branch_id])
        day = today - dt.timedelta(days=ctx.rng.randint(1, 365 * years))
        base = ctx.rng.choice(bases) if bases and ctx.rng.random() < 0.4 else None
        number = f"{branches[branch_id].code}-{day:%Y}-{code}{n + 1:06d}"
        rows.append((unit.pk, branch_id, courses[code].pk, number, "",
                     base.pk if base else None, "base" if base else "community", "" if base else "社区活动室", day, day,
                     size, False, "done", size if code == "PJ" else 0, "", now))
    write_rows(Session, fields, rows)
    return list(Session.objects.exclude(course_type__code="PJ").values_list("id", "org_id", "branch_id", "starts_on"))


def seed_certificates(ctx: SeedContext, courses, sessions, count: int) -> int:
    from boai.people.models import Person

    holders = list(Person.objects.order_by("id").values_list("id", "name")[:count])
    if not holders or not sessions:
        return 0
    fields = ["number", "token", "person_id", "holder_name_masked", "holder_name_hash", "course_type_id", "session_id",
              "enrolment_id",
              "org_id", "branch_id", "issued_on", "valid_until", "revoked_at", "revoke_reason", "reminded_on",
              "photo", "created_at"]
    course_of = dict(Session.objects.values_list("id", "course_type_id"))
    seqs: dict[int, int] = {}
    hashes: dict[str, str] = {}
    now, batch, total = timezone.now(), [], 0
    for i in range(count):
        person_id, name = holders[i % len(holders)]
        session_id, org_id, branch_id, day = sessions[i % len(sessions)]
        seqs[day.year] = seqs.get(day.year, 0) + 1
        batch.append((f"WX-{day.year}-{seqs[day.year]:06d}", secrets.token_urlsafe(16), person_id, mask_name(name),
                      hashes.setdefault(name, name_hash(name)),
                      course_of[session_id], session_id, None, org_id, branch_id, day,
                      _plus_three_years(day),
                      None, "", None, "", now))
        if len(batch) >= 50_000:
            total += write_rows(Certificate, fields, batch)
            batch = []
    total += write_rows(Certificate, fields, batch)
    from boai.firstaid.models import CertificateSequence

    CertificateSequence.objects.bulk_create([CertificateSequence(key=f"WX-{{year}}-{{seq:06d}}|{y}||", last=n)
                                             for y, n in seqs.items()])
    return total


def _plus_three_years(day: dt.date) -> dt.date:
    return day.replace(year=day.year + 3) if (day.month, day.day) != (2, 29) else day.replace(year=day.year + 3, day=28)


def seed_instructors(ctx: SeedContext, count: int, offset: int) -> int:
    from boai.people.models import Person

    people = list(Person.objects.order_by("-id").values_list("id", "org_id")[offset:offset + count])
    today = timezone.localdate()
    Instructor.objects.bulk_create([
        Instructor(person_id=pid, org_id=oid, qualification_no=f"WXSZ{n + 1:05d}",
                   qualified_on=today - dt.timedelta(days=ctx.rng.randint(100, 1400)),
                   expires_on=today + dt.timedelta(days=ctx.rng.randint(-30, 1400)),
                   level=ctx.rng.choice(["instructor"] * 6 + ["senior", "mentor"]))
        for n, (pid, oid) in enumerate(people)])
    return len(people)


def seed_open_sessions(courses, bases, count: int) -> int:
    """Upcoming sessions open to public enrolment (what the public page offers)."""
    today = timezone.localdate()
    made = 0
    for n in range(count):
        base = bases[n % len(bases)] if bases else None
        if base is None:
            break
        org = base.org
        branch = Org.objects.filter(kind=Kind.BRANCH, path=org.path[: 2 * Org.steplen]).first()
        day = today + dt.timedelta(days=7 * (n + 1))
        Session.objects.create(org=org, branch=branch, course_type=courses["CPR" if n % 2 == 0 else "JYY"],
                               code=f"{org.code}-{day:%Y}-OPEN{n + 1:02d}",
                               title=f"公益{'CPR+AED' if n % 2 == 0 else '救护员'}培训（第{n + 1}期）",
                               base=base, venue_kind="base", starts_on=day, ends_on=day, capacity=40,
                               public_enrolment=True, status="planned")
        made += 1
    return made


def seed_targets(year: int, *, certified: int, awareness: int) -> None:
    Target.objects.bulk_create([Target(org=b, year=year, certified=certified, awareness=awareness)
                                for b in _branches()])


@seeder("firstaid", order=60)
def seed_firstaid(ctx: SeedContext) -> None:
    city = Org.objects.filter(kind=Kind.SOCIETY).order_by("path").first()
    if city is None:
        return
    big = ctx.is_city
    with transaction.atomic():
        courses = seed_courses(city)
        bases = seed_bases(ctx, 30 if big else 2)
        aeds = seed_aeds(ctx, 10_000 if big else 50)
        inspections = seed_inspections(ctx, 12 if big else 6)
        sessions = seed_sessions(ctx, courses, bases, years=5, certified_sessions=15_000 if big else 12,
                                 awareness_sessions=30_000 if big else 20, awareness_total=1_500_000 if big else 2_000)
        certificates = seed_certificates(ctx, courses, sessions, 600_000 if big else 60)
        instructors = seed_instructors(ctx, 400 if big else 8, offset=0)
        seed_open_sessions(courses, bases, 6 if big else 3)
        year = timezone.localdate().year
        seed_targets(year, certified=18_000 if big else 20, awareness=45_000 if big else 300)
    ctx.out(f"firstaid: {aeds} AEDs, {inspections} inspections, {len(sessions)} certified sessions, "
            f"{certificates} certificates, {instructors} instructors, {len(bases)} bases")


__all__ = ["seed_firstaid", "write_rows"]
