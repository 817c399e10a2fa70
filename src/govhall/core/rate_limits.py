"""Fixed-window rate limits counted in Django's cache (local memory, or Redis at scale).

For public look-ups that anyone may use without signing in — the case progress look-up and the
license verification page — where each use, not each failure, counts. Sign-in and SMS codes
are limited in identity.services.sign_in instead, over their attempt tables: those limits
must hold across restarts and are audited. A window opens with a client's first use and
closes ``window_seconds`` later; ``add`` and ``incr`` are atomic in both caches.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

CASE_LOOKUP = "CASE_LOOKUP"
LICENSE_VERIFY = "LICENSE_VERIFY"
"""Scopes of the public look-ups; each has ``<SCOPE>_MAX_PER_WINDOW`` uses per
``<SCOPE>_WINDOW_SECONDS`` in ``settings.GOVHALL``, shared by the page and the API."""


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


def client_address(request: HttpRequest) -> str | None:
    """The address a client's attempts are counted on: ``REMOTE_ADDR`` only.

    ``X-Forwarded-For`` is the reverse proxy's job to translate (docs/security.md), otherwise
    any client could choose the address its rate limit is counted on.
    """
    return request.META.get("REMOTE_ADDR") or None


def public_lookup_count(request: HttpRequest, scope: str) -> RateLimitVerdict:
    """Count one public look-up of ``scope`` (``CASE_LOOKUP``, ``LICENSE_VERIFY``) for the
    request's address; the portal page and the API of one scope share the client's budget."""
    return rate_limit_hit(
        scope=scope.lower(),
        client=client_address(request) or "unknown",
        limit=int(settings.GOVHALL[f"{scope}_MAX_PER_WINDOW"]),
        window_seconds=int(settings.GOVHALL[f"{scope}_WINDOW_SECONDS"]),
    )
