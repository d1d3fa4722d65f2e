"""Benchmark: signed payment notifications accepted per second, behind gunicorn, on PostgreSQL.

The same endpoint (`/give/notify/<channel>/`, the real verification: WeChat Pay v3 RSA signature and
AES-256-GCM resource, Alipay RSA2 signature; the real handling: row lock on the order, gift, lot,
balanced journal transaction, certificate, audit) is driven by 16 concurrent clients over kept-alive
connections, twice: with the transparency-log append on (the default) and off
(`BOAI_DONATIONS_LEDGER=false`). In the same run, `pgbench` measures single-row-insert TPS at 16
clients on the same database: the baseline of what the machine's PostgreSQL can commit.

Goals: log on ≥ 80% of log off; log on ≥ 10% of pgbench. Prints p50/p99 latency and the machine.
Run: `python bench/donation_intake.py [--notifications N] [--workers W]`. The database
`boai_bench_donations` (or BENCH_DATABASE_URL) is dropped and recreated. Leaves are integrated by
the log's Celery task in production; here the backlog is integrated after the run and timed apart.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import queue
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/boai_bench_donations")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
SIM_DIR = Path(tempfile.mkdtemp(prefix="boai-paysim-"))
ENV = {"DATABASE_URL": DB_URL, "REDIS_URL": REDIS_URL, "BOAI_PAY_MODE": "simulator", "BOAI_PAY_SIM_DIR": str(SIM_DIR),
       "BOAI_DEBUG": "false", "BOAI_DB_CONN_MAX_AGE": "600", "BOAI_LOG_LEVEL": "WARNING",
       "DJANGO_SETTINGS_MODULE": "boai.config.settings"}
os.environ.update(ENV)
CLIENTS = 16


def recreate_database() -> None:
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    with psycopg.connect(DB_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup() -> tuple:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from boai.donations.tests.factories import make_fund, make_project
    from boai.orgs import services
    from boai.orgs.models import Kind, Subtype

    city = services.org_create(actor=None, parent=None, name="无锡市红十字会", code="WX", kind=Kind.SOCIETY,
                               subtype=Subtype.CITY)
    fund = make_fund(city, name="造血干细胞捐献关爱基金")
    return fund, make_project(city, fund, name="造血干细胞捐献关爱")


def make_orders(fund, project, n: int, tag: str) -> list:
    """n paid orders, and the simulator's signed notification of each (signed now, outside the clock)."""
    from django.utils import timezone

    from boai.donations.models import PaymentOrder, SimulatorOrder
    from boai.donations.payments import simulator

    now = timezone.now()
    orders, notes = [], []
    for i in range(n):
        channel = "wechat" if i % 2 == 0 else "alipay"
        amount = Decimal(10 + i % 500)
        out = f"BA{tag}{i:08d}"
        orders.append(PaymentOrder(org=fund.org, out_trade_no=out, channel=channel, amount=amount, fund=fund,
                                   project=project, donor_name="测试", access_token=secrets.token_urlsafe(16),
                                   created_at=now))
        sim = SimulatorOrder(channel=channel, out_trade_no=out, amount_fen=int(amount * 100), description="捐赠",
                             merchant=simulator.WECHAT_MCHID if channel == "wechat" else simulator.ALIPAY_SELLER_ID,
                             app_id=simulator.WECHAT_APPID if channel == "wechat" else simulator.ALIPAY_APP_ID,
                             transaction_id=simulator.new_transaction_id(channel), status="SUCCESS", paid_at=now,
                             created_at=now, notify_url="")
        headers, body = simulator.notification(sim)
        notes.append((channel, headers, body))
    PaymentOrder.objects.bulk_create(orders, batch_size=2000)
    return notes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(workers: int, threads: int, ledger: bool) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, **ENV, "BOAI_DONATIONS_LEDGER": "true" if ledger else "false",
           "PYTHONPATH": str(ROOT / "src")}
    cmd = [str(Path(sys.executable).with_name("gunicorn")), "boai.config.wsgi:application", "-b", f"127.0.0.1:{port}",
           "-w", str(workers), "-k", "gthread", "--threads", str(threads), "--keep-alive", "60", "--log-level",
           "warning", "--backlog", "256"]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)  # noqa: S603
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status in (200, 503):
                return proc, port
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def drive(port: int, notes: list) -> dict:
    """16 clients, each on one kept-alive connection, until every notification is delivered."""
    work: queue.Queue = queue.Queue()
    for note in notes:
        work.put(note)
    latencies, failures, lock = [], [0], threading.Lock()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while True:
            try:
                channel, headers, body = work.get_nowait()
            except queue.Empty:
                break
            started = time.perf_counter()
            conn.request("POST", f"/give/notify/{channel}/", body=body, headers=headers)
            response = conn.getresponse()
            answer = response.read()
            mine.append(time.perf_counter() - started)
            ok = response.status == 204 if channel == "wechat" else answer == b"success"
            if not ok:
                with lock:
                    failures[0] += 1
        with lock:
            latencies.extend(mine)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"n": len(notes), "failed": failures[0], "seconds": elapsed, "rate": (len(notes) - failures[0]) / elapsed,
            "p50": statistics.median(latencies) * 1000, "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000}


