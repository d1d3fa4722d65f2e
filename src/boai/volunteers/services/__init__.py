"""Every write of the volunteers module (HackSoft "services"): keyword-only, one transaction,
validated, scoped to the actor, audited. Split by subject; import from here."""

from boai.volunteers.services.activities import (
    ActivityData,
    activity_create,
    activity_set_status,
    activity_update,
    eligibility_error,
    signup_cancel,
    signup_create,
    signup_decide,
)
from boai.volunteers.services.incentives import (
    certificate_issue,
    certificate_revoke,
    hours_rule_delete,
    hours_rule_save,
    level_for,
    mask_name,
    policy_for,
    policy_update,
    redemption_decide,
    redemption_request,
    reward_save,
    star_withdraw,
    stars_finalise,
    stars_recompute_all,
)
from boai.volunteers.services.members import (
    dues_pay,
    exemption_grant,
    honour_award,
    member_create,
    member_update,
    member_withdraw,
    members_lapse,
    members_remind,
)
from boai.volunteers.services.records import (
    attendance_manual,
    attendance_scan,
    record_correct,
    record_create_past,
    record_reject,
    records_certify,
    rule_for,
)
from boai.volunteers.services.teams import team_create, team_member_add, team_member_leave, team_update
from boai.volunteers.services.volunteers import (
    Consents,
    Profile,
    volunteer_create,
    volunteer_register,
    volunteer_review,
    volunteer_set_status,
    volunteer_update,
    volunteer_update_self,
)

__all__ = [
    "ActivityData", "Consents", "Profile", "activity_create", "activity_set_status", "activity_update",
    "attendance_manual", "attendance_scan", "certificate_issue", "certificate_revoke", "dues_pay",
    "eligibility_error", "exemption_grant", "honour_award", "hours_rule_delete", "hours_rule_save", "level_for",
    "mask_name", "member_create", "member_update", "member_withdraw", "members_lapse", "members_remind",
    "policy_for", "policy_update", "record_correct", "record_create_past", "record_reject", "records_certify",
    "redemption_decide", "redemption_request", "reward_save", "rule_for", "signup_cancel", "signup_create",
    "signup_decide", "star_withdraw", "stars_finalise", "stars_recompute_all", "team_create", "team_member_add",
    "team_member_leave", "team_update", "volunteer_create", "volunteer_register", "volunteer_review",
    "volunteer_set_status", "volunteer_update", "volunteer_update_self",
]
