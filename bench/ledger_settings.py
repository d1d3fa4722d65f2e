"""Settings for bench/ledger.py only: the normal settings plus a bench URL conf with a bare endpoint,
and a public rate limit high enough not to throttle the load generator (the throttle still runs)."""

import os

os.environ.setdefault("BOAI_ENV", "production")
os.environ.setdefault("BOAI_SECRET_KEY", "bench-only-" + "x" * 40)
os.environ.setdefault("BOAI_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("BOAI_SECURE_SSL_REDIRECT", "false")

from boai.config.settings import *  # noqa: E402,F403

ROOT_URLCONF = "ledger_urls"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public": "1000000000/s"}}  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
