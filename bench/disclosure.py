"""Benchmark: the public income and spending report (信息公开) on the city preset, against the
equivalent hand-written SQL aggregate, on PostgreSQL.

(a) the whole public page `/disclosure/`, rendered by Django (selectors over the ORM, template,
    middleware) for every public fund and project over a million gifts;
(b) the same figures computed with hand-written SQL through psycopg (gifts per fund split into money
    and goods and per restricted project in one parallel aggregate, allocations out and in, spending by
    category, balances) and assembled in plain Python, no ORM, no template.

Goal: (a) ≤ 2 × (b). Run: `python bench/disclosure.py [--repeat N]`. Uses BENCH_DATABASE_URL
(default `boai_bench_disclosure`); when it holds no gifts it is recreated and the city preset loaded
(orgs, accounts, donations: a few minutes).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/boai_bench_disclosure")
os.environ.update({"DATABASE_URL": DB_URL, "BOAI_DEBUG": "false", "BOAI_LOG_LEVEL": "WARNING",
                   "DJANGO_SETTINGS_MODULE": "boai.config.settings"})
os.environ.pop("REDIS_URL", None)

STATEMENTS = {  # the same figures, each computed by the best plain SQL (the gift aggregate runs in parallel)
    "funds": "SELECT f.id, f.code, f.name, a.balance FROM donations_fund f JOIN donations_account a ON a.fund_id = f.id "
             "WHERE f.is_public ORDER BY f.code",
    "projects": "SELECT p.id, p.code, p.name, a.balance FROM donations_project p "
                "JOIN donations_account a ON a.project_id = p.id WHERE p.is_public ORDER BY p.code",
    "gifts": "SELECT fund_id, restricted_project_id, sum(amount) FILTER (WHERE kind = 'money'), "
             "sum(amount) FILTER (WHERE kind = 'goods') FROM donations_gift "
             "WHERE fund_id IN (SELECT id FROM donations_fund WHERE is_public) GROUP BY fund_id, restricted_project_id",
    "fund_out": "SELECT fund_id, sum(amount) FROM donations_allocation GROUP BY fund_id",
    "project_in": "SELECT project_id, sum(amount) FROM donations_allocation WHERE project_id IS NOT NULL "
                  "GROUP BY project_id",
    "spent": "SELECT project_id, category, sum(amount) FROM donations_spending WHERE status = 'paid' "
             "AND project_id IS NOT NULL GROUP BY project_id, category",
}


def ensure_city_preset() -> int:
    import django
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    with psycopg.connect(DB_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from boai.donations.models import Gift

    if not Gift.objects.exists():
        print("loading the city preset (orgs, accounts, donations)…", flush=True)
        call_command("flush", interactive=False, verbosity=0)
        call_command("seed", preset="city", only=["orgs", "accounts", "donations"])
    return Gift.objects.count()


def timed(func, repeat: int) -> tuple[float, float]:
    func()  # warm: caches, plans, buffers
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times)


def page():
    from django.test import Client

    response = Client(REMOTE_ADDR=f"10.0.{time.perf_counter_ns() % 250}.1").get("/disclosure/")
    assert response.status_code == 200, response.status_code
    assert "¥" in response.content.decode()


def raw_sql() -> dict:
    """Every statement, then the report assembled in plain Python (what a hand-written report would do)."""
    import psycopg

    global _conn
    if _conn is None:
        _conn = psycopg.connect(DB_URL, autocommit=True)
    data = {name: _conn.execute(sql).fetchall() for name, sql in STATEMENTS.items()}
    fund_in, project_gifts = {}, {}
    for fund, project, money, goods in data["gifts"]:
        income = fund_in.setdefault(fund, [0, 0])
        income[0] += money or 0
        income[1] += goods or 0
        if project:
            project_gifts[project] = project_gifts.get(project, 0) + (money or 0)
    out, spent = dict(data["fund_out"]), {}
    received = dict(data["project_in"])
    for project, category, total in data["spent"]:
        spent.setdefault(project, {})[category] = total
    report = {("fund", f): (fund_in.get(f, [0, 0])[0], fund_in.get(f, [0, 0])[1], out.get(f, 0), b)
              for f, _c, _n, b in data["funds"]}
    report.update({("project", p): (project_gifts.get(p, 0), received.get(p, 0), spent.get(p, {}).get("programme", 0),
                                    spent.get(p, {}).get("management", 0), b) for p, _c, _n, b in data["projects"]})
    return report


_conn = None


def check_same_figures() -> None:
    """The page's report and the SQL agree (to the fen) before anything is timed."""
    from boai.donations.views.disclosure import public_report

    report = public_report(None, None)
    rows = raw_sql()
    for r in report["funds"]:
        assert rows[("fund", r["fund"].pk)] == (r["income"], r["goods"], r["allocated"], r["balance"]), r
    for r in report["projects"]:
        assert rows[("project", r["project"].pk)] == (r["gifts"], r["received"], r["programme"], r["management"],
                                                      r["balance"]), r
    assert len(rows) > 200


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
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    gifts = ensure_city_preset()
    check_same_figures()
    page_median, page_best = timed(page, args.repeat)
    sql_median, sql_best = timed(raw_sql, args.repeat)
    print(f"disclosure report over {gifts:,} gifts (median of {args.repeat}):")
    print(f"  (a) public page /disclosure/ rendered by Django: {page_median * 1000:.0f} ms (best {page_best * 1000:.0f})")
    print(f"  (b) hand-written SQL aggregate:                {sql_median * 1000:.0f} ms (best {sql_best * 1000:.0f})")
    print(f"ratio a/b: {page_median / sql_median:.2f} (goal ≤ 2.00)")
    print(f"machine: {machine()}")


if __name__ == "__main__":
    main()
