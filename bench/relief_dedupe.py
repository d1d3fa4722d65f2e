"""Benchmark: the relief duplicate check before approval on the city preset, against the equivalent
hand-written SQL, on PostgreSQL.

(a) `boai.relief.selectors.dedupe.duplicate_check` (ORM, redaction outside the viewer's subtree) for
    many random households of the city preset, each with a random relief type and a random branch as
    the asking officer's scope;
(b) the same check as one hand-written SQL statement through a raw psycopg cursor, grouped into
    grants and redacted in plain Python.

Before timing it checks that both give the same grants, that (a) runs ONE query and that PostgreSQL
answers it with an index scan (EXPLAIN). Goal: speed of (a) ≥ 0.50 × speed of (b), i.e. b/a ≥ 0.50.

Run: `python bench/relief_dedupe.py [--checks N] [--repeat N]`. Uses BENCH_DATABASE_URL (default
`boai_bench_relief`); when it holds no relief records it is created and the city preset's orgs,
people and relief loaded (a few minutes, mostly the million people).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/boai_bench_relief")
os.environ.update({"DATABASE_URL": DB_URL, "BOAI_DEBUG": "false", "BOAI_LOG_LEVEL": "WARNING",
                   "DJANGO_SETTINGS_MODULE": "boai.config.settings"})
os.environ.pop("REDIS_URL", None)

# the selector's query written by hand: same filter, same joins, same order
SQL = """SELECT r.id, r.person_id, r.granted_on, r.application_id, a.number, o.path, o.name
FROM relief_reliefrecord r
JOIN orgs_org o ON o.id = r.org_id
LEFT JOIN relief_application a ON a.id = r.application_id
WHERE r.relief_type_id = %s AND r.person_id = ANY(%s) AND r.granted_on > %s AND r.granted_on <= %s
  AND NOT r.cancelled
ORDER BY r.granted_on DESC, r.id DESC"""


def ensure_city_preset() -> int:
    import django
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    with psycopg.connect(DB_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from boai.orgs.models import Org
    from boai.relief.models import ReliefRecord

    if not Org.objects.exists():
        print("loading the city preset (orgs, people, relief)…", flush=True)
        call_command("seed", preset="city", only=["orgs", "people", "relief"])
    elif not ReliefRecord.objects.exists():  # a city database without relief yet: add relief's seeder only
        from boai.core import seeding

        print("loading the city preset's relief data…", flush=True)
        seeding.run("city", only=["relief"])
    return ReliefRecord.objects.count()


def workload(checks: int) -> list[tuple]:
    """(relief type, member person ids, viewer path, on) for `checks` random households, fixed seed."""
    from django.utils import timezone

    from boai.orgs.models import Kind, Org
    from boai.relief.models import HouseholdMember, ReliefType

    rng = random.Random(2026)  # reproducible workload, not a secret  # nosec B311
    types = list(ReliefType.objects.order_by("code"))
    paths = list(Org.objects.filter(kind=Kind.BRANCH).order_by("path").values_list("path", flat=True))
    ids = list(HouseholdMember.objects.order_by("household_id").values_list("household_id", flat=True).distinct())
    picked = rng.sample(ids, checks)
    members: dict[int, list[int]] = {}
    for hh, person in HouseholdMember.objects.filter(household_id__in=picked).values_list("household_id", "person_id"):
        members.setdefault(hh, []).append(person)
    today = timezone.localdate()
    return [(rng.choice(types), members[hh], rng.choice(paths), today - dt.timedelta(days=rng.randrange(700)))
            for hh in picked]


def orm(work) -> list:
    from boai.relief.selectors.dedupe import duplicate_check

    return [duplicate_check(relief_type=rt, person_ids=people, viewer_path=path, on=on)
            for rt, people, path, on in work]


_conn = None


def raw(work) -> list:
    """The hand-written statement per check, its rows grouped into grants and redacted in plain Python."""
    import psycopg

    global _conn
    if _conn is None:
        _conn = psycopg.connect(DB_URL, autocommit=True)
    out = []
    for rt, people, path, on in work:
        since = on - dt.timedelta(days=rt.repeat_window_days)
        grants: dict = {}
        for pk, person, granted, app, number, org_path, org_name in _conn.execute(
                SQL, (rt.pk, sorted(set(people)), since, on)).fetchall():
            entry = grants.setdefault(("a", app) if app else ("r", pk), [granted, app, number or "", org_path,
                                                                         org_name, []])
            entry[5].append(person)
        found = []
        for granted, app, number, org_path, org_name, persons in grants.values():
            if org_path.startswith(path):
                found.append((granted, True, org_name, number, app, tuple(sorted(persons))))
            else:
                found.append((granted, False, "", "", None, ()))
        out.append(tuple(found))
    return out


def as_tuples(checks) -> list:
    return [tuple((g.granted_on, g.visible, g.org_name, g.application_number, g.application_id, g.person_ids)
                  for g in c.grants) for c in checks]


def check_same_and_indexed(work) -> tuple[int, str]:
    """Same grants both ways; the selector runs one query; PostgreSQL answers it from an index."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from boai.relief.selectors.dedupe import duplicate_check

    a, b = as_tuples(orm(work)), raw(work)
    assert a == b, "the selector and the hand-written SQL disagree"
    found = sum(1 for c in a if c)
    rt, people, path, on = next(w for w, c in zip(work, a, strict=True) if c)
    with CaptureQueriesContext(connection) as queries:
        duplicate_check(relief_type=rt, person_ids=people, viewer_path=path, on=on)
    assert len(queries) == 1, f"{len(queries)} queries"
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "using relief_record_dedupe_idx" in plan, plan
    return found, plan


def timed(func, work, repeat: int) -> tuple[float, float]:
    func(work)  # warm: caches, plans, buffers
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func(work)
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times)


def machine() -> str:
    import psycopg

    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    ram = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))) / 1024 / 1024
    with psycopg.connect(DB_URL) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    return f"{os.cpu_count()} cores, {model}, {ram:.1f} GB RAM, PostgreSQL {version}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    records = ensure_city_preset()
    work = workload(args.checks)
    found, plan = check_same_and_indexed(work)
    orm_median, orm_best = timed(orm, work, args.repeat)
    raw_median, raw_best = timed(raw, work, args.repeat)
    per = 1_000_000 / args.checks
    print(f"duplicate check over {records:,} relief records, {args.checks} random households "
          f"({found} with prior grants), median of {args.repeat}:")
    print("  plan of the selector's one query:\n    " + plan.replace("\n", "\n    "))
    print(f"  (a) selectors.dedupe.duplicate_check: {orm_median * per:.0f} µs per check "
          f"(best {orm_best * per:.0f})")
    print(f"  (b) hand-written SQL, raw psycopg:    {raw_median * per:.0f} µs per check "
          f"(best {raw_best * per:.0f})")
    print(f"ratio of speeds a/b (= time b / time a): {raw_median / orm_median:.2f} (goal ≥ 0.50)")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()
