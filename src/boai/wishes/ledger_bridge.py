"""The one place where micro-wishes talk to the transparency log (`boai.ledger`).

A confirmed wish appends a `wish_fulfilled` leaf inside the confirming transaction: the wish number,
category, estimated value, the unit's code and the date; the claimant (giver) and the beneficiary
appear only as commitments. The claimant's opening is kept on the claim and shown on their "my
claims" page, so they can find their leaf; the beneficiary's opening is not kept (the platform can
still prove the commitment to an auditor with its key). `BOAI_WISHES_LEDGER=false` turns appends
off (benchmarks, bulk seeding); it stays on in production.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from boai.ledger import commitments
from boai.ledger import events as ledger_events
from boai.ledger.services import ledger_append

WISH_FULFILLED = ledger_events.WISH_FULFILLED


def enabled() -> bool:
    return getattr(settings, "BOAI_WISHES_LEDGER", True)


def payload(wish, *, giver: str, recipient: str) -> dict[str, Any]:
    return {"amount": ledger_events.amount_text(wish.estimated_value), "category": wish.category,
            "ref": wish.number, "org": wish.org.code, "date": timezone.localdate(),
            "donor": giver, "recipient": recipient}


def wish_fulfilled(wish, claim, *, actor: Any = None) -> tuple[int | None, str]:
    """Queue the leaf; (entry number, the claimant's opening) or (None, "") when the log is off."""
    if not enabled():
        return None, ""
    giver = commitments.commit(f"wish-claimant:{claim.claimant_id}")
    recipient = commitments.commit(f"person:{wish.beneficiary_id}")
    entry = ledger_append(event_type=WISH_FULFILLED, actor=actor,
                          payload=payload(wish, giver=giver.commitment, recipient=recipient.commitment))
    return entry.pk, giver.token
