"""Benchmark: public certificate verification and nearest-10-AEDs vs a bare primary-key read.

PostgreSQL database `boai_bench_firstaid` (recreated), city-scale first-aid data (10,000 AEDs,
600,000 certificates; only what these endpoints need), served by gunicorn, 16 concurrent clients.
Prints requests/s of each endpoint, the baseline measured in the same run, the ratios and the
machine. Goal: each public endpoint at least 50% of the bare endpoint.

    python bench/firstaid_public.py [--seconds 15] [--workers 4] [--skip-seed]
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB = "boai_bench_firstaid"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
CLIENTS = 16
ENV = {**os.environ, "DATABASE_URL": f"{PG}/{DB}", "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/4"),
       "PYTHONPATH": f"{ROOT / 'src'}:{ROOT / 'bench'}", "DJANGO_SETTINGS_MODULE": "firstaid_bench_settings",
       "BOAI_ENV": "bench", "BOAI_DB_CONN_MAX_AGE": "600", "BOAI_LOG_LEVEL": "WARNING"}


def sh(*args: str) -> None:
    subprocess.run(args, check=True, env=ENV, cwd=ROOT)


def recreate_and_seed() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        conn.execute(f"CREATE DATABASE {DB}")
    sh(sys.executable, "-m", "boai.manage", "migrate", "-v0")
    code = (
        "import random, time\n"
        "from boai.core.seeding import SeedContext\n"
        "from boai.orgs.seed import build_tree\n"
        "from boai.people.seed import generate\n"
        "from boai.people.services import person_bulk_create\n"
        "from boai.firstaid import seed as s\n"
        "from boai.orgs.models import Org, Kind\n"
        "t=time.time(); ctx=SeedContext(preset='city', rng=random.Random(2026)); build_tree(ctx)\n"
        "person_bulk_create(actor=None, rows=list(generate(ctx.rng, 20000)), check_duplicates=False)\n"
        "city=Org.objects.filter(kind=Kind.SOCIETY).first(); courses=s.seed_courses(city)\n"
        "s.seed_aeds(ctx, 10000)\n"
        "sessions=s.seed_sessions(ctx, courses, [], years=5, certified_sessions=15000, awareness_sessions=0, awareness_total=0)\n"
        "n=s.seed_certificates(ctx, courses, sessions, 600000)\n"
        "from django.db import connection\n"
        "connection.cursor().execute('ANALYZE')\n"
        "print(f'seeded {n} certificates, 10000 AEDs in {time.time()-t:.0f}s')\n"
    )
    sh(sys.executable, "-c", "import django; django.setup()\n" + code)


def samples():
    import django

    os.environ.update({k: v for k, v in ENV.items() if k != "PYTHONPATH"})
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]
    django.setup()
    from boai.firstaid.models import AED, Certificate

    rng = random.Random(1)
    total = Certificate.objects.count()
    picks = [rng.randrange(total) for _ in range(500)]
    certs = [Certificate.objects.select_related("person").only("number", "person__name").order_by("id")[i]
             for i in picks[:200]]
    verify = [f"/api/v1/public/certificates/verify/?{urllib.parse.urlencode({'number': c.number, 'name': c.person.name})}"
              for c in certs]
    # a fresh point for every request (see hammer): nothing is served twice for the same point
    near = ["/api/v1/public/aeds/nearest/?lat={lat:.6f}&lng={lng:.6f}"]
    ids = list(AED.objects.values_list("id", flat=True)[:5000])
    bare = [f"/bench/bare/{rng.choice(ids)}/" for _ in range(200)]
    return {"bare": bare, "verify": verify, "nearest": near}


def hammer(urls: list[str], seconds: float) -> tuple[float, int]:
    stop = time.perf_counter() + seconds
    counts, errors = [0] * CLIENTS, [0] * CLIENTS

    def client(i: int) -> None:
        rng = random.Random(i)
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while time.perf_counter() < stop:
            try:
                url = rng.choice(urls).format(lat=31.49 + rng.random() * 0.16, lng=120.22 + rng.random() * 0.16)
                conn.request("GET", url, headers={"Accept": "application/json"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[i] += 1
                counts[i] += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - started), sum(errors)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal")) / 1024 / 1024
    import psycopg

    with psycopg.connect(f"{PG}/postgres") as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    return f"{os.cpu_count()} cores, {cpu}, {mem:.1f} GiB RAM, PostgreSQL {version}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()
    if not args.skip_seed:
        recreate_and_seed()
    urls = samples()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "boai.config.wsgi:application", "-b", f"127.0.0.1:{PORT}", "-w",
         str(args.workers), "--access-logfile", "/dev/null", "--error-logfile", "-", "--log-level", "warning"],
        env=ENV, cwd=ROOT)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=2).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        hammer(urls["bare"], 2)  # warm-up: connections, caches
        hammer(urls["nearest"], 2)
        hammer(urls["verify"], 2)
        # interleaved rounds, so that load from anything else on the machine hits all three alike
        totals = {name: [0.0, 0] for name in ("bare", "verify", "nearest")}
        rounds = 4
        for _ in range(rounds):
            for name in totals:
                rps, err = hammer(urls[name], args.seconds / rounds)
                totals[name][0] += rps / rounds
                totals[name][1] += err
        results = {name: tuple(v) for name, v in totals.items()}
        base, base_err = results["bare"]
        print(f"machine: {machine()}")
        print(f"gunicorn {args.workers} sync workers, {CLIENTS} concurrent clients, {args.seconds:.0f}s per endpoint")
        print(f"bare primary-key read      {base:8.1f} req/s  (errors {base_err})")
        for name, label in (("verify", "certificate verification  "), ("nearest", "nearest 10 open AEDs      ")):
            rps, err = results[name]
            print(f"{label} {rps:8.1f} req/s  (errors {err})  ratio {rps / base:.2f}  goal >= 0.50  "
                  f"{'OK' if rps / base >= 0.5 else 'BELOW GOAL'}")
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
