"""Donations services: every write of the module (see the submodules; re-exported here).

Relief (and any other module that spends donated money) calls `allocation_create(..., relief_purpose=...)`
to move money to a relief purpose and `spending_request(..., relief_purpose=..., relief_ref=...)` to pay
a relief delivery out of it; the returned rows carry `ledger_entry`, the log entry to name as parent.
"""

from boai.donations.services.campaigns import (
    campaign_create,
    campaign_set_target,
    campaign_update,
    peer_page_close,
    peer_page_create,
)
from boai.donations.services.disclosure import disclosure_assign, disclosure_publish, send_reminders
from boai.donations.services.donors import (
    alliance_join,
    alliance_set_status,
    contact_record,
    donor_create,
    donor_for_mobile,
    donor_update,
    tier_delete,
    tier_save,
)
from boai.donations.services.funds import fund_create, fund_update, project_create, project_update
from boai.donations.services.gifts import GiftData, gift_receive, gift_set_receipt
from boai.donations.services.movements import (
    acknowledgement_record,
    allocation_create,
    goods_issue,
    goods_receive,
    spending_approve,
    spending_reject,
    spending_request,
)
from boai.donations.services.payments import (
    notification_receive,
    order_create,
    order_refresh,
    payment_confirm,
    reconcile,
)

__all__ = [
    "GiftData", "acknowledgement_record", "alliance_join", "alliance_set_status", "allocation_create",
    "campaign_create", "campaign_set_target", "campaign_update", "contact_record", "disclosure_assign",
    "disclosure_publish", "donor_create", "donor_for_mobile", "donor_update", "fund_create", "fund_update",
    "gift_receive", "gift_set_receipt", "goods_issue", "goods_receive", "notification_receive", "order_create",
    "order_refresh", "payment_confirm", "peer_page_close", "peer_page_create", "project_create", "project_update",
    "reconcile", "send_reminders", "spending_approve", "spending_reject", "spending_request", "tier_delete",
    "tier_save",
]
