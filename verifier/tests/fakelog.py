"""A tiny Boai-style log for the verifier's own tests, written without the Boai server.

It signs C2SP checkpoints with a test key, writes dumps in `boai ledger dump` format, and can serve
the log's HTTP endpoints from a thread, computing proofs with the RFC 9162 recursions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ORIGIN = "test.boai.invalid/log"


class SigningKey:
    def __init__(self, name: str = ORIGIN, seed: bytes = b"\x07" * 32):
        self.name = name
        self.private = Ed25519PrivateKey.from_private_bytes(seed)
        self.public = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = hashlib.sha256(name.encode() + b"\n\x01" + self.public).digest()[:4]

    @property
    def vkey(self) -> str:
        encoded = base64.b64encode(bytes([1]) + self.public).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    def sign(self, text: str) -> str:
        sig = self.key_id + self.private.sign(text.encode())
        return f"\u2014 {self.name} {base64.b64encode(sig).decode()}\n"


def canonical(entry: dict) -> bytes:
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def opening_for(party: str, salt: bytes = b"\x05" * 16) -> tuple[str, str]:
    pseudonym = hmac.new(b"test-key", party.encode(), "sm3").digest()
    return hmac.new(salt, pseudonym, "sm3").hexdigest(), f"{salt.hex()}-{pseudonym.hex()}"


def sample_entries() -> list[bytes]:
    donor, _ = opening_for("donor")
    ts = "2025-06-01T08:00:00Z"
    return [canonical(e) for e in [
        {"v": 1, "type": "gift_received", "ts": ts, "amount": "1000.00", "donor_kind": "individual", "donor": donor,
         "fund": "抗洪救灾"},
        {"v": 1, "type": "allocation", "ts": ts, "amount": "600.00", "project": "卫生室",
         "parents": [{"leaf": 0, "amount": "600.00"}]},
        {"v": 1, "type": "disbursement", "ts": ts, "amount": "200.00", "payee_kind": "recipient",
         "parents": [{"leaf": 1, "amount": "200.00"}]},
        {"v": 1, "type": "relief_delivered", "ts": ts, "amount": "200.00", "relief_type": "disaster",
         "parents": [{"leaf": 2, "amount": "200.00"}]},
        {"v": 1, "type": "acknowledgement", "ts": ts, "parents": [{"leaf": 3}]},
        {"v": 1, "type": "allocation", "ts": ts, "amount": "400.00", "project": "学校",
         "parents": [{"leaf": 0, "amount": "400.00"}]},
    ]]


class FakeLog:
    def __init__(self, entries: list[bytes], *, hash_name: str = "sm3", key: SigningKey | None = None):
        self.entries, self.hash_name, self.key = list(entries), hash_name, key or SigningKey()
        self.mth = lru_cache(maxsize=None)(self._mth)

    def h(self, data: bytes) -> bytes:
        return hashlib.new(self.hash_name, data).digest()

    def _mth(self, lo: int, hi: int) -> bytes:
        if hi == lo:
            return self.h(b"")
        if hi - lo == 1:
            return self.h(b"\x00" + self.entries[lo])
        k = 1 << ((hi - lo - 1).bit_length() - 1)
        return self.h(b"\x01" + self.mth(lo, lo + k) + self.mth(lo + k, hi))

    def path(self, m: int, lo: int, hi: int) -> list[bytes]:
        if hi - lo == 1:
            return []
        k = 1 << ((hi - lo - 1).bit_length() - 1)
        if m < lo + k:
            return self.path(m, lo, lo + k) + [self.mth(lo + k, hi)]
        return self.path(m, lo + k, hi) + [self.mth(lo, lo + k)]

    def proof(self, m: int, lo: int, hi: int, complete: bool = True) -> list[bytes]:
        if m == hi - lo:
            return [] if complete else [self.mth(lo, hi)]
        k = 1 << ((hi - lo - 1).bit_length() - 1)
        if m <= k:
            return self.proof(m, lo, lo + k, complete) + [self.mth(lo + k, hi)]
        return self.proof(m - k, lo + k, hi, False) + [self.mth(lo, lo + k)]

    def checkpoint(self, size: int | None = None, key: SigningKey | None = None) -> str:
        size = len(self.entries) if size is None else size
        text = f"{ORIGIN}\n{size}\n{base64.b64encode(self.mth(0, size)).decode()}\n"
        return text + "\n" + (key or self.key).sign(text)

    def dump(self, directory: Path, *, note: str | None = None, skip: int | None = None) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        with (directory / "leaves").open("wb") as out:
            for i, data in enumerate(self.entries):
                if i != skip:
                    out.write(f"{i}\t".encode() + data + b"\n")
        (directory / "checkpoint").write_text(note or self.checkpoint(), encoding="utf-8")
        (directory / "info.json").write_text(json.dumps({"origin": ORIGIN, "hash": self.hash_name}))
        return directory


class Served:
    """Serve a FakeLog over HTTP on 127.0.0.1; `served.log` and `served.note` may be swapped mid-test."""

    def __init__(self, log: FakeLog):
        self.log, self.note = log, log.checkpoint()
        served = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                body, kind = served.answer(url.path, q)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", kind)
                self.end_headers()
                self.wfile.write(body or b"not found")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, path: str, q: dict) -> tuple[bytes | None, str]:
        log, b64 = self.log, (lambda hs: [base64.b64encode(h).decode() for h in hs])
        size = int(self.note.split("\n")[1])
        if path == "/log/":
            return json.dumps({"origin": ORIGIN, "hash": log.hash_name}).encode(), "application/json"
        if path == "/log/checkpoint":
            return self.note.encode(), "text/plain"
        if path == "/log/leaves":
            start, count = int(q["start"]), int(q["count"])
            lines = [f"{i}\t".encode() + log.entries[i] + b"\n" for i in range(start, min(start + count, size))]
            return b"".join(lines), "text/plain"
        if path == "/log/proof/consistency":
            first, second = int(q["first"]), int(q["second"])
            proof = [] if first in (0, second) else log.proof(first, 0, second)
            return json.dumps({"consistency_path": b64(proof)}).encode(), "application/json"
        if path == "/log/proof/inclusion":
            return json.dumps({"inclusion_path": b64(log.path(int(q["index"]), 0, int(q["size"])))}).encode(), "x"
        if path == "/log/receipt":
            i = int(q["index"])
            children = [{"index": j, "type": json.loads(e)["type"]} for j, e in enumerate(log.entries)
                        if any(p["leaf"] == i for p in json.loads(e).get("parents", []))]
            return json.dumps({"leaf": log.entries[i].decode(), "children": children}).encode(), "application/json"
        return None, "text/plain"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
