"""Writing and verifying the hash-chained audit log.

Every service calls `audit_record` inside its transaction, so the business write and its audit row
commit or roll back together (Zulip's `do_*` actions). Appends are serialised: a PostgreSQL
advisory lock held to the end of the transaction (SQLite serialises writers already), so each new
row reads the true previous hash.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from boai.core import context
from boai.core.crypto import sm3_hex
from boai.core.models import GENESIS_HASH, AuditEntry

AUDIT_LOCK_KEY = 0x0B0A1A0D17  # advisory lock id of the audit chain
MIN_RETENTION_DAYS = 184  # MLPS level 3: audit records are kept at least six months


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder)


def entry_payload(entry: AuditEntry) -> dict[str, Any]:
    """The fields the hash covers (everything but id and the hashes themselves)."""
    return {
        "t": entry.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": [entry.actor_id, entry.actor_label],
        "org": [entry.org_id, entry.org_path],
        "action": entry.action,
        "object": [entry.object_type, entry.object_id, entry.object_repr],
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
        "ip": entry.ip,
        "channel": entry.channel,
    }


def entry_hash(entry: AuditEntry) -> str:
    return sm3_hex((entry.prev_hash + canonical(entry_payload(entry))).encode())


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])


def _object_fields(obj: models.Model | None) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    return obj._meta.label_lower, str(obj.pk or ""), str(obj)[:200]


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    org: Any = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    """Append one record. `org` is the organisation node the event belongs to (scopes who sees it)."""
    ctx = context.current()
    otype, oid, orepr = _object_fields(obj)
    if org is None and obj is not None:
        org = getattr(obj, "org", None)
    if org is None and actor is not None:
        org = getattr(actor, "org", None)
    actor_ok = actor is not None and getattr(actor, "pk", None)
    entry = AuditEntry(
        created_at=timezone.now(),
        actor_id=actor.pk if actor_ok else None,
        actor_label=(actor.get_username() if actor_ok else ctx.channel)[:150],
        org_id=getattr(org, "pk", None),
        org_path=getattr(org, "path", "") or "",
        action=action,
        object_type=object_type if object_type is not None else otype,
        object_id=object_id if object_id is not None else oid,
        object_repr=(object_repr if object_repr is not None else orepr)[:200],
        before=_jsonable(before),
        after=_jsonable(after),
        reason=reason,
        ip=ctx.ip,
        channel=ctx.channel,
    )
    with transaction.atomic():
        _lock_chain()
        entry.prev_hash = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
    return entry


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, for compact before/after records."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("id").iterator(chunk_size=5000)


def audit_verify() -> VerifyResult:
    """Recompute the chain; name the first record whose content or link does not match."""
    previous: str | None = None
    checked = 0
    for entry in _entries():
        if previous is not None and entry.prev_hash != previous:
            reason = "link to the previous record is broken (a record was removed)"
            return VerifyResult(False, checked, entry.pk, reason)
        if entry_hash(entry) != entry.hash:
            return VerifyResult(False, checked, entry.pk, "content does not match its hash (the record was changed)")
        previous = entry.hash
        checked += 1
    return VerifyResult(True, checked)


def audit_purge(*, older_than_days: int = MIN_RETENTION_DAYS, actor: Any = None) -> int:
    """Remove records older than the retention period (never younger than 184 days)."""
    days = max(older_than_days, MIN_RETENTION_DAYS)
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic():
        _lock_chain()
        first_young = AuditEntry.objects.filter(created_at__gte=cutoff).order_by("id").values_list("id", flat=True)
        old = AuditEntry.objects.filter(created_at__lt=cutoff)
        if first_young.first() is not None:
            old = old.filter(id__lt=first_young.first())  # only a contiguous prefix: the chain stays whole
        last = old.order_by("-id").values_list("id", "hash").first()
        if last is None:
            return 0
        count, _ = old.delete()
    audit_record(
        actor=actor,
        action="audit.purge",
        after={"removed": count, "through_id": last[0], "through_hash": last[1], "retention_days": days},
    )
    return count
