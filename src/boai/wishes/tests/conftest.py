import pytest


@pytest.fixture(autouse=True)
def _sms_outbox(settings, tmp_path):
    """Each test reads its own SMS outbox (the file backend)."""
    settings.BOAI_SMS_BACKEND = "boai.core.sms.FileSmsBackend"
    settings.BOAI_SMS_DIR = tmp_path / "sms"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids); pages under test pick their own language."""
    from django.utils import translation

    with translation.override("en"):
        yield
