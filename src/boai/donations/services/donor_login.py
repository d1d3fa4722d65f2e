"""A donor logs in with a mobile number and a one-time SMS code (no account, no password).

The code and its limits are the kernel's (`boai.core.otp`: six digits, five minutes, five tries,
rate-limited per number and per client address). A verified login puts the number's blind index in
the session: the donor then sees the gifts given with that number, and the fundraising pages they
opened.
"""

from __future__ import annotations

from boai.core import otp
from boai.core.audit import audit_record
from boai.people.identity import check_mobile, mask_mobile
from boai.people.protect import mobile_blind

PURPOSE = "donor"
SESSION_KEY = "donations_donor_mobile"


def send_code(*, mobile: str, client: str) -> None:
    mobile = check_mobile(mobile)
    otp.send_code(purpose=PURPOSE, key=mobile_blind(mobile), mobile=mobile, client=client)
    audit_record(actor=None, action="donations.donor_login.code", object_type="donations.donor",
                 object_repr=mask_mobile(mobile), after={"mobile": mask_mobile(mobile)})


def verify_code(*, mobile: str, code: str) -> str:
    """The mobile number's blind index when the code is right; otherwise a ValidationError."""
    mobile = check_mobile(mobile)
    blind = mobile_blind(mobile)
    otp.verify_code(purpose=PURPOSE, key=blind, code=code)
    audit_record(actor=None, action="donations.donor_login.verified", object_type="donations.donor",
                 object_repr=mask_mobile(mobile))
    return blind


def login(request, blind: str) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = blind


def logged_in_blind(request) -> str | None:
    return request.session.get(SESSION_KEY)


def logout(request) -> None:
    request.session.pop(SESSION_KEY, None)
