"""Donations and fundraising: donors, gifts, funds and projects, the money journal, campaigns,
payments, certificates and disclosure. See docs/donations.md for how money moves."""

from boai.donations.models.campaigns import Campaign, CampaignKind, CampaignTarget, PeerPage
from boai.donations.models.disclosure import DisclosureItem, DisclosureKind
from boai.donations.models.money import (
    Account,
    AccountKind,
    Acknowledgement,
    Allocation,
    AllocationDraw,
    Certificate,
    Channel,
    Fund,
    FundKind,
    Gift,
    GiftKind,
    GoodsMovement,
    JournalLine,
    JournalTxn,
    Lot,
    LotSource,
    PayeeKind,
    Project,
    ProjectStatus,
    Purpose,
    Spending,
    SpendingCategory,
    SpendingDraw,
    SpendingStatus,
    ValuationBasis,
    Voucher,
)
from boai.donations.models.parties import (
    AllianceMember,
    ContactKind,
    ContactRecord,
    Donor,
    DonorKind,
    RecognitionTier,
)
from boai.donations.models.payments import (
    OrderStatus,
    PaymentOrder,
    ReconciliationIssue,
    ReconciliationRun,
    SimulatorDelivery,
    SimulatorOrder,
)

__all__ = [
    "Account", "AccountKind", "Acknowledgement", "AllianceMember", "Allocation", "AllocationDraw", "Campaign",
    "CampaignKind", "CampaignTarget", "Certificate", "Channel", "ContactKind", "ContactRecord", "DisclosureItem",
    "DisclosureKind", "Donor", "DonorKind", "Fund", "FundKind", "Gift", "GiftKind", "GoodsMovement", "JournalLine",
    "JournalTxn", "Lot", "LotSource", "OrderStatus", "PayeeKind", "PaymentOrder", "PeerPage", "Project",
    "ProjectStatus", "Purpose", "RecognitionTier", "ReconciliationIssue", "ReconciliationRun", "SimulatorDelivery",
    "SimulatorOrder", "Spending", "SpendingCategory", "SpendingDraw", "SpendingStatus", "ValuationBasis", "Voucher",
]
