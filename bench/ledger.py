"""Benchmark of the transparency log, each figure beside its baseline measured in the same run.

1. Integrating 1,000,000 pending entries into the log on PostgreSQL (hashing, leaves and subtree
   hashes written with COPY) against raw in-memory SM3 tree hashing of the same leaves with hashlib.
   Target: at least 20% of the in-memory rate.
2. Serving inclusion proofs at size 1,000,000 over HTTP (gunicorn, gthread workers, keep-alive,
   load from wrk if installed, else Python threads) against a bare endpoint on the same server that
   reads one row by primary key. Target: at least a third of the bare endpoint's requests/s.
3. The same append + proof workload through pymerkle 7 with its SQLite backend, as ratios.

Usage: python bench/ledger.py [--leaves 1000000] [--seconds 10]
Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/boai_bench_ledger);
the database is dropped and recreated.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/boai_bench_ledger")
SEED = os.urandom(32)


def configure() -> dict:
    env = {
        "DJANGO_SETTINGS_MODULE": "ledger_settings",
        "DATABASE_URL": DB_URL,
        "REDIS_URL": "",
        "BOAI_LOG_ORIGIN": "bench.boai.invalid/log",
        "BOAI_LOG_SIGNING_KEYS": f"bench.boai.invalid/log:{base64.b64encode(SEED).decode()}",
        "BOAI_LOG_HASH": "sm3",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "verifier"), str(ROOT / "bench")]),
    }
    os.environ.update(env)
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "verifier"), str(ROOT / "bench")]
    return env


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "?")
    ram = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return (f"machine: {os.cpu_count()} cores, {model}, {ram} GiB RAM, PostgreSQL {pg}, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def recreate_database() -> None:
    import psycopg

    parsed = urllib.parse.urlparse(DB_URL)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


# --- the workload ----------------------------------------------------------------------------------


def make_leaves(n: int) -> list[str]:
    """n events as the log stores them: gifts, allocations, payments, relief, acknowledgements.

    Every event draws from real earlier leaves within their amounts (so the log would pass its audit).
    """
    from boai.ledger import events

    rng = random.Random(2026)
    ts = "2025-06-01T08:00:00Z"
    out: list[str] = []
    open_gifts: list[list] = []  # [index, left in cents]
    pipeline: list[tuple[str, int, int]] = []  # (type, parent index, cents) waiting to be logged
    funds = ["抗洪救灾专项基金", "博爱助学基金", "大病救助基金", "应急救护基金", "博爱家园基金"]
    for i in range(n):
        if pipeline and rng.random() < 0.55:
            kind, parent, cents = pipeline.pop(0)
        else:
            kind, parent, cents = "gift_received", -1, rng.randint(100, 5_000_000)
        amount = f"{cents // 100}.{cents % 100:02d}"
        body: dict = {"amount": amount}
        parents = [] if parent < 0 else [{"leaf": parent, "amount": amount}]
        if kind == "gift_received":
            body.update(donor_kind=rng.choice(["individual", "organisation", "online"]), fund=rng.choice(funds),
                        donor=f"{rng.getrandbits(256):064x}", ref=f"JZ2025{i:08d}")
            open_gifts.append([i, cents])
            pipeline.append(("allocation", i, cents))
        elif kind == "allocation":
            body.update(project=f"项目{rng.randint(1, 300)}", ref=f"FP{i:08d}")
            pipeline.append(("disbursement", i, cents))
        elif kind == "disbursement":
            body.update(payee_kind="recipient", purpose="救助金", recipient=f"{rng.getrandbits(256):064x}")
            pipeline.append(("relief_delivered", i, cents))
        elif kind == "relief_delivered":
            body.update(relief_type=rng.choice(["disaster", "medical", "hardship", "education"]), region="320213")
            pipeline.append(("acknowledgement", i, 0))
        else:
            body = {"docs": [f"sm3:{rng.getrandbits(256):064x}"]}
            parents = [{"leaf": parent}]
        out.append(events.canonical(events.build_entry(kind, body, parents, ts)))
    return out


def load_pending(leaves: list[str]) -> None:
    """Append every leaf as an entry and queue it (what ledger_append leaves behind), by COPY."""
    from django.db import connection

    from boai.ledger.models import PendingEntry, QueuedEntry

    table, queue = PendingEntry._meta.db_table, QueuedEntry._meta.db_table
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} (id, created_at, event_type, data, fields, links) FROM STDIN") as copy:
            chunk = []
            for i, data in enumerate(leaves):
                kind = data.split('"type":"', 1)[1].split('"', 1)[0]
                text = data.replace("\\", "\\\\")
                chunk.append(f"{i + 1}\t2025-06-01 08:00:00+00\t{kind}\t{text}\t{{}}\t{{}}\n")
                if len(chunk) == 50_000:
                    copy.write("".join(chunk))
                    chunk.clear()
            copy.write("".join(chunk))
        with cursor.copy(f"COPY {queue} (entry_id) FROM STDIN") as copy:
            copy.write("".join(f"{i + 1}\n" for i in range(len(leaves))))
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [len(leaves)])
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"ANALYZE {queue}")


def integration_rates(leaves: list[bytes], batch: int) -> tuple[float, float, bytes]:
    """Integrate the pending entries batch by batch; before each batch, hash the same leaves in memory.

    Interleaving the baseline with the measured work exposes both to the same machine load. The
    baseline is the fastest plain hashlib tree hashing we know: SM3 contexts with the 0x00/0x01
    prefix already absorbed, copied per hash, every internal node computed (a binary counter).
    """
    from boai.ledger import params, store
    from boai.ledger.merkle import CompactRange, TreeHasher
    from boai.ledger.services import ledger_integrate

    hasher = TreeHasher("sm3")
    edge = CompactRange(hasher)
    leaf, append = hasher.leaf, edge.append
    memory_time = integrate_time = 0.0
    for start in range(0, len(leaves), batch):
        chunk = leaves[start:start + batch]
        began = time.perf_counter()
        for data in chunk:
            append(leaf(data))
        memory_time += time.perf_counter() - began
        began = time.perf_counter()
        result = ledger_integrate(max_batch=batch, max_batches=1, checkpoint=False)
        integrate_time += time.perf_counter() - began
        if result.integrated != len(chunk):
            raise RuntimeError(f"integrated {result.integrated}, expected {len(chunk)}")
    root = store.root_at(params.hasher(), len(leaves))
    if root != edge.root():
        raise RuntimeError("the stored tree's root differs from the in-memory root")
    return len(leaves) / integrate_time, len(leaves) / memory_time, root


# --- HTTP ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, workers: int, threads: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [str(Path(sys.executable).parent / "gunicorn"), "boai.config.wsgi:application", "-b", f"127.0.0.1:{port}",
           "-w", str(workers), "-k", "gthread", "--threads", str(threads), "--keep-alive", "30",
           "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, cwd=ROOT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def wrk_rate(url: str, path_template: str, n: int, seconds: int, connections: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f'math.randomseed(os.time())\nrequest = function()\n'
                     f'  return wrk.format("GET", string.format("{path_template}", math.random(0, {n - 1})))\nend\n')
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script.name, url],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    if "Non-2xx" in out:
        raise RuntimeError(f"errors during load:\n{out}")
    return float(next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec")))


def threads_rate(url: str, path_template: str, n: int, seconds: int, connections: int) -> float:
    import http.client

    host, port = urllib.parse.urlparse(url).netloc.split(":")
    counts, stop = [0] * connections, time.perf_counter() + seconds
    path = path_template.replace("%d", "{}")

    def worker(slot: int) -> None:
        conn, rng = http.client.HTTPConnection(host, int(port), timeout=30), random.Random(slot)
        while time.perf_counter() < stop:
            conn.request("GET", path.format(rng.randrange(n)))
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}")
            counts[slot] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - started)


def http_rates(env: dict, n: int, seconds: int) -> tuple[float, float, str]:
    workers = max(2, os.cpu_count() or 2)
    proc, url = start_gunicorn(env, workers, 4)
    load, tool = (wrk_rate, "wrk") if shutil.which("wrk") else (threads_rate, "Python threads")
    conns = 4 * workers
    try:
        import urllib.request

        proof = json.loads(urllib.request.urlopen(f"{url}/log/proof/inclusion?index={n // 3}").read())  # noqa: S310
        assert proof["tree_size"] == n and proof["inclusion_path"]
        load(url, "/bench/row/%d", n, 2, conns)  # warm both
        load(url, "/log/proof/inclusion?index=%d", n, 2, conns)
        bare, proofs = [], []
        for _ in range(3):  # alternate, to even out drift
            bare.append(load(url, "/bench/row/%d", n, seconds, conns))
            proofs.append(load(url, "/log/proof/inclusion?index=%d", n, seconds, conns))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    config = f"gunicorn {workers} gthread workers × 4 threads, keep-alive; load: {tool}, {conns} connections"
    return sum(proofs) / len(proofs), sum(bare) / len(bare), config


# --- pymerkle --------------------------------------------------------------------------------------


def pymerkle_rates(leaves: list[bytes], indices: list[int]) -> tuple[float, float, bytes]:
    from pymerkle import SqliteTree

    from boai.ledger.tests.pymerkle_sm3 import enable_sm3

    enable_sm3()
    with tempfile.TemporaryDirectory() as tmp:
        tree = SqliteTree(str(Path(tmp) / "pymerkle.db"), algorithm="sm3")
        started = time.perf_counter()
        tree.append_entries(leaves)
        append_rate = len(leaves) / (time.perf_counter() - started)
        size = tree.get_size()
        started = time.perf_counter()
        for index in indices:
            tree.prove_inclusion(index + 1, size)
        proof_rate = len(indices) / (time.perf_counter() - started)
        root = tree.get_root(size)
        tree.close()
    return append_rate, proof_rate, root


def our_proof_rate(n: int, indices: list[int]) -> float:
    from boai.ledger import selectors

    started = time.perf_counter()
    for index in indices:
        selectors.inclusion(index, n)
    return len(indices) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--proofs", type=int, default=2_000, help="in-process proofs for the pymerkle comparison")
    args = parser.parse_args()
    env = configure()
    recreate_database()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    print(machine())
    n = args.leaves
    print(f"building {n:,} leaves …", flush=True)
    leaves = make_leaves(n)
    raw = [x.encode() for x in leaves]
    load_pending(leaves)
    del leaves
    print(f"leaf size: {sum(map(len, raw)) / n:.0f} bytes on average")

    rate, memory_rate, memory_root = integration_rates(raw, args.batch)
    from boai.ledger.services import ledger_checkpoint

    checkpoint = ledger_checkpoint()
    print(f"\n1. integrate on PostgreSQL: {rate:,.0f} leaves/s; in-memory hashlib SM3 tree: {memory_rate:,.0f} leaves/s; "
          f"ratio {rate / memory_rate:.2f} (target ≥ 0.20) {'PASS' if rate / memory_rate >= 0.2 else 'FAIL'}")
    print(f"   roots agree; signed checkpoint at size {checkpoint.size}")

    from django.db import connections

    connections.close_all()
    proof_rate, bare_rate, config = http_rates(env, n, args.seconds)
    print(f"\n2. inclusion proofs over HTTP at size {n:,}: {proof_rate:,.0f} req/s; bare one-row endpoint: "
          f"{bare_rate:,.0f} req/s; ratio {proof_rate / bare_rate:.2f} (target ≥ 0.33) "
          f"{'PASS' if proof_rate / bare_rate >= 1 / 3 else 'FAIL'}\n   ({config})")

    indices = [random.Random(7).randrange(n) for _ in range(args.proofs)]
    ours_proofs = our_proof_rate(n, indices)
    pm_append, pm_proofs, pm_root = pymerkle_rates(raw, indices)
    assert pm_root == memory_root, "pymerkle's root differs"
    print(f"\n3. pymerkle 7 (SQLite backend, SM3): append {pm_append:,.0f} leaves/s, inclusion proofs "
          f"{pm_proofs:,.0f}/s in process")
    print(f"   Boai on PostgreSQL: integrate {rate:,.0f} leaves/s ({rate / pm_append:.2f}× pymerkle), "
          f"inclusion proofs {ours_proofs:,.0f}/s in process ({ours_proofs / pm_proofs:.2f}× pymerkle); same root")
    return 0


if __name__ == "__main__":
    sys.exit(main())
