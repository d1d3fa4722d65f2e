"""Where the log comes from: a Boai site over HTTP(S), or a directory written by `boai ledger dump`."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

PAGE = 10_000
USER_AGENT = "boai-verify/1"


class SourceError(Exception):
    pass


class HttpSource:
    def __init__(self, base_url: str, *, timeout: float = 60, retries: int = 8):
        self.base = base_url.rstrip("/")
        self.timeout, self.retries = timeout, retries

    def __str__(self) -> str:
        return self.base

    def _get(self, path: str, **query) -> bytes:
        url = f"{self.base}{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310 - http(s) only
        for attempt in range(self.retries):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 # nosec B310
                    return response.read()
            except urllib.error.HTTPError as exc:
                if exc.code == 429 and attempt + 1 < self.retries:  # rate-limited: wait as told
                    time.sleep(min(float(exc.headers.get("Retry-After") or 2 ** attempt), 120))
                    continue
                detail = exc.read()[:300].decode("utf-8", "replace")
                raise SourceError(f"GET {url}: HTTP {exc.code} {detail}") from exc
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                raise SourceError(f"GET {url}: {exc}") from exc
        raise SourceError(f"GET {url}: still rate-limited")

    def _json(self, path: str, **query) -> dict:
        return json.loads(self._get(path, **query))

    def info(self) -> dict:
        return self._json("/log/")

    def checkpoint(self) -> str:
        return self._get("/log/checkpoint").decode("utf-8")

    def leaves(self, size: int) -> Iterator[tuple[int, bytes]]:
        for start in range(0, size, PAGE):
            body = self._get("/log/leaves", start=start, count=min(PAGE, size - start))
            yield from _lines(body)

    def consistency(self, first: int, second: int) -> list[bytes]:
        body = self._json("/log/proof/consistency", first=first, second=second)
        return [base64.b64decode(h) for h in body["consistency_path"]]

    def inclusion(self, index: int, size: int) -> list[bytes]:
        body = self._json("/log/proof/inclusion", index=index, size=size)
        return [base64.b64decode(h) for h in body["inclusion_path"]]

    def receipt(self, index: int, opening: str) -> dict:
        return self._json("/log/receipt", index=index, opening=opening)


class DumpSource:
    """A directory from `boai ledger dump`: info.json, checkpoint, checkpoints.jsonl, leaves."""

    def __init__(self, directory: str | Path):
        self.dir = Path(directory)
        if not (self.dir / "leaves").is_file():
            raise SourceError(f"{self.dir} is not a log dump (no 'leaves' file)")

    def __str__(self) -> str:
        return str(self.dir)

    def info(self) -> dict:
        path = self.dir / "info.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    def checkpoint(self) -> str:
        try:
            return (self.dir / "checkpoint").read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise SourceError(f"{self.dir} has no checkpoint") from exc

    def leaves(self, size: int) -> Iterator[tuple[int, bytes]]:
        with (self.dir / "leaves").open("rb") as handle:
            for index, data in _lines(handle):
                if index >= size:
                    return
                yield index, data

    consistency = inclusion = None  # a dump has every leaf: proofs are computed locally


def _lines(lines) -> Iterator[tuple[int, bytes]]:
    if isinstance(lines, bytes):
        lines = lines.split(b"\n")
    for line in lines:
        line = line.rstrip(b"\n")
        if not line:
            continue
        head, sep, data = line.partition(b"\t")
        if not sep or not head.isdigit():
            raise SourceError(f"malformed leaf line {line[:60]!r}")
        yield int(head), data


def open_source(where: str):
    if where.startswith(("http://", "https://")):
        return HttpSource(where)
    return DumpSource(where)
