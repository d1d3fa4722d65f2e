"""Rotating check-in codes. The activity's QR code encodes a URL carrying a time window number and
an HMAC of (activity, its salt, window) under a server key. A code is good for its window and one
window either side (clock skew, a slow scan); one volunteer cannot use the same or an older window
twice (replaying a photographed code does nothing), and anything older is refused."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from boai.volunteers import conf

TOKEN_CHARS = 24


def current_window(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // conf.qr_window_seconds())


def token(activity, window: int) -> str:
    message = f"{activity.pk}:{activity.qr_salt}:{window}".encode()
    return hmac.new(conf.qr_key(), message, hashlib.sha256).hexdigest()[:TOKEN_CHARS]


def checkin_path(activity, window: int | None = None) -> str:
    window = current_window() if window is None else window
    query = urlencode({"w": window, "t": token(activity, window)})
    return f"{reverse('volunteers:checkin', args=[activity.pk])}?{query}"


def verify(activity, window: int | str | None, supplied: str | None) -> int:
    """The window of a valid, current code; ValidationError otherwise."""
    try:
        window = int(window)
    except (TypeError, ValueError):
        raise ValidationError(_("This is not a check-in code of this activity."), code="invalid") from None
    if not supplied or not hmac.compare_digest(token(activity, window), str(supplied)):
        raise ValidationError(_("This is not a check-in code of this activity."), code="invalid")
    if abs(current_window() - window) > 1:
        raise ValidationError(_("This code has expired: scan the code on the leader's phone again."),
                              code="expired")
    return window
