import base64
import os
import subprocess
import sys

import pytest


def _key(n: int) -> str:
    return base64.b64encode(os.urandom(n)).decode()


@pytest.mark.django_db
def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "BOAI_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "boai.config.settings",
        "BOAI_SECRET_KEY": _key(48),
        "BOAI_ALLOWED_HOSTS": "boai.example.org",
        "BOAI_FIELD_KEYS": f"k1:{_key(16)}",
        "BOAI_BLIND_INDEX_KEY": _key(32),
        "BOAI_COMMITMENT_KEY": _key(32),
        "BOAI_LOG_ORIGIN": "boai.example.org/log",
        "BOAI_LOG_SIGNING_KEYS": f"boai.example.org/log:{_key(32)}",
        "DATABASE_URL": "postgres://boai@db.invalid:5432/boai",
        "BOAI_VAR_DIR": str(tmp_path),
    }
    env.pop("BOAI_DEBUG", None)
    result = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "boai.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_keys(tmp_path):
    env = {**os.environ, "BOAI_ENV": "production", "DJANGO_SETTINGS_MODULE": "boai.config.settings",
           "BOAI_SECRET_KEY": _key(48), "BOAI_ALLOWED_HOSTS": "x.org", "BOAI_VAR_DIR": str(tmp_path),
           "DATABASE_URL": "postgres://boai@db.invalid:5432/boai"}
    for name in ("BOAI_FIELD_KEYS", "BOAI_BLIND_INDEX_KEY", "BOAI_COMMITMENT_KEY"):
        env.pop(name, None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "boai.manage", "check", "--deploy"], env=env, capture_output=True, text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "BOAI_FIELD_KEYS" in result.stderr
