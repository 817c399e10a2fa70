"""Rate limits of the portal's public look-ups, per client address (core.rate_limits).

Each scope has two settings in ``GOVHALL``: ``<SCOPE>_MAX_PER_WINDOW`` uses per
``<SCOPE>_WINDOW_SECONDS``. A refused use gets the page itself with status 429, a
``Retry-After`` header and a notice naming the time to try again (``portal/_rate_limited.html``).
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from govhall.core.rate_limits import RateLimitVerdict, rate_limit_hit
from govhall.identity.services.sign_in import ClientContext

CASE_LOOKUP = "CASE_LOOKUP"
LICENSE_VERIFY = "LICENSE_VERIFY"


def public_lookup_count(request: HttpRequest, scope: str) -> RateLimitVerdict:
    """Count one look-up of ``scope`` for the request's address (REMOTE_ADDR, as sign-in)."""
    address = ClientContext.from_request(request).ip_address or "unknown"
    return rate_limit_hit(
        scope=scope.lower(),
        client=address,
        limit=int(settings.GOVHALL[f"{scope}_MAX_PER_WINDOW"]),
        window_seconds=int(settings.GOVHALL[f"{scope}_WINDOW_SECONDS"]),
    )


def render_rate_limited(
    request: HttpRequest, template: str, context: dict[str, Any], verdict: RateLimitVerdict
) -> HttpResponse:
    """``template`` with status 429; ``rate_limited`` in the context says when to come back."""
    retry_at = timezone.now() + datetime.timedelta(seconds=verdict.retry_after)
    limited = {"retry_at": retry_at, "minutes": math.ceil(verdict.retry_after / 60)}
    response = render(request, template, {**context, "rate_limited": limited}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response
