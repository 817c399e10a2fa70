"""Fixed-window rate limits counted in Django's cache (local memory, or Redis at scale).

For public pages that anyone may use without signing in — the case progress look-up and the
license verification page — where each use, not each failure, counts. Sign-in and SMS codes
are limited in identity.services.sign_in instead, over their attempt tables: those limits
must hold across restarts and are audited. A window opens with a client's first use and
closes ``window_seconds`` later; ``add`` and ``incr`` are atomic in both caches.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone


@dataclass(frozen=True, slots=True)
class RateLimitVerdict:
    """Whether this use is allowed, and in how many seconds the client's window closes."""

    allowed: bool
    retry_after: int


def rate_limit_hit(*, scope: str, client: str, limit: int, window_seconds: int) -> RateLimitVerdict:
    """Count one use of ``scope`` by ``client`` (an address) and say whether it is allowed."""
    key = f"rate-limit:{scope}:{client}"
    now = int(timezone.now().timestamp())
    cache.add(f"{key}:opened", now, window_seconds)
    cache.add(f"{key}:count", 0, window_seconds)
    try:
        count = cache.incr(f"{key}:count")
    except ValueError:  # expired between add and incr: a new window
        cache.set(f"{key}:count", 1, window_seconds)
        count = 1
    opened = int(cache.get(f"{key}:opened", now))
    return RateLimitVerdict(count <= limit, max(1, opened + window_seconds - now))