def pgbench_tps(seconds: int) -> float:
    import psycopg

    with psycopg.connect(DB_URL, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_insert")
        conn.execute("CREATE TABLE bench_insert (id bigserial PRIMARY KEY, payload text, at timestamptz DEFAULT now())")
    script = Path(tempfile.mkstemp(suffix=".sql")[1])
    script.write_text("INSERT INTO bench_insert (payload) VALUES ('notification');\n")
    name, host = DB_URL.rsplit("/", 1)[1], "127.0.0.1"
    out = subprocess.run([shutil.which("pgbench"), "-n", "-h", host, "-U", "postgres", "-c", str(CLIENTS), "-j", "2",  # noqa: S603
                          "-T", str(seconds), "-f", str(script), name], capture_output=True, text=True, check=True)
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out.stdout) or re.search(
        r"tps = ([\d.]+)", out.stdout)
    return float(match.group(1))


def integrate_backlog() -> tuple[int, float]:
    from boai.ledger.services import ledger_integrate

    started = time.perf_counter()
    result = ledger_integrate(checkpoint=False)
    return result.integrated, time.perf_counter() - started


def machine() -> str:
    import psycopg

    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    ram = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))) / 1024 / 1024
    with psycopg.connect(DB_URL) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    return f"{os.cpu_count()} cores, {model}, {ram:.1f} GB RAM, PostgreSQL {version}, Python {platform.python_version()}"


def phase(label: str, fund, project, n: int, workers: int, threads: int, ledger: bool, tag: str) -> dict:
    notes = make_orders(fund, project, n, tag=tag)
    proc, port = start_gunicorn(workers, threads, ledger)
    try:
        drive(port, notes[: min(200, n // 10)])  # warm up: workers import, connect, prepare
        result = drive(port, notes[min(200, n // 10):])
    finally:
        stop(proc)
    print(f"{label:>8}: {result['n'] - result['failed']} accepted in {result['seconds']:.1f}s = {result['rate']:.0f}/s"
          f"  p50 {result['p50']:.1f} ms  p99 {result['p99']:.1f} ms  failed {result['failed']}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notifications", type=int, default=3000, help="per phase")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--pgbench-seconds", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=2, help="interleaved off/on rounds; the best of each counts")
    args = parser.parse_args()
    recreate_database()
    fund, project = setup()
    print(f"donation intake: {args.notifications} signed notifications per phase, {CLIENTS} clients, gunicorn "
          f"{args.workers} workers × {args.threads} threads, keep-alive", flush=True)
    runs: dict[bool, list[dict]] = {False: [], True: []}
    for round_ in range(args.rounds):  # interleaved, so both see the same machine; the best of each counts
        for ledger in (False, True):
            label = f"log {'on' if ledger else 'off'}" + (f" #{round_ + 1}" if args.rounds > 1 else "")
            runs[ledger].append(phase(label, fund, project, args.notifications, args.workers, args.threads,
                                      ledger=ledger, tag=f"{int(ledger)}{round_}"))
    off, on = (max(runs[ledger], key=lambda r: r["rate"]) for ledger in (False, True))
    integrated, seconds = integrate_backlog()
    print(f"log integration afterwards: {integrated} leaves in {seconds:.1f}s = {integrated / max(seconds, 1e-9):.0f}/s")
    tps = pgbench_tps(args.pgbench_seconds)
    print(f" pgbench: single-row INSERT, {CLIENTS} clients: {tps:.0f} TPS")
    print(f"best of {args.rounds}: log off {off['rate']:.0f}/s, log on {on['rate']:.0f}/s (p99 {on['p99']:.1f} ms)")
    print(f"ratio log on / log off: {on['rate'] / off['rate']:.2f} (goal ≥ 0.80)")
    print(f"ratio log on / pgbench: {on['rate'] / tps:.3f} (goal ≥ 0.10)")
    print(f"machine: {machine()}")
    shutil.rmtree(SIM_DIR, ignore_errors=True)
    import redis

    redis.Redis.from_url(REDIS_URL).delete("celery")  # the integration triggers nobody consumed


if __name__ == "__main__":
    main()
