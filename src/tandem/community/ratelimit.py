"""A small fixed-window rate limiter on Django's cache.

The project uses the default cache (local memory per process unless CACHES says otherwise),
so limits are per worker process; that is enough to stop a single client flooding the form
or the Open311 endpoints. Keys name what is limited, e.g. ``report-ip:203.0.113.7`` or
``open311-key:<client id>``.
"""

import time

from django.core.cache import cache
from django.http import HttpRequest

# Reports from one address: a household or office may share one, so be generous.
REPORTS_PER_IP = 10
REPORTS_WINDOW_SECONDS = 60 * 60


def rate_limit_hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one request for ``key``; True when it is over ``limit`` in the current window."""
    window = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{key}:{window_seconds}:{window}"
    if cache.add(cache_key, 1, timeout=window_seconds + 1):
        return limit < 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds + 1)
        count = 1
    return count > limit


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the server saw it (a proxy in front must set REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR") or None
