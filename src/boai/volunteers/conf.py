"""Settings of the volunteers module. Each is read from Django settings first (tests override them
there) and then from the environment, so config/settings.py needs no entry per module setting.

- BOAI_QR_KEY: base64 key for the rotating check-in QR codes (default: derived from SECRET_KEY).
- BOAI_QR_WINDOW_SECONDS: how long one QR code is valid (30); one window either side is accepted.
- BOAI_MEMBER_NO_PATTERN: member numbers, e.g. "{division}{year}{seq:05d}" (placeholders: division =
  the GB/T 2260 code of the joining unit's branch, year, kind = P or G, seq = per-prefix sequence).
- BOAI_MEMBER_REMINDER_DAYS: days before a membership expires to remind ("30,7").
- BOAI_PRIVACY_NOTICE_VERSION: the version of the volunteer privacy notice shown at registration.
"""

from __future__ import annotations

import base64
import hashlib

from django.conf import settings

from boai.config.env import env_int, env_list, env_str

DEFAULT_MEMBER_NO_PATTERN = "{division}{year}{kind}{seq:05d}"


def _get(name: str, fallback):
    return getattr(settings, name, None) if hasattr(settings, name) else fallback()


def qr_key() -> bytes:
    raw = _get("BOAI_QR_KEY", lambda: env_str("BOAI_QR_KEY"))
    if raw:
        return base64.b64decode(raw)
    return hashlib.sha256(f"boai-qr:{settings.SECRET_KEY}".encode()).digest()


def qr_window_seconds() -> int:
    return int(_get("BOAI_QR_WINDOW_SECONDS", lambda: env_int("BOAI_QR_WINDOW_SECONDS", 30)))


def member_no_pattern() -> str:
    return _get("BOAI_MEMBER_NO_PATTERN", lambda: env_str("BOAI_MEMBER_NO_PATTERN", DEFAULT_MEMBER_NO_PATTERN))


def member_reminder_days() -> list[int]:
    raw = _get("BOAI_MEMBER_REMINDER_DAYS", lambda: env_list("BOAI_MEMBER_REMINDER_DAYS", ["30", "7"]))
    if isinstance(raw, str):
        raw = raw.split(",")
    return sorted({int(d) for d in raw if str(d).strip()}, reverse=True)


def privacy_notice_version() -> str:
    return _get("BOAI_PRIVACY_NOTICE_VERSION", lambda: env_str("BOAI_PRIVACY_NOTICE_VERSION", "2026-01"))
