"""What the verifier remembers between runs (a JSON file): the log's identity, the pinned keys, the
checkpoints it verified, and any evidence of misbehaviour (two different checkpoints of one size).
Next to it, ``<state>.leaves`` keeps the leaf hashes of the last successful audit, so a later audit
can name a leaf that changed since."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

KEEP = 100


@dataclass
class State:
    path: Path | None
    origin: str = ""
    hash: str = ""
    keys: list[str] = field(default_factory=list)
    checkpoints: list[dict] = field(default_factory=list)  # {"size", "root", "note", "seen_at", "source"}
    evidence: list[dict] = field(default_factory=list)

    @classmethod
    def load(cls, path: str | None) -> State:
        if not path:
            return cls(None)
        p = Path(path)
        if not p.exists():
            return cls(p)
        data = json.loads(p.read_text(encoding="utf-8"))
        return cls(p, data.get("origin", ""), data.get("hash", ""), data.get("keys", []),
                   data.get("checkpoints", []), data.get("evidence", []))

    def latest(self) -> dict | None:
        return max(self.checkpoints, key=lambda c: c["size"], default=None)

    def remember(self, checkpoint, source: str) -> None:
        if any(c["note"] == checkpoint.note for c in self.checkpoints):
            return
        self.checkpoints.append({"size": checkpoint.size, "root": checkpoint.root_b64, "note": checkpoint.note,
                                 "seen_at": now(), "source": source})
        self.checkpoints = sorted(self.checkpoints, key=lambda c: c["size"])[-KEEP:]

    def record_evidence(self, kind: str, notes: list[str], source: str, detail: str) -> None:
        self.evidence.append({"kind": kind, "notes": notes, "source": source, "detail": detail, "seen_at": now()})

    @property
    def _hashes_path(self) -> Path | None:
        return self.path.with_suffix(self.path.suffix + ".leaves") if self.path else None

    def leaf_hashes(self) -> bytes:
        """Leaf hashes saved by the last successful audit (to name a leaf changed since then)."""
        path = self._hashes_path
        return path.read_bytes() if path and path.is_file() else b""

    def save_leaf_hashes(self, hashes: bytes) -> None:
        path = self._hashes_path
        if path is not None:
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(hashes)
            os.replace(tmp, path)

    def save(self) -> None:
        if self.path is None:
            return
        data = {"origin": self.origin, "hash": self.hash, "keys": self.keys, "checkpoints": self.checkpoints,
                "evidence": self.evidence}
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
