"""One-time SMS codes for people without an account: donors following their gifts, micro-wish
claimants. The caller validates the number and names it by a stable key (the number's blind index),
so the kernel never handles the registry's rules.

A code is six digits, valid five minutes, kept only as a keyed hash in the cache, and dies after
five wrong tries. Sending is rate-limited per number whatever the purpose (one a minute, five an
hour: nobody can use two pages to flood a phone) and per client address (twenty an hour).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from boai.core.ratelimit import hit
from boai.core.sms import get_backend

CODE_SECONDS = 300
MAX_TRIES = 5
NUMBER_LIMITS = (("otp-min", "1/min"), ("otp-hour", "5/hour"))
CLIENT_LIMIT = ("otp-ip", "20/hour")


def _digest(purpose: str, key: str, code: str) -> str:
    message = f"{purpose}:{key}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _cache_key(purpose: str, key: str) -> str:
    return f"otp:{purpose}:{key}"


def send_code(*, purpose: str, key: str, mobile: str, client: str) -> None:
    """Text a fresh code to `mobile` (already validated); ValidationError on `mobile` when limited."""
    limits = [(scope, key, rate) for scope, rate in NUMBER_LIMITS] + [(CLIENT_LIMIT[0], client, CLIENT_LIMIT[1])]
    for scope, who, rate in limits:
        if hit(scope, who, rate) is not None:
            raise ValidationError({"mobile": _("Too many codes requested. Please wait a moment and try again.")})
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(_cache_key(purpose, key), {"digest": _digest(purpose, key, code), "tries": 0}, CODE_SECONDS)
    result = get_backend().send(mobile=mobile, text=f"【博爱】您的验证码是{code}，{CODE_SECONDS // 60}分钟内有效。"
                                                    f"请勿泄露给他人。")
    if not result.ok:
        raise ValidationError({"mobile": _("The SMS could not be sent. Please try again later.")})


def verify_code(*, purpose: str, key: str, code: str) -> None:
    """Nothing when the code is right (it is then used up); otherwise a ValidationError on `code`."""
    state = cache.get(_cache_key(purpose, key))
    if not state:
        raise ValidationError({"code": _("The code has expired. Request a new one.")})
    if state["tries"] >= MAX_TRIES:
        cache.delete(_cache_key(purpose, key))
        raise ValidationError({"code": _("Too many wrong codes. Request a new one.")})
    if not hmac.compare_digest(state["digest"], _digest(purpose, key, (code or "").strip())):
        state["tries"] += 1
        cache.set(_cache_key(purpose, key), state, CODE_SECONDS)
        raise ValidationError({"code": _("The code is not right.")})
    cache.delete(_cache_key(purpose, key))
