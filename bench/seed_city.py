"""Seed the `city` preset (1,000,000 people) on a fresh PostgreSQL database and time it.

    python bench/seed_city.py [--server postgres://postgres@127.0.0.1:5432] [--sample 50000] [--keep]

Figure: `boai seed --preset city` end to end (organisations, demo users, one million people with
valid unique ID numbers, SM4-GCM encryption of three fields, two HMAC-SM3 blind indexes, masks,
generated in chunks on every core, COPY, index builds, ANALYZE), in a subprocess exactly as an
operator runs it. The work is CPU-bound (about 50 µs of Python per person, mostly encryption), so
the figure depends on what else the machine runs: the load average is printed with it.
Baseline, same run: the same generated people written the plain Django way, `bulk_create` of model
instances in batches of 2,000 (the fields encrypt on save), on a sample, as people per second.
Goal: under 180 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 180
PEOPLE = 1_000_000

BASELINE = r"""
import random, sys, time, django
django.setup()
from boai.core import seeding
from boai.people import protect, seed
from boai.people.models import Person
seeding.run("city", random_seed=2026, out=lambda s: None, only=["orgs"])
rows = list(seed.generate(random.Random(2026), int(sys.argv[1])))
started = time.perf_counter()
batch = []
for r in rows:
    d = protect.derive(id_number=r.id_number, mobile=r.mobile)
    batch.append(Person(org_id=r.org_id, name=r.name, id_type=r.id_type, id_number=r.id_number,
                        id_number_masked=d.id_number_masked, id_blind=d.id_blind, gender=r.gender,
                        birth_date=r.birth_date, mobile=r.mobile, mobile_masked=d.mobile_masked,
                        mobile_blind=d.mobile_blind, address=r.address, ethnicity=r.ethnicity))
    if len(batch) == 2000:
        Person.objects.bulk_create(batch); batch = []
Person.objects.bulk_create(batch)
print(f"ELAPSED {time.perf_counter() - started:.3f}")
"""


def machine(server: str) -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError, AttributeError):
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1).strip()
    ram = ""
    try:
        kb = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, AttributeError):
        pass
    with psycopg.connect(f"{server}/postgres") as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    return f"{os.cpu_count()} cores, {cpu}{ram}, {platform.python_implementation()} {platform.python_version()}, " \
           f"PostgreSQL {version}, load average {os.getloadavg()[0]:.1f} (other processes compete for the cores)"


def fresh_database(server: str, name: str) -> str:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def drop_database(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


T0 = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - T0:6.1f} s] {message}", file=sys.stderr, flush=True)


def boai(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src"), "BOAI_ENV": "development",
           "DJANGO_SETTINGS_MODULE": "boai.config.settings"}
    env.pop("REDIS_URL", None)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True)


def run_seed(server: str, name: str) -> tuple[float, int, int]:
    url = fresh_database(server, name)
    log("migrating")
    boai(url, "-m", "boai.manage", "migrate", "--no-input")
    log("seeding")
    started = time.perf_counter()
    boai(url, "-m", "boai.manage", "seed", "--preset", "city", "--random-seed", "2026")
    elapsed = time.perf_counter() - started
    with psycopg.connect(url) as conn:
        count, distinct = conn.execute("SELECT count(*), count(DISTINCT id_blind) FROM people_person").fetchone()
        leaked = conn.execute("SELECT count(*) FROM people_person WHERE id_number ~ '^[0-9]{17}[0-9X]$'").fetchone()[0]
    if leaked:
        raise SystemExit(f"{leaked} plaintext ID numbers in the table")
    return elapsed, count, distinct


def run_baseline(server: str, name: str, sample: int) -> float:
    url = fresh_database(server, name)
    log("baseline: migrating")
    boai(url, "-m", "boai.manage", "migrate", "--no-input")
    log("baseline: organisations, then bulk_create")
    out = boai(url, "-c", BASELINE, str(sample)).stdout
    return float(re.search(r"ELAPSED ([\d.]+)", out).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--name", default="boai_bench_seed")
    parser.add_argument("--sample", type=int, default=50_000, help="people in the bulk_create baseline")
    parser.add_argument("--keep", action="store_true", help="keep the seeded database")
    args = parser.parse_args()

    print(f"machine: {machine(args.server)}")
    elapsed, count, distinct = run_seed(args.server, args.name)
    seeded_rate = count / elapsed
    print(f"boai seed --preset city: {count:,} people ({distinct:,} distinct ID blind indexes) in {elapsed:.1f} s "
          f"= {seeded_rate:,.0f} people/s (whole command, organisations and users included)")
    baseline = run_baseline(args.server, f"{args.name}_orm", args.sample)
    baseline_rate = args.sample / baseline
    print(f"baseline, Django bulk_create of model instances: {args.sample:,} people in {baseline:.1f} s "
          f"= {baseline_rate:,.0f} people/s (1,000,000 would take {PEOPLE / baseline_rate:.0f} s)")
    print(f"ratio: {seeded_rate / baseline_rate:.1f}x the baseline's rate")
    ok = elapsed < GOAL_SECONDS and count == PEOPLE and distinct == PEOPLE
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"goal: under {GOAL_SECONDS} s for {PEOPLE:,} people: {'met' if ok else 'NOT MET'} ({elapsed:.1f} s)")
    log("dropping the databases")
    drop_database(args.server, f"{args.name}_orm")
    if not args.keep:
        drop_database(args.server, args.name)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
