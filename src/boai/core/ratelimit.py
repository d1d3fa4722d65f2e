"""Rate limits for public pages that are not DRF views (DRF views use the `public` throttle).

A fixed-window counter in the cache (Redis in production, shared by all app servers), keyed by the
client address as nginx reports it. Over the limit: 429 with Retry-After.
"""

from __future__ import annotations

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework.throttling import BaseThrottle

from boai.core.middleware import client_ip

_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, unit = rate.partition("/")
    return int(count), _UNITS[unit]


_redis: list = []  # [client or None], resolved once per process


def _redis_client():
    """The Redis client behind the default cache (None for other caches), built once per process:
    redis-py clients are thread-safe and share the cache's connection pool."""
    if not _redis:
        from django.core.cache import caches
        from django.core.cache.backends.redis import RedisCache

        backend = caches["default"]
        _redis.append(backend._cache.get_client(write=True) if isinstance(backend, RedisCache) else None)
    return _redis[0]


def hit(scope: str, key: str, rate: str) -> int | None:
    """Count one request; the seconds to wait when over the limit, else None.

    On Redis: one round trip (INCR + EXPIRE pipelined); elsewhere the cache's add and incr."""
    limit, window = parse_rate(rate)
    now = int(time.time())
    bucket = now // window
    cache_key = f"rl:{scope}:{key}:{bucket}"
    redis = _redis_client()
    if redis is not None:
        count, _ok = redis.pipeline(transaction=False).incr(cache_key).expire(cache_key, window + 1).execute()
    else:
        cache.add(cache_key, 0, timeout=window + 1)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # evicted between add and incr
            cache.set(cache_key, 1, timeout=window + 1)
            count = 1
    if count > limit:
        return (bucket + 1) * window - now
    return None


class PublicRateThrottle(BaseThrottle):
    """DRF throttle for public endpoints: the `public` rate as a fixed-window counter, O(1) per request.

    DRF's SimpleRateThrottle re-stores every request time of the window on each request, which costs
    O(rate); this is one counter increment whatever the configured rate."""

    scope = "public"
    THROTTLE_RATES = None  # None: the settings' rates (tests may set a dict here)

    def allow_request(self, request, view) -> bool:
        rates = self.THROTTLE_RATES or settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        self.wait_seconds = hit(f"api-{self.scope}", self.get_ident(request), rates[self.scope])
        return self.wait_seconds is None

    def wait(self) -> float | None:
        return self.wait_seconds


def ratelimit(scope: str, rate: str | None = None):
    """Decorate a view function (or `dispatch`) to limit requests per client address."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            request = args[0] if not hasattr(args[0], "request") else args[0].request
            wait = hit(scope, client_ip(request) or "unknown", rate or settings.REST_FRAMEWORK[
                "DEFAULT_THROTTLE_RATES"]["public"])
            if wait is not None:
                response = HttpResponse(_("Too many requests. Please wait a moment and try again."), status=429,
                                        content_type="text/plain; charset=utf-8")
                response["Retry-After"] = str(max(wait, 1))
                return response
            return view(*args, **kwargs)

        return wrapped

    return decorator
