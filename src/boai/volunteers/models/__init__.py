"""Volunteers and members (志愿服务信息管理系统 and the membership registry).

Everything here is a role of a `people.Person` or hangs off one; every table is scoped to the
organisation tree through `org` (directly or through its parent row) with permission area
`volunteers`.
"""

from boai.volunteers.models.activities import Activity, HoursRule, ServiceRecord, Signup
from boai.volunteers.models.incentives import (
    Certificate,
    IncentivePolicy,
    PointEntry,
    Redemption,
    Reward,
    StarAward,
)
from boai.volunteers.models.members import (
    DuesExemption,
    DuesPayment,
    Honour,
    Member,
    MemberNumberCounter,
    MemberReminder,
)
from boai.volunteers.models.volunteers import Consent, Team, TeamMembership, Volunteer

__all__ = [
    "Activity", "Certificate", "Consent", "DuesExemption", "DuesPayment", "Honour", "HoursRule", "IncentivePolicy",
    "Member", "MemberNumberCounter", "MemberReminder", "PointEntry", "Redemption", "Reward", "ServiceRecord",
    "Signup", "StarAward", "Team", "TeamMembership", "Volunteer",
]
