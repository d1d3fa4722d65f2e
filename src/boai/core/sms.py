"""SMS through a provider interface. Real providers (Aliyun, Tencent Cloud...) implement `send`;
the console and file backends serve development and tests."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("boai.sms")


@dataclass(frozen=True)
class SmsResult:
    ok: bool
    message_id: str = ""
    error: str = ""


class SmsBackend:
    def send(self, *, mobile: str, text: str) -> SmsResult:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    def send(self, *, mobile: str, text: str) -> SmsResult:
        logger.info("SMS to %s: %s", mobile[:3] + "****" + mobile[-4:], text)
        return SmsResult(True, uuid.uuid4().hex)


class FileSmsBackend(SmsBackend):
    """Appends one JSON line per message to var/sms/outbox.jsonl (development, tests)."""

    def send(self, *, mobile: str, text: str) -> SmsResult:
        directory = settings.BOAI_SMS_DIR
        directory.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        line = {"id": message_id, "to": mobile, "text": text, "at": timezone.now().isoformat()}
        with open(directory / "outbox.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        return SmsResult(True, message_id)


@lru_cache(maxsize=1)
def get_backend() -> SmsBackend:
    return import_string(settings.BOAI_SMS_BACKEND)()
