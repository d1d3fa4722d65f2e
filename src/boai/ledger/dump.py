"""`boai ledger dump DIR`: the public log as files, for `boai-verify audit DIR` (or for archiving).

    DIR/info.json         origin, hash, verifier keys, number of leaves
    DIR/checkpoint        the latest signed checkpoint (C2SP signed note)
    DIR/checkpoints.jsonl every checkpoint, oldest first: {"id", "signed_at", "size", "root", "note"}
    DIR/leaves            one line per leaf: "<index>\\t<leaf bytes>\\n", in index order

The same formats as the HTTP endpoints (/log/, /log/checkpoint, /log/checkpoints, /log/leaves).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from boai.ledger import params, store
from boai.ledger.models import Checkpoint, Leaf


def dump(directory: Path) -> dict:
    directory.mkdir(parents=True, exist_ok=True)
    checkpoints = list(Checkpoint.objects.order_by("id"))
    count = 0
    with (directory / "leaves").open("w", encoding="utf-8", newline="\n") as out:
        rows = Leaf.objects.order_by("index").with_text().values_list("index", "leaf_text")
        for index, data in rows.iterator(chunk_size=5000):
            out.write(f"{index}\t{data}\n")
            count += 1
    with (directory / "checkpoints.jsonl").open("w", encoding="utf-8", newline="\n") as out:
        for c in checkpoints:
            out.write(json.dumps({"id": c.pk, "signed_at": c.created_at.isoformat(), "size": c.size,
                                  "root": base64.b64encode(bytes(c.root)).decode(), "note": c.note}) + "\n")
    if checkpoints:
        (directory / "checkpoint").write_text(checkpoints[-1].note, encoding="utf-8", newline="\n")
    info = {"origin": params.origin(), "hash": params.hash_name(), "verifier_keys": params.verifier_keys(),
            "tree_size": store.tree_size(), "leaves_written": count,
            "checkpoint_size": checkpoints[-1].size if checkpoints else None, "schema_version": 1}
    (directory / "info.json").write_text(json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8")
    return info
