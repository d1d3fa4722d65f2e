"""Which money an account holds, and pro-rata pooling.

Every allocation or payment draws from the *lots* of its source account that it may use (restricted
ones only for their project or purpose). When several lots qualify they are first pooled: a pool is
a new lot holding what remained of each (a log entry that draws all of them, at most 64 per entry,
pooled again above that), and the movement then draws from the pool. Pooling is what makes a
pooled fund traceable pro rata: whatever leaves a pool is attributed to its sources in proportion
to what each put in (see `journey.py`), and each log entry names only a handful of parents however
many small gifts stand behind it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from boai.donations import ledger_bridge
from boai.donations.models import Account, Lot, LotSource
from boai.donations.money import yuan_text

FAN_IN = ledger_bridge.MAX_PARENTS
POOL_PURPOSE = "pool"


def open_lots(account: Account, restriction: Q) -> QuerySet[Lot]:
    return Lot.objects.filter(restriction, account=account, remaining__gt=0).order_by("id")


def pool_payload(account: Account, total: Decimal) -> dict:
    payload = {"amount": yuan_text(total), "purpose": POOL_PURPOSE, "org": account.org.code,
               "date": timezone.localdate()}
    if account.fund_id:
        payload["fund"] = account.fund.name
    elif account.project_id:
        payload["project"] = account.project.name
    return payload


def pool(account: Account, lots: Sequence[Lot], *, actor=None) -> Lot:
    """One lot holding what remains of `lots` (which must share the account and restriction)."""
    level = list(lots)
    now = timezone.now()
    while len(level) > 1:
        next_level = []
        for start in range(0, len(level), FAN_IN):
            chunk = level[start:start + FAN_IN]
            next_level.append(chunk[0] if len(chunk) == 1 else _pool_chunk(account, chunk, now, actor))
        level = next_level
    return level[0]


def _pool_chunk(account: Account, chunk: Sequence[Lot], now, actor) -> Lot:
    total = sum((lot.remaining for lot in chunk), Decimal(0))
    entry = ledger_bridge.append(event_type=ledger_bridge.ALLOCATION, payload=pool_payload(account, total),
                                 parents=[(lot.ledger_entry, lot.remaining) for lot in chunk], actor=actor)
    first = chunk[0]
    merged = Lot.objects.create(account=account, source=LotSource.POOL, restricted_project=first.restricted_project,
                                restricted_purpose=first.restricted_purpose, amount=total, remaining=total,
                                ledger_entry=entry, created_at=now)
    for lot in chunk:
        lot.pooled_into, lot.pooled_amount, lot.remaining = merged, lot.remaining, Decimal("0.00")
    Lot.objects.bulk_update(chunk, ["pooled_into", "pooled_amount", "remaining"])
    return merged


def take(lot: Lot, amount: Decimal) -> None:
    lot.remaining -= amount
    Lot.objects.filter(pk=lot.pk).update(remaining=lot.remaining)


def draw(account: Account, classes: Sequence[Q], amount: Decimal, *, actor=None) -> list[tuple[Lot, Decimal]]:
    """Take `amount` from the account's lots, class by class in order (e.g. restricted to this project
    first, then unrestricted), pooling each class first. Returns (lot, amount) draws; the caller has
    locked the account and checked that enough is available."""
    left, out = amount, []
    for restriction in classes:
        if left <= 0:
            break
        lots = list(open_lots(account, restriction))
        if not lots:
            continue
        source = pool(account, lots, actor=actor)
        part = min(left, source.remaining)
        take(source, part)
        out.append((source, part))
        left -= part
    if left > 0:
        raise RuntimeError(f"draw of {amount} from account {account.pk} short by {left}")
    return out


def available(account: Account, classes: Sequence[Q]) -> Decimal:
    query = Q(pk__in=[])
    for restriction in classes:
        query |= restriction
    total = Lot.objects.filter(query, account=account, remaining__gt=0).aggregate(s=Sum("remaining"))["s"]
    return total or Decimal("0.00")


def pool_outstanding(*, min_lots: int = FAN_IN, batch: int = 4096) -> int:
    """Pool the open lots of every fund that has piled up at least `min_lots` of one restriction."""
    from django.db import transaction
    from django.db.models import Count

    from boai.core.audit import audit_record
    from boai.donations.services import journal

    groups = (Lot.objects.filter(remaining__gt=0, account__kind="fund")
              .values("account", "restricted_project", "restricted_purpose").annotate(n=Count("id"))
              .filter(n__gte=min_lots).order_by("account"))
    total = 0
    for group in groups:
        with transaction.atomic():
            account = journal.lock_accounts([Account(pk=group["account"])])[group["account"]]
            restriction = Q(restricted_project=group["restricted_project"],
                            restricted_purpose=group["restricted_purpose"])
            found = list(open_lots(account, restriction)[:batch])
            if len(found) < 2:
                continue
            merged = pool(account, found)
            total += len(found)
            audit_record(actor=None, action="donations.lots.pool", object_type="donations.lot",
                         object_id=str(merged.pk), object_repr=str(account), org=account.org,
                         after={"lots": len(found), "amount": merged.amount})
    return total
