"""A donor logs in with a mobile number and a one-time SMS code (no account, no password).

The code is six digits, valid five minutes, kept only as a keyed hash in the cache, and dies after
five wrong tries. Sending is rate-limited per number (one a minute, five an hour) and per client
address (twenty an hour). A verified login puts the number's blind index in the session: the
donor then sees the gifts given with that number, and the fundraising pages they opened.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from boai.core.audit import audit_record
from boai.core.ratelimit import hit
from boai.core.sms import get_backend
from boai.people.identity import check_mobile, mask_mobile
from boai.people.protect import mobile_blind

CODE_SECONDS = 300
MAX_TRIES = 5
SESSION_KEY = "donations_donor_mobile"


def _digest(blind: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{blind}:{code}".encode(), hashlib.sha256).hexdigest()


def _key(blind: str) -> str:
    return f"donations:otp:{blind}"


def send_code(*, mobile: str, client: str) -> None:
    mobile = check_mobile(mobile)
    blind = mobile_blind(mobile)
    for scope, key, rate in (("donor-otp-min", blind, "1/min"), ("donor-otp-hour", blind, "5/hour"),
                             ("donor-otp-ip", client, "20/hour")):
        if hit(scope, key, rate) is not None:
            raise ValidationError({"mobile": _("Too many codes requested. Please wait a moment and try again.")})
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(_key(blind), {"digest": _digest(blind, code), "tries": 0}, CODE_SECONDS)
    result = get_backend().send(mobile=mobile, text=f"【博爱】您的验证码是{code}，{CODE_SECONDS // 60}分钟内有效。"
                                                    f"请勿泄露给他人。")
    if not result.ok:
        raise ValidationError({"mobile": _("The SMS could not be sent. Please try again later.")})
    audit_record(actor=None, action="donations.donor_login.code", object_type="donations.donor",
                 object_repr=mask_mobile(mobile), after={"mobile": mask_mobile(mobile)})


def verify_code(*, mobile: str, code: str) -> str:
    """The mobile number's blind index when the code is right; otherwise a ValidationError."""
    mobile = check_mobile(mobile)
    blind = mobile_blind(mobile)
    state = cache.get(_key(blind))
    if not state:
        raise ValidationError({"code": _("The code has expired. Request a new one.")})
    if state["tries"] >= MAX_TRIES:
        cache.delete(_key(blind))
        raise ValidationError({"code": _("Too many wrong codes. Request a new one.")})
    if not hmac.compare_digest(state["digest"], _digest(blind, (code or "").strip())):
        state["tries"] += 1
        cache.set(_key(blind), state, CODE_SECONDS)
        raise ValidationError({"code": _("The code is not right.")})
    cache.delete(_key(blind))
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
