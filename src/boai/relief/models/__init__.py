"""Humanitarian relief (人道救助): households under monitoring, relief types and their rules,
applications through verification, review and approval, disbursement and acknowledgement, the
city-wide duplicate check, holiday campaigns and the medical-insurance exchange.
See docs/relief.md."""

from boai.relief.models.applications import (
    Application,
    ApplicationStatus,
    ApplicationStep,
    Channel,
    Disbursement,
    DisbursementMethod,
    ReliefRecord,
)
from boai.relief.models.campaigns import Campaign, CampaignHousehold, CampaignQuota, CampaignStatus, Holiday
from boai.relief.models.households import (
    Alert,
    AlertKind,
    Assessment,
    Category,
    HomeVisit,
    Household,
    HouseholdMember,
    HouseholdStatus,
    Relation,
    RiskLevel,
    VisitPhoto,
)
from boai.relief.models.medical import MedicalBatch, MedicalSettlement
from boai.relief.models.rules import ApprovalLevel, DuplicateRule, ReliefForm, ReliefType

__all__ = [
    "Alert", "AlertKind", "Application", "ApplicationStatus", "ApplicationStep", "ApprovalLevel", "Assessment",
    "Campaign", "CampaignHousehold", "CampaignQuota", "CampaignStatus", "Category", "Channel", "Disbursement",
    "DisbursementMethod", "DuplicateRule", "Holiday", "HomeVisit", "Household", "HouseholdMember",
    "HouseholdStatus", "MedicalBatch", "MedicalSettlement", "Relation", "ReliefForm", "ReliefRecord",
    "ReliefType", "RiskLevel", "VisitPhoto",
]
