"""Settings for the test suite: the normal settings with BOAI_ENV=test (fast hashing, no debug)."""

import os

os.environ.setdefault("BOAI_ENV", "test")

from boai.config.settings import *  # noqa: E402,F403
from boai.config.settings import REDIS_URL  # noqa: E402

# Parallel test workers (pytest-xdist) must not share a Redis cache database: each test clears the
# cache, and Redis clears a whole database at once. Worker gwN uses database (base + 1 + N) % 16.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _worker.startswith("gw"):
    from urllib.parse import urlsplit, urlunsplit

    _parts = urlsplit(REDIS_URL)
    _base = int(_parts.path.strip("/") or 0)
    _db = (_base + 1 + int(_worker[2:])) % 16
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": urlunsplit(_parts._replace(path=f"/{_db}"))}}
